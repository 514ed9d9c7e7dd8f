"""The gaps of lgamma (derive.special.LogGamma*, runtime mjsd._special.lgamma_*): the runtime against mpmath's
textbook expressions at 60 digits, from near-identical arguments (where the textbook expression in float64 keeps none
of the gap's digits) to far apart ones; the SymPy functions' rewrite and derivatives against the plain expressions;
and the code generator's regrouping (derive.codegen.lgamma.lgamma_gaps) of the gamma, beta and Dirichlet closed forms
as an identity."""
import itertools

import mpmath
import pytest
import sympy as sp

from derive.codegen.lgamma import lgamma_gaps
from derive.special import (Difference, LogGammaBregman, LogGammaJeffreys, LogGammaJensen, LogGammaSkewBregman,
                            StirlingBregman, StirlingJensen, StirlingSkewBregman)
from mjsd import _special

VALUES = [1e-300, 1e-6, 1e-3, 0.5, 1.0, 1.4616321449683622, 2.0, 3.7, 10.0, 1e3, 1e6, 1e15, 1e300]
RELATIVE_GAPS = [1e-15, 1e-9, 1e-5, 1e-2, 0.3, 0.499, 0.5, 0.51, 1.0, 1.99, 2.0, 2.01, 3.0, 1e3,
                 -1e-9, -0.3, -0.49, -0.5, -0.51, -0.9, -1 + 1e-6]
ALPHAS = [1e-6, 0.1, 0.5, 0.9, 1 - 1e-6]


def mp_bregman(x, y):
    x, y = mpmath.mpf(x), mpmath.mpf(y)
    return mpmath.loggamma(x) - mpmath.loggamma(y) - (x - y) * mpmath.digamma(y)


def mp_jensen(x, y, a):
    x, y, a = mpmath.mpf(x), mpmath.mpf(y), mpmath.mpf(a)
    return (1 - a) * mpmath.loggamma(x) + a * mpmath.loggamma(y) - mpmath.loggamma((1 - a) * x + a * y)


def mp_skew_bregman(x, y, a):
    x, y, a = mpmath.mpf(x), mpmath.mpf(y), mpmath.mpf(a)
    return a * (1 - a) * (x - y) * (mpmath.digamma(x) - mpmath.digamma(y)) - mp_jensen(x, y, a)


def mp_jeffreys(x, y):
    x, y = mpmath.mpf(x), mpmath.mpf(y)
    return (x - y) * (mpmath.digamma(x) - mpmath.digamma(y))


def mp_remainder(a):
    return mpmath.loggamma(a) - a * mpmath.log(a) + a


def mp_stirling_bregman(x, y):
    x, y = mpmath.mpf(x), mpmath.mpf(y)
    return mp_remainder(x) - mp_remainder(y) - (x - y) * (mpmath.digamma(y) - mpmath.log(y))


def mp_stirling_jensen(x, y, a):
    x, y, a = mpmath.mpf(x), mpmath.mpf(y), mpmath.mpf(a)
    return (1 - a) * mp_remainder(x) + a * mp_remainder(y) - mp_remainder((1 - a) * x + a * y)


def mp_stirling_skew_bregman(x, y, a):
    x, y, a = mpmath.mpf(x), mpmath.mpf(y), mpmath.mpf(a)
    m = (1 - a) * x + a * y
    return (1 - a) * mp_stirling_bregman(m, x) + a * mp_stirling_bregman(m, y)


def pairs(largest=1e300):
    for y, r in itertools.product(VALUES, RELATIVE_GAPS):
        x = y * (1 + r)
        if 0 < x <= largest and abs(x - y) > 1e-290:  # alpha (x - y) normal: the gap keeps its relative accuracy
            yield x, y


def relative_error(value, exact):
    return abs(float((value - exact) / exact))


def test_bregman_and_jeffreys():
    """Near (x / y in [1/2, 2]) to a few ulp; far apart the direct sums lose <= 3 digits at 1e+-300."""
    with mpmath.workdps(60):
        for x, y in pairs():
            bound = 1e-14 if 0.5 <= x / y <= 2 else 1e-12
            assert relative_error(_special.lgamma_bregman(x, y, x - y), mp_bregman(x, y)) < bound, (x, y)
            assert relative_error(_special.lgamma_jeffreys(x, y, x - y), mp_jeffreys(x, y)) < bound, (x, y)


def test_jensen_and_skew_bregman():
    """Every alpha, also 1e-6 from 0 and 1, where the direct sum keeps the gap's digits only to ~1e-10."""
    with mpmath.workdps(80):
        for (x, y), a in itertools.product(pairs(largest=1e100), ALPHAS):
            if x > 1e100 or y > 1e100:
                continue
            assert relative_error(_special.lgamma_jensen(x, y, a, y - x), mp_jensen(x, y, a)) < 1e-13, (x, y, a)
            assert relative_error(_special.lgamma_skew_bregman(x, y, a, y - x), mp_skew_bregman(x, y, a)) < 1e-13, \
                (x, y, a)


