"""Fuzz every public function with wrong values, wrong types and shapes that do not broadcast (issue "fuzz").

For every public function (each family's __all__: the divergences, their value-and-gradient functions,
dirichlet.jsd_arithmetic_monte_carlo; and mjsd.pairwise, mjsd.set_num_threads) and every parameter, each bad value,
type or shape below is substituted into an otherwise valid call. A call passes when it

* returns what the equivalent valid call returns, bit for bit, with no NaN anywhere (value and partials): ints,
  numpy ints, float32 (against the call with float(np.float32(x))), lists, tuples, 0-d arrays; the right empty shape
  for empty arrays; or
* raises ValueError/TypeError whose message names the parameter (for wrong values, also a constraint: "must ...").

Anything else fails, quoting the exact call: another exception, a NaN, a RuntimeWarning (calls run under
warnings.simplefilter("error")), a hang. Hangs: signal.alarm(CALL_SECONDS) raises in Python code; compiled numba code
does not see the signal, so faulthandler.dump_traceback_later(TEST_SECONDS, exit=True) ends the process with every
thread's stack (under xdist the test then fails as a crashed worker instead of blocking the run).

Huge and tiny valid values (1e300, -1e300, 1e-300, p = 1e-300 or 1 - 2^-53, n = 1e300, matrices times 1e+-300):
the result must be finite and >= 0 (the classic JSD within [0, h(alpha)]), or the call must raise a clear error, with
one exception: +inf (with numpy's "overflow encountered" RuntimeWarning, or without) is accepted where the divergence
itself overflows float64. That is decided from the function itself on the way out: it is evaluated with the parameter
at 1e20, 1e40, 1e80, 1e160 (or their inverses, with the same sign); from the growth between the last two finite
values (a power law in the parameter) the value at 1e300 is predicted, and +inf is accepted when the prediction
exceeds 1e290 (within 1e18 of the float64 limit intermediate terms may overflow honestly). A divergence growing like log x (normal.kl in the second law's scale) must stay finite;
one growing like x^2 (a location) may be inf. Partials may be +-inf at these extremes (1/scale^2 overflows), never NaN.

Quadrature and series kernels (jsd_arithmetic) are fuzzed with scalar inputs only (no batch shapes beyond the
broadcasting cases). Each test reports its count of inputs ("fuzzed inputs", summed by conftest.py).
"""
import faulthandler
import fractions
import decimal
import inspect
import math
import re
import signal
import warnings

import numpy as np
import pytest

import mjsd
from mjsd import _validate

CALL_SECONDS = 20  # per call: signal.alarm, for Python code
TEST_SECONDS = 120  # per test: faulthandler's watchdog, for compiled code
OVERFLOW_PREDICTED = 1e290
BOUND_RTOL = 1e-9


# ---------------------------------------------------------------------------------------------------------------------
# The public surface and a valid call of each function
# ---------------------------------------------------------------------------------------------------------------------

CHECKED = re.compile(r'\("(\w+)", \w+, ([A-Z_]+)\)')


def parameters(function):
    """[(name, constraint)] from the function's call to _validate.check (every public kernel function makes one)."""
    source = inspect.getsource(function)
    call = source[source.index("_validate.check("):].split("\n", 1)[0]
    return [(name, getattr(_validate, constant)) for name, constant in CHECKED.findall(call)]


SURFACE = {(family, name): getattr(getattr(mjsd, family), name)
           for family in mjsd.FAMILIES for name in getattr(mjsd, family).__all__}


def ident(key):
    return ".".join(key)


SPD1 = np.array([[2.0, 0.3, 0.1], [0.3, 1.5, 0.2], [0.1, 0.2, 1.0]])
SPD2 = np.array([[1.0, -0.2, 0.0], [-0.2, 2.0, 0.1], [0.0, 0.1, 1.5]])
VALID = {  # constraint: (first law's value, second law's value); shared parameters take the first
    "real": (0.3, -0.4),
    "positive": (1.5, 2.5),
    "nonnegative": (1.5, 2.5),
    "open_unit": (0.3, 0.65),
    "count": (7.0, 7.0),
    "unit": (0.3, 0.3),
    "simplex": (np.array([0.2, 0.3, 0.5]), np.array([0.5, 0.25, 0.25])),
    "positive_vector": (np.array([1.5, 2.0, 0.7]), np.array([0.9, 3.0, 1.2])),
    "real_vector": (np.array([0.1, -0.2, 0.3]), np.array([0.0, 0.5, -0.1])),
    "scale_vector": (np.array([1.1, 0.9, 1.3]), np.array([0.8, 1.2, 1.0])),
    "spd": (SPD1, SPD2),
    "degrees_of_freedom": (5.0, 6.5),
}
MONTE_CARLO = {"samples": 200, "seed": 0}


def valid_call(key):
    """Keyword arguments of a valid call: scalars, rows of k = 3 (k = 2 for the Dirichlet quadrature), 3 x 3."""
    params = parameters(SURFACE[key])
    call = {}
    for name, constraint in params:
        first, second = VALID[constraint]
        value = second if name.endswith("2") else first
        if key == ("dirichlet", "jsd_arithmetic") and np.ndim(value):
            value = value[:2]
        call[name] = value
    if key[1] == "jsd_arithmetic_monte_carlo":
        call.update(MONTE_CARLO)
    return call


# ---------------------------------------------------------------------------------------------------------------------
# The inputs: wrong values (must raise, naming the parameter and a constraint), extremes (finite, or an honest
# overflow, or a clear error), equivalent types (the same result), wrong types (TypeError), shapes
# ---------------------------------------------------------------------------------------------------------------------

NAN, INF = float("nan"), float("inf")


def row(values):
    return np.array(values, dtype=float)


