"""The catalogue references themselves (tests/catalogue.py), before any kernel is compared with them.

Typed log-densities agree with scipy.stats; every law has mass 1 and scipy's entropy; and the references reproduce
known values. The closed forms below are typed by hand, in mpmath (40 digits), for this purpose only: they check the
references, and the kernels are never compared with them (test_catalogue.py compares kernels with references).
"""
import math
import warnings

import mpmath as mp
import numpy as np
import pytest
from scipy import stats

import catalogue as ref

mp.mp.dps = 40
M = mp.mpf
TIGHT = 1e-11  # what the references are asked to hold against an exact value (the kernels are held to 1e-9)


def rel(value, exact):
    return abs(value - exact) / abs(exact)


# ---------------------------------------------------------------------------------------------------------------------
# Log-densities, mass, entropy
# ---------------------------------------------------------------------------------------------------------------------

# (catalogue law, frozen scipy distribution, points)
LAWS = [
    (ref.bernoulli(0.3), stats.bernoulli(0.3), [0, 1]),
    (ref.bernoulli(0.98), stats.bernoulli(0.98), [0, 1]),
    (ref.binomial(1, 0.02), stats.binom(1, 0.02), [0, 1]),
    (ref.binomial(40, 0.7), stats.binom(40, 0.7), [0, 1, 7, 28, 39, 40]),
    (ref.poisson(0.2), stats.poisson(0.2), [0, 1, 5, 30]),
    (ref.poisson(17.3), stats.poisson(17.3), [0, 3, 17, 40, 120]),
    (ref.geometric(0.03), stats.geom(0.03, loc=-1), [0, 1, 50, 2000]),
    (ref.geometric(0.9), stats.geom(0.9, loc=-1), [0, 1, 5, 25]),
    (ref.exponential(0.3), stats.expon(scale=1 / 0.3), None),
    (ref.exponential(19.0), stats.expon(scale=1 / 19.0), None),
    (ref.gamma(0.2, 20.0), stats.gamma(0.2, scale=1 / 20.0), None),
    (ref.gamma(18.0, 0.3), stats.gamma(18.0, scale=1 / 0.3), None),
    (ref.beta(0.2, 0.3), stats.beta(0.2, 0.3), None),
    (ref.beta(19.0, 0.25), stats.beta(19.0, 0.25), None),
    (ref.beta(3.0, 7.0), stats.beta(3.0, 7.0), None),
    (ref.lognormal(-2.5, 4.5), stats.lognorm(4.5, scale=math.exp(-2.5)), None),
    (ref.lognormal(2.9, 0.21), stats.lognorm(0.21, scale=math.exp(2.9)), None),
    # scipy's invgauss(mu, scale=s) is IG(mean = mu s, shape = s)
    (ref.inverse_gaussian(0.2, 20.0), stats.invgauss(0.01, scale=20.0), None),
    (ref.inverse_gaussian(20.0, 0.2), stats.invgauss(100.0, scale=0.2), None),
    (ref.inverse_gaussian(2.0, 3.0), stats.invgauss(2 / 3, scale=3.0), None),
    (ref.laplace(1.3, 0.25), stats.laplace(1.3, 0.25), None),
    (ref.laplace(-2.0, 15.0), stats.laplace(-2.0, 15.0), None),
    (ref.rayleigh(0.2), stats.rayleigh(scale=0.2), None),
    (ref.rayleigh(7.0), stats.rayleigh(scale=7.0), None),
    (ref.weibull(0.2, 3.0), stats.weibull_min(0.2, scale=3.0), None),
    (ref.weibull(19.0, 0.3), stats.weibull_min(19.0, scale=0.3), None),
    (ref.von_mises(8.0, 0.01), stats.vonmises(0.01, loc=8.0), None),
    (ref.von_mises(-2.0, 29.0), stats.vonmises(29.0, loc=-2.0), None),
    (ref.von_mises(0.5, 0.0), stats.vonmises(0.0, loc=0.5), None),
    (ref.dirichlet([0.3, 4.0]), stats.dirichlet([0.3, 4.0]), None),
    (ref.dirichlet([17.0, 19.0]), stats.dirichlet([17.0, 19.0]), None),
]
IDS = [repr(law) for law, _, _ in LAWS]


