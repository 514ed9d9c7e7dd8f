"""python benchmarks/accuracy.py [--quick] [--family NAME ...]: how accurate every closed-form kernel is in float64.

Each closed-form kernel (every ClosedForm and MatrixClosedForm of ``derive.families.FAMILIES``) is evaluated in
float64 and by an mpmath reference AT THE SAME float64 INPUTS (each float converted exactly to an mpf), so the error
measured is the kernel's own, not the rounding of its inputs. The references run with DPS = 100 working digits, so
that at least 50 survive the cancellations inside them (tests/test_accuracy.py checks it at every kernel's worst
points: 40 more digits move no reference by 1e-50 relative).

References, per family:

* every exponential family (normal, lognormal, diagnormal, mvnormal, wishart, bernoulli, binomial, categorical,
  poisson, geometric, exponential, gamma, inverse_gaussian, laplace, rayleigh, weibull, beta, dirichlet, von_mises):
  independent of derive/. Natural parameters theta, the log-normaliser F and its gradient eta = grad F (the mean of
  the sufficient statistic) are typed here from the textbook densities, in mpmath (matrices with mp.matrix, mp.det,
  mp.inverse), and the divergences follow from their definitions: KL(p : q) = F(theta_q) - F(theta_p) - <theta_q -
  theta_p, eta_p>; Jeffreys <theta_p - theta_q, eta_p - eta_q>; the geometric mixture g has theta_g = (1 - alpha)
  theta_p + alpha theta_q and JS^G = (1 - alpha) KL(p : g) + alpha KL(q : g), its dual (1 - alpha) KL(g : p) +
  alpha KL(g : q), Bhattacharyya (1 - alpha) F(theta_p) + alpha F(theta_q) - F(theta_g); Deasy's skew JSD takes
  theta_g = alpha theta_p + (1 - alpha) theta_q with the same weights. Location families are first translated
  (loc1 - loc2, 0), which changes no divergence.
* cauchy kl, jsd_harmonic, jsd_harmonic_dual: independent of derive/: the textbook KL log(((s1 + s2)^2 + delta^2) /
  (4 s1 s2)) and the harmonic mixture, a Cauchy law, found here by completing the square in 1/p.
* cauchy jsd_arithmetic: the derivation's own closed form (derive.families.cauchy: the exact branch of its
  Piecewise, not the truncated near-identical series) with its preamble substituted, lambdified with
  modules="mpmath" (no simpler independent 50-digit evaluation exists).

Sweeps. Main: every positive scale-like parameter over 1e-6 ... 1e6 (log-spaced, the two laws independently, so
their ratio spans 1e-12 ... 1e12), location gaps 0 ... 1e6 at absolute locations 0, -1 and 1e6, alpha in {1e-6, 0.1,
0.5, 0.9, 1 - 1e-6}; probabilities 1e-6 ... 1 - 1e-6, counts 1 ... 1e6, shapes and concentrations 1e-6 ... 1e6,
concentrations kappa 0 ... 1e6, degrees of freedom d - 1 + 1e-6 ... 1e6, dimensions d = 2, 3, 4 for matrices (fixed
SPD patterns of condition number <= 4, times a scale). Grids larger than the per-kernel budget are subsampled with a
fixed seed. Near-identical: a few first laws, the second one perturbed by relative eps in {1e-9, 1e-7, 1e-5, 1e-3}
(locations by eps times the scale), alpha in {0.1, 0.5, 0.9}: divergences ~ eps^2, about 1e-20 ... 1e-6.

Per kernel: the worst relative error |kernel - reference| / |reference| and where it happens, separately over the
main sweep's laws apart (Jeffreys(p1, p2) >= 1e-6), the main sweep's laws close (Jeffreys < 1e-6: gaps of 1e-6 at
scale 1e3, say; near-identical in effect) and the near-identical sweep, taken where the reference is finite, >= 1e-300
and <= the largest float and the laws differ (the float64 result may be anything: NaN, inf or a clipped 0 count as
errors); any negative value; any non-finite value where the reference is finite; whether identical laws give exactly
0.0 (every first law of the near-identical sweep against itself, at every alpha of the main sweep). Targets (the
issue): 1e-12 for laws apart, 1e-6 for close laws and the near-identical sweep; >= 0; finite; exactly 0.0.

Writes the table between markers into benchmarks/ACCURACY.md (creating the file with its header if needed).
"""
import argparse
import math
import platform
import sys
import time
from dataclasses import dataclass, field
from fractions import Fraction
from itertools import product
from pathlib import Path

import mpmath as mp
import numpy as np

import mjsd

DPS = 100  # working digits of the references: >= 50 correct after the worst cancellation of the sweeps
M = mp.mpf
TARGET, NEAR_TARGET = 1e-12, 1e-6
MAIN_BUDGET, NEAR_BUDGET = 1500, 72  # points per kernel (subsampled with a fixed seed beyond)
MATRIX_BUDGET = 300
QUICK_MAIN, QUICK_NEAR = 24, 12  # --quick (and tests/test_accuracy.py)

SCALES = (1e-6, 1e-3, 1.0, 1e3, 1e6)
DENSE_SCALES = tuple(10.0**e for e in range(-6, 7))
GAPS = (0.0, 1e-6, 1e-3, 1.0, 1e3, 1e6)
ORIGINS = (0.0, -1.0, 1e6)
ALPHAS = (1e-6, 0.1, 0.5, 0.9, 1 - 1e-6)
NEAR_ALPHAS = (0.1, 0.5, 0.9)
EPSILONS = (1e-9, 1e-7, 1e-5, 1e-3)
PROBS = (1e-6, 1e-4, 1e-2, 0.1, 0.3, 0.5, 0.7, 0.9, 1 - 1e-2, 1 - 1e-4, 1 - 1e-6)
SHAPES = (1e-6, 1e-3, 1.0, 1e3, 1e6)
COUNTS = (1.0, 10.0, 1e3, 1e6)
KAPPAS = (0.0, 1e-6, 1e-3, 1.0, 1e3, 1e6)
ANGLE_GAPS = (0.0, 1e-6, 1e-3, 1.0, 3.0, 1e3, 1e6)
WEIBULL_SHAPES = (1e-6, 1e-3, 0.5, 1.0, 2.0, 10.0, 1e3, 1e6)
DIMENSIONS = (2, 3, 4)
DIRECTIONS = (1.0, -0.7, 0.4, -1.3, 0.9, -0.5, 1.1, -0.8)  # signs and sizes of the near-identical perturbations
SKEWED = ("jsd_geometric", "jsd_geometric_dual", "bhattacharyya", "jsd_geometric_deasy", "jsd_harmonic",
          "jsd_harmonic_dual", "jsd_arithmetic")
