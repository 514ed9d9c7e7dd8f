"""Large batches split across threads: each thread runs the kernel's ufunc on one slice of the batch.

The compiled ufunc loops release the GIL, so plain threads run them in parallel; slicing views of the broadcast
arguments copies nothing. Batches smaller than a kernel's grain (pairs per thread worth the hand-off, about 50 us of
work) run in the calling thread.
"""
import contextvars
import os
import threading
from concurrent.futures import ThreadPoolExecutor

import numpy as np


def _default_threads():
    variable = os.environ.get("MJSD_NUM_THREADS")
    if variable is not None:
        return _threads_checked(variable, "MJSD_NUM_THREADS")
    try:
        return len(os.sched_getaffinity(0))  # the cores this process may use (a container's or taskset's share)
    except AttributeError:  # not on every platform
        return os.cpu_count() or 1


def _threads_checked(value, name):
    try:
        count = int(value)
    except (TypeError, ValueError, OverflowError):  # OverflowError: an infinite float
        count = 0
    if count < 1 or str(count) != str(value).strip():
        raise ValueError(f"{name} must be a positive integer, got {value!r}")
    return count


_threads = _default_threads()
_pool = None
_pool_lock = threading.Lock()


def _forget_pool():
    """In a forked child the pool's threads do not exist: start a new pool there, else its first batch would hang."""
    global _pool, _pool_lock
    _pool, _pool_lock = None, threading.Lock()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forget_pool)


def set_num_threads(count):
    """Use up to ``count`` threads for large batches (default: the cores this process may use, or the environment
    variable MJSD_NUM_THREADS). 1 runs every batch in the calling thread."""
    global _threads, _pool
    count = _threads_checked(count, "count")
    with _pool_lock:
        if _pool is not None and count != _threads:
            _pool.shutdown(wait=True)
            _pool = None
        _threads = count


def get_num_threads():
    """How many threads a large batch is split across."""
    return _threads


def _executor():
    global _pool
    with _pool_lock:
        if _pool is None:
            _pool = ThreadPoolExecutor(_threads, thread_name_prefix="mjsd")
        return _pool


def run(ufunc, arrays, cores, target, grain):
    """ufunc(*arrays, target) for a batch of target.shape, split along its longest axis when that pays.

    ``target``: the output array, or a tuple of them for a ufunc with several outputs (value and partials), each of
    the batch shape followed by its own core axes. ``cores``: each array's number of trailing core axes (a vector's
    1, a matrix's 2); the other axes broadcast to the batch shape. ``grain``: the fewest pairs worth a thread.
    """
    targets = target if isinstance(target, tuple) else (target,)
    shape = targets[0].shape
    axis = int(np.argmax(shape)) if shape else 0
    pieces = min(_pieces(), targets[0].size // max(grain, _GIL_FREE), shape[axis]) if shape else 1
    pieces -= pieces % _threads if pieces > _threads else 0  # whole rounds: no thread left alone with the last piece
    if pieces < 2:
        ufunc(*arrays, *targets)
        return
    full = [np.broadcast_to(a, shape + a.shape[a.ndim - core:]) for a, core in zip(arrays, cores)]
    bounds = np.linspace(0, shape[axis], pieces + 1).astype(int)
    part = lambda low, high: (slice(None),) * axis + (slice(low, high),)
    _in_pool([(ufunc, *(a[part(low, high)] for a in full), *(t[part(low, high)] for t in targets))
              for low, high in zip(bounds[:-1], bounds[1:])])


# numpy's ufunc loops release the GIL only for more than 500 elements (NPY_BEGIN_THREADS_THRESHOLDED): smaller pieces
# ran one at a time, and 2000 quadrature pairs in 8 pieces of 250 took as long on two threads as on one
_GIL_FREE = 501


def run_flat(batch, arrays, out, grain):
    """batch(*arrays, out) for flat contiguous arrays, each of out's length or a single value (runtime _batch.py),
    split into ranges across threads when that pays; the number of NaNs the batch loop wrote."""
    pieces = min(_pieces(), out.size // grain)
    if pieces < 2:
        return batch(*arrays, out)
    bounds = np.linspace(0, out.size, pieces + 1).astype(int)
    return sum(_in_pool([(batch, *(a if a.size == 1 else a[low:high] for a in arrays), out[low:high])
                         for low, high in zip(bounds[:-1], bounds[1:])]))


def run_broadcast(batch, arrays, target, grain):
    """batch over arguments that broadcast to target.shape in other ways (pairwise's (n, 1) against (m,), strided or
    transposed views): blocks of about _BLOCK pairs along the leading axis, each argument's block copied contiguous
    (a single value stays one), the blocks spread over the threads; the number of NaNs written. The copies cost a
    few ns per pair and hold one block per thread, against the ufunc's unvectorised loop."""
    rows = target.shape[0]
    step = max(1, _BLOCK // max(target.size // max(rows, 1), 1))
    bounds = list(range(0, rows, step)) + [rows]
    calls = [(_broadcast_block, batch, arrays, target, low, high) for low, high in zip(bounds[:-1], bounds[1:])]
    if min(_pieces(), target.size // grain) < 2:
        return sum(function(*arguments) for function, *arguments in calls)
    return sum(_in_pool(calls))


_BLOCK = 1 << 15  # pairs per block of run_broadcast: its copies (a few arguments of 256 kB) stay in the L2 cache


def _broadcast_block(batch, arrays, target, low, high):
    """batch on rows low:high of the broadcast arguments, written into those rows of target."""
    flat = [a.reshape(-1)[:1] if a.size == 1 else
            np.ascontiguousarray(np.broadcast_to(a, target.shape)[low:high]).reshape(-1) for a in arrays]
    piece = target[low:high]
    if piece.flags.c_contiguous:
        return batch(*flat, piece.reshape(-1))
    block = np.empty(piece.shape)
    nans = batch(*flat, block.reshape(-1))
    piece[...] = block
    return nans


def contiguous(arrays, target):
    """The arguments as flat contiguous arrays if each is a single value or has the batch's shape in C order, and the
    output is C-contiguous (a closed form's batch loop, runtime _batch.py, then applies); else None."""
    if not target.flags.c_contiguous:
        return None
    flat = []
    for array in arrays:
        if array.size != 1 and (array.shape != target.shape or not array.flags.c_contiguous):
            return None
        flat.append(array.reshape(-1))
    return flat


def _pieces():
    """Pieces to split a batch into: a few per thread, so that a thread done early takes another (pairs can differ
    in cost by 10x, adaptive quadrature); 1 when there is one thread."""
    return _threads * _SHARES if _threads > 1 else 1


_SHARES = 4


def _in_pool(calls):
    """Each (function, *arguments) in the pool: their results, when all are done; re-raises a thread's exception."""
    futures = []
    for function, *arguments in calls:
        # each piece in a copy of the caller's context, so its np.errstate holds in the worker thread too
        context = contextvars.copy_context()
        futures.append(_executor().submit(context.run, function, *arguments))
    return [future.result() for future in futures]