def points(law, dist, given):
    if given is not None:
        return np.asarray(given)
    if isinstance(law, ref.Dirichlet):
        x1 = np.array([1e-6, 0.01, 0.3, 0.5, 0.7, 0.99, 1 - 1e-6])
        return np.stack([x1, 1 - x1], axis=-1)
    x = dist.ppf([1e-6, 0.01, 0.3, 0.5, 0.7, 0.99, 1 - 1e-6])
    return x[x < 1] if law.coordinate == "logit" else x  # beta(0.2, 0.3) puts 1e-6 of its mass above 1 - 1e-16


@pytest.mark.parametrize("law, dist, given", LAWS, ids=IDS)
def test_log_density_matches_scipy(law, dist, given):
    x = points(law, dist, given)
    if law.discrete:
        np.testing.assert_allclose(law.logpmf(x), dist.logpmf(x), rtol=1e-13, atol=1e-13)
    elif isinstance(law, ref.Dirichlet):
        np.testing.assert_allclose(law.logpdf(x), dist.logpdf(x.T), rtol=1e-13, atol=1e-13)
    else:
        np.testing.assert_allclose(law.logpdf(x), dist.logpdf(x), rtol=1e-12, atol=1e-12)


def test_categorical_log_mass_matches_scipy():
    probs = np.array([0.1, 0.25, 0.05, 0.6])
    law = ref.categorical(probs)
    one_hot = np.eye(4)
    np.testing.assert_allclose(law.logpmf(np.arange(4)), stats.multinomial(1, probs).logpmf(one_hot), rtol=1e-14)


@pytest.mark.parametrize("law, dist, given", LAWS, ids=IDS)
def test_mass_is_one_and_entropy_matches_scipy(law, dist, given):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert ref.total_mass(law) == pytest.approx(1.0, abs=1e-13)
        assert ref.entropy(law) == pytest.approx(dist.entropy(), rel=1e-12, abs=1e-12)


def test_dirichlet_stick_breaking_density_is_scipys_times_the_jacobian():
    # k = 3: the density of the stick-breaking logits is dirichlet.logpdf(x(t)) + sum log x_i(t), and it has mass 1.
    c = [0.4, 2.5, 11.0]
    law = ref.dirichlet(c)
    for t in [(-3.0, 0.5), (0.0, 0.0), (2.2, -7.0), (-25.0, 30.0)]:
        logs = law.log_x(t)
        x = np.exp(logs)
        assert law.logdensity(*t) == pytest.approx(stats.dirichlet.logpdf(x / x.sum(), c) + sum(logs), rel=1e-12)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert ref.total_mass(law) == pytest.approx(1.0, abs=1e-12)


def test_infinite_supports_are_cut_beyond_the_tail_mass():
    for law, dist in [(ref.poisson(20.0), stats.poisson(20.0)), (ref.poisson(0.2), stats.poisson(0.2)),
                      (ref.geometric(0.02), stats.geom(0.02, loc=-1)), (ref.geometric(0.98), stats.geom(0.98, loc=-1))]:
        assert dist.logsf(law.upper) < ref.LOG_TAIL  # P(X > upper) < 1e-30
        assert law.upper < 4000


