"""Kernels compiled at their first call, not at import: importing mjsd compiles nothing.

Each public function's ufunc is built by applying numba's vectorize/guvectorize decorator, with its one float64
signature, the first time it is needed; numba's on-disk cache (cache=True) makes that a load in later processes.
mjsd.precompile() builds them all at once (a container image, a warm-up before forking workers).

An elementwise kernel called on scalars skips the ufunc: its loop's Python body tests the arguments and calls the
compiled scalar kernel, so a first scalar call builds nothing more and each call costs less.
"""
import threading


class LazyUfunc:
    """decorator(function), built on first use and then called like the ufunc it is."""

    def __init__(self, decorator, function, kernel=None, signature=None, batch=None):
        self._decorator, self._function = decorator, function
        self._kernel, self._signature = kernel, signature  # the scalar kernel the loop calls (elementwise only)
        self.batch = batch  # an elementwise kernel's loop over flat contiguous arrays (runtime _batch.py)
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

    def scalar(self, *args):
        """One value from float arguments through the loop's Python body, which calls the compiled kernel (elementwise
        kernels only)."""
        return self._function(*args)

    def precompile(self):
        """Compile (or load) what the public function calls, so that no later call compiles anything: the scalar
        kernel, and the batch loop where there is one (it takes every layout, runtime _parallel.py), else the ufunc."""
        if self.batch is None:
            self.build()
        if self._kernel is not None:
            self._kernel.compile(self._signature)
        if self.batch is not None:
            arguments = self._signature.count("float64") - 1  # the kernel's, without its result
            self.batch.compile(f"int64({', '.join(['float64[::1]'] * (arguments + 1))})")