FILE = Path(__file__).resolve().parent / "ACCURACY.md"
START, END = "<!-- accuracy table: start (written by python benchmarks/accuracy.py) -->", "<!-- accuracy table: end -->"


# =====================================================================================================================
# Exponential families: natural parameters, log-normaliser, its gradient (all in mpmath, typed from the densities)
# =====================================================================================================================
# theta is a tuple of components, each an mpf or an mp.matrix; <a, b> sums the products of matching entries.

def _dot(a, b):
    total = M(0)
    for x, y in zip(a, b):
        if isinstance(x, mp.matrix):
            total += mp.fsum(x[i, j] * y[i, j] for i in range(x.rows) for j in range(x.cols))
        else:
            total += x * y
    return total


def _mix(wa, a, wb, b):
    return tuple(wa * x + wb * y for x, y in zip(a, b))


@dataclass(frozen=True)
class ExpFamily:
    theta: object  # point (parameters as mpf / mp.matrix), which law (1 or 2) -> natural parameters
    F: object  # theta -> log-normaliser
    eta: object  # theta -> grad F


def kl(fam, t1, t2):
    """KL(p1 : p2) as the Bregman divergence of F, B_F(theta2 : theta1)."""
    return fam.F(t2) - fam.F(t1) - _dot(_mix(1, t2, -1, t1), fam.eta(t1))


def exp_family_divergence(fam, name, t1, t2, alpha=None):
    if name == "kl":
        return kl(fam, t1, t2)
    if name == "jeffreys":
        return _dot(_mix(1, t1, -1, t2), _mix(1, fam.eta(t1), -1, fam.eta(t2)))
    if name == "bhattacharyya":
        return (1 - alpha) * fam.F(t1) + alpha * fam.F(t2) - fam.F(_mix(1 - alpha, t1, alpha, t2))
    g = _mix(alpha, t1, 1 - alpha, t2) if name == "jsd_geometric_deasy" else _mix(1 - alpha, t1, alpha, t2)
    if name in ("jsd_geometric", "jsd_geometric_deasy"):
        return (1 - alpha) * kl(fam, t1, g) + alpha * kl(fam, t2, g)
    if name == "jsd_geometric_dual":
        return (1 - alpha) * kl(fam, g, t1) + alpha * kl(fam, g, t2)
    raise KeyError(name)


# -- univariate normal (also the log-normal: the same statistic log x): theta = (m / s^2, -1 / (2 s^2)) -------------
def _normal_theta(m, s):
    return (m / s**2, -1 / (2 * s**2))


def _normal_F(t):
    return -t[0] ** 2 / (4 * t[1]) + mp.log(-mp.pi / t[1]) / 2


def _normal_eta(t):
    mean = -t[0] / (2 * t[1])
    return (mean, mean**2 - 1 / (2 * t[1]))


def _translated(point, which):
    """(loc - loc2, scale): translating both laws changes no divergence."""
    return point[f"loc{which}"] - point["loc2"], point[f"scale{which}"]


NORMAL = ExpFamily(lambda p, w: _normal_theta(*_translated(p, w)), _normal_F, _normal_eta)


def _diag_theta(p, w):
    out = ()
    for m, m2, s in zip(p[f"loc{w}"], p["loc2"], p[f"scale{w}"]):
        out += _normal_theta(m - m2, s)
    return out


def _pairs(t):
    return [(t[i], t[i + 1]) for i in range(0, len(t), 2)]


DIAGNORMAL = ExpFamily(_diag_theta, lambda t: mp.fsum(_normal_F(c) for c in _pairs(t)),
                       lambda t: sum((_normal_eta(c) for c in _pairs(t)), ()))


# -- multivariate normal: theta = (cov^-1 m, -cov^-1 / 2), statistic (x, x x^T) ----------------------------------------
def _mvn_theta(p, w):
    precision = mp.inverse(p[f"cov{w}"])
    return (precision * mp.matrix([a - b for a, b in zip(p[f"loc{w}"], p["loc2"])]), -precision / 2)


def _mvn_F(t):
    d = t[1].rows
    return (-(t[0].T * mp.inverse(t[1]) * t[0])[0, 0] / 4 - mp.log(mp.det(-2 * t[1])) / 2
            + d * mp.log(2 * mp.pi) / 2)


def _mvn_eta(t):
    cov = -mp.inverse(t[1]) / 2
    mean = cov * t[0]
    return (mean, cov + mean * mean.T)


MVNORMAL = ExpFamily(_mvn_theta, _mvn_F, _mvn_eta)


# -- Wishart W(df, V) on d x d: statistic (log det X, X), theta = ((df - d - 1) / 2, -V^-1 / 2) ------------------------
def _log_multigamma(a, d):
    return d * (d - 1) * mp.log(mp.pi) / 4 + mp.fsum(mp.loggamma(a - M(j) / 2) for j in range(d))


def _multi_digamma(a, d):
    return mp.fsum(mp.digamma(a - M(j) / 2) for j in range(d))


def _wishart_theta(p, w):
    d = p[f"scale{w}"].rows
    return ((p[f"df{w}"] - d - 1) / 2, -mp.inverse(p[f"scale{w}"]) / 2)


def _wishart_parts(t):
    d = t[1].rows
    df = 2 * t[0] + d + 1
    scale = -mp.inverse(t[1]) / 2
    return d, df, scale, mp.log(mp.det(scale))


def _wishart_F(t):
    d, df, _, logdet = _wishart_parts(t)
    return df * logdet / 2 + df * d * mp.log(2) / 2 + _log_multigamma(df / 2, d)


def _wishart_eta(t):
    d, df, scale, logdet = _wishart_parts(t)
    return (_multi_digamma(df / 2, d) + d * mp.log(2) + logdet, df * scale)