def test_scalar_helpers():
    for s in [-50.0, -1.0, -0.1, -0.0999, -1e-3, -1e-9, 0.0, 1e-9, 1e-3, 0.0999, 0.1, 0.7, 1.0]:
        exact = mp.mpf(s) * mp.exp(s) - mp.exp(s) + 1
        assert ref._phi(s) == pytest.approx(float(exact), rel=1e-14, abs=1e-300)
    # p log(p/q) - p + q, including where one density underflows
    for lp, lq in [(-1.0, -1.2), (-3.0, -3.0 - 1e-7), (5.0, -700.0), (-800.0, -1.0)]:
        p, q = mp.exp(lp), mp.exp(lq)
        assert ref._ext(lp, lq) == pytest.approx(float(p * (lp - lq) - p + q), rel=1e-13, abs=1e-300)
    assert ref._ext(-math.inf, -2.0) == pytest.approx(math.exp(-2.0)) and ref._ext(-math.inf, -math.inf) == 0.0
    assert ref._ext(-1e4, -math.inf) == 0.0 and ref._ext(-1.0, -math.inf) == math.inf
    for lp, lq, a in [(-1.0, -1.0 - 1e-6, 0.3), (-2.0, 3.0, 0.02), (4.0, -9.0, 0.98)]:
        p, q = mp.exp(lp), mp.exp(lq)
        exact = (1 - M(a)) * p + M(a) * q - p ** (1 - M(a)) * q ** M(a)
        assert ref._agm_gap(lp, lq, a) == pytest.approx(float(exact), rel=1e-12)


# ---------------------------------------------------------------------------------------------------------------------
# Known values: KL, Bhattacharyya and (through Nielsen's identity JS^G = alpha (1-alpha) J - B) the geometric JSD
# ---------------------------------------------------------------------------------------------------------------------

def lgam(x):
    return mp.loggamma(x)


def psi(x):
    return mp.psi(0, x)


def logi0(k):
    return mp.log(mp.besseli(0, k))


# closed-form KL(p1 : p2), from the two laws' parameters (textbook / exponential-family derivations)
KL = {
    "bernoulli": lambda p, q: p * mp.log(p / q) + (1 - p) * mp.log((1 - p) / (1 - q)),
    "binomial": lambda n, p, q: n * (p * mp.log(p / q) + (1 - p) * mp.log((1 - p) / (1 - q))),
    "poisson": lambda a, b: a * mp.log(a / b) - a + b,
    "geometric": lambda p, q: mp.log(p / q) + (1 - p) / p * mp.log((1 - p) / (1 - q)),
    "exponential": lambda a, b: mp.log(a / b) + b / a - 1,
    "gamma": lambda k1, r1, k2, r2: ((k1 - k2) * psi(k1) - lgam(k1) + lgam(k2) + k2 * mp.log(r1 / r2)
                                     + k1 * (r2 - r1) / r1),
    "beta": lambda a1, b1, a2, b2: (lgam(a2) + lgam(b2) - lgam(a2 + b2) - lgam(a1) - lgam(b1) + lgam(a1 + b1)
                                    + (a1 - a2) * psi(a1) + (b1 - b2) * psi(b1) + (a2 - a1 + b2 - b1) * psi(a1 + b1)),
    "lognormal": lambda m1, s1, m2, s2: mp.log(s2 / s1) + (s1**2 + (m1 - m2) ** 2) / (2 * s2**2) - M(1) / 2,
    "inverse_gaussian": lambda m1, l1, m2, l2: (mp.log(l1 / l2) / 2 - M(1) / 2 + l2 / (2 * l1)
                                                + l2 * (m1 - m2) ** 2 / (2 * m1 * m2**2)),
    "laplace": lambda loc, s1, s2: mp.log(s2 / s1) + s1 / s2 - 1,
    "rayleigh": lambda s1, s2: 2 * mp.log(s2 / s1) + (s1 / s2) ** 2 - 1,
    "weibull": lambda k, s1, s2: k * mp.log(s2 / s1) - 1 + (s1 / s2) ** k,
    "von_mises": lambda m1, k1, m2, k2: (logi0(k2) - logi0(k1)
                                         + mp.besseli(1, k1) / mp.besseli(0, k1) * (k1 - k2 * mp.cos(m1 - m2))),
}

