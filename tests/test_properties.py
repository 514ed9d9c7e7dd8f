"""Properties of every public function, checked by hypothesis on batches of random laws spanning many orders of
magnitude (issue "properties"):

* swap:     JS^M_alpha(p:q) = JS^M_(1-alpha)(q:p), hence JS^M_1/2(p:q) = JS^M_1/2(q:p); Jeffreys (and Cauchy's KL) are
            symmetric;
* zero:     exactly 0.0 for identical parameters, > 0 for distinct laws wherever float64 resolves them;
* bound:    the classic (arithmetic) JSD lies in [0, h(alpha)], h the binary entropy, h(1/2) = log 2;
* identities of every exponential family (notebook 03): JS^G*_alpha = B_alpha (the skew Bhattacharyya distance),
            JS^G_alpha = alpha (1 - alpha) J - B_alpha (so JS^G_1/2 = J/4 - B_1/2), J = KL(p:q) + KL(q:p), the
            tangents at the ends of alpha (d B/d alpha = KL(p:q) at alpha = 0, ...), Deasy's convention; and the
            invariance of every divergence under a bijection of the sample space (lognormal = normal of log x,
            Weibull = exponential of x^k, ...);
* batches:  a batch call equals the scalar calls bit for bit (also through mjsd.pairwise and for the value-and-gradient
            functions), and permuting a batch permutes its results bit for bit, with batches large enough to be split
            across threads.

Hypothesis draws a seed per example and each example checks a whole batch in one vectorised call: 8 examples of 256
pairs for the closed forms (>= 2000 pairs per function), 6 batches of 48 for the numeric kernels (quadrature and
series, ~10-100 us per pair; Dirichlet k = 3: 4 pairs, ~30 ms each). Parameters span 10^-3 .. 10^3 (numeric kernels
10^-1.5 .. 10^1.5), probabilities reach 1e-5 of 0 and 1, a quarter of the pairs are near each other. The count of
pairs each test checked is attached to its report ("pairs checked") and summed by conftest.py. Runs are deterministic
(derandomize=True).

Tolerances. Swapped or rearranged evaluations are equal mathematically, not bitwise: the kernels take other rounding
paths. Equalities hold to RTOL * |value| + ATOL * terms, RTOL = 1e-9 and ATOL = 1e-13:
* RTOL = 1e-9 is the suite's accuracy standard for every kernel against its reference (test_catalogue,
  test_identities; the quadrature is accurate to 1e-10);
* the closed forms add terms of the size of the log-normalisers (lgamma(shape) ~ shape log shape, 1/scale,
  n log p, ...) and where those cancel (nearly identical laws) rounding leaves a few hundred ulps of their size in
  absolute terms, whatever the value: so the absolute part is ATOL (~500 ulps) times term_size(pair), 1 + a sum over
  the pair's parameters of such sizes. Every family holds at ATOL = 1e-13 (measured: 1e-14 fails the inverse
  Gaussian).
The bound of the classic JSD allows the quadrature's 1e-10 relative. Batch against scalar and permutations are
compared bit for bit (the README promises it). Bugs these properties found are strict xfails (KNOWN, and one-call
reproductions at the end of the file); test_identical_laws_give_exactly_zero's xfails list the kernels that return a
few ulps instead of 0.0 for identical laws.
"""
import inspect
import math
import re

import numpy as np
import pytest
from hypothesis import HealthCheck, Phase, given, settings, strategies as st

import mjsd
from mjsd import _validate

RTOL, ATOL = 1e-9, 1e-13
BOUND_RTOL = 1e-10  # the arithmetic JSD may exceed h(alpha) by its quadrature accuracy only
CLOSED_EXAMPLES, CLOSED_PAIRS = 8, 256  # hypothesis examples per test and pairs per example: 2048 pairs per function
NUMERIC_EXAMPLES, NUMERIC_PAIRS = 6, 48  # quadrature and series kernels: 288 pairs per function (Dirichlet k = 3: 4)
MIN_PAIRS = {"closed": 2000, "numeric": 200}
THREADS = 3  # batches past a kernel's grain split over 3 threads (more than the cores is allowed, and uneven)


# ---------------------------------------------------------------------------------------------------------------------
# The public surface, read from the package: each function's parameters and constraints are the (name, value,
# constraint) triples its body hands to _validate.check.
# ---------------------------------------------------------------------------------------------------------------------

CHECKED = re.compile(r'\("(\w+)", \w+, ([A-Z_]+)\)')


def parameters(function):
    """[(name, constraint)] in argument order, from the function's call to _validate.check."""
    source = inspect.getsource(function)
    call = source[source.index("_validate.check("):].split("\n", 1)[0]
    found = [(name, getattr(_validate, constant)) for name, constant in CHECKED.findall(call)]
    signature = [p for p in inspect.signature(function).parameters if p not in ("out", "samples", "seed")]
    assert [name for name, _ in found] == signature, (function.__qualname__, found, signature)
    return found


def grain(function):
    """The fewest pairs per thread the function splits a batch for (its call to _validate.apply/value_and_grad)."""
    return int(re.search(r"grain=(\d+)", inspect.getsource(function)).group(1))


SURFACE = {(family, name): getattr(getattr(mjsd, family), name)
           for family in mjsd.FAMILIES for name in getattr(mjsd, family).__all__}
VALUES = [key for key in SURFACE if not key[1].endswith("_value_and_grad") and key[1] != "jsd_arithmetic_monte_carlo"]
GRADIENTS = [key for key in SURFACE if key[1].endswith("_value_and_grad")]
SKEWED = [key for key in VALUES if "alpha" in dict(parameters(SURFACE[key]))]
EXPONENTIAL = [family for family in mjsd.FAMILIES if hasattr(getattr(mjsd, family), "jsd_geometric")]
ARITHMETIC = [key for key in VALUES if key[1] == "jsd_arithmetic"]
# a parameter's constraint by its name (scale1 is also a Wishart's matrix: told apart by its shape in term_size)
CONSTRAINT = {name: constraint for key in VALUES for name, constraint in parameters(SURFACE[key]) if constraint != "spd"}


def numeric(key):
    """Quadrature, series and exact-sum kernels: the ones that split a batch from 4 pairs on."""
    return grain(SURFACE[key]) <= 4


def cost(key):
    return "numeric" if numeric(key) else "closed"


def ident(key):
    return ".".join(key)