WISHART = ExpFamily(_wishart_theta, _wishart_F, _wishart_eta)


# -- the one-parameter and two-parameter families of the catalogue -----------------------------------------------------
def _logistic(t):
    return 1 / (1 + mp.exp(-t))


BERNOULLI = ExpFamily(lambda p, w: (mp.log(p[f"p{w}"] / (1 - p[f"p{w}"])),),
                      lambda t: mp.log1p(mp.exp(t[0])), lambda t: (_logistic(t[0]),))
# binomial: the count n is shared; F and eta scale by n (kept in the point, read through a closure below)
POISSON = ExpFamily(lambda p, w: (mp.log(p[f"rate{w}"]),), lambda t: mp.exp(t[0]), lambda t: (mp.exp(t[0]),))
# geometric, P(k) = (1 - p)^k p: theta = log(1 - p), F = -log p = -log(1 - e^theta)
GEOMETRIC = ExpFamily(lambda p, w: (mp.log1p(-p[f"p{w}"]),), lambda t: -mp.log(-mp.expm1(t[0])),
                      lambda t: (mp.exp(t[0]) / -mp.expm1(t[0]),))
EXPONENTIAL = ExpFamily(lambda p, w: (-p[f"rate{w}"],), lambda t: -mp.log(-t[0]), lambda t: (-1 / t[0],))
# gamma, statistic (log x, x) with base measure 1/x: theta = (shape, -rate), F = log Gamma(shape) - shape log rate
GAMMA = ExpFamily(lambda p, w: (p[f"shape{w}"], -p[f"rate{w}"]),
                  lambda t: mp.loggamma(t[0]) - t[0] * mp.log(-t[1]),
                  lambda t: (mp.digamma(t[0]) - mp.log(-t[1]), t[0] / -t[1]))


# inverse Gaussian IG(m, l), statistic (x, 1/x): theta = (-l / (2 m^2), -l / 2), F = -2 sqrt(t1 t2) - log(-2 t2) / 2
def _ig_eta(t):
    root = mp.sqrt(t[0] * t[1])
    return (-t[1] / root, -t[0] / root - 1 / (2 * t[1]))


INVERSE_GAUSSIAN = ExpFamily(lambda p, w: (-p[f"shape{w}"] / (2 * p[f"mean{w}"] ** 2), -p[f"shape{w}"] / 2),
                             lambda t: -2 * mp.sqrt(t[0] * t[1]) - mp.log(-2 * t[1]) / 2, _ig_eta)
LAPLACE = ExpFamily(lambda p, w: (-1 / p[f"scale{w}"],), lambda t: mp.log(-2 / t[0]), lambda t: (-1 / t[0],))
RAYLEIGH = ExpFamily(lambda p, w: (-1 / (2 * p[f"scale{w}"] ** 2),), lambda t: -mp.log(-2 * t[0]),
                     lambda t: (-1 / t[0],))
# Weibull with shared shape k, statistic x^k: theta = -scale^-k, F = k log scale = -log(-theta)
WEIBULL = ExpFamily(lambda p, w: (-p[f"scale{w}"] ** (-p["shape"]),), lambda t: -mp.log(-t[0]),
                    lambda t: (-1 / t[0],))
BETA = ExpFamily(lambda p, w: (p[f"a{w}"], p[f"b{w}"]),
                 lambda t: mp.loggamma(t[0]) + mp.loggamma(t[1]) - mp.loggamma(t[0] + t[1]),
                 lambda t: (mp.digamma(t[0]) - mp.digamma(t[0] + t[1]), mp.digamma(t[1]) - mp.digamma(t[0] + t[1])))
DIRICHLET = ExpFamily(lambda p, w: tuple(p[f"concentration{w}"]),
                      lambda t: mp.fsum(mp.loggamma(c) for c in t) - mp.loggamma(mp.fsum(t)),
                      lambda t: tuple(mp.digamma(c) - mp.digamma(mp.fsum(t)) for c in t))


# categorical on k outcomes: theta_i = log(p_i / p_k), i < k; F = log(1 + sum e^theta_i)
def _categorical_eta(t):
    weights = [mp.exp(x) for x in t]
    total = 1 + mp.fsum(weights)
    return tuple(w / total for w in weights)


CATEGORICAL = ExpFamily(lambda p, w: tuple(mp.log(x / p[f"probs{w}"][-1]) for x in p[f"probs{w}"][:-1]),
                        lambda t: mp.log(1 + mp.fsum(mp.exp(x) for x in t)), _categorical_eta)


# von Mises, statistic (cos x, sin x): theta = kappa (cos loc, sin loc), F = log(2 pi I0(|theta|))
def _vm_theta(p, w):
    angle = p[f"loc{w}"] - p["loc2"]
    return (p[f"kappa{w}"] * mp.cos(angle), p[f"kappa{w}"] * mp.sin(angle))


def _vm_eta(t):
    r = mp.sqrt(t[0] ** 2 + t[1] ** 2)
    if r == 0:
        return (M(0), M(0))
    ratio = mp.besseli(1, r) / mp.besseli(0, r)
    return (ratio * t[0] / r, ratio * t[1] / r)


VON_MISES = ExpFamily(_vm_theta, lambda t: mp.log(2 * mp.pi * mp.besseli(0, mp.sqrt(t[0] ** 2 + t[1] ** 2))),
                      _vm_eta)


def _binomial(point):
    n = point["n"]
    return ExpFamily(BERNOULLI.theta, lambda t: n * BERNOULLI.F(t), lambda t: (n * BERNOULLI.eta(t)[0],))


EXP_FAMILIES = {"normal": NORMAL, "lognormal": NORMAL, "diagnormal": DIAGNORMAL, "mvnormal": MVNORMAL,
                "wishart": WISHART, "bernoulli": BERNOULLI, "binomial": _binomial, "poisson": POISSON,
                "geometric": GEOMETRIC, "exponential": EXPONENTIAL, "gamma": GAMMA,
                "inverse_gaussian": INVERSE_GAUSSIAN, "laplace": LAPLACE, "rayleigh": RAYLEIGH, "weibull": WEIBULL,
                "beta": BETA, "dirichlet": DIRICHLET, "categorical": CATEGORICAL, "von_mises": VON_MISES}