# natural parameters and log-normaliser F of each family: B_alpha = (1-alpha) F(t1) + alpha F(t2) - F(t_alpha),
# t_alpha = (1-alpha) t1 + alpha t2 (the shared parameter, if any, comes first and stays fixed)
NATURAL = {
    "bernoulli": (lambda p: [mp.log(p / (1 - p))], lambda t: mp.log(1 + mp.exp(t[0]))),
    "binomial": (lambda n, p: [n, mp.log(p / (1 - p))], lambda t: t[0] * mp.log(1 + mp.exp(t[1]))),
    "poisson": (lambda r: [mp.log(r)], lambda t: mp.exp(t[0])),
    "geometric": (lambda p: [mp.log(1 - p)], lambda t: -mp.log(1 - mp.exp(t[0]))),
    "exponential": (lambda r: [-r], lambda t: -mp.log(-t[0])),
    "gamma": (lambda k, r: [k, -r], lambda t: lgam(t[0]) - t[0] * mp.log(-t[1])),
    "beta": (lambda a, b: [a, b], lambda t: lgam(t[0]) + lgam(t[1]) - lgam(t[0] + t[1])),
    "lognormal": (lambda m, s: [m / s**2, -1 / (2 * s**2)],
                  lambda t: -t[0] ** 2 / (4 * t[1]) - mp.log(-2 * t[1]) / 2),
    "inverse_gaussian": (lambda m, lam: [-lam / (2 * m * m), -lam / 2],
                         lambda t: -mp.log(-2 * t[1]) / 2 - 2 * mp.sqrt(t[0] * t[1])),
    "laplace": (lambda loc, s: [loc, -1 / s], lambda t: mp.log(-2 / t[1])),
    "rayleigh": (lambda s: [-1 / (2 * s * s)], lambda t: -mp.log(-2 * t[0])),
    "weibull": (lambda k, s: [k, -s ** (-k)], lambda t: -mp.log(-t[1])),
    "von_mises": (lambda m, k: [k * mp.cos(m), k * mp.sin(m)], lambda t: logi0(mp.sqrt(t[0] ** 2 + t[1] ** 2))),
}
# (shared, first law's own, second law's own) parameters
PAIRS = {
    "bernoulli": [((), (0.3,), (0.8,)), ((), (0.02,), (0.98,)), ((), (0.5,), (0.5 + 1e-4,))],
    "binomial": [((60,), (0.02,), (0.97,)), ((7,), (0.4,), (0.45,)), ((1,), (0.9,), (0.2,))],
    "poisson": [((), (0.2,), (20.0,)), ((), (3.3,), (3.4,)), ((), (19.0,), (0.7,))],
    "geometric": [((), (0.02,), (0.98,)), ((), (0.5,), (0.4,)), ((), (0.9,), (0.05,))],
    "exponential": [((), (0.2,), (20.0,)), ((), (1.0,), (1.01,)), ((), (7.0,), (0.3,))],
    "gamma": [((), (0.2, 20.0), (20.0, 0.2)), ((), (2.0, 1.0), (3.0, 2.0)), ((), (19.0, 5.0), (18.5, 5.1))],
    "beta": [((), (0.2, 0.3), (19.0, 17.0)), ((), (2.0, 5.0), (2.1, 4.9)), ((), (0.25, 18.0), (15.0, 0.3))],
    "lognormal": [((), (-3.0, 0.2), (3.0, 5.0)), ((), (0.5, 1.0), (0.6, 1.1)), ((), (2.0, 4.0), (-1.0, 0.25))],
    "inverse_gaussian": [((), (0.2, 20.0), (20.0, 0.2)), ((), (1.0, 2.0), (1.1, 2.2)), ((), (15.0, 0.3), (0.5, 9.0))],
    "laplace": [((1.5,), (0.2,), (20.0,)), ((-3.0,), (1.0,), (1.05,)), ((0.0,), (9.0,), (0.4,))],
    "rayleigh": [((), (0.2,), (20.0,)), ((), (1.0,), (1.02,)), ((), (11.0,), (0.5,))],
    "weibull": [((0.2,), (0.3,), (15.0,)), ((19.0,), (1.0,), (1.1,)), ((2.5,), (9.0,), (0.25,))],
    "von_mises": [((), (0.0, 0.01), (3.0, 29.0)), ((), (8.0, 5.0), (8.3, 4.0)), ((), (-3.0, 25.0), (9.0, 25.0))],
}
ALPHAS = [0.02, 0.5, 0.9]