# ---------------------------------------------------------------------------------------------------------------------
# Random laws. Each parameter is drawn by its constraint, log-uniformly over 10^-3 .. 10^3 (numeric kernels: 10^-1.5 ..
# 10^1.5, their cost grows with the spread); a quarter of the pairs are near each other (relative 10^-6 .. 10^-1)
# and some identical, so the cancellation paths run too. alpha is dyadic, k / 2^20, so 1 - alpha is exact.
# ---------------------------------------------------------------------------------------------------------------------

def law_role(name):
    """1 or 2 for a parameter of the first or second law, 0 for a shared one (alpha, binomial's n, ...)."""
    return {"1": 1, "2": 2}.get(name[-1], 0)


def decades(rng, spread, size):
    return 10.0 ** rng.uniform(-spread, spread, size)


def draw_value(constraint, rng, n, d, spread):
    if constraint == "real":
        value = rng.choice([-1.0, 1.0], n) * decades(rng, spread, n)
        value[rng.random(n) < 0.05] = 0.0
        return value
    if constraint == "positive":
        return decades(rng, spread, n)
    if constraint == "nonnegative":
        value = decades(rng, spread, n)
        value[rng.random(n) < 0.05] = 0.0
        return value
    if constraint == "open_unit":  # logit uniform: p and 1 - p both reach 10^-5 (10^-3 for numeric kernels)
        return 1.0 / (1.0 + np.exp(-rng.uniform(-4 * spread, 4 * spread, n)))
    if constraint == "count":
        return np.floor(10.0 ** rng.uniform(0, spread * 5 / 6, n))
    if constraint == "unit":
        return rng.integers(1, 2**20, n) / 2.0**20
    if constraint == "simplex":
        weights = np.exp(rng.uniform(-3 * spread, spread, (n, d)))
        return weights / weights.sum(axis=-1, keepdims=True)
    if constraint == "positive_vector":
        return decades(rng, spread * 5 / 6, (n, d))
    if constraint == "real_vector":
        return rng.choice([-1.0, 1.0], (n, d)) * decades(rng, spread, (n, d))
    if constraint == "scale_vector":
        return decades(rng, spread, (n, d))
    if constraint == "spd":  # a random rotation of eigenvalues 10^-1 .. 10^1 (condition <= 100), times 10^-2 .. 10^2
        rotation = np.linalg.qr(rng.normal(size=(n, d, d)))[0]
        eigenvalues = decades(rng, 1, (n, d)) * decades(rng, 2 * spread / 3, (n, 1))
        matrix = (rotation * eigenvalues[:, None, :]) @ np.swapaxes(rotation, -1, -2)
        return (matrix + np.swapaxes(matrix, -1, -2)) / 2
    if constraint == "degrees_of_freedom":
        return d - 1 + decades(rng, spread * 5 / 6, n)
    raise AssertionError(constraint)


def perturbed(constraint, value, rng, low, high):
    """value moved by a relative step 10^low .. 10^high (random sign) inside its constraint."""
    n = value.shape[0]
    step = rng.choice([-1.0, 1.0], n) * 10.0 ** rng.uniform(low, high, n)
    core = (slice(None),) + (None,) * (value.ndim - 1)
    if constraint in ("real", "real_vector"):
        return value + step[core] * (np.abs(value) + 1.0)
    if constraint in ("positive", "positive_vector", "scale_vector"):
        return value * np.exp(step[core] * rng.random(value.shape))
    if constraint == "nonnegative":
        return np.where(value == 0, np.abs(step), value * np.exp(step))
    if constraint == "open_unit":
        return 1.0 / (1.0 + np.exp(-(np.log(value / (1 - value)) + step)))
    if constraint == "simplex":
        moved = value * np.exp(step[:, None] * rng.random(value.shape))
        return moved / moved.sum(axis=-1, keepdims=True)
    if constraint == "spd":
        u = rng.normal(size=value.shape[:-1])
        u /= np.linalg.norm(u, axis=-1, keepdims=True)
        size = np.trace(value, axis1=-2, axis2=-1) / value.shape[-1]
        return value + (np.abs(step) * size)[:, None, None] * u[:, :, None] * u[:, None, :]
    raise AssertionError(constraint)


def family_dimension(family, name, rng):
    """Row length k (categorical, Dirichlet) or dimension d (multivariate laws) for one batch."""
    if family == "dirichlet" and name == "jsd_arithmetic":
        return 2 if rng.random() < 0.75 else 3  # quadrature for k = 2, nested quadrature (~30 ms a pair) for k = 3
    return int(rng.integers(2, 7)) if family in ("categorical", "dirichlet") else int(rng.integers(1, 5))


def draw_arguments(key, rng, n, near=0.25, identical=0.05, spread=None):
    """Keyword arguments of one batch of n pairs for the function ``key``.

    A fraction ``near`` of the second laws are the first moved by relative 10^-6 .. 10^-1 and ``identical`` equal to
    it. Weibull's scales are kept where scale^shape is representable (weibull_representable).
    """
    family, name = key
    spread = (1.5 if numeric(key) else 3.0) if spread is None else spread
    params = parameters(SURFACE[key])
    d = family_dimension(family, name, rng)
    if family == "dirichlet" and name == "jsd_arithmetic" and d == 3:
        n = min(n, 4)  # nested quadrature, ~30 ms a pair
    args = {}
    for pname, constraint in params:
        if law_role(pname) == 2:
            continue
        args[pname] = draw_value(constraint, rng, n, d, spread)
        if law_role(pname) == 1:
            args[pname[:-1] + "2"] = draw_value(constraint, rng, n, d, spread)
    if family == "weibull":
        args = weibull_representable(args)
    which = rng.random(n)
    for pname, constraint in params:
        if law_role(pname) != 2:
            continue
        first = args[pname[:-1] + "1"]
        moved = first if constraint == "degrees_of_freedom" else perturbed(constraint, first, rng, -6, -1)
        core = (slice(None),) + (None,) * (first.ndim - 1)
        args[pname] = np.where((which < near)[core], moved, args[pname])
        args[pname] = np.where((which > 1 - identical)[core], first, args[pname])
    return {pname: args[pname] for pname, _ in params}


def weibull_representable(args, shape=None):
    """Weibull scales pulled into |shape log scale| <= 75, so scale^shape and (scale1/scale2)^shape stay far from
    overflowing (the kernels' NaNs beyond are test_invariance_under_a_bijection's)."""
    shape = args["shape"] if shape is None else shape
    limit = np.minimum(3 * math.log(10), 75.0 / shape)
    return dict(args, **{p: np.exp(np.clip(np.log(args[p]), -limit, limit)) for p in ("scale1", "scale2") if p in args})