# =====================================================================================================================
# Cauchy laws
# =====================================================================================================================
def cauchy_kl(l1, s1, l2, s2):
    return mp.log(((s1 + s2) ** 2 + (l1 - l2) ** 2) / (4 * s1 * s2))


def cauchy_harmonic_mixture(l1, s1, l2, s2, alpha):
    """(loc, scale) of h = 1 / ((1 - alpha)/p1 + alpha/p2) / Z: 1/p = pi ((x - l)^2 + s^2) / s, so the weighted sum
    is A ((x - loc)^2 + scale^2) with weights w_i = a_i / A, a = ((1 - alpha)/s1, alpha/s2): loc = sum w_i l_i,
    scale^2 = sum w_i s_i^2 + w1 w2 (l1 - l2)^2."""
    a1, a2 = (1 - alpha) / s1, alpha / s2
    w1, w2 = a1 / (a1 + a2), a2 / (a1 + a2)
    return w1 * l1 + w2 * l2, mp.sqrt(w1 * s1**2 + w2 * s2**2 + w1 * w2 * (l1 - l2) ** 2)


def _cauchy_harmonic(point, alpha):
    l1, s1, l2, s2 = (point[k] for k in ("loc1", "scale1", "loc2", "scale2"))
    lm, sm = cauchy_harmonic_mixture(l1 - l2, s1, M(0), s2, alpha)
    return (1 - alpha) * cauchy_kl(l1 - l2, s1, lm, sm) + alpha * cauchy_kl(M(0), s2, lm, sm)


def categorical_jsd_arithmetic(p, q, alpha):
    """The definition: (1 - alpha) KL(p : m) + alpha KL(q : m), m = (1 - alpha) p + alpha q, a finite sum."""
    m = [(1 - alpha) * a + alpha * b for a, b in zip(p, q)]
    return mp.fsum((1 - alpha) * a * mp.log(a / c) + alpha * b * mp.log(b / c) for a, b, c in zip(p, q, m))


_CAUCHY_ARITHMETIC = []


def cauchy_arithmetic_reference():
    """The exact closed form of the Cauchy arithmetic JSD from the derivation, lambdified for mpmath (cached)."""
    if not _CAUCHY_ARITHMETIC:
        import sympy as sp

        from derive.families import cauchy
        from derive.symbols import alpha, loc1, loc2, scale1, scale2
        expr = cauchy.factor_logs(cauchy.jsd_arithmetic_standard_pair(alpha))
        for symbol, value in reversed(cauchy.preambles()["jsd_arithmetic"]):
            expr = expr.subs(symbol, value)
        _CAUCHY_ARITHMETIC.append(sp.lambdify((loc1, scale1, loc2, scale2, alpha), expr, modules="mpmath"))
    return _CAUCHY_ARITHMETIC[0]


def reference(family, name, point):
    """The divergence ``name`` of ``family`` at ``point`` (a dict of floats / arrays) to DPS working digits."""
    with mp.workdps(DPS):
        p = {k: _to_mp(v) for k, v in point.items()}
        alpha = p.get("alpha")
        if family == "cauchy":
            args = (p["loc1"], p["scale1"], p["loc2"], p["scale2"])
            if name == "kl":
                value = cauchy_kl(*args)
            elif name in ("jsd_harmonic", "jsd_harmonic_dual"):  # KL symmetric: the dual is the same sum
                value = _cauchy_harmonic(p, alpha)
            else:
                value = cauchy_arithmetic_reference()(*args, alpha)
        elif family == "categorical" and name == "jsd_arithmetic":
            value = categorical_jsd_arithmetic(p["probs1"], p["probs2"], alpha)
        else:
            fam = EXP_FAMILIES[family]
            if not isinstance(fam, ExpFamily):
                fam = fam(p)
            value = exp_family_divergence(fam, name, fam.theta(p, 1), fam.theta(p, 2), alpha)
        return +value


def _to_mp(v):
    a = np.asarray(v, dtype=float)
    if a.ndim == 0:
        return M(float(a))
    if a.ndim == 1:
        return [M(float(x)) for x in a]
    return mp.matrix([[M(float(x)) for x in row] for row in a])


# =====================================================================================================================
# Grids
# =====================================================================================================================
def _spd_pattern(d, seed):
    """A fixed SPD matrix with eigenvalues spread over [1/2, 2] (condition number 4), exactly symmetric in float."""
    rng = np.random.default_rng(seed + 10 * d)
    q, _ = np.linalg.qr(rng.normal(size=(d, d)))
    a = q @ np.diag(np.geomspace(0.5, 2.0, d)) @ q.T
    return (a + a.T) / 2


def _spd(d, scale, seed):
    a = scale * _spd_pattern(d, seed)
    return (a + a.T) / 2


def _direction(d):
    v = np.array(DIRECTIONS[:d])
    return v / np.linalg.norm(v)


def _snap_simplex(row):
    """Entries on the 2^-52 grid, the last one 1 - the others: the floats sum to exactly 1."""
    head = [round(x * 2.0**52) / 2.0**52 for x in row[:-1]]
    last = Fraction(1) - sum(Fraction(x) for x in head)
    assert last > 0 and float(last) == last
    return np.array(head + [float(last)])


def _categorical_rows():
    rows = set()
    for a, b in product((1e-6, 1e-3, 0.1, 0.3), (1e-6, 1e-3, 0.1, 0.3, 0.6)):
        for row in ((a, b, 1 - a - b), (1 - a - b, a, b), (a, 1 - a - b, b)):
            rows.add(tuple(_snap_simplex(row)))
    return sorted(rows)


def location_scale_grid():
    return [{"loc1": o + g, "scale1": s1, "loc2": o, "scale2": s2}
            for o, g, s1, s2 in product(ORIGINS, GAPS, SCALES, SCALES)]


