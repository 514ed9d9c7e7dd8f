"""Argument checking shared by every public function: clear errors before any numba code runs.

Each public function hands its arguments here as (name, value, constraint) triples; the values come back as float64
arrays that broadcast together, or a ValueError/TypeError names the parameter and the constraint it breaks.
Vector parameters (a categorical's probabilities, a Dirichlet's concentrations, a mean) hold one law per row along the
last axis, matrix parameters (covariances) one law per d x d matrix along the last two; their leading axes broadcast
with the other arguments, and all of them must agree on the length d. Degrees of freedom (a Wishart law's) must
exceed d - 1, d that common length.
"""

import numpy as np

from . import _parallel

REAL = "real"
POSITIVE = "positive"
NONNEGATIVE = "nonnegative"
UNIT = "unit"  # the skew alpha, in [0, 1]
OPEN_UNIT = "open_unit"  # a probability of a law inside its family: in (0, 1)
COUNT = "count"  # a number of trials: a positive integer
SIMPLEX = "simplex"  # rows of probabilities, each > 0, summing to 1
POSITIVE_VECTOR = "positive_vector"  # rows of positive entries
REAL_VECTOR = "real_vector"  # rows (..., d) of finite entries, d >= 1: means
SCALE_VECTOR = "scale_vector"  # rows (..., d) of positive entries, d >= 1: standard deviations
SPD = "spd"  # symmetric positive definite matrices (..., d, d): covariances
DEGREES_OF_FREEDOM = "degrees_of_freedom"  # a scalar > d - 1, d the dimension of the matrix arguments (Wishart)
VECTORS = (SIMPLEX, POSITIVE_VECTOR, REAL_VECTOR, SCALE_VECTOR)
CORE_DIMENSIONS = {**{v: 1 for v in VECTORS}, SPD: 2}  # trailing axes holding one law's parameter
MINIMUM_LENGTH = {SIMPLEX: 2, POSITIVE_VECTOR: 2}  # a law on the simplex needs two categories; others take d >= 1
SYMMETRY_TOLERANCE = 1e-10  # |a_ij - a_ji| allowed, relative to sqrt(a_ii a_jj) (rounding of a computed covariance)
OVERFLOWING = 1e154  # entries whose square overflows float64 (1.8e308); a NaN at one is not the matrices' fault
SIMPLEX_TOLERANCE = 1e-8  # how far a row's sum may stray from 1 (float64 rounding of a sum of k terms is far smaller)

_RULES = {
    REAL: ("must be finite", lambda v: np.isfinite(v)),
    POSITIVE: ("must be finite and > 0", lambda v: np.isfinite(v) & (v > 0)),
    NONNEGATIVE: ("must be finite and >= 0", lambda v: np.isfinite(v) & (v >= 0)),
    UNIT: ("must lie in [0, 1]", lambda v: (v >= 0) & (v <= 1)),
    OPEN_UNIT: ("must lie in (0, 1)", lambda v: (v > 0) & (v < 1)),
    COUNT: ("must be a positive integer", lambda v: np.isfinite(v) & (v >= 1) & (v == np.round(v))),
    SIMPLEX: ("entries must be finite and > 0", lambda v: np.isfinite(v) & (v > 0)),
    POSITIVE_VECTOR: ("entries must be finite and > 0", lambda v: np.isfinite(v) & (v > 0)),
    REAL_VECTOR: ("entries must be finite", lambda v: np.isfinite(v)),
    SCALE_VECTOR: ("entries must be finite and > 0", lambda v: np.isfinite(v) & (v > 0)),
    SPD: ("entries must be finite", lambda v: np.isfinite(v)),
    DEGREES_OF_FREEDOM: ("must be finite", lambda v: np.isfinite(v)),  # and > d - 1: checked with the matrices
}


def as_float64(name, value):
    """A float64 array from a real scalar, sequence or array; TypeError names the argument otherwise."""
    try:
        array = np.asarray(value)
    except ValueError:  # a ragged nested sequence: numpy's message would not say which argument
        raise ValueError(f"{name} must be a real number or a rectangular array of real numbers, got a ragged "
                         f"{type(value).__name__}") from None
    if array.dtype == np.bool_ or array.dtype.kind not in "iuf":
        raise TypeError(f"{name} must be a real number or an array of real numbers, got {array.dtype} "
                        f"({type(value).__name__})")
    return array.astype(np.float64, copy=False)


