"""The cancellation-free closed forms of derive.stable and their runtime function expm1mx.

expm1mx against mpmath; Expm1mx's rewrite and derivative against SymPy's exp; the stable forms of the discrete
families against the theorem's plain forms at exact points; and the kernels at the issue's worst inputs against the
textbook definitions (sums over the support) in mpmath.
"""
import math

import mpmath
import numpy as np
import pytest
import sympy as sp

import mjsd
from derive import stable
from derive.families import FAMILIES
from derive.special import ExpBregman, Expm1mx
from derive.symbols import alpha
from mjsd import _special

DISCRETE = ["bernoulli", "binomial", "geometric", "poisson"]


def test_expm1mx_rewrites_to_exp_and_differentiates_as_it():
    w = sp.Symbol("w", real=True)
    assert sp.simplify(Expm1mx(w).rewrite(sp.exp) - (sp.exp(w) - 1 - w)) == 0
    assert sp.simplify(sp.diff(Expm1mx(w), w).rewrite(sp.exp) - sp.diff(sp.exp(w) - 1 - w, w)) == 0
    assert Expm1mx(0) == 0
    ex, ey, d = sp.symbols("ex ey d", real=True)
    plain = ex - ey - d * ey
    assert ExpBregman(ex, ey, d).rewrite(sp.exp) == plain
    assert all(sp.diff(ExpBregman(ex, ey, d), s) == sp.diff(plain, s) for s in (ex, ey, d))


def test_exp_bregman_against_mpmath():
    """rate2 - rate1 - rate1 log(rate2 / rate1) (a Poisson KL) to < 1e-15 relative, from ratios 1 + 1e-12 to 1e6."""
    rng = np.random.default_rng(5)
    worst = 0.0
    for rate1, ratio in zip(10.0 ** rng.uniform(-6, 6, 2000), 1 + 10.0 ** rng.uniform(-12, 6, 2000)):
        for x, y in ((rate1 * ratio, rate1), (rate1, rate1 * ratio)):
            d = _special.log_ratio(x, y, x - y)
            with mpmath.workdps(80):
                exact = mpmath.mpf(x) - y - y * mpmath.log(mpmath.mpf(x) / y)
            worst = max(worst, abs(float((_special.exp_bregman(x, y, d) - exact) / exact)))
    print(f"exp_bregman: worst relative error {worst:.2e}")
    assert worst < 1e-15


def test_expm1mx_against_mpmath():
    """Relative error < 1e-15 from |w| = 1e-150 (value 5e-301) to 700, both signs, and across the switch at |w| = 1."""
    rng = np.random.default_rng(11)
    magnitudes = np.concatenate([10.0 ** rng.uniform(-150, math.log10(700), 3000),
                                 np.nextafter(1.0, [0.0] * 3 + [2.0] * 3), [1.0]])
    worst = 0.0
    for w in np.concatenate([magnitudes, -magnitudes]):
        with mpmath.workdps(40 + max(0, int(-math.log10(abs(w))))):  # expm1(w) - w cancels that many digits
            exact = mpmath.expm1(mpmath.mpf(w)) - mpmath.mpf(w)
            worst = max(worst, abs(float((_special.expm1mx(w) - exact) / exact)))
    print(f"expm1mx: worst relative error {worst:.2e}")
    assert worst < 1e-15


def family(name):
    return next(f for f in FAMILIES if getattr(f, "name", None) == name)


@pytest.mark.parametrize("name", DISCRETE)
def test_stable_forms_equal_the_theorem_forms(name):
    """Written back in exp and log, each stable form is the theorem's, to 40 digits at exact points both ways."""
    f = family(name)
    forms = stable.closed_forms(f.family, f.law_params(1), f.law_params(2))
    assert set(forms) == set(stable.FORMS)
    (p,) = f.params
    points = [{p.of(1): sp.Rational(1, 5), p.of(2): sp.Rational(7, 9), alpha: sp.Rational(1, 10)},
              {p.of(1): sp.Rational(7, 9), p.of(2): sp.Rational(1, 50), alpha: sp.Rational(19, 20)}]
    points = [{**point, **{s.symbol: 11 for s in f.shared}} for point in points]
    for form, expr in forms.items():
        assert stable.agree(expr, f.theorem_forms[form], points), form
        assert f.closed_forms[form] == expr  # what the kernels are generated from