def main_grid(family):
    """The main sweep's points (without alpha) and a label each."""
    if family in ("normal", "lognormal", "cauchy"):
        return location_scale_grid()
    if family == "von_mises":
        return [{"loc1": o + g, "kappa1": k1, "loc2": o, "kappa2": k2}
                for o, g, k1, k2 in product(ORIGINS, ANGLE_GAPS, KAPPAS, KAPPAS)]
    if family == "diagnormal":
        grid, rng = location_scale_grid(), np.random.default_rng(7)
        pairs = [(grid[i], grid[j]) for i, j in rng.integers(0, len(grid), size=(600, 2))]
        return [{k: np.array([a[k], b[k]]) for k in a} for a, b in pairs]
    if family in ("poisson", "exponential"):
        return [{"rate1": r1, "rate2": r2} for r1, r2 in product(DENSE_SCALES, DENSE_SCALES)]
    if family == "rayleigh":
        return [{"scale1": r1, "scale2": r2} for r1, r2 in product(DENSE_SCALES, DENSE_SCALES)]
    if family == "laplace":
        return [{"loc": loc, "scale1": s1, "scale2": s2} for loc, s1, s2 in product((0.0, 1e6), SCALES, SCALES)]
    if family == "weibull":
        return [{"shape": k, "scale1": s1, "scale2": s2} for k, s1, s2 in product(WEIBULL_SHAPES, SCALES, SCALES)]
    if family in ("bernoulli", "geometric"):
        return [{"p1": a, "p2": b} for a, b in product(PROBS, PROBS)]
    if family == "binomial":
        return [{"n": n, "p1": a, "p2": b} for n, a, b in product(COUNTS, PROBS, PROBS)]
    if family == "gamma":
        return [{"shape1": a1, "rate1": r1, "shape2": a2, "rate2": r2}
                for a1, r1, a2, r2 in product(SHAPES, SCALES, SHAPES, SCALES)]
    if family == "beta":
        return [{"a1": a1, "b1": b1, "a2": a2, "b2": b2} for a1, b1, a2, b2 in product(SHAPES, repeat=4)]
    if family == "inverse_gaussian":
        return [{"mean1": m1, "shape1": l1, "mean2": m2, "shape2": l2}
                for m1, l1, m2, l2 in product(SCALES, repeat=4)]
    if family == "categorical":
        rows = _categorical_rows()
        return [{"probs1": np.array(a), "probs2": np.array(b)} for a, b in product(rows, rows)]
    if family == "dirichlet":
        rows = list(product(SHAPES, repeat=3))
        return [{"concentration1": np.array(a), "concentration2": np.array(b)} for a, b in product(rows, rows)]
    if family == "mvnormal":
        return [{"loc1": o + g * _direction(d), "cov1": _spd(d, s1, 1), "loc2": np.full(d, o),
                 "cov2": _spd(d, s2, 2)}
                for d, o, g, s1, s2 in product(DIMENSIONS, (0.0, 1e6), GAPS, SCALES, SCALES)]
    if family == "wishart":
        return [{"df1": d - 1 + f1, "scale1": _spd(d, s1, 1), "df2": d - 1 + f2, "scale2": _spd(d, s2, 2)}
                for d, f1, f2, s1, s2 in product(DIMENSIONS, (1e-6, 2.5, 1e6), (1e-6, 2.5, 1e6), SCALES, SCALES)]
    raise KeyError(family)


def near_bases(family):
    """First laws of the near-identical sweep (the second is a perturbation of each)."""
    if family in ("normal", "lognormal", "cauchy"):
        return [{"loc1": o, "scale1": s, "loc2": o, "scale2": s} for o, s in product((0.0, 1e6), (1e-6, 1.0, 1e6))]
    if family == "von_mises":
        return [{"loc1": o, "kappa1": k, "loc2": o, "kappa2": k} for o, k in product((0.0, 1e6), (1e-3, 1.0, 1e3))]
    if family == "diagnormal":
        return [{"loc1": np.array([o, 1.0]), "scale1": np.array([s, 2.0]), "loc2": np.array([o, 1.0]),
                 "scale2": np.array([s, 2.0])} for o, s in product((0.0, 1e6), (1e-6, 1.0, 1e6))]
    if family in ("poisson", "exponential"):
        return [{"rate1": r, "rate2": r} for r in SCALES]
    if family == "rayleigh":
        return [{"scale1": s, "scale2": s} for s in SCALES]
    if family == "laplace":
        return [{"loc": 0.0, "scale1": s, "scale2": s} for s in SCALES]
    if family == "weibull":
        return [{"shape": k, "scale1": s, "scale2": s} for k, s in product((1e-3, 1.0, 1e3), (1e-6, 1.0, 1e6))]
    if family in ("bernoulli", "geometric"):
        return [{"p1": p, "p2": p} for p in (1e-6, 1e-3, 0.5, 1 - 1e-3, 1 - 1e-6)]
    if family == "binomial":
        return [{"n": n, "p1": p, "p2": p} for n, p in product((1.0, 1e6), (1e-6, 0.5, 1 - 1e-6))]
    if family == "gamma":
        return [{"shape1": a, "rate1": r, "shape2": a, "rate2": r} for a, r in product((1e-3, 1.0, 1e3), (1e-6, 1e6))]
    if family == "beta":
        return [{"a1": a, "b1": b, "a2": a, "b2": b} for a, b in ((1e-3, 1e-3), (1.0, 1e3), (1e3, 1e6), (0.5, 2.0))]
    if family == "inverse_gaussian":
        return [{"mean1": m, "shape1": s, "mean2": m, "shape2": s} for m, s in product((1e-6, 1.0, 1e6), (1e-6, 1e6))]
    if family == "categorical":
        rows = [_snap_simplex(r) for r in ((1e-6, 1e-3, 1 - 1e-6 - 1e-3), (0.2, 0.3, 0.5), (0.1, 0.6, 0.3))]
        return [{"probs1": r, "probs2": r} for r in rows]
    if family == "dirichlet":
        rows = [np.array(r) for r in ((1e-3, 1e-3, 1e-3), (1.0, 2.0, 3.0), (1e3, 1e6, 1.0))]
        return [{"concentration1": r, "concentration2": r} for r in rows]
    if family == "mvnormal":
        return [{"loc1": np.full(d, o), "cov1": _spd(d, s, 1), "loc2": np.full(d, o), "cov2": _spd(d, s, 1)}
                for d, o, s in product((2, 4), (0.0, 1e6), (1e-6, 1e6))]
    if family == "wishart":
        return [{"df1": d - 1 + f, "scale1": _spd(d, s, 1), "df2": d - 1 + f, "scale2": _spd(d, s, 1)}
                for d, f, s in product((2, 4), (1e-3, 1e3), (1e-6, 1e6))]
    raise KeyError(family)