class Checked(list):
    """The validated float64 arrays, in argument order, with ``shape`` (the broadcast batch shape of the result),
    ``cores`` (each array's number of core axes) and ``deferred`` (the value checks still to do, see check)."""

    def __init__(self, arrays, shape, cores, deferred, names=()):
        super().__init__(arrays)
        self.shape, self.cores, self.deferred, self.names = shape, cores, deferred, names

    def check_values(self):
        """Run the deferred value checks: raise naming the first argument and entry that breaks its constraint."""
        for (name, constraint), array in zip(self.deferred, self):
            message, holds = _RULES[constraint]
            _located(name, array, holds(array), message)


def check(*arguments, values=True):
    """Validate (name, value, constraint) triples; return the float64 arrays, broadcast-compatible.

    ``values=False`` checks types and shapes only: for kernels that test their scalar arguments' constraints
    themselves and return NaN on a violation, the values are checked (and the error raised) only when the result
    holds a NaN, which saves several passes over a large batch.
    """
    if not values and all(type(value) is float and constraint in _SCALAR_RULES for _, value, constraint in arguments):
        return _floats(arguments)
    arrays = [_checked(name, value, constraint, values) for name, value, constraint in arguments]
    cores = [CORE_DIMENSIONS.get(constraint, 0) for _, _, constraint in arguments]  # each array's core axes
    laws = [(name, a, core) for (name, _, _), a, core in zip(arguments, arrays, cores) if core]
    if len({a.shape[-1] for _, a, _ in laws}) > 1:
        shapes = " and ".join(f"{name} {a.shape}" for name, a, _ in laws)
        if any(core == 2 for _, _, core in laws):
            raise ValueError(f"{shapes} disagree on the dimension d: vectors are (..., d), matrices (..., d, d)")
        raise ValueError(f"{shapes} must have rows of the same length (the last axis)")
    dimension = laws[0][1].shape[-1] if laws else 1
    for (name, _, constraint), array in zip(arguments, arrays):
        if constraint == DEGREES_OF_FREEDOM:
            _located(name, array, array > dimension - 1, f"must be > d - 1 = {dimension - 1} (the matrices are "
                                                         f"{dimension} x {dimension})")
    batch = [a.shape[:a.ndim - core] for a, core in zip(arrays, cores)]
    try:
        shape = np.broadcast_shapes(*batch)
    except ValueError:
        shapes = ", ".join(f"{name} {a.shape}" for (name, _, _), a in zip(arguments, arrays))
        raise ValueError(f"argument shapes do not broadcast together: {shapes}") from None
    deferred = [] if values else [(name, constraint) for name, _, constraint in arguments]
    return Checked(arrays, shape, cores, deferred, [name for name, _, _ in arguments])


_SCALAR_RULES = {REAL, POSITIVE, NONNEGATIVE, UNIT, OPEN_UNIT, COUNT}


def _floats(arguments):
    """check(values=False) for Python floats alone, the common scalar call: the same result (np.float64 scalars,
    which behave as 0-d arrays) without numpy's array and broadcasting machinery, 5 of a scalar call's 8 us."""
    arrays = [np.float64(value) for _, value, _ in arguments]
    names = [name for name, _, _ in arguments]
    return Checked(arrays, (), [0] * len(arrays), [(name, constraint) for name, _, constraint in arguments], names)


def _checked(name, value, constraint, values=True):
    array = as_float64(name, value)
    shortest = MINIMUM_LENGTH.get(constraint, 1)
    if constraint in VECTORS and (array.ndim == 0 or array.shape[-1] < shortest):
        length = "k >= 2" if shortest == 2 else "d >= 1"
        raise ValueError(f"{name} must be an array of shape (..., {'k' if shortest == 2 else 'd'}) with {length}, "
                         f"got shape {array.shape}")
    if constraint == SPD and (array.ndim < 2 or array.shape[-1] != array.shape[-2] or array.shape[-1] == 0):
        raise ValueError(f"{name} must be an array of square matrices, shape (..., d, d) with d >= 1, "
                         f"got shape {array.shape}")
    if constraint == SPD or not values:  # SPD: checked inside the kernel (see positive_definite)
        return array
    message, holds = _RULES[constraint]
    _located(name, array, holds(array), message)
    if constraint == SIMPLEX:
        sums = array.sum(axis=-1)
        _located(name, sums, np.abs(sums - 1) <= SIMPLEX_TOLERANCE,
                 f"rows must sum to 1 (within {SIMPLEX_TOLERANCE:g})", "got a row summing to")
    return array


