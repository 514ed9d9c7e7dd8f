"""The thirteen exponential families of the catalogue: every kernel against the independent references of
tests/catalogue.py (relative 1e-9), batched against scalar calls, Nielsen's identities, endpoints, and the API errors.

Each kernel is called once on a whole batch of random pairs (arrays; one batch per category count for categorical
laws, whose rows cannot share an array across k); the reference is evaluated pair by pair. The worst relative error per
(family, function) is printed (pytest -s). Ranges: rates, shapes, scales, means and concentrations log-uniform in
[0.2, 20]; probabilities uniform in [0.02, 0.98]; n in 1..60; kappa in [0, 30]; von Mises locations in [-pi, 3 pi];
lognormal loc in [-3, 3] and scale log-uniform in [0.2, 5]; Laplace loc in [-3, 3]; categorical rows Dirichlet(1)
mixed with 0.01/k; alpha in [0.02, 0.98].
"""
import math
import re
import zlib
from collections import namedtuple

import numpy as np
import pytest

import catalogue as ref
import mjsd

N = 20               # random pairs per (family, function)
TOLERANCE = 1e-9     # relative, kernel against reference
TOLERANCE_K3 = {"jsd_arithmetic": 1e-7}  # Dirichlet k = 3 against nested quadrature (1e-9 for the closed forms)
N_K3 = 3             # Dirichlet k = 3 pairs per function (the references are 2-D quadratures, about a second each)
MC_SIGMAS = 5.0      # Monte Carlo references: within this many standard errors
CATEGORY_COUNTS = (2, 3, 4, 5, 6)

FUNCTIONS = ("kl", "jeffreys", "jsd_geometric", "jsd_geometric_dual", "bhattacharyya", "jsd_arithmetic")
SKEWED = FUNCTIONS[2:]
REFERENCE = {
    "kl": lambda p, q, a: ref.kl(p, q),
    "jeffreys": lambda p, q, a: ref.jeffreys(p, q),
    "jsd_geometric": lambda p, q, a: ref.jsd_geometric(p, q, a),
    "jsd_geometric_dual": lambda p, q, a: ref.jsd_geometric(p, q, a, dual=True),
    "bhattacharyya": lambda p, q, a: ref.bhattacharyya(p, q, a),
    "jsd_arithmetic": lambda p, q, a: ref.jsd_arithmetic(p, q, a),
}


# ---------------------------------------------------------------------------------------------------------------------
# Parameters: kinds (how to draw them, a valid value, the invalid values that must be refused) and the families
# ---------------------------------------------------------------------------------------------------------------------

def log_uniform(lo, hi):
    return lambda rng, n, k=None: np.exp(rng.uniform(math.log(lo), math.log(hi), n))


def categorical_rows(rng, n, k):
    return 0.99 * rng.dirichlet(np.ones(k), size=n) + 0.01 / k


def concentration_rows(rng, n, k):
    return np.exp(rng.uniform(math.log(0.2), math.log(20.0), (n, k)))


Kind = namedtuple("Kind", "draw valid bad")
NAN, INF = float("nan"), float("inf")
PROBABILITY = Kind(lambda rng, n, k=None: rng.uniform(0.02, 0.98, n), (0.3, 0.65), [0.0, 1.0, -0.1, 1.5, NAN])
POSITIVE = Kind(log_uniform(0.2, 20.0), (1.5, 2.5), [0.0, -1.0, NAN, INF])
LOGNORMAL_SCALE = Kind(log_uniform(0.2, 5.0), (0.7, 1.3), [0.0, -1.0, NAN, INF])
COUNT = Kind(lambda rng, n, k=None: rng.integers(1, 61, n), (7, 7), [0, -3, 2.5])
LOCATION = Kind(lambda rng, n, k=None: rng.uniform(-3.0, 3.0, n), (0.5, -1.0), [NAN, INF, -INF])
ANGLE = Kind(lambda rng, n, k=None: rng.uniform(-math.pi, 3 * math.pi, n), (0.3, 2.0), [NAN, INF, -INF])
KAPPA = Kind(lambda rng, n, k=None: rng.uniform(0.0, 30.0, n), (2.0, 5.0), [-1.0, -1e-12, NAN, INF])
PROBS = Kind(categorical_rows, ([0.2, 0.3, 0.5], [0.5, 0.25, 0.25]),
             [[0.5, 0.6, 0.1], [0.2, 0.3, 0.4], [0.2, 0.3, 0.5 + 1e-6], [0.0, 0.5, 0.5], [-0.1, 0.6, 0.5],
              [NAN, 0.5, 0.5], [INF, 0.5, 0.5]])