def law_of(family, shared, own):
    return getattr(ref, family)(*shared, *own)


def family_cases():
    return [(f, i) for f in PAIRS for i in range(len(PAIRS[f]))]


@pytest.mark.parametrize("family, i", family_cases())
def test_kl_and_jeffreys_match_closed_forms(family, i):
    shared, own1, own2 = PAIRS[family][i]
    p, q = law_of(family, shared, own1), law_of(family, shared, own2)
    shared_m = [M(v) for v in shared]
    kl12 = KL[family](*shared_m, *[M(v) for v in own1], *[M(v) for v in own2])
    kl21 = KL[family](*shared_m, *[M(v) for v in own2], *[M(v) for v in own1])
    assert rel(ref.kl(p, q), kl12) < TIGHT
    assert rel(ref.jeffreys(p, q), kl12 + kl21) < TIGHT
    assert rel(ref.kl(q, p), kl21) < TIGHT


@pytest.mark.parametrize("family, i", family_cases())
def test_bhattacharyya_and_geometric_jsd_match_log_normalisers(family, i):
    shared, own1, own2 = PAIRS[family][i]
    p, q = law_of(family, shared, own1), law_of(family, shared, own2)
    natural, lognormaliser = NATURAL[family]
    t1 = natural(*[M(v) for v in (*shared, *own1)])
    t2 = natural(*[M(v) for v in (*shared, *own2)])
    shared_m = [M(v) for v in shared]
    jeffreys = (KL[family](*shared_m, *[M(v) for v in own1], *[M(v) for v in own2])
                + KL[family](*shared_m, *[M(v) for v in own2], *[M(v) for v in own1]))
    for alpha in ALPHAS:
        a = M(alpha)
        b = (1 - a) * lognormaliser(t1) + a * lognormaliser(t2) - lognormaliser([(1 - a) * x + a * y
                                                                                 for x, y in zip(t1, t2)])
        assert rel(ref.bhattacharyya(p, q, alpha), b) < TIGHT, alpha
        assert rel(ref.jsd_geometric(p, q, alpha, dual=True), b) < TIGHT, alpha
        assert rel(ref.jsd_geometric(p, q, alpha), a * (1 - a) * jeffreys - b) < TIGHT, alpha


def test_categorical_values():
    p, q = np.array([0.1, 0.25, 0.05, 0.6]), np.array([0.4, 0.3, 0.2, 0.1])
    P, Q = [M(v) for v in p], [M(v) for v in q]
    kl = sum(x * mp.log(x / y) for x, y in zip(P, Q))
    assert rel(ref.kl(ref.categorical(p), ref.categorical(q)), kl) < TIGHT
    for alpha in ALPHAS:
        a = M(alpha)
        b = -mp.log(sum(x ** (1 - a) * y**a for x, y in zip(P, Q)))
        m = [(1 - a) * x + a * y for x, y in zip(P, Q)]
        jsa = sum((1 - a) * x * mp.log(x / z) + a * y * mp.log(y / z) for x, y, z in zip(P, Q, m))
        assert rel(ref.bhattacharyya(ref.categorical(p), ref.categorical(q), alpha), b) < TIGHT
        assert rel(ref.jsd_arithmetic(ref.categorical(p), ref.categorical(q), alpha), jsa) < TIGHT


def dirichlet_lognormaliser(c):
    return sum(lgam(v) for v in c) - lgam(sum(c))


def dirichlet_kl(a, b):
    a, b = [M(v) for v in a], [M(v) for v in b]
    return (lgam(sum(a)) - sum(lgam(v) for v in a) - lgam(sum(b)) + sum(lgam(v) for v in b)
            + sum((x - y) * (psi(x) - psi(sum(a))) for x, y in zip(a, b)))


def dirichlet_bhattacharyya(a, b, alpha):
    a, b, t = [M(v) for v in a], [M(v) for v in b], M(alpha)
    return ((1 - t) * dirichlet_lognormaliser(a) + t * dirichlet_lognormaliser(b)
            - dirichlet_lognormaliser([(1 - t) * x + t * y for x, y in zip(a, b)]))