def perturb(family, point, eps):
    """The second law of ``point`` moved by relative eps (locations by eps times the law's scale)."""
    out, c = dict(point), iter(DIRECTIONS * 4)
    for key, value in point.items():
        if not key.endswith("2"):
            continue
        v = np.asarray(value, dtype=float)
        base = key[:-1]
        if base == "loc":
            width = point.get("scale1", point.get("kappa1", 1.0))
            if family == "von_mises":
                width = 1.0
            elif family == "mvnormal":
                width = math.sqrt(point["cov1"][0, 0])
            out[key] = v + eps * np.array([next(c) for _ in range(v.size)]).reshape(v.shape) * width
        elif base == "probs":
            out[key] = _snap_simplex(v * (1 + eps * np.array([next(c) for _ in range(v.size)])))
        elif base == "p":
            out[key] = float(v + eps * next(c) * min(v, 1 - v))
        elif base in ("cov", "scale") and v.ndim == 2:
            d = v.shape[0]
            bump = np.outer(_direction(d), _direction(d)) + np.diag(np.array(DIRECTIONS[:d]))
            s = v[0, 0]
            out[key] = (lambda a: (a + a.T) / 2)(v + eps * s * 0.2 * (bump + bump.T))
        elif base == "df":
            d = point["scale1"].shape[0]
            out[key] = d - 1 + (float(v) - (d - 1)) * (1 + eps * next(c))
        else:  # scale-like
            out[key] = v * (1 + eps * np.array([next(c) for _ in range(v.size)]).reshape(v.shape))
            if v.ndim == 0:
                out[key] = float(out[key])
    return out


def identical(family, point):
    """Whether the two laws of ``point`` are the same law."""
    if family == "von_mises" and point["kappa1"] == 0 and point["kappa2"] == 0:
        return True
    return all(np.array_equal(point[k], point[k[:-1] + "1"]) for k in point if k.endswith("2"))


# =====================================================================================================================
# The sweep
# =====================================================================================================================
@dataclass
class Worst:
    """The largest relative error of a set of points, where it is, and the kernel's value and the reference there."""
    error: float = 0.0
    at: dict = None
    value: float = math.nan
    reference: float = math.nan
    points: int = 0
    index: int = -1  # of the worst point in its sweep's list (see ``sweeps``)

    def add(self, error, point, value, exact, index=-1):
        self.points += 1
        if self.at is None or error > self.error:
            self.error, self.at, self.value, self.reference, self.index = error, point, value, exact, index


@dataclass
class Result:
    family: str
    name: str
    apart: Worst = field(default_factory=Worst)  # main sweep, laws apart: Jeffreys(p1, p2) >= CLOSE
    close: Worst = field(default_factory=Worst)  # main sweep, laws close: Jeffreys(p1, p2) < CLOSE
    near: Worst = field(default_factory=Worst)  # the near-identical sweep
    negatives: list = field(default_factory=list)
    nonfinite: list = field(default_factory=list)
    overflow: int = 0  # points whose reference exceeds the largest float (left out)
    exact_zero: bool = True
    zero_failures: list = field(default_factory=list)
    identical_points: int = 0

    @property
    def kernel(self):
        return f"{self.family}.{self.name}"

    @property
    def main(self):
        return self.apart if self.apart.error >= self.close.error else self.close

    @property
    def missed(self):
        """The targets this kernel misses, in words (empty if none)."""
        out = []
        if self.apart.error > TARGET:
            out.append("1e-12")
        if max(self.close.error, self.near.error) > NEAR_TARGET:
            out.append("near 1e-6")
        if self.negatives:
            out.append("≥ 0")
        if self.nonfinite:
            out.append("finite")
        if not self.exact_zero:
            out.append("0.0")
        return out

    @property
    def ok(self):
        return not self.missed


def kernel_function(family, name):
    return getattr(getattr(mjsd, family), name)


def _call(f, point):
    try:
        return float(f(**point))
    except ValueError as error:  # valid arguments beyond the kernel's float64 range: mjsd raises rather than return NaN
        if "no float64 value" not in str(error):
            raise
        return math.nan


def _subsample(points, budget, seed):
    if len(points) <= budget:
        return points
    rng = np.random.default_rng(seed)
    return [points[i] for i in sorted(rng.choice(len(points), size=budget, replace=False))]


def sweeps(family, name):
    """(main points, near-identical points, identical points) for one kernel, alpha included where it takes one:
    deterministic lists (fixed seeds), which tests/test_accuracy.py indexes."""
    skewed = name in SKEWED
    alphas = ALPHAS if skewed else (None,)
    seed = sum(map(ord, family + name))
    main = [p for p in main_grid(family) if not identical(family, p)]
    main = [dict(p, alpha=a) if a is not None else p for p, a in product(main, alphas)]
    main = _subsample(main, MATRIX_BUDGET if family in ("mvnormal", "wishart") else MAIN_BUDGET, seed)
    near = [(perturb(family, b, e), a) for b, e, a in product(near_bases(family), EPSILONS,
                                                                 NEAR_ALPHAS if skewed else (None,))]
    near = _subsample([dict(p, alpha=a) if a is not None else p for p, a in near], NEAR_BUDGET, seed + 1)
    same = [dict(b, alpha=a) if a is not None else b for b, a in product(near_bases(family), alphas)]
    return main, near, same


def quick_indices(family, name, main, near, quick_main=QUICK_MAIN, quick_near=QUICK_NEAR):
    """A fixed subset of each sweep's indices (the reduced sweep of --quick and of the tests)."""
    seed = sum(map(ord, family + name)) + 2
    pick = lambda n, k, s: sorted(np.random.default_rng(s).choice(n, size=min(n, k), replace=False).tolist())
    return pick(len(main), quick_main, seed), pick(len(near), quick_near, seed + 1)


def relative_error(value, exact):
    with mp.workdps(DPS):
        if not math.isfinite(value):
            return math.inf
        return float(abs(M(value) - exact) / abs(exact))