WRONG = {  # constraint: [(label, value)], each must raise ValueError naming the parameter and "must"
    "real": [("nan", NAN), ("inf", INF), ("-inf", -INF)],
    "positive": [("zero", 0.0), ("-zero", -0.0), ("negative", -1.0), ("nan", NAN), ("inf", INF), ("-inf", -INF)],
    "nonnegative": [("negative", -1.0), ("tiny negative", -1e-300), ("nan", NAN), ("inf", INF)],
    "open_unit": [("zero", 0.0), ("one", 1.0), ("negative", -0.5), ("above one", 1.5), ("nan", NAN), ("inf", INF)],
    "count": [("zero", 0.0), ("negative", -3.0), ("fraction", 2.5), ("nan", NAN), ("inf", INF)],
    "unit": [("negative", -0.1), ("above one", 1.0000001), ("nan", NAN), ("inf", INF), ("-inf", -INF)],
    "simplex": [("negative entry", row([0.5, 0.6, -0.1])), ("zero entry", row([0.0, 0.5, 0.5])),
                ("sum 0.9", row([0.3, 0.3, 0.3])), ("sum 1.1", row([0.4, 0.4, 0.3])), ("nan entry", row([NAN, 0.5, 0.5])),
                ("inf entry", row([INF, 0.5, 0.5])), ("one category", row([1.0])), ("0-d", np.array(1.0)),
                ("no categories", row([]))],
    "positive_vector": [("zero entry", row([0.0, 1.0, 1.0])), ("negative entry", row([-1.0, 1.0, 1.0])),
                        ("nan entry", row([NAN, 1.0, 1.0])), ("inf entry", row([INF, 1.0, 1.0])),
                        ("one category", row([1.0])), ("0-d", np.array(1.0))],
    "real_vector": [("nan entry", row([NAN, 0.0, 0.0])), ("inf entry", row([INF, 0.0, 0.0])), ("0-d", np.array(1.0)),
                    ("no entries", row([]))],
    "scale_vector": [("zero entry", row([0.0, 1.0, 1.0])), ("negative entry", row([-1.0, 1.0, 1.0])),
                     ("nan entry", row([NAN, 1.0, 1.0])), ("inf entry", row([INF, 1.0, 1.0])), ("0-d", np.array(1.0))],
    "spd": [("not symmetric", SPD1 + np.triu(np.full((3, 3), 0.5), 1)),
            ("indefinite", np.diag([1.0, -1.0, 2.0])), ("singular", np.diag([1.0, 0.0, 2.0])),
            ("zero", np.zeros((3, 3))), ("nan entry", np.where(np.eye(3) == 1, NAN, SPD1)),
            ("inf entry", np.where(np.eye(3) == 1, INF, SPD1)), ("not square", SPD1[:, :2]),
            ("vector", SPD1[0]), ("0-d", np.array(1.0)), ("empty matrix", np.empty((0, 0)))],
    "degrees_of_freedom": [("d - 1", 2.0), ("below d - 1", 1.0), ("negative", -1.0), ("nan", NAN), ("inf", INF)],
}

EXTREME = {  # constraint: [(label, value)]: valid, and as far out as float64 goes
    "real": [("1e300", 1e300), ("-1e300", -1e300)],
    "positive": [("1e300", 1e300), ("1e-300", 1e-300)],
    "nonnegative": [("1e300", 1e300), ("zero", 0.0)],
    "open_unit": [("1e-300", 1e-300), ("1e-12", 1e-12), ("1 - 2^-53", 1 - 2.0**-53)],
    "count": [("one", 1.0), ("1e9", 1e9), ("2^53", 2.0**53), ("1e300", 1e300)],
    "unit": [("zero", 0.0), ("one", 1.0)],
    "simplex": [("1e-300 entry", row([1e-300, 0.5, 0.5 - 1e-300]))],
    "positive_vector": [("1e300 entry", row([1e300, 1.0, 1.0])), ("1e-300 entry", row([1e-300, 1.0, 1.0]))],
    "real_vector": [("1e300 entry", row([1e300, 0.0, 0.0])), ("-1e300 entry", row([-1e300, 0.0, 0.0]))],
    "scale_vector": [("1e300 entry", row([1e300, 1.0, 1.0])), ("1e-300 entry", row([1e-300, 1.0, 1.0]))],
    "spd": [("times 1e300", SPD1 * 1e300), ("times 1e-300", SPD1 * 1e-300)],
    "degrees_of_freedom": [("1e300", 1e300), ("just above d - 1", 2.0 + 1e-9)],
}
# which scalar each extreme extrapolates from (None: no extrapolation, the value must be finite)
SCALE_OF = {"1e300": 1e300, "-1e300": -1e300, "1e-300": 1e-300, "1e300 entry": 1e300, "-1e300 entry": -1e300,
            "1e-300 entry": 1e-300, "times 1e300": 1e300, "times 1e-300": 1e-300}


class Odd:
    """An object numpy cannot make a number of."""