def swapped(args):
    """The arguments with the two laws exchanged and alpha replaced by 1 - alpha (exact for dyadic alpha)."""
    out = {}
    for pname, value in args.items():
        role = law_role(pname)
        if role:
            out[pname] = args[pname[:-1] + ("2" if role == 1 else "1")]
        else:
            out[pname] = 1.0 - value if pname == "alpha" else value
    return out


def pairs_in(args):
    return len(next(iter(args.values())))


def pair(args, i):
    """The i-th pair's arguments (scalars, rows or matrices): a scalar call."""
    return {pname: value[i] for pname, value in args.items()}


def taken(args, index):
    return {pname: value[index] for pname, value in args.items()}


# ---------------------------------------------------------------------------------------------------------------------
# Running a property on hypothesis-drawn batches, and comparing
# ---------------------------------------------------------------------------------------------------------------------

def functions_of(request):
    """The functions a test checks, space-separated (for the summary's count): its key, or its family's."""
    params = getattr(request.node, "callspec", None)
    params = params.params if params else {}
    if "key" in params:
        return ident(params["key"])
    if "family" in params:
        return " ".join(ident(key) for key in VALUES + GRADIENTS if key[0] == params["family"])
    return request.node.name


def run(request, check, examples, minimum=0, functions=None):
    """check(rng) on ``examples`` hypothesis-drawn seeds; check returns the number of pairs it verified.

    The total is attached to the test's report as ("pairs checked", n), with ("function", the functions checked),
    and must reach ``minimum``.
    """
    total = [0]

    @settings(max_examples=examples, deadline=None, derandomize=True, database=None,
              phases=(Phase.explicit, Phase.generate), suppress_health_check=list(HealthCheck))
    @given(seed=st.integers(0, 2**63 - 1))
    def example(seed):
        total[0] += check(np.random.default_rng(seed))

    example()
    request.node.user_properties.append(("pairs checked", total[0]))
    request.node.user_properties.append(("function", functions or functions_of(request)))
    assert total[0] >= minimum, f"only {total[0]} pairs checked, wanted {minimum}"
    return total[0]


def examples_and_pairs(key):
    return (NUMERIC_EXAMPLES, NUMERIC_PAIRS) if numeric(key) else (CLOSED_EXAMPLES, CLOSED_PAIRS)


def size(constraint, value):
    """How large the terms a closed form adds up grow with one parameter (per pair): lgamma(x) ~ x log x, 1/x and
    log x for positive parameters, |x| for real ones, log p and log(1 - p) for probabilities, n log n for counts."""
    value = np.asarray(value, dtype=float)
    if constraint in ("real", "real_vector"):
        each = np.abs(value)
    elif constraint in ("positive", "nonnegative", "positive_vector", "scale_vector", "degrees_of_freedom"):
        with np.errstate(divide="ignore", invalid="ignore"):
            each = np.where(value > 0, value * (1 + np.abs(np.log(value))) + 1 / value, 0.0)
    elif constraint in ("open_unit", "simplex"):
        each = np.abs(np.log(value)) + np.abs(np.log1p(-value))
    elif constraint == "count":
        each = value * (1 + np.log(value))
    elif constraint == "spd":
        each = np.trace(value, axis1=-2, axis2=-1) + np.trace(np.linalg.inv(value), axis1=-2, axis2=-1)
        return each
    else:  # alpha
        return np.zeros(np.shape(value))
    return each.reshape(each.shape[:1] + (-1,)).sum(axis=-1) if each.ndim > 1 else each


def term_size(args):
    """1 + the summed sizes of a batch's parameters (per pair): ATOL is relative to it, since where the closed forms'
    terms cancel (nearly identical laws) rounding leaves a few hundred ulps of their size."""
    return 1.0 + sum(size("spd" if np.ndim(value) == 3 else CONSTRAINT[name], value)
                     for name, value in args.items() if np.ndim(value))


def assert_close(actual, expected, args, what, scale=None):
    """|actual - expected| <= RTOL * scale + ATOL * term_size(args) (scale: |expected| and |actual| by default),
    naming the worst pair."""
    actual, expected = np.asarray(actual, float), np.asarray(expected, float)
    scale = np.maximum(np.abs(actual), np.abs(expected)) if scale is None else np.asarray(scale, float)
    excess = np.abs(actual - expected) - (RTOL * scale + ATOL * term_size(args))
    if not np.all(excess <= 0):  # NaN fails too
        i = int(np.nanargmax(np.where(np.isnan(excess), np.inf, excess)))
        raise AssertionError(f"{what}: {actual.flat[i]!r} != {expected.flat[i]!r} (difference "
                             f"{abs(actual.flat[i] - expected.flat[i]):.3g}, {int(np.sum(~(excess <= 0)))} of "
                             f"{excess.size} pairs outside RTOL*scale + ATOL*terms) at {show(args, i)}")


def show(args, i):
    return "{" + ", ".join(f"{k}={np.asarray(v)[i].tolist()!r}" if np.ndim(v) else f"{k}={v!r}"
                           for k, v in args.items()) + "}"


def same_bits(a, b):
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    return a.shape == b.shape and np.array_equal(a.view(np.int64), b.view(np.int64))


def binary_entropy(alpha):
    return -alpha * np.log(alpha) - (1 - alpha) * np.log1p(-alpha)


@pytest.fixture
def threads():
    before = mjsd.get_num_threads()
    mjsd.set_num_threads(THREADS)
    yield
    mjsd.set_num_threads(before)


# ---------------------------------------------------------------------------------------------------------------------
# Bugs found by these properties: kept as strict xfails (they fail once fixed, and are then un-marked)
# ---------------------------------------------------------------------------------------------------------------------

class NotExactlyZero(AssertionError):
    """Identical laws gave a value within the tolerance of 0 but not 0.0 (what the strict xfails below expect)."""


def family_functions(families, names=("jsd_geometric", "jsd_geometric_dual", "bhattacharyya")):
    return [(family, name) for family in families for name in names]


ULPS = ("a few ulps (up to ~1e-11 for large parameters) instead of exactly 0.0 for identical laws, where normal, "
        "mvnormal, diagnormal, wishart and most KL/Jeffreys kernels return 0.0: e.g. exponential.jsd_geometric(52.79464147169762, "
        "52.79464147169762, 0.4469594955444336) = 4.4e-16", NotExactlyZero)
DEASY_DIAGNORMAL = ("diagnormal.jsd_geometric_deasy near alpha = 1 with scales 1e3 apart: the expanded polynomial in alpha "
                    "cancels; diagnormal.jsd_geometric_deasy([0.], [1.], [1.], [1e-4], 1.0) = 8.7103, KL(q:p) = 9.2103 "
                    "(mvnormal agrees with KL)")