CLOSE = 1e-6  # main-sweep laws with Jeffreys(p1, p2) below this are near-identical: held to NEAR_TARGET
_SEPARATION = {}


def separation(family, point):
    """Jeffreys(p1, p2) of the point's two laws (cached: the same laws recur at every alpha)."""
    laws = {k: v for k, v in point.items() if k != "alpha"}
    key = (family, repr(sorted((k, np.asarray(v).tolist()) for k, v in laws.items())))
    if key not in _SEPARATION:
        if family == "cauchy":
            with mp.workdps(DPS):
                pair = (_to_mp(laws[k]) for k in ("loc1", "scale1", "loc2", "scale2"))
                _SEPARATION[key] = float(2 * cauchy_kl(*pair))
        else:
            _SEPARATION[key] = float(reference(family, "jeffreys", laws))
    return _SEPARATION[key]


def measure(family, name, quick=False, main_indices=None, near_indices=None):
    """The Result of one kernel over its sweeps (only the given indices of each, if given; a reduced subset with
    ``quick``)."""
    f = kernel_function(family, name)
    main, near, same = sweeps(family, name)
    if quick and main_indices is None:
        main_indices, near_indices = quick_indices(family, name, main, near)
    chosen = lambda points, indices: [(i, points[i]) for i in (range(len(points)) if indices is None else indices)]
    result = Result(family, name)
    for which, points in (("main", chosen(main, main_indices)), ("near", chosen(near, near_indices))):
        for index, point in points:
            value, exact = _call(f, point), reference(family, name, point)
            if value < 0:
                result.negatives.append((point, value))
            if not (mp.isfinite(exact) and abs(exact) >= 1e-300):
                continue
            if abs(exact) > sys.float_info.max:
                result.overflow += 1
                continue
            if not math.isfinite(value):
                result.nonfinite.append((point, value, float(exact)))
            error = relative_error(value, exact)
            if which == "near":
                result.near.add(error, point, value, float(exact), index)
            elif separation(family, point) >= CLOSE:
                result.apart.add(error, point, value, float(exact), index)
            else:
                result.close.add(error, point, value, float(exact), index)
    result.identical_points = len(same)
    for point in same:
        value = _call(f, point)
        if value != 0.0:
            result.exact_zero = False
            result.zero_failures.append((point, value))
    return result


# =====================================================================================================================
# The kernels, the table
# =====================================================================================================================
def closed_form_kernels(families=None):
    """(family, kernel name) of every ClosedForm / MatrixClosedForm in derive.families.FAMILIES."""
    from derive.codegen.spec import ClosedForm, MatrixClosedForm
    from derive.families import FAMILIES
    out = []
    for m in FAMILIES:
        module = m.module()
        if families and module.name not in families:
            continue
        out += [(module.name, k.name) for k in module.kernels if isinstance(k, (ClosedForm, MatrixClosedForm))]
    return out


def _fmt(x):
    return "0" if x == 0 else f"{x:.1e}"


def _fmt_worst(worst):
    return _fmt(worst.error) if worst.points else "—"


PATTERN_NAMES = {1: "A", 2: "B"}  # _spd_pattern(d, seed): A_d for the first law's matrices, B_d for the second's


def _fmt_matrix(a):
    """A sweep's matrix as s·A_d or s·B_d (s a grid scale), or as a perturbed one, ``≈ s·A_d``."""
    d = a.shape[0]
    for seed, letter in PATTERN_NAMES.items():
        scale = a[0, 0] / _spd_pattern(d, seed)[0, 0]
        nice = min(SCALES, key=lambda x: abs(math.log(scale / x)))
        if abs(scale / nice - 1) < 1e-9:
            exact = np.array_equal(a, _spd(d, nice, seed))
            return f"{'' if exact else '≈ '}{nice:g}·{letter}{d}"
    return np.array2string(a, separator=", ").replace("\n", "")


def _fmt_value(v):
    a = np.asarray(v)
    if a.ndim == 0:
        return repr(float(a))
    if a.ndim == 1:
        return "[" + ", ".join(repr(float(x)) for x in a) + "]"
    return _fmt_matrix(a)


def describe(point):
    return ", ".join(f"{k}={_fmt_value(v)}" for k, v in point.items())