CONCENTRATION = Kind(concentration_rows, ([1.0, 2.0, 3.0], [0.5, 4.0, 1.5]),
                     [[0.0, 1.0, 2.0], [-1.0, 1.0, 2.0], [NAN, 1.0, 2.0], [INF, 1.0, 2.0]])
ALPHA_BAD = [-0.1, 1.5, NAN, INF]

# shared: parameters the family holds fixed (first, once); own: each law's parameters (suffixed 1, then 2)
Family = namedtuple("Family", "shared own law")
FAMILIES = {
    "bernoulli": Family((), (("p", PROBABILITY),), ref.bernoulli),
    "binomial": Family((("n", COUNT),), (("p", PROBABILITY),), ref.binomial),
    "categorical": Family((), (("probs", PROBS),), ref.categorical),
    "poisson": Family((), (("rate", POSITIVE),), ref.poisson),
    "geometric": Family((), (("p", PROBABILITY),), ref.geometric),
    "exponential": Family((), (("rate", POSITIVE),), ref.exponential),
    "gamma": Family((), (("shape", POSITIVE), ("rate", POSITIVE)), ref.gamma),
    "beta": Family((), (("a", POSITIVE), ("b", POSITIVE)), ref.beta),
    "dirichlet": Family((), (("concentration", CONCENTRATION),), ref.dirichlet),
    "lognormal": Family((), (("loc", LOCATION), ("scale", LOGNORMAL_SCALE)), ref.lognormal),
    "inverse_gaussian": Family((), (("mean", POSITIVE), ("shape", POSITIVE)), ref.inverse_gaussian),
    "laplace": Family((("loc", LOCATION),), (("scale", POSITIVE),), ref.laplace),
    "rayleigh": Family((), (("scale", POSITIVE),), ref.rayleigh),
    "weibull": Family((("shape", POSITIVE),), (("scale", POSITIVE),), ref.weibull),
    "von_mises": Family((), (("loc", ANGLE), ("kappa", KAPPA)), ref.von_mises),
}
ROWS = {"categorical", "dirichlet"}  # parameters are arrays (..., k)


def names(family):
    spec = FAMILIES[family]
    own = [name for name, _ in spec.own]
    return [name for name, _ in spec.shared] + [n + "1" for n in own] + [n + "2" for n in own]


def kinds(family):
    spec = FAMILIES[family]
    return [kind for _, kind in spec.shared] + [kind for _, kind in spec.own] * 2


Batch = namedtuple("Batch", "shared own1 own2 alpha")


def draw(family, rng, n, k=None):
    """n random pairs: lists of arrays (n,) or rows (n, k), and skews (n,)."""
    spec = FAMILIES[family]
    shared = [kind.draw(rng, n, k) for _, kind in spec.shared]
    own1 = [kind.draw(rng, n, k) for _, kind in spec.own]
    own2 = [kind.draw(rng, n, k) for _, kind in spec.own]
    return Batch(shared, own1, own2, rng.uniform(0.02, 0.98, n))


def arguments(batch):
    return [*batch.shared, *batch.own1, *batch.own2]


def scalar(value):
    value = np.asarray(value)
    if value.ndim:
        return value
    return int(value) if value.dtype.kind in "iu" else float(value)


def laws(family, batch, i):
    """The reference laws of pair i."""
    law = FAMILIES[family].law
    shared = [scalar(x[i]) for x in batch.shared]
    return (law(*shared, *[scalar(x[i]) for x in batch.own1]), law(*shared, *[scalar(x[i]) for x in batch.own2]))


def kernel(family, name):
    return getattr(getattr(mjsd, family), name)


def seed(*parts):
    return zlib.crc32("/".join(map(str, parts)).encode())


def call(family, name, args, alpha):
    return kernel(family, name)(*args, alpha) if name in SKEWED else kernel(family, name)(*args)


def report(family, name, errors, what="relative error"):
    worst = int(np.argmax(errors))
    print(f"\n{family}.{name}: worst {what} {errors[worst]:.2e} over {len(errors)} random pairs")
    return worst


