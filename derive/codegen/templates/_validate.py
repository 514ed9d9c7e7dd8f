"""Argument checking shared by every public function: clear errors before any numba code runs.

Each public function hands its arguments here as (name, value, constraint) triples; the values come back as float64
arrays that broadcast together, or a ValueError/TypeError names the parameter and the constraint it breaks.
"""
import numpy as np

REAL = "real"
POSITIVE = "positive"
UNIT = "unit"  # the skew alpha, in [0, 1]

_RULES = {
    REAL: ("must be finite", lambda v: np.isfinite(v)),
    POSITIVE: ("must be finite and > 0", lambda v: np.isfinite(v) & (v > 0)),
    UNIT: ("must lie in [0, 1]", lambda v: (v >= 0) & (v <= 1)),
}


def as_float64(name, value):
    """A float64 array from a real scalar, sequence or array; TypeError names the argument otherwise."""
    array = np.asarray(value)
    if array.dtype == np.bool_ or array.dtype.kind not in "iuf":
        raise TypeError(f"{name} must be a real number or an array of real numbers, got {array.dtype} "
                        f"({type(value).__name__})")
    return array.astype(np.float64, copy=False)


def check(*arguments):
    """Validate (name, value, constraint) triples; return the float64 arrays, broadcast-compatible."""
    arrays = []
    for name, value, constraint in arguments:
        array = as_float64(name, value)
        message, holds = _RULES[constraint]
        ok = holds(array)
        if not np.all(ok):
            bad = np.argwhere(~np.asarray(ok))
            where = f" at index {tuple(int(i) for i in bad[0])}" if array.ndim else ""
            shown = array[tuple(bad[0])] if array.ndim else array
            raise ValueError(f"{name} {message}, got {float(shown)!r}{where}")
        arrays.append(array)
    try:
        np.broadcast_shapes(*(a.shape for a in arrays))
    except ValueError:
        shapes = ", ".join(f"{name} {a.shape}" for (name, _, _), a in zip(arguments, arrays))
        raise ValueError(f"argument shapes do not broadcast together: {shapes}") from None
    return arrays


def result(values):
    """A Python float for all-scalar input, the float64 array otherwise."""
    return float(values) if np.ndim(values) == 0 else values