@pytest.mark.parametrize("a, b", [([0.2, 0.3, 19.0], [17.0, 0.25, 2.0]), ([2.0, 3.0, 4.0], [2.1, 2.9, 4.2]),
                                  ([0.5, 10.0, 1.0], [5.0, 0.4, 0.3])])
def test_dirichlet_three_categories_by_nested_quadrature(a, b):
    p, q = ref.dirichlet(a), ref.dirichlet(b)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert rel(ref.kl(p, q), dirichlet_kl(a, b)) < TIGHT
        assert rel(ref.jeffreys(p, q), dirichlet_kl(a, b) + dirichlet_kl(b, a)) < TIGHT
        alpha = 0.3
        bh = dirichlet_bhattacharyya(a, b, alpha)
        assert rel(ref.bhattacharyya(p, q, alpha), bh) < TIGHT
        jsg = ref.jsd_geometric(p, q, alpha)
        assert rel(jsg, M(alpha) * (1 - M(alpha)) * (dirichlet_kl(a, b) + dirichlet_kl(b, a)) - bh) < TIGHT


def test_dirichlet_two_categories_is_the_beta_law():
    # Two codings of one law (Dirichlet density in stick-breaking logits, beta density in logit x) agree.
    for (a1, b1), (a2, b2) in [((0.2, 0.3), (19.0, 17.0)), ((2.0, 5.0), (2.1, 4.9)), ((0.25, 18.0), (15.0, 0.3))]:
        d1, d2, e1, e2 = ref.dirichlet([a1, b1]), ref.dirichlet([a2, b2]), ref.beta(a1, b1), ref.beta(a2, b2)
        assert ref.kl(d1, d2) == pytest.approx(ref.kl(e1, e2), rel=1e-13)
        for alpha in ALPHAS:
            for f in (ref.jsd_arithmetic, ref.jsd_geometric, ref.bhattacharyya):
                assert f(d1, d2, alpha) == pytest.approx(f(e1, e2, alpha), rel=1e-13)


# ---------------------------------------------------------------------------------------------------------------------
# The arithmetic JSD (no closed form): mpmath quadrature / summation of its textbook integrand in natural coordinates
# ---------------------------------------------------------------------------------------------------------------------

MP_DENSITY = {  # natural-coordinate densities, typed again (in mpmath), with the support's natural break points
    "exponential": (lambda r: lambda x: r * mp.exp(-r * x), lambda *ps: [0, mp.inf]),
    "gamma": (lambda k, r: lambda x: r**k * x ** (k - 1) * mp.exp(-r * x) / mp.gamma(k), lambda *ps: [0, 1, mp.inf]),
    "beta": (lambda a, b: lambda x: x ** (a - 1) * (1 - x) ** (b - 1) / mp.beta(a, b), lambda *ps: [0, M(1) / 2, 1]),
    "lognormal": (lambda m, s: lambda x: mp.exp(-(mp.log(x) - m) ** 2 / (2 * s * s)) / (x * s * mp.sqrt(2 * mp.pi)),
                  lambda *ps: [0] + sorted(mp.exp(ps[i]) for i in (0, 2)) + [mp.inf]),
    "inverse_gaussian": (lambda m, lam: lambda x: mp.sqrt(lam / (2 * mp.pi * x**3))
                         * mp.exp(-lam * (x - m) ** 2 / (2 * m * m * x)),
                         lambda *ps: [0] + sorted({ps[0], ps[2]}) + [mp.inf]),
    "laplace": (lambda loc, s: lambda x: mp.exp(-abs(x - loc) / s) / (2 * s), lambda loc, *ps: [-mp.inf, loc, mp.inf]),
    "rayleigh": (lambda s: lambda x: x / s**2 * mp.exp(-x * x / (2 * s * s)), lambda *ps: [0] + sorted(ps) + [mp.inf]),
    "weibull": (lambda k, s: lambda x: k / s * (x / s) ** (k - 1) * mp.exp(-((x / s) ** k)),
                lambda k, *ps: [0] + sorted(ps) + [mp.inf]),
    "von_mises": (lambda m, k: lambda x: mp.exp(k * mp.cos(x - m)) / (2 * mp.pi * mp.besseli(0, k)),
                  lambda m1, k1, m2, k2: [m1 - mp.pi, m1, m1 + mp.pi]),
}
MP_PAIRS = {
    "exponential": ((), (0.7,), (3.0,)),
    "gamma": ((), (0.6, 1.5), (4.0, 2.0)),
    "beta": ((), (0.6, 2.0), (5.0, 1.5)),
    "lognormal": ((), (0.2, 0.5), (1.0, 1.5)),
    "inverse_gaussian": ((), (1.0, 3.0), (2.5, 1.2)),
    "laplace": ((0.7,), (0.5,), (2.0,)),
    "rayleigh": ((), (0.8,), (2.5,)),
    "weibull": ((1.7,), (0.8,), (2.5,)),
    "von_mises": ((), (1.0, 2.0), (2.5, 6.0)),
}