# ---------------------------------------------------------------------------------------------------------------------
# Kernels against the references
# ---------------------------------------------------------------------------------------------------------------------

CASES = [(family, name) for family in FAMILIES for name in FUNCTIONS]


@pytest.mark.parametrize("family, name", CASES, ids=lambda v: v)
def test_kernel_matches_reference(family, name):
    rng = np.random.default_rng(seed(family, name))
    groups = ([(k, N // len(CATEGORY_COUNTS)) for k in CATEGORY_COUNTS] if family == "categorical"
              else [(2, N)] if family == "dirichlet" else [(None, N)])
    errors, cases = [], []
    for k, n in groups:
        batch = draw(family, rng, n, k)
        values = call(family, name, arguments(batch), batch.alpha)
        assert isinstance(values, np.ndarray) and values.shape == (n,) and values.dtype == np.float64
        for i in range(n):
            p, q = laws(family, batch, i)
            expected = REFERENCE[name](p, q, float(batch.alpha[i]))
            errors.append(abs(values[i] - expected) / abs(expected))
            cases.append((p, q, float(batch.alpha[i]), values[i], expected))
    worst = report(family, name, errors)
    assert errors[worst] < TOLERANCE, f"{family}.{name}{cases[worst]}: relative error {errors[worst]:.3e}"


@pytest.mark.parametrize("name", FUNCTIONS)
def test_dirichlet_three_categories_against_nested_quadrature(name):
    rng = np.random.default_rng(seed("dirichlet-3", name))
    batch = draw("dirichlet", rng, N_K3, 3)
    values = call("dirichlet", name, arguments(batch), batch.alpha)
    assert values.shape == (N_K3,)
    errors = []
    for i in range(N_K3):
        p, q = laws("dirichlet", batch, i)
        expected = REFERENCE[name](p, q, float(batch.alpha[i]))
        errors.append(abs(values[i] - expected) / abs(expected))
    worst = report("dirichlet(k=3)", name, errors)
    assert errors[worst] < TOLERANCE_K3.get(name, TOLERANCE), (batch, worst)


@pytest.mark.parametrize("name", FUNCTIONS[:5])
def test_dirichlet_many_categories_against_monte_carlo(name):
    # k = 4, 5, 6: one kernel call per k (rows of different lengths cannot share an array).
    rng = np.random.default_rng(seed("dirichlet-mc", name))
    scores = []
    for k in (4, 5, 6):
        batch = draw("dirichlet", rng, 1, k)
        value = call("dirichlet", name, arguments(batch), batch.alpha)[0]
        p, q = laws("dirichlet", batch, 0)
        estimate = REFERENCE[name](p, q, float(batch.alpha[0]))
        scores.append(abs(value - estimate.value) / estimate.se)
        assert scores[-1] < MC_SIGMAS, (k, batch, value, estimate)
    report("dirichlet(k=4..6)", name, scores, what="|kernel - Monte Carlo| / standard error")


# ---------------------------------------------------------------------------------------------------------------------
# Batches against scalar calls
# ---------------------------------------------------------------------------------------------------------------------

def row(value):
    return [float(v) for v in value] if np.ndim(value) else scalar(value)


@pytest.mark.parametrize("family, name", CASES, ids=lambda v: v)
def test_batched_calls_equal_scalar_calls(family, name):
    rng = np.random.default_rng(seed("batch", family, name))
    k = 3 if family in ROWS else None
    batch = draw(family, rng, 12, k)
    f = kernel(family, name)
    skew = name in SKEWED
    if family in ROWS:
        # (3, 4, k) rows on both sides, one skew per pair, against per-row calls
        first, second = (a.reshape(3, 4, k) for a in (batch.own1[0], batch.own2[0]))
        alpha = batch.alpha.reshape(3, 4)
        values = f(first, second, alpha) if skew else f(first, second)
        assert values.shape == (3, 4) and values.dtype == np.float64
        for i in range(3):
            for j in range(4):
                one = (f(list(first[i, j]), list(second[i, j]), float(alpha[i, j])) if skew
                       else f(list(first[i, j]), list(second[i, j])))
                assert type(one) is float
                np.testing.assert_allclose(values[i, j], one, rtol=1e-15, atol=0)
        # broadcasting: (3, 1, k) against (4, k), a skew per column
        first, second, alpha = batch.own1[0][:3, None, :], batch.own2[0][:4], batch.alpha[:4]
        values = f(first, second, alpha) if skew else f(first, second)
        assert values.shape == (3, 4)
        for i in range(3):
            for j in range(4):
                one = f(first[i, 0], second[j], alpha[j]) if skew else f(first[i, 0], second[j])
                np.testing.assert_allclose(values[i, j], one, rtol=1e-15, atol=0)
    else:
        # the shared and first law's parameters along axis 0 (3, 1), the second law's and the skew along axis 1 (4,)
        shared = [x[:3, None] for x in batch.shared]
        first = [x[:3, None] for x in batch.own1]
        second = [x[:4] for x in batch.own2]
        alpha = batch.alpha[:4]
        values = f(*shared, *first, *second, alpha) if skew else f(*shared, *first, *second)
        assert isinstance(values, np.ndarray) and values.shape == (3, 4) and values.dtype == np.float64
        for i in range(3):
            for j in range(4):
                args = [scalar(x[i, 0]) for x in shared + first] + [scalar(x[j]) for x in second]
                one = f(*args, float(alpha[j])) if skew else f(*args)
                assert type(one) is float
                np.testing.assert_allclose(values[i, j], one, rtol=1e-15, atol=0)
    if skew:  # alpha defaults to 1/2
        args = [row(x[0]) for x in arguments(batch)]
        assert f(*args) == f(*args, 0.5)
    assert f(*[np.asarray(x)[:0] for x in arguments(batch)]).shape == (0,)


def test_binomial_count_may_be_an_integer_valued_float():
    for name in FUNCTIONS:
        f = kernel("binomial", name)
        assert f(12, 0.3, 0.6) == f(12.0, 0.3, 0.6) == f(np.array([12.0]), 0.3, 0.6)[0]


# ---------------------------------------------------------------------------------------------------------------------
# Identities, endpoints, identical laws
# ---------------------------------------------------------------------------------------------------------------------

VARIANTS = ([(family, None) for family in FAMILIES if family not in ROWS]
            + [("categorical", 2), ("categorical", 5), ("dirichlet", 2), ("dirichlet", 3), ("dirichlet", 5)])


def variant_id(v):
    return v if isinstance(v, str) else f"k={v}" if v else ""


def skewed_functions(family, k):
    return [n for n in SKEWED if not (family == "dirichlet" and k > 3 and n == "jsd_arithmetic")]


@pytest.mark.parametrize("family, k", VARIANTS, ids=variant_id)
def test_geometric_identities(family, k):
    # Nielsen 2019: the dual geometric JSD is the skew Bhattacharyya distance, and JS^G = alpha (1-alpha) J - B.
    batch = draw(family, np.random.default_rng(seed("identities", family, k)), 200, k)
    args, alpha = arguments(batch), batch.alpha
    bhattacharyya = kernel(family, "bhattacharyya")(*args, alpha)
    np.testing.assert_allclose(kernel(family, "jsd_geometric_dual")(*args, alpha), bhattacharyya, rtol=1e-12, atol=0)
    jeffreys = kernel(family, "jeffreys")(*args)
    np.testing.assert_allclose(kernel(family, "jsd_geometric")(*args, alpha),
                               alpha * (1 - alpha) * jeffreys - bhattacharyya, rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("family, k", VARIANTS, ids=variant_id)
def test_endpoints_are_exactly_zero(family, k):
    batch = draw(family, np.random.default_rng(seed("endpoints", family, k)), 30, k)
    for name in skewed_functions(family, k):
        for end in (0.0, 1.0):
            values = kernel(family, name)(*arguments(batch), end)
            assert np.all(values == 0.0), (name, end, values)
            assert kernel(family, name)(*[row(x[0]) for x in arguments(batch)], end) == 0.0, (name, end)


@pytest.mark.parametrize("family, k", VARIANTS, ids=variant_id)
def test_identical_laws_give_zero(family, k):
    batch = draw(family, np.random.default_rng(seed("identical", family, k)), 30, k)
    args = [*batch.shared, *batch.own1, *batch.own1]
    names_ = [n for n in FUNCTIONS if n in skewed_functions(family, k) or n not in SKEWED]
    for name in names_:
        values = call(family, name, args, batch.alpha)
        assert np.all(np.abs(values) <= 1e-12), (name, np.max(np.abs(values)))


# ---------------------------------------------------------------------------------------------------------------------
# Bad parameters: ValueError naming the parameter
# ---------------------------------------------------------------------------------------------------------------------

def named(name):
    return rf"(?<![A-Za-z0-9_]){re.escape(name)}(?![A-Za-z0-9_])"


def valid_arguments(family):
    spec = FAMILIES[family]
    return ([kind.valid[0] for _, kind in spec.shared] + [kind.valid[0] for _, kind in spec.own]
            + [kind.valid[1] for _, kind in spec.own])


ERROR_CASES = CASES + [("dirichlet", "jsd_arithmetic_monte_carlo")]


def invoke(family, name, args, alpha=None):
    f = kernel(family, name)
    if name == "jsd_arithmetic_monte_carlo":
        return f(*args, 0.5 if alpha is None else alpha, samples=100, seed=0)
    if name in SKEWED:
        return f(*args, 0.5 if alpha is None else alpha)
    return f(*args)


@pytest.mark.parametrize("family, name", ERROR_CASES, ids=lambda v: v)
@pytest.mark.filterwarnings("error::RuntimeWarning")  # the error alone: no floating-point warning on the way to it
def test_bad_parameters_name_themselves(family, name):
    valid = valid_arguments(family)
    invoke(family, name, valid)  # the valid set is accepted
    for position, (parameter, kind) in enumerate(zip(names(family), kinds(family))):
        for bad in kind.bad:
            args = list(valid)
            args[position] = bad
            with pytest.raises(ValueError, match=named(parameter)):
                invoke(family, name, args)
            if family not in ROWS:  # the same bad value inside an array
                args[position] = [valid[position], bad]
                with pytest.raises(ValueError, match=named(parameter)):
                    invoke(family, name, args)
    if name in SKEWED or name == "jsd_arithmetic_monte_carlo":
        for bad in ALPHA_BAD:
            with pytest.raises(ValueError, match=named("alpha")):
                invoke(family, name, valid, alpha=bad)
            with pytest.raises(ValueError, match=named("alpha")):
                invoke(family, name, valid, alpha=[0.5, bad])


@pytest.mark.parametrize("family, name", [(f, n) for f, n in ERROR_CASES if f in ROWS], ids=lambda v: v)
def test_rows(family, name):
    first, second = (f"{FAMILIES[family].own[0][0]}{i}" for i in (1, 2))
    valid = valid_arguments(family)
    # different numbers of categories: both parameters named
    with pytest.raises(ValueError, match=named(first)) as error:
        invoke(family, name, [valid[0], [0.25, 0.25, 0.25, 0.25]] if family == "categorical"
               else [valid[0], [1.0, 2.0, 3.0, 4.0]])
    assert re.search(named(second), str(error.value))
    # a bad row inside a batch is refused too
    bad = FAMILIES[family].own[0][1].bad[0]
    with pytest.raises(ValueError, match=named(second)):
        invoke(family, name, [valid[0], [valid[1], bad]])
    if family == "categorical":  # rows summing to 1 within 1e-8 are accepted
        invoke(family, name, [[0.2, 0.3, 0.5 + 5e-9], valid[1]])
    else:  # a Dirichlet law needs k >= 2
        with pytest.raises(ValueError, match=named(first)):
            invoke(family, name, [[2.0], [3.0]])


def test_dirichlet_arithmetic_quadrature_only_for_two_or_three_categories():
    f = mjsd.dirichlet.jsd_arithmetic
    assert f([1.0, 2.0], [2.0, 1.0]) > 0 and f([1.0, 2.0, 3.0], [3.0, 2.0, 1.0]) > 0
    for k in (4, 6):
        with pytest.raises(ValueError):
            f(np.ones(k), np.arange(1.0, k + 1))


# ---------------------------------------------------------------------------------------------------------------------
# dirichlet.jsd_arithmetic_monte_carlo
# ---------------------------------------------------------------------------------------------------------------------

def test_monte_carlo_agrees_with_quadrature():
    rng = np.random.default_rng(seed("mc-vs-quadrature"))
    scores = []
    for k in (2, 2, 3, 3):
        c1, c2 = concentration_rows(rng, 2, k)
        alpha = float(rng.uniform(0.02, 0.98))
        estimate, se = mjsd.dirichlet.jsd_arithmetic_monte_carlo(c1, c2, alpha, samples=100_000, seed=k)
        assert type(estimate) is float and type(se) is float and se > 0
        exact = mjsd.dirichlet.jsd_arithmetic(c1, c2, alpha)
        scores.append(abs(estimate - exact) / se)
        assert scores[-1] < MC_SIGMAS, (c1, c2, alpha, estimate, se, exact)
    report("dirichlet", "jsd_arithmetic_monte_carlo", scores, what="|estimate - quadrature| / standard error")


def test_monte_carlo_agrees_with_reference_monte_carlo_for_many_categories():
    rng = np.random.default_rng(seed("mc-vs-mc"))
    for k in (4, 5, 6):
        c1, c2 = concentration_rows(rng, 2, k)
        alpha = float(rng.uniform(0.02, 0.98))
        estimate, se = mjsd.dirichlet.jsd_arithmetic_monte_carlo(c1, c2, alpha, samples=100_000, seed=k)
        reference = ref.jsd_arithmetic(ref.dirichlet(c1), ref.dirichlet(c2), alpha)
        assert abs(estimate - reference.value) < MC_SIGMAS * math.hypot(se, reference.se), (k, estimate, reference)


def test_monte_carlo_standard_error_shrinks_as_one_over_root_samples():
    c1, c2 = [0.5, 2.0, 3.0, 1.0], [2.0, 0.7, 1.0, 4.0]
    small = mjsd.dirichlet.jsd_arithmetic_monte_carlo(c1, c2, 0.3, samples=10_000, seed=1)[1]
    large = mjsd.dirichlet.jsd_arithmetic_monte_carlo(c1, c2, 0.3, samples=160_000, seed=2)[1]
    assert 4 / 1.25 < small / large < 4 * 1.25  # sqrt(16) = 4


def test_monte_carlo_seed_makes_it_reproducible():
    c1, c2 = [0.5, 2.0, 3.0], [2.0, 0.7, 1.0]
    f = mjsd.dirichlet.jsd_arithmetic_monte_carlo
    assert f(c1, c2, 0.4, samples=5_000, seed=11) == f(c1, c2, 0.4, samples=5_000, seed=11)
    assert f(c1, c2, 0.4, samples=5_000, seed=11)[0] != f(c1, c2, 0.4, samples=5_000, seed=12)[0]
    estimate, se = f(c1, c2, samples=5_000)  # alpha defaults to 1/2, seed to None
    assert estimate > 0 and se > 0


def test_monte_carlo_chunks_merge_exactly():
    """Drawn CHUNK at a time, the merged mean and sample variance are those of all the draws at once."""
    from mjsd import _monte_carlo

    def moments(draws, params, alpha):
        return draws.mean(), ((draws - draws.mean()) ** 2).sum()

    samples = 3 * _monte_carlo.CHUNK + 12345
    mean, variance = _monte_carlo._chunked(moments, lambda rng, _, n: rng.random(n), np.random.default_rng(5),
                                           (None, None), 0, 0.3, samples)
    everything = np.random.default_rng(5).random(samples)
    assert mean == pytest.approx(everything.mean(), rel=1e-14)
    assert variance == pytest.approx(everything.var(ddof=1), rel=1e-12)


@pytest.mark.parametrize("samples", [10**12, 10**9 + 1])
def test_monte_carlo_samples_beyond_the_cap_name_samples(samples):
    with pytest.raises(ValueError, match=r"samples must be an integer in \[2, 1e\+09\]"):
        mjsd.dirichlet.jsd_arithmetic_monte_carlo([1.0, 2.0], [2.0, 1.0], samples=samples)


@pytest.mark.parametrize("seed, error", [(-1, ValueError), ("abc", TypeError), (1.5, TypeError),
                                         (np.float64(2.0), TypeError), ([1, -2], ValueError)])
def test_monte_carlo_bad_seed_names_seed(seed, error):
    with pytest.raises(error, match=r"^seed must be"):
        mjsd.dirichlet.jsd_arithmetic_monte_carlo([1.0, 2.0], [2.0, 1.0], samples=10, seed=seed)