ALPHA_PARTIAL = ("d/dalpha of the value-and-gradient functions at alpha = 0 or 1 loses digits when the laws' scales differ "
                 "a lot (terms ~ ratio^2 cancel): normal.jsd_geometric_value_and_grad(54.70089028540162, "
                 "665.3957912442922, -0.0014025900742456732, 0.005205408098052089, 0.0) gives 11.2618171 for KL(q:p) = "
                 "11.2618185; exponential: relative 1.6e-6 at rates 934.5 and 0.00139")
WEIBULL_POWERS = ("weibull.jsd_arithmetic integrates densities that form scale^shape: NaN once it overflows although the "
                  "divergence depends on scale1/scale2 only: weibull.jsd_arithmetic(200., 50., 40.) = nan; and the "
                  "partial in alpha at alpha = 0 or 1 cancels terms ~ (scale1/scale2)^shape: "
                  "weibull.jsd_geometric_value_and_grad(194.0184525515293, 3.8092725164676513, 0.2503087722719928, "
                  "0.0) gives d/dalpha = -2.2e214 for KL(q:p) = 527.2")
VON_MISES_KAPPA_ZERO = ("von_mises value-and-gradient functions give NaN partials when a kappa is 0 (valid: the uniform "
                        "law): von_mises.kl_value_and_grad(-0.3, 0.0, -0.017, 2.67)[1]['kappa1'] = nan, and at alpha = 0 "
                        "every partial of von_mises.bhattacharyya_value_and_grad(-0.3, 0.0, -0.017, 2.67, 0.0) is nan")
LOGNORMAL_QUADRATURE = ("lognormal.jsd_arithmetic integrates in x, not log x: narrow laws far from log x = 0 lose accuracy "
                        "and the bound: lognormal.jsd_arithmetic(0., 1e-6, 100., 1e-6) = 0.8004 > log 2, "
                        "(0., 1e-6, 800., 1e-6) = 4.1e21 (normal.jsd_arithmetic of the same = 0.693147)")

KNOWN = {
    "tangents": {"weibull": WEIBULL_POWERS, "von_mises": VON_MISES_KAPPA_ZERO},
    "wide tangents": {**{family: ALPHA_PARTIAL for family in [
        "normal", "diagnormal", "inverse_gaussian", "lognormal", "rayleigh"]},
        "weibull": WEIBULL_POWERS, "von_mises": VON_MISES_KAPPA_ZERO},
    "bijection": {("lognormal", "jsd_arithmetic"): LOGNORMAL_QUADRATURE,
                  **{key: WEIBULL_POWERS for key in family_functions(["weibull"], ("jsd_arithmetic",))}},
}


def marked(keys, prop, ids=ident):
    """pytest params for the keys; a key in KNOWN[prop] is a strict xfail (reason, or (reason, the exception only
    this bug raises))."""
    params = []
    for key in keys:
        known = KNOWN.get(prop, {}).get(key)
        reason, raises = known if isinstance(known, tuple) else (known, None)
        marks = [pytest.mark.xfail(strict=True, reason=reason, raises=raises)] if known else []
        params.append(pytest.param(key, id=ids(key), marks=marks))
    return params


# ---------------------------------------------------------------------------------------------------------------------
# Swap symmetry
# ---------------------------------------------------------------------------------------------------------------------

SYMMETRIC = SKEWED + [key for key in VALUES if key[1] == "jeffreys"] + [("cauchy", "kl")]


@pytest.mark.parametrize("key", marked(SYMMETRIC, "swap"))
def test_swapping_the_laws_mirrors_alpha(key, request):
    """JS_alpha(p:q) = JS_(1-alpha)(q:p), and at the default alpha = 1/2 plainly JS(p:q) = JS(q:p)."""
    function, examples, n = SURFACE[key], *examples_and_pairs(key)
    skewed = key in SKEWED

    def check(rng):
        args = draw_arguments(key, rng, n)
        assert_close(function(**swapped(args)), function(**args), args, f"{ident(key)} swapped")
        if skewed:
            half = {k: v for k, v in args.items() if k != "alpha"}
            assert_close(function(**swapped(half)), function(**half), half, f"{ident(key)} swapped at alpha = 1/2")
            return 2 * pairs_in(args)
        return pairs_in(args)

    run(request, check, examples, MIN_PAIRS[cost(key)])


# ---------------------------------------------------------------------------------------------------------------------
# Zero iff p = q
# ---------------------------------------------------------------------------------------------------------------------

def jeffreys_of(family):
    """Jeffreys divergence of the family (Cauchy: 2 KL, its KL being symmetric): decides whether two laws differ."""
    module = getattr(mjsd, family)
    if family == "cauchy":
        return lambda **args: 2 * module.kl(**args)
    return module.jeffreys


@pytest.mark.parametrize("key", marked(VALUES, "exact zero"))
def test_identical_laws_give_exactly_zero(key, request):
    """Identical parameters give exactly 0.0, for every alpha: within ATOL * terms is required, exactly 0.0 expected
    (the kernels that return a few ulps instead are strict xfails raising NotExactlyZero)."""
    function, examples, n = SURFACE[key], *examples_and_pairs(key)

    def check(rng):
        args = draw_arguments(key, rng, n, near=0.0, identical=1.0)
        m = pairs_in(args)
        values = function(**args)
        far = ~(np.abs(values) <= ATOL * term_size(args))
        assert not far.any(), f"{ident(key)} of identical laws: {values[far][:3]} at {show(args, int(np.argmax(far)))}"
        nonzero = values != 0.0
        if nonzero.any():
            raise NotExactlyZero(f"{ident(key)} of identical laws is not exactly 0 in {nonzero.sum()} of {m} pairs: "
                                 f"{values[nonzero][:3]} at {show(args, int(np.argmax(nonzero)))}")
        return m

    run(request, check, examples, MIN_PAIRS[cost(key)])