def test_families_without_the_pieces_keep_their_forms():
    assert stable.bregman(family("exponential").family) is None  # F = -log(-theta)


def kernel_cases():
    """(family, function, args, mpmath value of the definition), the issue's worst inputs."""
    return [("bernoulli", "jsd_geometric", ("0.999999", "0.99", "0.999999")),
            ("bernoulli", "jsd_geometric", ("0.999999", "0.999999000000001", "0.5")),
            ("bernoulli", "bhattacharyya", ("1e-6", "1.000000001e-6", "0.9")),
            ("geometric", "jsd_geometric", ("0.999999", "0.01", "0.999999")),
            ("geometric", "bhattacharyya", ("1e-6", "1.000000001e-6", "0.1")),
            ("geometric", "kl", ("0.9", "1e-6", None)),
            ("poisson", "jsd_geometric", ("1e-4", "1e-3", "0.999999")),
            ("poisson", "bhattacharyya", ("1e-3", "1.000000001e-3", "0.9")),
            ("poisson", "kl", ("1e-6", "1.000000001e-6", None))]


def linear_pmf(name, theta):
    """(A, B, E[k]) with log P(k) = A + B k + c(k): the geometric and Poisson laws."""
    if name == "geometric":
        return mpmath.log(theta), mpmath.log(1 - theta), (1 - theta) / theta
    return -theta, mpmath.log(theta), theta


def log_z(name, a, b):
    """log sum_k exp(a + b k + c(k)): geometric series, or the exponential series for Poisson (c(k) = -log k!)."""
    return a - mpmath.log(1 - mpmath.exp(b)) if name == "geometric" else a + mpmath.exp(b)


def definition(name, function, t1, t2, a):
    """KL(p1 : p2), JS^G = (1 - a) KL(p1 : g) + a KL(p2 : g) and -log sum p1^(1 - a) p2^a, g the normalised geometric
    mixture, from the probabilities (Bernoulli) or the sums' textbook values (E[k], geometric and exponential series)."""
    if name == "bernoulli":
        def kl(u, v):
            return sum(x * mpmath.log(x / y) for x, y in ((u[0], v[0]), (u[1], v[1])))
        p, q = (t1, 1 - t1), (t2, 1 - t2)
        mixed = [x ** (1 - a) * y ** a for x, y in zip(p, q)] if a is not None else None
        if function == "kl":
            return kl(p, q)
        if function == "bhattacharyya":
            return -mpmath.log(sum(mixed))
        g = [m / sum(mixed) for m in mixed]
        return (1 - a) * kl(p, g) + a * kl(q, g)
    (a1, b1, m1), (a2, b2, m2) = linear_pmf(name, t1), linear_pmf(name, t2)
    if function == "kl":
        return a1 - a2 + (b1 - b2) * m1
    ag, bg = (1 - a) * a1 + a * a2, (1 - a) * b1 + a * b2
    if function == "bhattacharyya":
        return -log_z(name, ag, bg)
    zg = log_z(name, ag, bg)
    kl = lambda a_, b_, m_: a_ - (ag - zg) + (b_ - bg) * m_  # KL(p : g), p with (a_, b_, E_p[k] = m_)
    return (1 - a) * kl(a1, b1, m1) + a * kl(a2, b2, m2)


@pytest.mark.parametrize("name, function, args", kernel_cases())
def test_worst_inputs_against_the_definition(name, function, args):
    values = [float(v) for v in args if v is not None]
    got = getattr(getattr(mjsd, name), function)(*values)
    with mpmath.workdps(80):
        t1, t2 = mpmath.mpf(values[0]), mpmath.mpf(values[1])
        a = mpmath.mpf(values[2]) if len(values) == 3 else None
        exact = definition(name, function, t1, t2, a)
    assert abs(got - exact) <= 1e-13 * abs(exact), (got, exact)
