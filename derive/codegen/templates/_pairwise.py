"""mjsd.pairwise: the n x m matrix of divergences between two sets of laws, by broadcasting views.

Every kernel function carries ``laws``: the names of the first and second law's parameters with the number of core
axes of each (0 for a scalar, 1 for a vector, 2 for a matrix). The first set gets a new axis after its leading one,
so the kernel broadcasts (n, 1) against (m,) without materialising n x m copies of any parameter: only the result
is n x m (a closed form with a vectorised batch loop copies one block of some 30000 pairs' parameters at a time,
runtime _parallel.run_broadcast).
"""
import numpy as np


def pairwise(divergence, first, second, **fixed):
    """The matrix D[i, j] = divergence(law i of ``first``, law j of ``second``), float64 of shape (n, m).

    divergence: a kernel function of mjsd, e.g. mjsd.mvnormal.jsd_geometric
    first: the first set's parameters in the function's order for the first law, each with a leading axis of
        length n (e.g. (locs, covs) of shapes (n, d) and (n, d, d)); one array for a one-parameter law
    second: the second set's, leading axis m
    fixed: the remaining arguments by name (alpha, a shared parameter such as binomial's n, out=), broadcasting
        with (n, m)
    """
    arguments = dict(fixed)
    for which, laws, values in _sets(divergence, first, second):
        for (name, core), value in zip(laws, values):
            array = np.asarray(value)
            if array.ndim != core + 1:
                raise ValueError(f"{name} must have one leading axis over the {which} set before its "
                                 f"{core} parameter axes, shape ({'n' if which == 'first' else 'm'}, ...), "
                                 f"got shape {array.shape}")
            arguments[name] = array[:, None] if which == "first" else array
    return divergence(**arguments)


def pairwise_dask(divergence, first, second, chunks=(2048, 2048), **fixed):
    """``pairwise`` as a lazy dask array, block by block: for matrices too large for one machine's memory or time.

    first, second, fixed: as for ``pairwise``; the parameter arrays may be numpy or dask arrays. chunks: the
    (rows, columns) of one block; each block is one ``pairwise`` call on the two slices, so a block costs
    8 * rows * columns bytes and the parameters of rows + columns laws. Compute it, or reduce it first (min, argmin
    over a row, a threshold count), on any dask scheduler, e.g. a distributed cluster: the workers need mjsd
    installed. Needs dask (``pip install "dask[array]"``), imported only here.
    """
    import dask.array as da

    pieces, counts = [], []
    for (_, laws, values), index, rows in zip(_sets(divergence, first, second), "ij", chunks):
        counts.append(len(values))
        for (_, core), value in zip(laws, values):
            array = da.asarray(value)
            pieces += [array.rechunk((rows,) + array.shape[1:]), index + "abc"[:core]]

    def block(*arrays):
        return pairwise(divergence, tuple(arrays[:counts[0]]), tuple(arrays[counts[0]:]), **fixed)

    return da.blockwise(block, "ij", *pieces, dtype=np.float64, concatenate=True)


def _sets(divergence, first, second):
    """("first" or "second", the law's (name, core axes) pairs, its parameter values as a tuple) for both sets,
    after checking that ``divergence`` is a kernel function of two laws and each set holds one value per parameter."""
    laws = getattr(divergence, "laws", None)
    if laws is None:
        raise TypeError(f"{getattr(divergence, '__name__', divergence)!r} is not an mjsd divergence of two laws")
    sets = []
    for which, names, values in (("first", laws[0], first), ("second", laws[1], second)):
        values = tuple(values) if isinstance(values, (tuple, list)) and len(names) > 1 else (values,)
        if len(values) != len(names):
            expected = ", ".join(name for name, _ in names)
            raise ValueError(f"{which} must hold {len(names)} parameter arrays ({expected}), got {len(values)}")
        sets.append((which, names, values))
    return sets