@pytest.mark.parametrize("key", marked(VALUES, "positive"))
def test_distinct_laws_give_positive_values(key, request):
    """Distinct laws give > 0 wherever float64 resolves them: Jeffreys > 1e-6 between them and alpha in [1/64, 63/64]
    (the skew divergences scale like alpha (1 - alpha) J). Half the pairs independent, half one law moved by a relative
    10^-4 .. 1 from the other."""
    family, _ = key
    function, examples, n = SURFACE[key], *examples_and_pairs(key)
    jeffreys = jeffreys_of(family)
    constraints = dict(parameters(function))

    def check(rng):
        args = draw_arguments(key, rng, n, near=0.0, identical=0.0)
        m = pairs_in(args)
        near = rng.random(m) < 0.5
        for pname in args:
            if law_role(pname) == 2 and constraints[pname] != "degrees_of_freedom":
                moved = perturbed(constraints[pname], args[pname[:-1] + "1"], rng, -4, 0)
                args[pname] = np.where(near[(slice(None),) + (None,) * (moved.ndim - 1)], moved, args[pname])
        if "alpha" in args:
            args["alpha"] = rng.integers(2**14, 2**20 - 2**14, m) / 2.0**20
        if family == "weibull":
            args = weibull_representable(args)
        resolved = jeffreys(**laws_only(args)) > 1e-6
        values = function(**args)
        bad = resolved & ~(values > 0)
        assert not bad.any(), (f"{ident(key)} is not > 0 for distinct laws in {bad.sum()} pairs: {values[bad][:3]} "
                               f"at {show(args, int(np.argmax(bad)))}")
        assert resolved.sum() >= m // 2, f"only {resolved.sum()} of {m} pairs resolvable"
        return int(resolved.sum())

    run(request, check, 2 * examples, MIN_PAIRS[cost(key)])  # twice the examples: ~70% of the pairs resolve


def test_von_mises_uniform_laws_are_identical_whatever_their_locations():
    """kappa = 0 is the uniform law on the circle for every location: distinct parameters, identical laws."""
    rng = np.random.default_rng(12)
    loc1, loc2, alpha = rng.uniform(-10, 10, 50), rng.uniform(-10, 10, 50), rng.random(50)
    for name in ("kl", "jeffreys"):
        assert np.all(getattr(mjsd.von_mises, name)(loc1, 0.0, loc2, 0.0) == 0.0), name
    for name in ("jsd_geometric", "jsd_geometric_dual", "bhattacharyya", "jsd_arithmetic"):
        values = getattr(mjsd.von_mises, name)(loc1, 0.0, loc2, 0.0, alpha)
        assert np.all(np.abs(values) <= ATOL), (name, values.max())


# ---------------------------------------------------------------------------------------------------------------------
# The bound of the classic (arithmetic) JSD
# ---------------------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("key", marked(ARITHMETIC, "bound"))
def test_arithmetic_jsd_lies_between_zero_and_the_binary_entropy(key, request):
    """0 <= JS_alpha <= h(alpha) = -alpha log alpha - (1 - alpha) log(1 - alpha), and JS_1/2 <= log 2: the mixture
    m = (1 - alpha) p + alpha q has m >= (1 - alpha) p and m >= alpha q. Far-apart laws (drawn over the whole range)
    come close to the bound, where the quadrature's relative accuracy BOUND_RTOL is all the slack allowed."""
    function, examples, n = SURFACE[key], *examples_and_pairs(key)

    def check(rng):
        args = draw_arguments(key, rng, n)
        values = function(**args)
        bound = binary_entropy(args["alpha"])
        over = ~((values >= 0) & (values <= bound * (1 + BOUND_RTOL)))
        assert not over.any(), (f"{ident(key)} outside [0, h(alpha)]: {values[over][:3]} > {bound[over][:3]} at "
                                f"{show(args, int(np.argmax(over)))}")
        half = {k: v for k, v in args.items() if k != "alpha"}
        values = function(**half)
        over = ~((values >= 0) & (values <= math.log(2) * (1 + BOUND_RTOL)))
        assert not over.any(), f"{ident(key)} outside [0, log 2]: {values[over][:3]} at {show(half, int(np.argmax(over)))}"
        return 2 * pairs_in(args)

    run(request, check, examples, MIN_PAIRS[cost(key)])


# ---------------------------------------------------------------------------------------------------------------------
# The identities of the exponential families (notebook 03), for every family
# ---------------------------------------------------------------------------------------------------------------------

def laws_only(args):
    return {k: v for k, v in args.items() if k != "alpha"}


def reversed_laws(args):
    return laws_only(swapped(laws_only(args)))


@pytest.mark.parametrize("family", marked(EXPONENTIAL, "identities", ids=str))
def test_geometric_jsd_jeffreys_and_bhattacharyya(family, request):
    """For any two laws, with m the normalised geometric mixture p^(1-alpha) q^alpha / Z and B_alpha = -log Z
    (notebook 03): J = KL(p:q) + KL(q:p), JS^G*_alpha = B_alpha, JS^G_alpha = alpha (1 - alpha) J - B_alpha, and at
    the default alpha = 1/2, JS^G = J/4 - B_1/2. The last two cancel terms: the tolerance is relative to their sum."""
    module = getattr(mjsd, family)
    key = (family, "jsd_geometric")
    examples, n = examples_and_pairs(key)

    def check(rng):
        args = draw_arguments(key, rng, n)
        laws, alpha = laws_only(args), args["alpha"]
        jeffreys = module.jeffreys(**laws)
        assert_close(jeffreys, module.kl(**laws) + module.kl(**reversed_laws(args)), args,
                     f"{family}: J = KL(p:q) + KL(q:p)")
        bhattacharyya = module.bhattacharyya(**args)
        assert_close(module.jsd_geometric_dual(**args), bhattacharyya, args, f"{family}: JS^G* = B")
        geometric, share = module.jsd_geometric(**args), alpha * (1 - alpha) * jeffreys
        assert_close(geometric, share - bhattacharyya, args, f"{family}: JS^G = alpha (1 - alpha) J - B",
                     scale=geometric + share + bhattacharyya)
        half_geometric, half_b = module.jsd_geometric(**laws), module.bhattacharyya(**laws)
        assert_close(half_geometric, jeffreys / 4 - half_b, laws, f"{family}: JS^G_1/2 = J/4 - B_1/2",
                     scale=half_geometric + jeffreys / 4 + half_b)
        return n

    run(request, check, examples, MIN_PAIRS["closed"])