def table(results):
    lines = ["| kernel | points: apart / close / near | main sweep, laws apart | main sweep, laws close | "
             "near-identical sweep | negative | non-finite | identical → 0.0 | targets missed |",
             "| --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
    for r in results:
        lines.append(f"| {r.kernel} | {r.apart.points} / {r.close.points} / {r.near.points} | {_fmt_worst(r.apart)} | "
                     f"{_fmt_worst(r.close)} | {_fmt_worst(r.near)} | {len(r.negatives) or 'none'} | "
                     f"{len(r.nonfinite) or 'none'} | {'yes' if r.exact_zero else 'no'} | "
                     f"{', '.join(r.missed) or 'none'} |")
    return "\n".join(lines)


def _row(kernel, sweep, worst):
    value = worst.value
    shown = repr(value) if math.isfinite(value) else str(value)
    return (f"| {kernel} | {sweep} | {_fmt(worst.error)} | {shown} | {worst.reference:.17g} | "
            f"{describe(worst.at)} |")


def details(results):
    """Each kernel's worst input among the laws apart (always), among close laws and in the near-identical sweep
    (where they miss 1e-6); a non-finite value, a negative value, an identical pair not giving 0.0, if any."""
    lines = ["| kernel | where | rel. error | kernel value | reference | inputs |",
             "| --- | --- | --- | --- | --- | --- |"]
    for r in results:
        if r.apart.at is not None:
            lines.append(_row(r.kernel, "laws apart", r.apart))
        for label, worst in (("laws close", r.close), ("near-identical", r.near)):
            if worst.error > NEAR_TARGET:
                lines.append(_row(r.kernel, label, worst))
        for point, value, exact in r.nonfinite[:1]:
            lines.append(_row(r.kernel, f"non-finite ({len(r.nonfinite)} points)",
                              Worst(math.inf, point, value, exact)))
        for point, value in r.negatives[:1]:
            lines.append(f"| {r.kernel} | negative ({len(r.negatives)} points) | | {value!r} | | {describe(point)} |")
        for point, value in r.zero_failures[:1]:
            lines.append(f"| {r.kernel} | identical ({len(r.zero_failures)} of {r.identical_points}) | | "
                         f"{value!r} | 0 | {describe(point)} |")
    return "\n".join(lines)


HEADER = """# Accuracy of the closed-form kernels

Every closed-form kernel (the `ClosedForm` and `MatrixClosedForm` of `derive.families`), evaluated in float64 and
against an mpmath reference with 100 working digits (at least 50 correct) **at the same float64 inputs**: the
relative error measured is the kernel's own, not the rounding of its inputs. How each family's reference is built
(independent of `derive/` for all but `cauchy.jsd_arithmetic`) is in the docstring of `benchmarks/accuracy.py`.

* **Main sweep**: scale-like parameters 1e-6 … 1e6 (both laws independently: ratios 1e-12 … 1e12), location gaps
  0 … 1e6 at absolute locations 0, −1 and 1e6, α ∈ {1e-6, 0.1, 0.5, 0.9, 1 − 1e-6}; probabilities 1e-6 … 1 − 1e-6,
  counts 1 … 1e6, shapes and concentrations 1e-6 … 1e6 (Dirichlet: k = 3), von Mises κ 0 … 1e6 and gaps up to 1e6
  radians, Weibull shapes 1e-6 … 1e6, Wishart degrees of freedom d − 1 + 1e-6 … 1e6; matrices in d = 2, 3, 4 are a
  scale times a fixed SPD pattern of condition number 4 (`s·A3`: the first law's pattern in d = 3, `B3` the
  second's; `≈ s·A3`: perturbed, near-identical sweep). Grids beyond 1500 points per kernel
  (300 for matrices) are subsampled with a fixed seed. Its points are split by the laws' separation: **laws apart**
  (Jeffreys divergence ≥ 1e-6), **target 1e-12**; **laws close** (Jeffreys < 1e-6, e.g. a gap of 1e-6 at scale 1e3),
  near-identical in effect, **target 1e-6**.
* **Near-identical sweep**: a few first laws, the second one perturbed by relative ε ∈ {1e-9, 1e-7, 1e-5, 1e-3}
  (locations by ε times the scale), α ∈ {0.1, 0.5, 0.9}: divergences of order ε², about 1e-20 … 1e-6.
  **Target 1e-6.**
* Relative errors are taken where the reference is finite, ≥ 1e-300 and representable and the laws differ; a NaN,
  an infinity or a value clipped to 0 where the reference is not counts as an error (relative error inf or 1).
  *negative* counts values < 0; *non-finite* NaN or ±inf where the reference is finite; *identical → 0.0* asks
  whether every first law of the near-identical sweep against itself gives exactly 0.0 at every α. *targets missed*:
  `1e-12` (laws apart), `near 1e-6` (laws close or near-identical), `≥ 0`, `finite`, `0.0` (identical laws).

Produced by `python benchmarks/accuracy.py` (about 1.5 minutes on one core); `--bounds` also prints the per-kernel
regression bounds of tests/test_accuracy.py, which reruns a subset of these points and each kernel's worst ones.
"""


def bound(shown):
    """The regression bound of a worst relative error as the table shows it ("5.7e-11", "0", "inf", "—"): twice it,
    rounded up to a power of 10, at least 1e-15; None where it is infinite or there were no points."""
    if shown == "—" or not math.isfinite(float(shown)):
        return None
    return float(f"1e{math.ceil(math.log10(max(2 * float(shown), 1e-15)) - 1e-9)}")


def bounds_source(results):
    """The BOUNDS table of tests/test_accuracy.py: kernel -> (bound laws apart, bound laws close, bound
    near-identical, (index of the worst main point among the laws apart, among the close, of the worst near))."""
    lines = ["BOUNDS = {  # written by python benchmarks/accuracy.py --bounds"]
    for r in results:
        b = ", ".join(repr(bound(_fmt_worst(w))) for w in (r.apart, r.close, r.near))
        lines.append(f"    {r.kernel!r}: ({b}, ({r.apart.index}, {r.close.index}, {r.near.index})),")
    return "\n".join(lines + ["}"])


def write(text):
    block = f"{START}\n{text}\n{END}"
    if FILE.exists():
        old = FILE.read_text()
        if START in old and END in old:
            head, rest = old.split(START, 1)
            FILE.write_text(head + block + rest.split(END, 1)[1])
            return
    FILE.write_text(HEADER + "\n" + block + "\n")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help=f"{QUICK_MAIN} + {QUICK_NEAR} points per kernel; "
                        "does not write ACCURACY.md")
    parser.add_argument("--family", action="append", help="only these families (repeatable); does not write")
    parser.add_argument("--bounds", action="store_true", help="also print the BOUNDS table of tests/test_accuracy.py")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    kernels = closed_form_kernels(args.family)
    results = []
    for family, name in kernels:
        tick = time.perf_counter()
        results.append(measure(family, name, args.quick))
        r = results[-1]
        print(f"{r.kernel:36s} {_fmt(r.apart.error):>8s} {_fmt(r.close.error):>8s} {_fmt(r.near.error):>8s} "
              f"missed: {', '.join(r.missed) or 'none'} ({time.perf_counter() - tick:.1f} s)", file=sys.stderr)
    seconds = time.perf_counter() - start
    missed = [r for r in results if not r.ok]
    counts = [sum(getattr(r, k).points for r in results) for k in ("apart", "close", "near")]
    text = (f"{len(results)} kernels; {counts[0]} + {counts[1]} + {counts[2]} points (apart + close + near); "
            f"{platform.machine()}, Python {platform.python_version()}, numpy {np.__version__}, "
            f"mpmath {mp.__version__}; "
            f"{seconds:.0f} s.\n\n{table(results)}\n\n"
            f"{len(missed)} kernels miss a target. Where each kernel is worst (the inputs are the grid's floats, "
            f"shown by repr; a matrix as its scale times the pattern A_d or B_d of benchmarks/accuracy.py):\n\n"
            f"{details(results)}")
    print(text)
    if args.bounds:
        print("\n" + bounds_source(results))
    if not args.quick and not args.family:
        write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
