"""Large batches through each elementwise kernel's loop over flat contiguous arrays (each family's ``_<kernel>_batch``).

numba's ufunc loops call the kernel one pair at a time, and LLVM cannot vectorise them. A closed form written in
plain arithmetic (runtime _elementary.py's log instead of libm's) is instead looped over here in blocks of
contiguous float64 arrays, the kernel inlined, so that LLVM evaluates it on 4 or 8 pairs at once. A scalar argument,
an array of one entry, is spread over a block-sized buffer, so the inner loop reads every argument contiguously.
The numeric kernels (quadrature, series) get the same loop, not vectorised: compiled without the GIL, it lets a few
costly pairs run on several threads. Batches that broadcast in other ways (pairwise matrices, strided views) reach
the same loop through contiguous copies of blocks of their arguments (runtime _parallel.run_broadcast).
"""
import numba
import numpy as np

BLOCK = 512  # pairs per inner loop: its buffers stay in the L1 cache


@numba.njit(cache=True, error_model="numpy", nogil=True, inline="always")
def spread(x):
    """A one-entry argument repeated over a block; nothing for an argument of the batch's length (used in place)."""
    return np.full(BLOCK, x[0]) if x.size == 1 else np.empty(0)


@numba.njit(cache=True, error_model="numpy", nogil=True, inline="always")
def block(x, spread, start, stop):
    """Entries start:stop of an argument: its own, or its spread value."""
    return spread[:stop - start] if x.size == 1 else x[start:stop]