def _located(name, array, ok, message, got="got"):
    """Raise naming the first entry where ``ok`` fails: its value and, for arrays, its index."""
    if np.all(ok):
        return
    bad = np.argwhere(~np.asarray(ok))
    where = f" at index {tuple(int(i) for i in bad[0])}" if array.ndim else ""
    shown = array[tuple(bad[0])] if array.ndim else array
    raise ValueError(f"{name} {message}, {got} {float(shown)!r}{where}")


def _symmetric(name, array):
    """Raise naming the batch index of the first matrix that is not symmetric (within SYMMETRY_TOLERANCE)."""
    diagonal = np.abs(np.diagonal(array, axis1=-2, axis2=-1))
    scale = np.sqrt(diagonal[..., :, None] * diagonal[..., None, :])
    asymmetric = np.abs(array - np.swapaxes(array, -1, -2)) > SYMMETRY_TOLERANCE * scale
    bad = asymmetric.any(axis=(-2, -1))
    if np.any(bad):
        index = tuple(int(i) for i in np.argwhere(bad)[0])
        i, j = (int(k) for k in np.argwhere(asymmetric[index])[0])
        where = f" at batch index {index}" if index else ""
        raise ValueError(f"{name} must be symmetric positive definite: the matrix{where} is not symmetric "
                         f"(entry [{i}, {j}] = {float(array[index + (i, j)])!r}, entry [{j}, {i}] = {float(array[index + (j, i)])!r})")


def positive_definite(values, arrays, matrices):
    """Raise if a kernel returned NaN: a matrix argument was not finite, not symmetric or not positive definite.

    The kernels check their matrices themselves (in the same pass that factorises them, which costs far less than
    checking the whole batch here first) and return NaN for a bad one; every other argument was checked before.
    ``matrices`` are (name, position in arrays) of the SPD arguments; the error names the first argument and batch
    index at fault and what is wrong.
    """
    failed = np.isnan(values)
    if not np.any(failed):
        return
    for name, position in matrices:
        message, holds = _RULES[SPD]
        _located(name, arrays[position], holds(arrays[position]), message)
        _symmetric(name, arrays[position])
    for name, position in matrices:
        array = arrays[position]
        batch = array.shape[:-2]
        for index in np.argwhere(failed):
            own = tuple(int(i) if size > 1 else 0 for i, size in zip(index[len(index) - len(batch):], batch))
            try:
                np.linalg.cholesky(array[own])
            except np.linalg.LinAlgError:
                where = f" at batch index {own}" if own else ""
                raise ValueError(f"{name} must be symmetric positive definite: the matrix{where} is not "
                                 "(its Cholesky factorisation fails)") from None
    index = tuple(int(i) for i in np.argwhere(failed)[0])
    _overflowing(arrays, index, {name for name, _ in matrices})
    names = " and ".join(name for name, _ in matrices)
    raise ValueError(f"{names} are too close to singular to factorise{f' at batch index {index}' if index else ''} "
                     "(a Cholesky factorisation failed): check their condition numbers")


def _overflowing(arrays, index, skip):
    """Raise naming the first argument (not in ``skip``) with an entry at batch ``index`` beyond OVERFLOWING: valid,
    but its square overflows float64, which a kernel's formula (a Mahalanobis term, a mean's square) needs."""
    for name, array, core in zip(arrays.names, arrays, arrays.cores):
        if name in skip:
            continue
        batch = array.shape[:array.ndim - core]
        own = tuple(int(i) if size > 1 else 0 for i, size in zip(index[len(index) - len(batch):], batch))
        entries = np.abs(array[own])
        if np.any(entries > OVERFLOWING):
            at = tuple(int(i) for i in np.argwhere(np.atleast_1d(entries) > OVERFLOWING)[0])
            shown = float(np.atleast_1d(array[own])[at])
            where = f" at index {own + at if core else own}" if array.ndim else ""
            raise ValueError(f"{name} = {shown!r}{where} is valid but too large for this function in float64: "
                             f"its square overflows (beyond {OVERFLOWING:.0e}), so the formula has no float64 value")


def row_length(name, array, sizes):
    """Raise unless the rows of ``array`` (already checked) have one of the lengths a kernel supports."""
    if array.shape[-1] not in sizes:
        raise ValueError(f"{name} has rows of length {array.shape[-1]}; this function supports k in {sizes} only")


def result(values):
    """A Python float for all-scalar input, the float64 array otherwise."""
    return float(values) if np.ndim(values) == 0 else values