X, Y, A = sp.symbols("x y alpha", positive=True)
FUNCTIONS = [(LogGammaBregman, (X, Y)), (LogGammaJeffreys, (X, Y)), (LogGammaJensen, (X, Y, A)),
             (LogGammaSkewBregman, (X, Y, A)), (StirlingBregman, (X, Y)), (StirlingJensen, (X, Y, A)),
             (StirlingSkewBregman, (X, Y, A))]


@pytest.mark.parametrize("function, args", FUNCTIONS, ids=lambda f: getattr(f, "__name__", ""))
def test_rewrite_and_derivatives(function, args):
    """The rewrite is the textbook expression (mpmath), and fdiff its derivative (mpmath's numeric one)."""
    e = function(*args, X - Y)
    point = {X: sp.Rational(7, 3), Y: sp.Rational(5, 2), A: sp.Rational(1, 5)}
    plain = {LogGammaBregman: mp_bregman, LogGammaJeffreys: mp_jeffreys, LogGammaJensen: mp_jensen,
             LogGammaSkewBregman: mp_skew_bregman, StirlingBregman: mp_stirling_bregman,
             StirlingJensen: mp_stirling_jensen, StirlingSkewBregman: mp_stirling_skew_bregman}[function]
    with mpmath.workdps(30):
        values = [mpmath.mpf(point[s].p) / point[s].q for s in args]
        assert abs(sp.N(e.rewrite(sp.loggamma).subs(point), 30) - plain(*values)) < 1e-25
        for k, s in enumerate(args):
            numeric = mpmath.diff(lambda v: plain(*(values[:k] + [v] + values[k + 1:])), values[k])
            assert abs(sp.N(e.diff(s).subs(point), 30) - numeric) < 1e-20
    assert e.fdiff(len(args) + 1) == 0


def closed_forms(names):
    from derive.families import FAMILIES
    from derive.codegen.spec import ClosedForm
    for family in FAMILIES:
        module = family.module()
        if module.name in names:
            yield from ((module.name, k) for k in module.kernels if isinstance(k, ClosedForm))


def plain(expr):
    return expr.rewrite(sp.loggamma).replace(lambda e: isinstance(e, Difference), lambda e: e.args[0] - e.args[1])


def test_regrouping_is_an_identity_and_complete():
    """Every beta and Dirichlet closed form is rewritten (no lgamma or digamma left outside a gap), and the rewritten
    expression equals the original (Dirichlet's sums at k = 3 entries written out). The gamma law's forms have their
    own split (derive.families.gamma, Stirling's remainder: test_stirling_gaps_against_mpmath below)."""
    seen = 0
    for name, kernel in closed_forms({"beta", "dirichlet"}):
        new = lgamma_gaps(kernel.expr)
        outside = new.replace(lambda e: isinstance(e, (LogGammaBregman, LogGammaJeffreys, LogGammaJensen,
                                                       LogGammaSkewBregman)), lambda e: sp.S.Zero)
        assert not outside.has(sp.loggamma, sp.polygamma), (name, kernel.name, new)
        difference = plain(new) - kernel.expr
        if difference.has(sp.Sum):
            k = next(iter(s.limits[0][2] for s in difference.atoms(sp.Sum))) + 1
            difference = difference.subs(k, 3).doit()
        assert sp.expand(difference) == 0, (name, kernel.name)
        seen += 1
    assert seen == 10


def test_stirling_gaps_against_mpmath():
    """Gaps of r = lgamma - a log a + a (the gamma law's): near (x / y in [1/2, 2]) by quadrature of r'' = psi' - 1/a,
    far by the direct sums of r, whose terms are O(log) like the gaps; every alpha, also 1e-6 from 0 and 1. The
    references need ~2 log10(a) extra digits: r'' ~ 1/(2 a^2) is what remains of psi' - 1/a."""
    worst = 0.0
    with mpmath.workdps(100):
        for x, y in pairs(largest=1e100):
            if y > 1e100:
                continue
            exact = mp_stirling_bregman(x, y)
            error = relative_error(_special.stirling_bregman(x, y, x - y), exact)
            assert error < 1e-13, (x, y)
            worst = max(worst, error)
            for a in ALPHAS:
                for function, reference in ((_special.stirling_jensen, mp_stirling_jensen),
                                            (_special.stirling_skew_bregman, mp_stirling_skew_bregman)):
                    error = relative_error(function(x, y, a, y - x), reference(x, y, a))
                    assert error < 1e-13, (function, x, y, a)
                    worst = max(worst, error)
    print(f"\nStirling remainder gaps: worst relative error {worst:.1e}")