def equivalents(constraint, value):
    """[(label, substitute, the float value it stands for)]: must give the same result as the float call."""
    out = []
    if np.ndim(value) == 0:
        integral = {"real": -3, "positive": 2, "nonnegative": 2, "count": 7, "unit": 1, "degrees_of_freedom": 6}
        if constraint in integral:
            k = integral[constraint]
            out += [("int", k, float(k)), ("np.int64", np.int64(k), float(k)), ("np.int32", np.int32(k), float(k)),
                    ("np.uint8" if k >= 0 else "np.int8", (np.uint8 if k >= 0 else np.int8)(k), float(k))]
        out += [("np.float32", np.float32(value), float(np.float32(value))), ("np.float64", np.float64(value), value),
                ("0-d array", np.array(value), value), ("0-d float32 array", np.array(value, np.float32),
                                                        float(np.float32(value))),
                ("list", [value], np.array([value])), ("tuple", (value,), np.array([value])),
                ("nested list", [[value]], np.array([[value]]))]
    else:
        out += [("list", value.tolist(), value), ("tuple", tuple(map(tuple, value)) if value.ndim == 2 else tuple(value),
                                                  value),
                ("float32", value.astype(np.float32), value.astype(np.float32).astype(float)),
                ("one more axis", value[None], value[None]),
                ("non-contiguous", np.repeat(value, 2, axis=-1)[..., ::2], value)]
        if constraint in ("positive_vector", "scale_vector"):
            out.append(("int row", np.array([1, 2, 3][:value.shape[-1]]), np.array([1.0, 2.0, 3.0][:value.shape[-1]])))
        if constraint == "spd":
            out.append(("int matrix", np.diag([2, 3, 1]), np.diag([2.0, 3.0, 1.0])))
    return out


def wrong_types(value):
    """[(label, substitute)]: not real numbers, must raise TypeError naming the parameter."""
    scalar = float(np.ravel(value)[0]) if np.size(value) else 1.0
    out = [("complex", complex(scalar, 0.0)), ("np.complex128", np.complex128(scalar)),
           ("complex array", np.asarray(value, dtype=complex)), ("string", str(scalar)), ("None", None),
           ("bool", True), ("np.bool_", np.bool_(True)), ("bool array", np.ones(np.shape(value), dtype=bool)),
           ("object array", np.asarray(value, dtype=object)), ("object 0-d", np.array(Odd(), dtype=object)),
           ("list with a string", [scalar, "a"]), ("Fraction", fractions.Fraction(3, 2)),
           ("Decimal", decimal.Decimal("1.5")), ("bytes", b"1.5"), ("dict", {"x": scalar}), ("object", Odd()),
           ("datetime64", np.datetime64("2020-01-01"))]
    return out


# ---------------------------------------------------------------------------------------------------------------------
# Calling with protection, judging outcomes
# ---------------------------------------------------------------------------------------------------------------------

class Hang(Exception):
    pass


def _alarm(signum, frame):
    raise Hang(f"no result within {CALL_SECONDS} s")


def protected(function, kwargs, warnings_are_errors=True):
    """(result, None) or (None, exception): warnings are errors; a hang in Python code raises Hang (the watchdog of
    test_fuzz ends the process on a hang in compiled code)."""
    previous = signal.signal(signal.SIGALRM, _alarm)
    signal.alarm(CALL_SECONDS)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error" if warnings_are_errors else "ignore")
            return function(**kwargs), None
    except Exception as error:  # judged by the caller
        return None, error
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def show_call(key, kwargs):
    def short(v):
        if isinstance(v, np.ndarray):
            return f"np.array({v.tolist()!r}, dtype={v.dtype})" if v.size <= 9 else f"<array {v.dtype} {v.shape}>"
        return repr(v)
    return f"mjsd.{ident(key)}({', '.join(f'{k}={short(v)}' for k, v in kwargs.items())})"


def parts(result):
    """[(label, array)] of every number a call returned: the value, each partial, an estimate and its error."""
    if isinstance(result, tuple) and len(result) == 2 and isinstance(result[1], dict):
        return [("value", np.asarray(result[0], float))] + [(f"d/d{k}", np.asarray(v, float)) for k, v in result[1].items()]
    if isinstance(result, tuple):
        return [(f"output {i}", np.asarray(v, float)) for i, v in enumerate(result)]
    return [("value", np.asarray(result, float))]


def named_error(error, name, phrase=None):
    """None if error is a ValueError/TypeError naming ``name`` (and containing ``phrase``), else what is wrong."""
    if not isinstance(error, (ValueError, TypeError)) or isinstance(error, Hang):
        return f"raised {type(error).__name__}: {error}"
    message = str(error)
    if not re.search(rf"(?<![A-Za-z0-9_]){re.escape(name)}(?![A-Za-z0-9_])", message):
        return f"{type(error).__name__} does not name {name}: {message}"
    if phrase and phrase not in message:
        return f"{type(error).__name__} does not say what {name} {phrase}: {message}"
    return None


def same_result(result, reference):
    """None if result equals reference bit for bit (same shapes, same partials), else what differs."""
    got, want = parts(result), parts(reference)
    if [label for label, _ in got] != [label for label, _ in want]:
        return f"returned {[label for label, _ in got]}, expected {[label for label, _ in want]}"
    if type(result) is not type(reference) and not (isinstance(result, np.ndarray) and isinstance(reference, np.ndarray)):
        if not (isinstance(result, tuple) and isinstance(reference, tuple)):
            return f"returned a {type(result).__name__}, the float call a {type(reference).__name__}"
    for (label, a), (_, b) in zip(got, want):
        if a.shape != b.shape or not np.array_equal(a.view(np.int64), b.view(np.int64)):
            return f"{label} {a!r} != {b!r} (the float call's)"
    return None


def no_nan(result):
    for label, array in parts(result):
        if np.isnan(array).any():
            return f"{label} holds NaN: {array!r}"
    return None


# ---------------------------------------------------------------------------------------------------------------------
# The cases of one function
# ---------------------------------------------------------------------------------------------------------------------

def binary_entropy(alpha):
    return -alpha * math.log(alpha) - (1 - alpha) * math.log1p(-alpha) if 0 < alpha < 1 else 0.0