def apply(ufunc, arrays, out=None, quiet_overflow=False, matrices=(), *, grain, explain=None):
    """Run a kernel's ufunc on checked arrays, writing into ``out`` (returned) or a new array (a float for scalars).

    ``quiet_overflow``: for numeric kernels (quadrature, series), exp() overflowing at the farthest nodes, where the
    density is 0 and the integrand correctly vanishes, is expected and not reported as a RuntimeWarning.
    ``matrices``: the SPD arguments, as for ``positive_definite``. ``grain``: the fewest pairs worth a thread
    (runtime _parallel.py). ``explain``: for a kernel with a limit of its own (a series' count of terms), a function
    of the scalar arguments at a NaN (a dict by name) giving the error message, or None if the limit is not at fault.
    When a deferred value check fails, ``out`` may already hold part of the batch.
    """
    if out is None and not arrays.shape and not any(arrays.cores):
        value = ufunc.scalar(*(float(a) for a in arrays))
        if value != value:
            _explain_nan(np.float64(value), arrays, (), explain)
        return value
    target = np.empty(arrays.shape) if out is None else _output(out, arrays.shape)
    flat = _parallel.contiguous(arrays, target) if ufunc.batch is not None else None
    with np.errstate(**_quiet(arrays, matrices), **({"over": "ignore"} if quiet_overflow else {})):
        if flat is not None:
            nans = _parallel.run_flat(ufunc.batch, flat, target.reshape(-1), grain)
        elif ufunc.batch is not None:
            nans = _parallel.run_broadcast(ufunc.batch, arrays, target, grain)
        else:
            _parallel.run(ufunc, arrays, arrays.cores, target, grain)
            nans = np.isnan(target).any()
    if nans:
        _explain_nan(target, arrays, matrices, explain)
    return result(target) if out is None else out


def value_and_grad(ufunc, arrays, partials, matrices=(), *, grain):
    """Run a value-and-gradient kernel on checked arrays: (value, {name: partial}).

    ``partials`` maps each differentiated parameter's name to its position in ``arrays``; its partial has the batch
    shape followed by the parameter's own axes. Floats for all-scalar arguments. ``matrices``: as for apply.
    """
    shapes = [arrays.shape] + [arrays.shape + arrays[i].shape[arrays[i].ndim - arrays.cores[i]:]
                               for i in partials.values()]
    targets = tuple(np.empty(shape) for shape in shapes)
    with np.errstate(**_quiet(arrays, matrices)):
        _parallel.run(ufunc, arrays, arrays.cores, targets, grain)
    if np.isnan(targets[0]).any():
        _explain_nan(targets[0], arrays, matrices)
    value, *rest = (result(target) for target in targets)
    return value, dict(zip(partials, rest))


def _quiet(arrays, matrices=()):
    """np.errstate's options while a kernel runs: a kernel testing its own arguments may still evaluate its formula on a
    rejected entry (LLVM computes both sides of a cheap branch; a matrix with an inf or NaN entry is factorised before
    it is rejected); the floating-point flags that raises are not the user's concern, the named error is. Flags
    from valid matrices stay visible: they may be the only sign of a wrong value."""
    rejected = any(not np.all(np.isfinite(arrays[position])) for _, position in matrices)
    return {"divide": "ignore", "invalid": "ignore"} if arrays.deferred or rejected else {}


def _explain_nan(values, arrays, matrices, explain=None):
    """Raise for a NaN a kernel returned: the argument that breaks its constraint, the matrix that is not positive
    definite, or else (valid arguments beyond the range where the kernel's float64 formula holds) the batch index, so
    that no NaN reaches the caller silently."""
    if arrays.deferred:
        arrays.check_values()
    if matrices:
        positive_definite(values, arrays, matrices)
    index = tuple(int(i) for i in np.argwhere(np.isnan(values))[0]) if np.ndim(values) else ()
    at = {name: float(np.broadcast_to(array, arrays.shape)[index])
          for name, array, core in zip(arrays.names, arrays, arrays.cores) if not core}
    message = explain(at) if explain is not None else None
    if message:
        raise ValueError(message + (f" (at batch index {index})" if index else ""))
    scalars = ", ".join(f"{name}={value!r}" for name, value in at.items())
    raise ValueError(f"no float64 value{f' at batch index {index}' if index else ''} ({scalars}): the arguments are "
                     "valid but the kernel's formula overflows there (see benchmarks/ACCURACY.md for the ranges measured)")


def _output(out, shape):
    if not (isinstance(out, np.ndarray) and out.dtype == np.float64 and out.shape == shape and out.flags.writeable):
        got = (f"{out.dtype} array of shape {out.shape}{'' if out.flags.writeable else ', read-only'}"
               if isinstance(out, np.ndarray) else type(out).__name__)
        raise ValueError(f"out must be a writeable float64 array of shape {shape} (the broadcast batch shape), "
                         f"got {got}")
    return out