def mp_jsd_arithmetic(f, g, alpha, cuts):
    a = M(alpha)

    def integrand(x):
        p, q = f(x), g(x)
        m = (1 - a) * p + a * q
        return (1 - a) * (p * mp.log(p / m) if p else 0) + a * (q * mp.log(q / m) if q else 0)

    return mp.quad(integrand, cuts)


@pytest.mark.parametrize("family", sorted(MP_PAIRS))
def test_arithmetic_jsd_matches_mpmath_quadrature(family):
    shared, own1, own2 = MP_PAIRS[family]
    make, cuts = MP_DENSITY[family]
    f = make(*[M(v) for v in (*shared, *own1)])
    g = make(*[M(v) for v in (*shared, *own2)])
    p, q = law_of(family, shared, own1), law_of(family, shared, own2)
    with mp.workdps(30):
        for alpha in (0.25, 0.5):
            exact = mp_jsd_arithmetic(f, g, alpha, cuts(*[M(v) for v in (*shared, *own1, *own2)]))
            assert rel(ref.jsd_arithmetic(p, q, alpha), exact) < 1e-11, alpha


def geometric_masses(p, tail=mp.mpf(10) ** -40):
    p = M(p)
    count = int(mp.log(tail) / mp.log(1 - p)) + 1
    return [(1 - p) ** k * p for k in range(count)]


@pytest.mark.parametrize("law, masses, pairs", [
    (ref.bernoulli, lambda p: [1 - M(p), M(p)], [(0.3, 0.6), (0.05, 0.9), (0.5, 0.51)]),
    (lambda p: ref.binomial(23, p), lambda p: [mp.binomial(23, k) * M(p) ** k * (1 - M(p)) ** (23 - k)
                                               for k in range(24)], [(0.3, 0.6), (0.05, 0.9), (0.5, 0.51)]),
    (ref.geometric, geometric_masses, [(0.3, 0.6), (0.05, 0.9), (0.5, 0.51)]),
    (ref.poisson, lambda r: [M(r) ** k * mp.exp(-M(r)) / mp.factorial(k) for k in range(200)],
     [(12.0, 24.0), (2.0, 36.0), (20.0, 20.4)]),
], ids=["bernoulli", "binomial", "geometric", "poisson"])
def test_arithmetic_jsd_matches_mpmath_summation(law, masses, pairs):
    with mp.workdps(30):
        for (x, y), alpha in zip(pairs, (0.5, 0.2, 0.7)):
            p, q, a = masses(x), masses(y), M(alpha)
            n = max(len(p), len(q))
            p, q = p + [M(0)] * (n - len(p)), q + [M(0)] * (n - len(q))
            exact = sum((1 - a) * (u * mp.log(u / ((1 - a) * u + a * v)) if u else 0)
                        + a * (v * mp.log(v / ((1 - a) * u + a * v)) if v else 0) for u, v in zip(p, q))
            assert rel(ref.jsd_arithmetic(law(x), law(y), alpha), exact) < TIGHT