def extrapolated_overflow(key, call, name, constraint, scale):
    """Predicted |value| at the extreme from the values at 1e20 .. 1e160 (or their inverses): (prediction, problem)."""
    points = [scale_like(scale, e) for e in (20, 40, 80, 160)]
    values = []
    for x in points:
        kwargs = dict(call, **{name: substitute_scale(constraint, call[name], x, scale)})
        result, error = protected(SURFACE[key], kwargs, warnings_are_errors=False)
        if error is not None:
            return None, f"on the way out, {show_call(key, kwargs)} raised {type(error).__name__}: {error}"
        value = float(np.ravel(parts(result)[0][1])[0])
        if math.isnan(value):
            return None, f"on the way out, {show_call(key, kwargs)} = nan"
        values.append(value)
    if math.isinf(values[-1]):
        return math.inf, None
    finite = [(x, v) for x, v in zip(points, values) if v > 0 and math.isfinite(v)]
    if len(finite) < 2:
        return 0.0, None
    (xa, va), (xb, vb) = finite[-2], finite[-1]
    slope = math.log(vb / va) / math.log(abs(xb) / abs(xa))
    return math.exp(min(700.0, math.log(vb) + slope * math.log(abs(scale) / abs(xb)))), None


def scale_like(scale, exponent):
    return math.copysign(10.0 ** (exponent if abs(scale) > 1 else -exponent), scale)


def substitute_scale(constraint, base, x, scale):
    """The extreme's counterpart at x: the same shape (an entry, a matrix times x)."""
    if constraint == "spd":
        return SPD1 * abs(x)
    if np.ndim(base):
        value = np.array(base, dtype=float)
        value[0] = x
        return value
    return x


def judge_extreme(key, call, name, constraint, label, value):
    """None if the call at an extreme valid value is acceptable, else the problem."""
    kwargs = dict(call, **{name: value})
    result, error = protected(SURFACE[key], kwargs)
    overflow_warned = isinstance(error, RuntimeWarning) and "overflow" in str(error)
    if overflow_warned:  # numpy's convention for an overflowing result: acceptable only if the divergence overflows
        result, error = protected(SURFACE[key], kwargs, warnings_are_errors=False)
    if error is not None:
        problem = named_error(error, name)
        return None if problem is None else f"{show_call(key, kwargs)}: {problem}"
    if overflow_warned and all(np.all(np.isfinite(array)) for _, array in parts(result)):
        return f"{show_call(key, kwargs)}: RuntimeWarning (overflow) with a finite result {parts(result)[0][1]!r}"
    problem = no_nan(result)
    if problem:
        return f"{show_call(key, kwargs)}: {problem}"
    main = parts(result)[0][1]
    if key[1] == "jsd_arithmetic_monte_carlo":
        return None if np.all(np.isfinite(main)) else f"{show_call(key, kwargs)}: estimate {main!r}"
    if np.any(main < 0):
        return f"{show_call(key, kwargs)}: negative {main!r}"
    if key[1] == "jsd_arithmetic":
        bound = binary_entropy(float(kwargs.get("alpha", 0.5)))
        if not np.all(main <= bound * (1 + BOUND_RTOL)):
            return f"{show_call(key, kwargs)}: {main!r} outside [0, h(alpha) = {bound!r}]"
        return None
    if np.all(np.isfinite(main)):
        return None
    scale = SCALE_OF.get(label)
    if scale is None:
        return f"{show_call(key, kwargs)}: {main!r}, where the divergence is finite"
    predicted, problem = extrapolated_overflow(key, call, name, constraint, scale)
    if problem:
        return problem
    if predicted < OVERFLOW_PREDICTED:
        return f"{show_call(key, kwargs)}: {main!r}, where the divergence is about {predicted:.3g} (extrapolated)"
    return None


def cases(key):
    """[(parameter, label, kind, substitute, the equivalent float value or None)] for one function."""
    call = valid_call(key)
    params = parameters(SURFACE[key])
    out = []
    for name, constraint in params:
        base = call[name]
        fit = lambda value: value[:base.shape[-1]] if np.ndim(value) == 1 and len(value) == 3 and np.ndim(base) else value
        for label, value in WRONG[constraint]:
            out.append((name, label, "wrong", fit(value), None))
        for label, value in EXTREME[constraint]:
            out.append((name, label, "extreme", fit(value), None))
        for label, value, equivalent in equivalents(constraint, base):
            if constraint == "unit" and label in ("int", "np.int64", "np.int32", "np.uint8"):
                equivalent = float(value)
            out.append((name, label, "same", value, equivalent))
        for label, value in wrong_types(base):
            out.append((name, label, "type", value, None))
        out.append((name, "empty", "empty", np.empty((0,) + np.shape(base)), None))
        out.append((name, "does not broadcast", "shape", np.repeat(np.asarray(base)[None], 3, axis=0), None))
        if constraint in ("simplex", "positive_vector", "real_vector", "scale_vector"):
            longer = np.append(base, base[-1:])
            out.append((name, "one entry more", "shape", longer / longer.sum() if constraint == "simplex" else longer,
                        None))
        if constraint == "spd":
            out.append((name, "2 x 2 against 3 x 3", "shape", SPD1[:2, :2], None))
    if key[1] == "jsd_arithmetic_monte_carlo":
        for label, value, kind in [("one", 1, "wrong"), ("zero", 0, "wrong"), ("negative", -5, "wrong"),
                                   ("fraction", 2.5, "wrong"), ("nan", NAN, "wrong"), ("inf", INF, "wrong"),
                                   ("string", "10", "type"), ("None", None, "type"), ("complex", 10j, "type"),
                                   ("10**12", 10**12, "wrong"), ("np.int64", np.int64(200), "same"),
                                   ("float 200.0", 200.0, "same")]:
            out.append(("samples", label, kind, value, 200 if kind == "same" else None))
        for label, value, kind in [("negative", -1, "wrong"), ("string", "abc", "type"), ("float", 1.5, "type"),
                                   ("np.int64", np.int64(0), "same"), ("Generator", np.random.default_rng(0), "same")]:
            out.append(("seed", label, kind, value, 0 if kind == "same" else None))
    return call, out