def check_tangents(family, rng, n, spread):
    """At the ends of alpha the value-and-gradient functions give 0 and the slopes of B_alpha = -log Z and
    JS^G_alpha = alpha (1 - alpha) J - B_alpha: dB/dalpha = KL(p:q) at 0 and -KL(q:p) at 1 (B is concave, from 0 to 0),
    dJS^G/dalpha = J - KL(p:q) = KL(q:p) at 0 and -KL(p:q) at 1 (the tangents drawn in notebook 03)."""
    module = getattr(mjsd, family)
    args = draw_arguments((family, "jsd_geometric"), rng, n, spread=spread)
    laws = laws_only(args)
    kl, kl_back = module.kl(**laws), module.kl(**reversed_laws(args))
    for end, slope_b, slope_g in ((0.0, kl, kl_back), (1.0, -kl_back, -kl)):
        at_end = dict(laws, alpha=np.full(n, end))
        for name, slope in (("bhattacharyya", slope_b), ("jsd_geometric_dual", slope_b), ("jsd_geometric", slope_g)):
            value, grad = getattr(module, name + "_value_and_grad")(**at_end)
            assert np.all(value == 0.0), f"{family}.{name} at alpha = {end} is not 0"
            assert_close(grad["alpha"], slope, at_end, f"{family}.{name}: d/dalpha at alpha = {end}")
            partials = [g for p, g in grad.items() if p != "alpha"]
            assert all(np.all(np.isfinite(g)) for g in partials), f"{family}.{name}: a partial is not finite"
    return n


@pytest.mark.parametrize("family", marked(EXPONENTIAL, "tangents", ids=str))
def test_tangents_at_the_ends_of_alpha(family, request):
    """check_tangents on parameters within 10^-1 .. 10^1 (probabilities 0.02 .. 0.98): every family."""
    run(request, lambda rng: check_tangents(family, rng, CLOSED_PAIRS, spread=1.0), CLOSED_EXAMPLES,
        MIN_PAIRS["closed"])


@pytest.mark.parametrize("family", marked(EXPONENTIAL, "wide tangents", ids=str))
def test_tangents_at_the_ends_of_alpha_over_the_whole_range(family, request):
    """check_tangents over 10^-3 .. 10^3, where the laws' scales may differ by 10^6."""
    run(request, lambda rng: check_tangents(family, rng, CLOSED_PAIRS, spread=3.0), CLOSED_EXAMPLES,
        MIN_PAIRS["closed"])


DEASY = [family for family in EXPONENTIAL if hasattr(getattr(mjsd, family), "jsd_geometric_deasy")]


@pytest.mark.parametrize("family", marked(DEASY, "deasy", ids=str))
def test_deasy_convention(family, request):
    """Deasy et al.'s JS^G'_alpha(p:q) = (1 - alpha) KL(p:g') + alpha KL(q:g'), g' = p^alpha q^(1-alpha)/Z, is
    (1 - alpha)^2 KL(p:q) + alpha^2 KL(q:p) - B_(1-alpha)(p:q): KL(p:q) at alpha = 0, KL(q:p) at alpha = 1, and
    JS^G_1/2 at alpha = 1/2."""
    module = getattr(mjsd, family)
    key = (family, "jsd_geometric_deasy")
    examples, n = examples_and_pairs(key)

    def check(rng):
        args = draw_arguments(key, rng, n)
        laws, alpha = laws_only(args), args["alpha"]
        kl, kl_back = module.kl(**laws), module.kl(**reversed_laws(args))
        deasy = module.jsd_geometric_deasy(**args)
        b = module.bhattacharyya(**laws, alpha=1 - alpha)
        expected = (1 - alpha) ** 2 * kl + alpha**2 * kl_back - b
        assert_close(deasy, expected, args, f"{family}: Deasy's JS^G' = (1-alpha)^2 KL + alpha^2 KL' - B_(1-alpha)",
                     scale=deasy + (1 - alpha) ** 2 * kl + alpha**2 * kl_back + b)
        assert_close(module.jsd_geometric_deasy(**laws), module.jsd_geometric(**laws), laws,
                     f"{family}: Deasy's = Nielsen's at alpha = 1/2")
        assert_close(module.jsd_geometric_deasy(**laws, alpha=0.0), kl, laws, f"{family}: Deasy's at alpha = 0")
        assert_close(module.jsd_geometric_deasy(**laws, alpha=1.0), kl_back, laws, f"{family}: Deasy's at alpha = 1")
        return n

    run(request, check, examples, MIN_PAIRS["closed"])


def test_cauchy_harmonic_jsd_equals_its_dual(request):
    """Between Cauchy laws KL is symmetric, so the harmonic JSD and its dual coincide (README, notebook 05)."""
    key = ("cauchy", "jsd_harmonic")

    def check(rng):
        args = draw_arguments(key, rng, CLOSED_PAIRS)
        assert_close(mjsd.cauchy.jsd_harmonic_dual(**args), mjsd.cauchy.jsd_harmonic(**args), args,
                     "cauchy: JS^H* = JS^H")
        return CLOSED_PAIRS

    run(request, check, CLOSED_EXAMPLES, MIN_PAIRS["closed"], "cauchy.jsd_harmonic cauchy.jsd_harmonic_dual")


# ---------------------------------------------------------------------------------------------------------------------
# Invariance under a bijection of the sample space: f-divergences, the geometric mixture's normaliser and the classic
# JSD do not change when both laws are pushed through the same bijection, so families that are images of one another
# must agree. Drawn over the whole range where the divergences are representable in float64.
# ---------------------------------------------------------------------------------------------------------------------

def lognormal_as_normal(args):
    return "normal", dict(args)


def exponential_rate(args, rate):
    out = {k: v for k, v in args.items() if k == "alpha"}
    out["rate1"], out["rate2"] = rate(args, "1"), rate(args, "2")
    return "exponential", out


BIJECTIONS = {
    # log X ~ N(loc, scale^2)
    "lognormal": lognormal_as_normal,
    # X^k ~ Exponential(scale^-k)
    "weibull": lambda a: exponential_rate(a, lambda a, i: a["scale" + i] ** -a["shape"]),
    # X^2 ~ Exponential(1 / (2 scale^2))
    "rayleigh": lambda a: exponential_rate(a, lambda a, i: 0.5 / a["scale" + i] ** 2),
    # |X - loc| ~ Exponential(1 / scale)
    "laplace": lambda a: exponential_rate(a, lambda a, i: 1.0 / a["scale" + i]),
}
INVARIANT = [(family, name) for family in BIJECTIONS for name in getattr(mjsd, family).__all__
             if (family, name) in VALUES]


def bijection_arguments(key, rng, n):
    """Pairs over the whole range: for Weibull, shape 10^-2 .. 10^3 and scales with |shape log(scale1/scale2)| <= 600,
    so every divergence is representable (the exponential rates scale^-shape may not be: the Weibull kernels must
    work from the ratio)."""
    args = draw_arguments(key, rng, n, near=0.0, identical=0.0, spread=3.0)
    if key[0] == "weibull":
        shape = args["shape"]
        log_scale = rng.uniform(-3, 3, n) * math.log(10)
        args["scale1"] = np.exp(log_scale)
        args["scale2"] = np.exp(log_scale + rng.uniform(-1, 1, n) * np.minimum(600.0 / shape, 3 * math.log(10)))
    return args