def test_arithmetic_jsd_saturates_for_far_apart_laws():
    alpha = 0.3
    bound = -alpha * math.log(alpha) - (1 - alpha) * math.log1p(-alpha)
    assert ref.jsd_arithmetic(ref.lognormal(-3.0, 0.2), ref.lognormal(3.0, 0.2), alpha) == pytest.approx(bound,
                                                                                                         rel=1e-13)
    assert ref.jsd_arithmetic(ref.von_mises(0.0, 30.0), ref.von_mises(math.pi, 30.0), alpha) < bound


# ---------------------------------------------------------------------------------------------------------------------
# Monte Carlo (Dirichlet, k >= 4): within 5 standard errors of known values and of the quadrature references
# ---------------------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("a, b", [([0.3, 2.0, 5.0, 1.0], [1.0, 1.5, 0.4, 12.0]),
                                  ([4.0, 7.0, 0.5, 0.8, 19.0, 2.0], [3.0, 9.0, 0.6, 0.6, 15.0, 3.0])])
def test_monte_carlo_references_within_five_standard_errors(a, b):
    p, q, alpha = ref.dirichlet(a), ref.dirichlet(b), 0.4
    kl, kl21 = dirichlet_kl(a, b), dirichlet_kl(b, a)
    bh = dirichlet_bhattacharyya(a, b, alpha)
    for estimate, exact in [(ref.kl(p, q), kl), (ref.jeffreys(p, q), kl + kl21),
                            (ref.bhattacharyya(p, q, alpha), bh),
                            (ref.jsd_geometric(p, q, alpha, dual=True), bh),
                            (ref.jsd_geometric(p, q, alpha), M(alpha) * (1 - M(alpha)) * (kl + kl21) - bh)]:
        assert isinstance(estimate, ref.Estimate) and estimate.se > 0
        assert abs(estimate.value - float(exact)) < 5 * estimate.se, (estimate, float(exact))
        assert estimate.se < 0.05 * abs(float(exact))


def test_monte_carlo_agrees_with_quadrature_references():
    # The Monte Carlo code run on k = 2 and k = 3 laws, whose references are quadratures (arithmetic JSD included).
    p, q, alpha = ref.dirichlet([0.6, 3.0]), ref.dirichlet([2.0, 0.7]), 0.35
    cases = [(ref._mc_kl(p, q), ref.kl(p, q)), (ref._mc_jeffreys(p, q), ref.jeffreys(p, q)),
             (ref._mc_jsd_arithmetic(p, q, alpha), ref.jsd_arithmetic(p, q, alpha)),
             (ref._mc_jsd_geometric(p, q, alpha), ref.jsd_geometric(p, q, alpha)),
             (ref._mc_bhattacharyya(p, q, alpha), ref.bhattacharyya(p, q, alpha))]
    p, q = ref.dirichlet([1.5, 0.4, 3.0]), ref.dirichlet([0.8, 2.0, 1.1])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        cases.append((ref._mc_jsd_arithmetic(p, q, alpha), ref.jsd_arithmetic(p, q, alpha)))
    for estimate, exact in cases:
        assert abs(estimate.value - exact) < 5 * estimate.se, (estimate, exact)


# ---------------------------------------------------------------------------------------------------------------------
# Generic properties of the references
# ---------------------------------------------------------------------------------------------------------------------

def test_endpoints_and_identical_laws():
    for law in [ref.gamma(0.7, 3.0), ref.von_mises(2.0, 4.0), ref.poisson(5.0), ref.dirichlet([0.5, 2.0]),
                ref.categorical([0.2, 0.3, 0.5])]:
        assert ref.kl(law, law) == 0.0 and ref.jeffreys(law, law) == 0.0
        for f in (ref.jsd_arithmetic, ref.jsd_geometric, ref.bhattacharyya):
            assert f(law, law, 0.0) == 0.0 and f(law, law, 1.0) == 0.0
            assert abs(f(law, law, 0.3)) < 1e-15
    with pytest.raises(ValueError, match="alpha"):
        ref.jsd_arithmetic(ref.poisson(1.0), ref.poisson(2.0), 1.5)