def judge(key, call, case):
    """None if the outcome of one case is acceptable, else the problem (quoting the call)."""
    name, label, kind, value, equivalent = case
    constraint = dict(parameters(SURFACE[key])).get(name)
    if kind == "extreme":
        return judge_extreme(key, call, name, constraint, label, value)
    kwargs = dict(call, **{name: value})
    if kind == "shape":  # against another parameter of 4 laws
        other = next(n for n in call if n != name and n not in ("samples", "seed"))
        kwargs[other] = np.repeat(np.asarray(call[other])[None], 4, axis=0)
        if label != "does not broadcast":
            kwargs[other] = call[other]
    result, error = protected(SURFACE[key], kwargs)
    where = show_call(key, kwargs)
    if kind == "same":
        reference, reference_error = protected(SURFACE[key], dict(call, **{name: equivalent}))
        if reference_error is not None:  # an invalid equivalent (float32 rows that no longer sum to 1): the same error
            if error is None:
                return f"{where} returned {result!r}; the float call raised {reference_error!r}"
            if type(error) is not type(reference_error) or named_error(error, name):
                return f"{where} raised {error!r}; the float call raised {reference_error!r}"
            return None
    if kind in ("wrong", "type", "shape"):
        if error is None:
            return f"{where} returned {result!r} instead of raising"
        problem = named_error(error, name, "must" if kind == "wrong" else None)
        return None if problem is None else f"{where}: {problem}"
    if error is not None:
        return f"{where} raised {type(error).__name__}: {error}"
    problem = no_nan(result)
    if problem:
        return f"{where}: {problem}"
    if kind == "empty":
        for label_, array in parts(result):
            if array.shape[:1] != (0,):
                return f"{where}: {label_} has shape {array.shape}, expected (0, ...)"
        return None
    problem = same_result(result, reference)
    return None if problem is None else f"{where}: {problem}"


# ---------------------------------------------------------------------------------------------------------------------
# Bugs found by fuzzing, kept as strict xfails: (function, parameter, label) -> reason
# ---------------------------------------------------------------------------------------------------------------------

REASONS = {
    "OVERFLOW_NAN": "the closed forms square or exponentiate their parameters (scale**2, loc**2, ...) and return NaN "
                    "(inf - inf, inf / inf) once those overflow, although the divergence is finite or +inf: "
                    "normal.kl(0.3, 1.5, -0.4, 1e300) = nan (true log(1e300/1.5) + ... = 689.6), "
                    "cauchy.jsd_harmonic(1e300, 1.5, -0.4, 2.5) = nan; partials likewise",
    "MATRIX_SCALE": "mvnormal/wishart with a matrix times 1e+-300 (valid, well conditioned): determinants overflow: "
                    "mvnormal.kl(l1, 1e300 * S1, l2, S2) = 0.0 (true 1.76e300), mvnormal.kl(l1, S1, l2, 1e300 * S2) = "
                    "inf (true ~1.86e3), wishart.kl likewise; RuntimeWarnings (overflow, divide by zero) escape",
    "WARNINGS": "a RuntimeWarning escapes a public function: 'invalid value' when a matrix entry is inf (before the "
                "named ValueError), 'divide by zero'/'invalid value' in the Dirichlet gradients at entries 1e+-300, "
                "'overflow' where every returned number is finite (an intermediate overflowed: "
                "exponential.kl_value_and_grad(1e300, 2.5))",
}

