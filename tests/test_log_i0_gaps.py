"""The gaps of G(theta) = log I0(|theta|) on the plane, the von Mises divergences (derive.special.LogI0*, runtime
mjsd._special.log_i0_*): the runtime against mpmath's textbook expressions, from near-identical laws (where the
textbook expression in float64 keeps none of the divergence's digits) to far-apart ones, at both ends of alpha;
G's curvature against mpmath; the SymPy functions' rewrite and derivatives against the plain expressions."""
import itertools
import math

import mpmath
import numpy as np
import pytest
import sympy as sp

from derive.special import BesselRatio, LogI0, LogI0Bregman, LogI0Jensen, LogI0SkewBregman, plain
from mjsd import _special

KAPPAS = [0.0, 1e-3, 0.5, 1.0, 19.9, 20.1, 1e3, 1e6]
RELATIVE_GAPS = [0.0, 1e-12, 1e-6, 1e-2, 0.3, 2.0, 1e3]
DELTAS = [0.0, 1e-9, 1e-4, 0.5, 3.0, math.pi]
ALPHAS = [1e-6, 0.3, 1 - 1e-6]
TOLERANCE = 1e-12  # relative; and 1e-60 of the concentrations absolute, the reference's own rounding


def mp_g(k):
    return mpmath.log(mpmath.besseli(0, k))


def mp_a(k):
    return mpmath.besseli(1, k) / mpmath.besseli(0, k)


def mp_bregman(kx, ky, delta):
    kx, ky, delta = map(mpmath.mpf, (kx, ky, delta))
    return mp_g(kx) - mp_g(ky) - mp_a(ky) * (kx * mpmath.cos(delta) - ky)


def mp_mixture(k1, k2, delta, a):
    return mpmath.sqrt(((1 - a) * k1) ** 2 + (a * k2) ** 2 + 2 * a * (1 - a) * k1 * k2 * mpmath.cos(delta))


def mp_jensen(k1, k2, delta, a):
    k1, k2, delta, a = map(mpmath.mpf, (k1, k2, delta, a))
    return (1 - a) * mp_g(k1) + a * mp_g(k2) - mp_g(mp_mixture(k1, k2, delta, a))


def mp_skew_bregman(k1, k2, delta, a):
    k1, k2, delta, a = map(mpmath.mpf, (k1, k2, delta, a))
    tangents = mp_a(k1) * (k2 * mpmath.cos(delta) - k1) + mp_a(k2) * (k1 * mpmath.cos(delta) - k2)
    return -mp_jensen(k1, k2, delta, a) - a * (1 - a) * tangents


def pairs():
    for k, gap, delta in itertools.product(KAPPAS, RELATIVE_GAPS, DELTAS):
        yield k, k * (1 + gap) if k else gap, delta


def check(function, reference, args):
    with mpmath.workdps(90):  # the textbook sums cancel up to ~30 digits at kappa 1e6 and a divergence of 1e-20
        exact = reference(*args)
    got = function(*args)
    assert got >= 0.0 and math.isfinite(got), args
    floor = 1e-60 * (1 + max(args[:2]))
    assert abs(got - exact) <= TOLERANCE * abs(exact) + floor, (args, got, float(exact))
    return float(abs(got - exact) / exact) if abs(exact) > floor else 0.0


def test_bregman_against_mpmath():
    worst = max(check(_special.log_i0_bregman, mp_bregman, (kx, ky, d)) for kx, ky, d in pairs())
    worst = max(worst, max(check(_special.log_i0_bregman, mp_bregman, (ky, kx, d)) for kx, ky, d in pairs()))
    print(f"\nlog_i0_bregman: worst relative error {worst:.1e}")


@pytest.mark.parametrize("name", ["log_i0_jensen", "log_i0_skew_bregman"])
def test_skew_gaps_against_mpmath(name):
    reference = {"log_i0_jensen": mp_jensen, "log_i0_skew_bregman": mp_skew_bregman}[name]
    function = getattr(_special, name)
    worst = max(check(function, reference, (k1, k2, d, a)) for (k1, k2, d), a in itertools.product(pairs(), ALPHAS))
    print(f"\n{name}: worst relative error {worst:.1e}")


def test_curvature_against_mpmath():
    """G''(r) = 1 - A^2 - A / r, which cancels to ~1/(2 r^2) far out: the runtime's asymptotic form keeps its digits."""
    rng = np.random.default_rng(7)
    points = np.concatenate([[0.0, 1e-300, 19.999999999999996, 20.0, 20.000000000000004],
                             10.0 ** rng.uniform(-8, 1.3, 300), rng.uniform(0.0, 40.0, 300), 10.0 ** rng.uniform(1.3, 9, 200)])
    worst = 0.0
    for r in points:
        with mpmath.workdps(40 + 2 * max(0, int(math.log10(r + 1.0)))):
            a = mp_a(mpmath.mpf(r)) if r else mpmath.mpf(0)
            exact = 1 - a * a - (a / r if r else mpmath.mpf(0.5))
            error = float(abs(_special.log_i0_curvature(r) - exact) / exact)
        worst = max(worst, error)
    print(f"\nlog_i0_curvature: worst relative error {worst:.1e}")
    assert worst <= 5e-13  # 1 - A^2 - A/r below r = 20, where it is >= 1.2e-3: ~1e-16 of 1 lost to the rounding


@pytest.mark.parametrize("gap", [LogI0Bregman, LogI0Jensen, LogI0SkewBregman])
def test_sympy_functions_are_their_plain_expressions(gap):
    k1, k2, delta, a = sp.symbols("k1 k2 delta a", positive=True)
    args = (k1, k2, delta, a)[:gap.nargs if isinstance(gap.nargs, int) else max(gap.nargs)]
    e = gap(*args)
    point = dict(zip(args, (sp.Rational(17, 10), sp.Rational(5, 2), sp.Rational(7, 10), sp.Rational(3, 10))))
    written = plain(e)
    assert not written.has(gap) and written.has(LogI0)
    assert abs(sp.N(e.subs(point), 30) - sp.N(written.subs(point), 30)) < 1e-25
    for v in args:  # derivatives: those of the plain expression (what the gradient kernels evaluate)
        difference = sp.N((sp.diff(e, v) - sp.diff(written, v)).subs(point), 30)
        assert abs(difference) < 1e-25
    assert written.has(BesselRatio) or gap is LogI0Jensen