@pytest.mark.filterwarnings("ignore:overflow encountered:RuntimeWarning")  # the Weibull bug, beyond representable rates
@pytest.mark.parametrize("key", marked(INVARIANT, "bijection"))
def test_invariance_under_a_bijection(key, request):
    family, name = key
    function, examples, n = SURFACE[key], *examples_and_pairs(key)

    def check(rng):
        args = bijection_arguments(key, rng, n)
        if family == "weibull":  # the reference: exponential rates within 10^+-100, where its kernels hold (see KNOWN)
            keep = ((np.abs(np.log(args["scale1"]) * args["shape"]) < 230)
                    & (np.abs(np.log(args["scale2"]) * args["shape"]) < 230))
            reference_args = taken(args, keep)
        else:
            keep, reference_args = slice(None), args
        image, image_args = BIJECTIONS[family](reference_args)
        expected = getattr(getattr(mjsd, image), name)(**image_args)
        values = function(**args)
        assert_close(values[keep], expected, reference_args, f"{ident(key)} = {image}.{name} of the image laws")
        if family == "weibull":  # beyond the representable rates: finite, and only the ratio of the scales matters
            assert np.all(np.isfinite(values)), f"{ident(key)} not finite at {show(args, int(np.argmax(~np.isfinite(values))))}"
            t = rng.uniform(-1, 1, n) * np.minimum(700.0 / args["shape"], 600.0)  # scale^shape moves by up to e^700
            assert_close(function(**dict(args, scale1=args["scale1"] * np.exp(t), scale2=args["scale2"] * np.exp(t))),
                         values, args, f"{ident(key)} depends on the scales' ratio only")
        return n

    run(request, check, examples, MIN_PAIRS[cost(key)])


def test_normal_divergences_are_affine_invariant(request):
    """x -> a x + b maps N(loc, scale^2) to N(a loc + b, |a| scale)^2; every divergence is unchanged."""
    names = [name for family, name in VALUES if family == "normal"]

    def check(rng):
        args = draw_arguments(("normal", "jsd_geometric"), rng, CLOSED_PAIRS, near=0.0, identical=0.0)
        a = rng.choice([-1.0, 1.0], CLOSED_PAIRS) * decades(rng, 2, CLOSED_PAIRS)
        b = rng.choice([-1.0, 1.0], CLOSED_PAIRS) * decades(rng, 2, CLOSED_PAIRS)
        image = dict(args, loc1=a * args["loc1"] + b, scale1=np.abs(a) * args["scale1"],
                     loc2=a * args["loc2"] + b, scale2=np.abs(a) * args["scale2"])
        for name in names:
            f = getattr(mjsd.normal, name)
            if name == "jsd_arithmetic":  # quadrature: 16 pairs
                small, image_small = taken(args, slice(0, 16)), taken(image, slice(0, 16))
                assert_close(f(**image_small), f(**small), small, f"normal.{name} affine",
                             scale=np.abs(f(**small)) * conditioning(small, a[:16], b[:16]))
            elif name in ("kl", "jeffreys"):
                # rounding a x + b moves the locations by ~1e-16 (|a loc| + |b|): relative to the scale that is the
                # conditioning of the divergence, so compare where it is small
                assert_close(f(**laws_only(image)), f(**laws_only(args)), args, f"normal.{name} affine",
                             scale=np.abs(f(**laws_only(args))) * conditioning(args, a, b))
            else:
                assert_close(f(**image), f(**args), args, f"normal.{name} affine",
                             scale=np.abs(f(**args)) * conditioning(args, a, b))
        return CLOSED_PAIRS

    run(request, check, CLOSED_EXAMPLES, MIN_PAIRS["closed"], " ".join(f"normal.{name}" for name in names))


def conditioning(args, a, b):
    """1 + the relative change of the divergence when a x + b rounds the locations (~ |delta|/scale per ulp)."""
    delta = np.abs(args["loc1"] - args["loc2"]) + 1e-300
    moved = (np.abs(a) * (np.abs(args["loc1"]) + np.abs(args["loc2"])) + 2 * np.abs(b)) / (np.abs(a) * delta)
    return 1.0 + 1e-6 * moved  # RTOL * 1e-6 = 1e-15, ~4.5 ulps per unit of 'moved'


# ---------------------------------------------------------------------------------------------------------------------
# Batches: equal to scalar calls, independent of their order, split across threads
# ---------------------------------------------------------------------------------------------------------------------

BATCHED = VALUES + GRADIENTS


def results(function, args):
    """(value, {param: partial}) for a value-and-gradient function, (value, {}) otherwise."""
    out = function(**args)
    return out if isinstance(out, tuple) else (out, {})


def assert_bitwise(batch, scalar, where):
    value, grad = batch
    one, one_grad = scalar
    assert same_bits(value, one), f"{where}: batch {value!r} != scalar {one!r}"
    assert grad.keys() == one_grad.keys()
    for pname in grad:
        assert same_bits(grad[pname], one_grad[pname]), f"{where}: d/d{pname} batch {grad[pname]!r} != {one_grad[pname]!r}"


def value_key(key):
    family, name = key
    return (family, name.removesuffix("_value_and_grad"))


BIG_EXAMPLES = 2  # of the examples, how many also check a batch past the thread split


@pytest.mark.parametrize("key", marked(BATCHED, "batch"))
def test_batch_equals_scalar_calls(key, request, threads):
    """A batch of pairs gives, bit for bit, what one call per pair gives (scalars, rows, matrices in, floats out);
    also batches big enough to be split across threads (checked at 16 sampled entries), and mjsd.pairwise."""
    function = SURFACE[key]
    examples, n = examples_and_pairs(value_key(key))
    big = 3 * grain(function) + 7  # past THREADS * grain: split into THREADS pieces
    done = [0]

    def check(rng):
        args = draw_arguments(value_key(key), rng, n)
        m = pairs_in(args)
        value, grad = results(function, args)
        for i in range(m):
            one = results(function, pair(args, i))
            assert isinstance(one[0], float)
            assert_bitwise((value[i], {p: g[i] for p, g in grad.items()}), one, f"{ident(key)} pair {i} of "
                                                                                 f"{show(args, i)}")
        checked = m
        if not key[1].endswith("_value_and_grad"):
            checked += check_pairwise(key, function, args)
        done[0] += 1
        if done[0] <= BIG_EXAMPLES:
            large = draw_arguments(value_key(key), rng, big)
            value, grad = results(function, large)
            for i in rng.choice(pairs_in(large), 16, replace=False):
                assert_bitwise((value[i], {p: g[i] for p, g in grad.items()}), results(function, pair(large, i)),
                               f"{ident(key)} pair {i} of a batch of {big}")
            checked += 16
        return checked

    run(request, check, examples, MIN_PAIRS[cost(value_key(key))])