# reason: one line per function, "family.function | parameter: label, label | parameter: label"
KNOWN_CASES = {
    "OVERFLOW_NAN": """
        normal.jeffreys_value_and_grad | loc1: 1e300, -1e300 | scale1: 1e300, 1e-300 | loc2: 1e300, -1e300 | scale2: 1e300, 1e-300
        normal.jsd_geometric_value_and_grad | loc1: 1e300, -1e300 | scale1: 1e300, 1e-300 | loc2: 1e300, -1e300 | scale2: 1e300, 1e-300
        normal.jsd_geometric_dual_value_and_grad | loc1: 1e300, -1e300 | scale1: 1e300 | loc2: 1e300, -1e300 | scale2: 1e300
        normal.bhattacharyya_value_and_grad | loc1: 1e300, -1e300 | scale1: 1e300 | loc2: 1e300, -1e300 | scale2: 1e300
        cauchy.kl_value_and_grad | loc1: 1e300, -1e300 | scale1: 1e300 | loc2: 1e300, -1e300 | scale2: 1e300
        mvnormal.jsd_geometric_dual_value_and_grad | loc1: 1e300 entry, -1e300 entry | loc2: 1e300 entry, -1e300 entry
        mvnormal.bhattacharyya_value_and_grad | loc1: 1e300 entry, -1e300 entry | loc2: 1e300 entry, -1e300 entry
        diagnormal.kl | scale2: 1e300 entry
        diagnormal.jeffreys | scale1: 1e300 entry | scale2: 1e300 entry
        diagnormal.jsd_geometric | scale1: 1e300 entry | scale2: 1e300 entry
        diagnormal.jsd_geometric_dual | scale2: 1e300 entry
        diagnormal.bhattacharyya | scale2: 1e300 entry
        diagnormal.jsd_geometric_deasy | scale1: 1e300 entry | scale2: 1e300 entry
        diagnormal.kl_value_and_grad | scale2: 1e300 entry
        diagnormal.jeffreys_value_and_grad | loc1: 1e300 entry, -1e300 entry | scale1: 1e300 entry | loc2: 1e300 entry, -1e300 entry | scale2: 1e300 entry
        diagnormal.jsd_geometric_value_and_grad | loc1: 1e300 entry, -1e300 entry | scale1: 1e300 entry | loc2: 1e300 entry, -1e300 entry | scale2: 1e300 entry
        diagnormal.jsd_geometric_dual_value_and_grad | loc1: 1e300 entry, -1e300 entry | scale1: 1e300 entry | loc2: 1e300 entry, -1e300 entry | scale2: 1e300 entry
        diagnormal.bhattacharyya_value_and_grad | loc1: 1e300 entry, -1e300 entry | scale1: 1e300 entry | loc2: 1e300 entry, -1e300 entry | scale2: 1e300 entry
        diagnormal.jsd_geometric_deasy_value_and_grad | loc1: 1e300 entry, -1e300 entry | scale1: 1e300 entry | loc2: 1e300 entry, -1e300 entry | scale2: 1e300 entry
        exponential.jeffreys_value_and_grad | rate1: 1e300 | rate2: 1e300
        exponential.jsd_geometric_value_and_grad | rate1: 1e300 | rate2: 1e300
        lognormal.jeffreys_value_and_grad | loc1: 1e300, -1e300 | scale1: 1e300, 1e-300 | loc2: 1e300, -1e300 | scale2: 1e300, 1e-300
        lognormal.jsd_geometric_value_and_grad | loc1: 1e300, -1e300 | scale1: 1e300, 1e-300 | loc2: 1e300, -1e300 | scale2: 1e300, 1e-300
        lognormal.jsd_geometric_dual_value_and_grad | loc1: 1e300, -1e300 | scale1: 1e300 | loc2: 1e300, -1e300 | scale2: 1e300
        lognormal.bhattacharyya_value_and_grad | loc1: 1e300, -1e300 | scale1: 1e300 | loc2: 1e300, -1e300 | scale2: 1e300
        inverse_gaussian.kl_value_and_grad | mean1: 1e300 | mean2: 1e300, 1e-300
        inverse_gaussian.jeffreys_value_and_grad | mean1: 1e300, 1e-300 | shape1: 1e300 | mean2: 1e300, 1e-300 | shape2: 1e300
        inverse_gaussian.jsd_geometric_value_and_grad | mean1: 1e300, 1e-300 | shape1: 1e300 | mean2: 1e300, 1e-300 | shape2: 1e300
        inverse_gaussian.jsd_geometric_dual_value_and_grad | mean1: 1e300 | mean2: 1e300 | shape2: 1e300
        inverse_gaussian.bhattacharyya_value_and_grad | mean1: 1e300 | mean2: 1e300 | shape2: 1e300
        laplace.jeffreys_value_and_grad | scale1: 1e300 | scale2: 1e300
        laplace.jsd_geometric_value_and_grad | scale1: 1e300 | scale2: 1e300
        rayleigh.kl_value_and_grad | scale2: 1e300, 1e-300
        rayleigh.jeffreys_value_and_grad | scale1: 1e300, 1e-300 | scale2: 1e300, 1e-300
        rayleigh.jsd_geometric_value_and_grad | scale1: 1e-300 | scale2: 1e-300
        weibull.jsd_geometric_value_and_grad | shape: 1e300 | scale1: 1e300, 1e-300 | scale2: 1e300, 1e-300
    """,
    "MATRIX_SCALE": """
        mvnormal.kl | cov1: times 1e300, times 1e-300 | cov2: times 1e300, times 1e-300
        mvnormal.jsd_geometric_dual | cov1: times 1e-300 | cov2: times 1e-300
        mvnormal.bhattacharyya | cov1: times 1e-300 | cov2: times 1e-300
        mvnormal.kl_value_and_grad | cov1: times 1e300, times 1e-300 | cov2: times 1e300, times 1e-300
        mvnormal.jeffreys_value_and_grad | cov1: times 1e-300 | cov2: times 1e-300
        mvnormal.jsd_geometric_value_and_grad | cov1: times 1e-300 | cov2: times 1e-300
        mvnormal.jsd_geometric_dual_value_and_grad | cov1: times 1e-300 | cov2: times 1e-300
        mvnormal.bhattacharyya_value_and_grad | cov1: times 1e-300 | cov2: times 1e-300
        mvnormal.jsd_geometric_deasy_value_and_grad | cov1: times 1e-300 | cov2: times 1e-300
        wishart.kl | scale1: times 1e300, times 1e-300 | scale2: times 1e300, times 1e-300
        wishart.jeffreys | scale1: times 1e300, times 1e-300 | scale2: times 1e-300
        wishart.jsd_geometric_dual | scale1: times 1e-300 | scale2: times 1e-300
        wishart.bhattacharyya | scale1: times 1e-300 | scale2: times 1e-300
        wishart.kl_value_and_grad | scale1: times 1e300, times 1e-300 | scale2: times 1e300, times 1e-300
        wishart.jeffreys_value_and_grad | scale1: times 1e300, times 1e-300 | scale2: times 1e-300
        wishart.jsd_geometric_dual_value_and_grad | scale1: times 1e-300 | scale2: times 1e-300
        wishart.bhattacharyya_value_and_grad | scale1: times 1e-300 | scale2: times 1e-300
    """,
    "WARNINGS": """
        dirichlet.kl_value_and_grad | concentration1: 1e300 entry, 1e-300 entry
        dirichlet.jeffreys_value_and_grad | concentration1: 1e300 entry, 1e-300 entry | concentration2: 1e300 entry, 1e-300 entry
        dirichlet.jsd_geometric_value_and_grad | concentration1: 1e300 entry, 1e-300 entry | concentration2: 1e300 entry, 1e-300 entry
        cauchy.jsd_harmonic_value_and_grad | scale2: 1e-300
        cauchy.jsd_harmonic_dual_value_and_grad | scale2: 1e-300
        diagnormal.kl | scale2: 1e-300 entry
        diagnormal.jeffreys | scale1: 1e-300 entry | scale2: 1e-300 entry
        diagnormal.jsd_geometric | scale1: 1e-300 entry | scale2: 1e-300 entry
        diagnormal.jsd_geometric_dual | scale1: 1e300 entry
        diagnormal.bhattacharyya | scale1: 1e300 entry
        diagnormal.jsd_geometric_deasy | scale1: 1e-300 entry | scale2: 1e-300 entry
        diagnormal.kl_value_and_grad | scale2: 1e-300 entry
        diagnormal.jeffreys_value_and_grad | scale1: 1e-300 entry | scale2: 1e-300 entry
        diagnormal.jsd_geometric_value_and_grad | scale1: 1e-300 entry | scale2: 1e-300 entry
        diagnormal.jsd_geometric_deasy_value_and_grad | scale1: 1e-300 entry | scale2: 1e-300 entry
        exponential.kl_value_and_grad | rate1: 1e300
        gamma.jsd_geometric_dual_value_and_grad | shape1: 1e300 | shape2: 1e300
        gamma.bhattacharyya_value_and_grad | shape1: 1e300 | shape2: 1e300
        inverse_gaussian.jsd_geometric_dual_value_and_grad | shape1: 1e300
        inverse_gaussian.bhattacharyya_value_and_grad | shape1: 1e300
        laplace.kl_value_and_grad | scale2: 1e300
    """,
}


