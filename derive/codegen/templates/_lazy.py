"""Kernels compiled at their first call, not at import: importing mjsd compiles nothing.

Each public function's ufunc is built by applying numba's vectorize/guvectorize decorator, with its one float64
signature, the first time it is needed; numba's on-disk cache (cache=True) makes that a load in later processes.
mjsd.precompile() builds them all at once (a container image, a warm-up before forking workers).
"""
import threading


class LazyUfunc:
    """decorator(function), built on first use and then called like the ufunc it is."""

    def __init__(self, decorator, function):
        self._decorator, self._function = decorator, function
        self._ufunc = None
        self._lock = threading.Lock()

    def build(self):
        """The compiled ufunc (compiling it, or loading it from numba's cache, the first time)."""
        if self._ufunc is None:
            with self._lock:
                if self._ufunc is None:
                    self._ufunc = self._decorator(self._function)
        return self._ufunc

    @property
    def built(self):
        return self._ufunc is not None

    def __call__(self, *args, **kwargs):
        return self.build()(*args, **kwargs)