def check_pairwise(key, function, args):
    """mjsd.pairwise(f, first set, second set)[i, j] == f(first_i, second_j) bit for bit, on up to 8 x 5 laws."""
    m = pairs_in(args)
    rows = min(8, m - 1)
    cols = min(5, m - rows)
    first_laws, second_laws = function.laws
    fixed = {pname: value[0] for pname, value in args.items() if law_role(pname) == 0}
    if key[0] == "weibull":  # one shape for all the pairs
        args = weibull_representable(args, fixed["shape"])
    first = tuple(args[pname][:rows] for pname, _ in first_laws)
    second = tuple(args[pname][rows:rows + cols] for pname, _ in second_laws)
    one_law = lambda values: values[0] if len(values) == 1 else values  # one parameter: the array itself
    matrix = mjsd.pairwise(function, one_law(first), one_law(second), **fixed)
    assert matrix.shape == (rows, cols)
    for i in range(rows):
        for j in range(cols):
            one = dict(fixed, **{pname: value[i] for (pname, _), value in zip(first_laws, first)},
                       **{pname: value[j] for (pname, _), value in zip(second_laws, second)})
            assert same_bits(matrix[i, j], function(**one)), f"{ident(key)} pairwise [{i}, {j}]"
    return rows * cols


@pytest.mark.parametrize("key", marked(BATCHED, "order"))
def test_results_do_not_depend_on_the_order_of_a_batch(key, request, threads):
    """Permuting a batch permutes its results bit for bit: in one thread, and split across threads (a batch of
    3 grains + 7 pairs, the grain read from the function: 16384 for univariate closed forms, 4 for quadrature)."""
    function = SURFACE[key]
    examples, n = examples_and_pairs(value_key(key))
    big = 3 * grain(function) + 7
    done = [0]

    def check(rng):
        done[0] += 1
        checked = 0
        for size in (n, big) if done[0] <= BIG_EXAMPLES else (n,):
            args = draw_arguments(value_key(key), rng, size)
            order = rng.permutation(pairs_in(args))
            value, grad = results(function, args)
            permuted_value, permuted_grad = results(function, taken(args, order))
            assert same_bits(permuted_value, value[order]), f"{ident(key)}: permuted batch of {size}"
            for pname in grad:
                assert same_bits(permuted_grad[pname], grad[pname][order]), f"{ident(key)} d/d{pname}: permuted"
            checked += pairs_in(args)
        return checked

    run(request, check, examples, MIN_PAIRS[cost(value_key(key))])

# ---------------------------------------------------------------------------------------------------------------------
# The bugs above, one call each against an independent value (a family that is its image, mpmath, a closed formula)
# ---------------------------------------------------------------------------------------------------------------------

REPRODUCTIONS = {
    "weibull-arithmetic": (WEIBULL_POWERS, lambda: mjsd.weibull.jsd_arithmetic(200.0, 50.0, 40.0),
                           lambda: mjsd.exponential.jsd_arithmetic(1.0, 1.25**200)),
    "weibull-alpha-partial": (WEIBULL_POWERS, lambda: mjsd.weibull.jsd_geometric_value_and_grad(
        194.0184525515293, 3.8092725164676513, 0.2503087722719928, 0.0)[1]["alpha"],
                              lambda: mjsd.weibull.kl(194.0184525515293, 0.2503087722719928, 3.8092725164676513)),
    "normal-alpha-partial": (ALPHA_PARTIAL, lambda: mjsd.normal.jsd_geometric_value_and_grad(
        54.70089028540162, 665.3957912442922, -0.0014025900742456732, 0.005205408098052089, 0.0)[1]["alpha"],
                             lambda: mjsd.normal.kl(-0.0014025900742456732, 0.005205408098052089, 54.70089028540162,
                                                    665.3957912442922)),
    "von-mises-kappa-zero-alpha-0": (VON_MISES_KAPPA_ZERO, lambda: mjsd.von_mises.bhattacharyya_value_and_grad(
        -0.3, 0.0, -0.017, 2.67, 0.0)[1]["alpha"], lambda: mjsd.von_mises.kl(-0.3, 0.0, -0.017, 2.67)),
}


# Bugs fixed since, with their reproductions: the Weibull closed forms are functions of shape * log(scale1 / scale2)
# (derive.families.weibull.in_log_rate_ratio) and no longer form scale^shape
FIXED = {
    "weibull-geometric-overflow": (lambda: mjsd.weibull.jsd_geometric(200.0, 50.0, 40.0),
                                   lambda: mjsd.exponential.jsd_geometric(1.0, 1.25**200)),
    "weibull-dual-underflow": (lambda: mjsd.weibull.jsd_geometric_dual(200.0, 0.01, 0.012),
                               lambda: mjsd.exponential.jsd_geometric_dual(1.0, 1.2**200)),
    "weibull-dual-large-shape": (lambda: mjsd.weibull.jsd_geometric_dual(1000.0, 1e-6, 1000.0, 1e-6),
                                 lambda: math.log1p(-1e-6) - 1e-6 * 1000.0 * math.log(1e-9)),  # (1e-9)^1000 = 0
}

@pytest.mark.parametrize("case", [pytest.param(case, marks=pytest.mark.xfail(strict=True, reason=reason))
                                  for case, (reason, _, _) in REPRODUCTIONS.items()])
def test_reproductions_of_the_known_bugs(case):
    """Each bug's one-line reproduction: a finite value equal to the independent one (RTOL 1e-9)."""
    _, call, reference = REPRODUCTIONS[case]
    value = call()
    assert math.isfinite(value)
    if reference is not None:
        assert value == pytest.approx(reference(), rel=RTOL, abs=0.0)


@pytest.mark.parametrize("case", sorted(FIXED))
def test_reproductions_of_fixed_bugs(case):
    """Each fixed bug's reproduction: a finite value equal to the independent one (RTOL 1e-9)."""
    call, reference = FIXED[case]
    value = call()
    assert math.isfinite(value) and value == pytest.approx(reference(), rel=RTOL, abs=0.0)