def parse_known():
    known = {}
    for reason, text in KNOWN_CASES.items():
        for line in filter(None, (line.strip() for line in text.splitlines())):
            function, *params = (part.strip() for part in line.split("|"))
            family, name = function.split(".")
            for param in params:
                pname, labels = param.split(":")
                for label in labels.split(","):
                    known[(family, name), pname, label.strip()] = reason
    return known


KNOWN = parse_known()
assert {reason for reason in KNOWN.values()} == set(REASONS)
FUNCTIONS = [key for key in SURFACE]


@pytest.fixture
def watchdog():
    """Ends the process, printing every thread's stack, if the test hangs in compiled code (no signal reaches it)."""
    faulthandler.dump_traceback_later(TEST_SECONDS, exit=True)
    yield
    faulthandler.cancel_dump_traceback_later()


@pytest.mark.parametrize("key", FUNCTIONS, ids=ident)
def test_fuzz(key, request, watchdog):
    call, all_cases = cases(key)
    reference, error = protected(SURFACE[key], call)
    assert error is None and no_nan(reference) is None, f"the valid call {show_call(key, call)} failed: {error!r}"
    problems, tried = [], 0
    for case in all_cases:
        if (key, case[0], case[1]) in KNOWN:
            continue
        tried += 1
        problem = judge(key, call, case)
        if problem:
            problems.append(f"[{case[0]}: {case[1]}] {problem}")
    request.node.user_properties.append(("fuzzed inputs", tried))
    request.node.user_properties.append(("function", ident(key)))
    assert not problems, f"{len(problems)} of {tried} inputs failed:\n" + "\n".join(problems)


KNOWN_GROUPS = sorted({(reason, key) for (key, _, _), reason in KNOWN.items() if reason != "HANG"},
                      key=lambda group: (list(REASONS).index(group[0]), FUNCTIONS.index(group[1])))


@pytest.mark.parametrize("reason, key", [
    pytest.param(reason, key, id=f"{reason}-{ident(key)}", marks=pytest.mark.xfail(strict=True, reason=REASONS[reason]))
    for reason, key in KNOWN_GROUPS])
def test_known_failures(reason, key, request, watchdog):
    """The cases test_fuzz leaves out, by bug and function: all of them acceptable once the bug is fixed (then this
    xfail turns into a strict XPASS: delete the function's line from KNOWN_CASES)."""
    call, all_cases = cases(key)
    mine = [case for case in all_cases if KNOWN.get((key, case[0], case[1])) == reason]
    assert len(mine) == sum(1 for (k, _, _), r in KNOWN.items() if k == key and r == reason), "a stale KNOWN_CASES line"
    problems = [problem for problem in (judge(key, call, case) for case in mine) if problem]
    request.node.user_properties.append(("fuzzed inputs", len(mine)))
    request.node.user_properties.append(("function", ident(key)))
    assert not problems, "\n".join(problems)


HANGS = sorted({(key, param, label) for (key, param, label), reason in KNOWN.items() if reason == "HANG"})
HANG_SECONDS = 8  # a correct series kernel needs ~1 s for a million counts


@pytest.mark.parametrize("key, param, label", [
    pytest.param(*hang, id=f"{ident(hang[0])}-{hang[1]}={hang[2]}",
                 marks=pytest.mark.xfail(strict=True, reason=REASONS["HANG"])) for hang in HANGS])
def test_known_hangs_in_a_subprocess(key, param, label, request):
    """Each known hang, in a subprocess given HANG_SECONDS: it must finish with a value in [0, h(alpha)]."""
    import os
    import subprocess
    import sys

    call = dict(valid_call(key), **{param: dict(EXTREME[dict(parameters(SURFACE[key]))[param]])[label]})
    code = (f"import mjsd; v = mjsd.{ident(key)}(**{ {k: float(v) for k, v in call.items()}!r}); "
            f"h = {binary_entropy(float(call.get('alpha', 0.5)))!r}; assert 0 <= v <= h * (1 + 1e-9), v")
    request.node.user_properties.append(("fuzzed inputs", 1))
    request.node.user_properties.append(("function", ident(key)))
    try:
        subprocess.run([sys.executable, "-c", code], env=os.environ, check=True, timeout=HANG_SECONDS,
                       capture_output=True)
    except subprocess.TimeoutExpired:
        raise AssertionError(f"{show_call(key, call)} did not finish within {HANG_SECONDS} s") from None
    except subprocess.CalledProcessError as error:
        raise AssertionError(f"{show_call(key, call)}: {error.stderr.decode()[-300:]}") from None


def test_ragged_sequences_name_the_parameter(request):
    """Every parameter of every function, given a ragged nested list: a ValueError/TypeError naming it."""
    problems, tried = [], 0
    for key in FUNCTIONS:
        call = valid_call(key)
        for name, _ in parameters(SURFACE[key]):
            scalar = float(np.ravel(call[name])[0])
            kwargs = dict(call, **{name: [[scalar], [scalar, scalar]]})
            _, error = protected(SURFACE[key], kwargs)
            tried += 1
            problem = named_error(error, name) if error is not None else "no error"
            if problem:
                problems.append(f"{show_call(key, kwargs)}: {problem}")
    request.node.user_properties.append(("fuzzed inputs", tried))
    request.node.user_properties.append(("function", " ".join(ident(key) for key in FUNCTIONS)))
    assert not problems, f"{len(problems)} of {tried}:\n" + "\n".join(problems[:5])


# ---------------------------------------------------------------------------------------------------------------------
# The package-level functions: mjsd.pairwise and mjsd.set_num_threads
# ---------------------------------------------------------------------------------------------------------------------

LOCS, SCALES = np.array([0.0, 1.0, 2.0]), np.array([1.0, 2.0, 0.5])
PAIRWISE = [  # (label, arguments, the parameter the error must name or None for a valid call)
    ("valid", (mjsd.normal.kl, (LOCS, SCALES), (LOCS[:2], SCALES[:2])), {}, None),
    ("valid alpha", (mjsd.normal.jsd_geometric, (LOCS, SCALES), (LOCS, SCALES)), {"alpha": 0.3}, None),
    ("numpy function", (np.add, (LOCS, SCALES), (LOCS, SCALES)), {}, "divergence"),
    ("string", ("kl", (LOCS, SCALES), (LOCS, SCALES)), {}, "divergence"),
    ("None", (None, (LOCS, SCALES), (LOCS, SCALES)), {}, "divergence"),
    ("lambda", (lambda *a: 0.0, (LOCS, SCALES), (LOCS, SCALES)), {}, "divergence"),
    ("one array for two parameters", (mjsd.normal.kl, LOCS, (LOCS, SCALES)), {}, "first"),
    ("three arrays", (mjsd.normal.kl, (LOCS, SCALES, SCALES), (LOCS, SCALES)), {}, "first"),
    ("scalars", (mjsd.normal.kl, (0.0, 1.0), (LOCS, SCALES)), {}, "loc1"),
    ("second with two axes", (mjsd.normal.kl, (LOCS, SCALES), (LOCS[None], SCALES[None])), {}, "loc2"),
    ("nan in a set", (mjsd.normal.kl, (LOCS, SCALES), (LOCS, np.array([1.0, np.nan, 2.0]))), {}, "scale2"),
    ("alpha for kl", (mjsd.normal.kl, (LOCS, SCALES), (LOCS, SCALES)), {"alpha": 0.3}, "alpha"),
    ("alpha 1.5", (mjsd.normal.jsd_geometric, (LOCS, SCALES), (LOCS, SCALES)), {"alpha": 1.5}, "alpha"),
    ("sets of different rows", (mjsd.categorical.kl, np.full((2, 3), 1 / 3), np.full((2, 4), 0.25)), {}, "probs1"),
    ("matrices of another dimension", (mjsd.mvnormal.kl, (np.zeros((2, 2)), np.stack([np.eye(2)] * 2)),
                                       (np.zeros((2, 3)), np.stack([np.eye(3)] * 2))), {}, "loc1"),
]


def test_fuzz_pairwise(request):
    problems = []
    for label, args, fixed, name in PAIRWISE:
        result, error = protected(lambda **kw: mjsd.pairwise(*args, **kw), fixed)
        if name is None:
            if error is not None or no_nan(result):
                problems.append(f"{label}: {error!r} {result!r}")
        elif error is None:
            problems.append(f"{label}: returned {result!r} instead of raising")
        elif named_error(error, name):
            problems.append(f"{label}: {named_error(error, name)}")
    request.node.user_properties.append(("fuzzed inputs", len(PAIRWISE)))
    request.node.user_properties.append(("function", "pairwise"))
    assert not problems, "\n".join(problems)


def test_fuzz_set_num_threads(request):
    before, problems = mjsd.get_num_threads(), []
    bad = [0, -1, 1.5, NAN, None, "x", [2], 2j, np.array([1, 2])]  # +-inf: test_set_num_threads_infinity
    try:
        for value in bad:
            _, error = protected(lambda **kw: mjsd.set_num_threads(value), {})
            problem = named_error(error, "count") if error is not None else f"set_num_threads({value!r}) accepted"
            if problem:
                problems.append(f"set_num_threads({value!r}): {problem}")
        for value in (1, 3, np.int64(2)):
            mjsd.set_num_threads(value)
            if mjsd.get_num_threads() != int(value):
                problems.append(f"set_num_threads({value!r}) gave {mjsd.get_num_threads()}")
    finally:
        mjsd.set_num_threads(before)
    request.node.user_properties.append(("fuzzed inputs", len(bad) + 3))
    request.node.user_properties.append(("function", "set_num_threads"))
    assert not problems, "\n".join(problems)


def test_set_num_threads_infinity(request):
    before, errors = mjsd.get_num_threads(), []
    try:
        for value in (INF, -INF):
            errors.append(protected(lambda: mjsd.set_num_threads(value), {})[1])
    finally:
        mjsd.set_num_threads(before)
    request.node.user_properties.append(("fuzzed inputs", 2))
    request.node.user_properties.append(("function", "set_num_threads"))
    assert all(error is not None and named_error(error, "count") is None for error in errors), repr(errors)
