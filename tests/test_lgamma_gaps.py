"""The gaps of lgamma (derive.special.LogGamma*, runtime mjsd._special.lgamma_*): the runtime against mpmath's
textbook expressions at 60 digits, from near-identical arguments (where the textbook expression in float64 keeps none
of the gap's digits) to far apart ones; the SymPy functions' rewrite and derivatives against the plain expressions;
the code generator's regrouping (derive.codegen.lgamma.lgamma_gaps) of the beta and Dirichlet theorem forms as an
identity; and
the gaps of log B(a, b) taken whole (derive.special.LogBeta*, runtime mjsd._special.log_beta_*, the beta law's)."""
import itertools

import mpmath
import numpy as np
import pytest
import sympy as sp

from derive.codegen.lgamma import lgamma_gaps
from derive.special import (Difference, LogBetaBregman, LogBetaJeffreys, LogBetaJensen, LogBetaSkewBregman,
                            LogGammaBregman, LogGammaJeffreys, LogGammaJensen, LogGammaSkewBregman, StirlingBregman,
                            StirlingJensen, StirlingSkewBregman)
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


def plain(expr):
    return expr.rewrite(sp.loggamma).replace(lambda e: isinstance(e, Difference), lambda e: e.args[0] - e.args[1])


def theorem_forms():
    """(family, name, form) for the beta and Dirichlet theorem's forms, tidied as code generation tidies an
    expression: the kernels of both now use their own forms (Stirling's split), but lgamma_gaps remains the generator's
    rewrite for any lgamma expression (the Wishart laws' multigamma gaps among them)."""
    from derive.families import beta, dirichlet
    from derive.families.simplex import tidy_sums
    from derive.tidy import tidy
    for name, form in beta.FAMILY.theorem_forms.items():
        yield "beta", name, tidy(form)
    for name, form in dirichlet.FAMILY.theorem_forms.items():
        yield "dirichlet", name, tidy_sums(form)


def test_regrouping_is_an_identity_and_complete():
    """Every beta and Dirichlet theorem form is rewritten (no lgamma or digamma left outside a gap), and the rewritten
    expression equals the original (Dirichlet's sums at k = 3 entries written out)."""
    seen = 0
    for family, name, form in theorem_forms():
        new = lgamma_gaps(form)
        outside = new.replace(lambda e: isinstance(e, (LogGammaBregman, LogGammaJeffreys, LogGammaJensen,
                                                       LogGammaSkewBregman)), lambda e: sp.S.Zero)
        assert not outside.has(sp.loggamma, sp.polygamma), (family, name, new)
        difference = plain(new) - form
        if difference.has(sp.Sum):
            k = next(iter(s.limits[0][2] for s in difference.atoms(sp.Sum))) + 1
            difference = difference.subs(k, 3).doit()
        assert sp.expand(difference) == 0, (family, name)
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


# -- gaps of log B(a, b) = lgamma(a) + lgamma(b) - lgamma(a + b), taken whole: the beta law --------------------------
SHAPES = [1e-6, 1e-3, 0.5, 3.7, 10.0, 1e3, 1e6]


def mp_log_beta(a, b):
    return mpmath.loggamma(a) + mpmath.loggamma(b) - mpmath.loggamma(a + b)


def mp_log_beta_bregman(x, y):
    (ax, bx), (ay, by) = x, y
    slope = mpmath.digamma(ay + by)
    return (mp_log_beta(ax, bx) - mp_log_beta(ay, by) - (ax - ay) * (mpmath.digamma(ay) - slope)
            - (bx - by) * (mpmath.digamma(by) - slope))


def beta_pairs():
    """Pairs of (a, b) laws: every two of the grid's (dominant shapes, both large, both small, ...) and each law
    against itself perturbed by a relative 1e-9 ... 0.3 in a, in b, or in both alike (the direction in which a
    gap of both shapes large is of O(1) only)."""
    laws = list(itertools.product(SHAPES, SHAPES))
    yield from itertools.product(laws, laws)
    for (a, b), eps in itertools.product(laws, (1e-9, 1e-5, 0.3, -0.3)):
        yield from (((a, b), (a * (1 + eps), b)), ((a, b), (a, b * (1 - eps))), ((a, b), (a * (1 + eps), b * (1 + eps))))


def test_log_beta_gaps_against_mpmath():
    """The four gaps of log B at every pair of beta_pairs, for the skew ones at alpha 1e-6, 1/2 and 1 - 1e-6: within
    1e-13 of 80-digit references. Written as three lgamma gaps (what the kernels did before), the same pairs lose up
    to ten digits: the case a1 = a2 = 1e-6, b1 = 1e6, b2 = 1e3 is checked to fail that way."""
    worst, count = 0.0, 0
    with mpmath.workdps(80):
        for (x, y) in beta_pairs():
            if x == y:
                continue
            (a1, b1), (a2, b2) = x, y
            mx, my = [tuple(mpmath.mpf(v) for v in law) for law in (x, y)]
            checks = [(_special.log_beta_bregman(a2, b2, a1, b1, a2 - a1, b2 - b1), mp_log_beta_bregman(my, mx)),
                      (_special.log_beta_jeffreys(a1, b1, a2, b2, a1 - a2, b1 - b2),
                       mp_log_beta_bregman(mx, my) + mp_log_beta_bregman(my, mx))]
            for alpha in (1e-6, 0.5, 1 - 1e-6):
                w = mpmath.mpf(alpha)
                mixed = tuple((1 - w) * p + w * q for p, q in zip(mx, my))
                jensen = (1 - w) * mp_log_beta(*mx) + w * mp_log_beta(*my) - mp_log_beta(*mixed)
                skew = (1 - w) * mp_log_beta_bregman(mixed, mx) + w * mp_log_beta_bregman(mixed, my)
                checks += [(_special.log_beta_jensen(a1, b1, a2, b2, alpha, a2 - a1, b2 - b1), jensen),
                           (_special.log_beta_skew_bregman(a1, b1, a2, b2, alpha, a2 - a1, b2 - b1), skew)]
            for got, exact in checks:
                error = relative_error(got, exact)
                assert error < 1e-13, (x, y, got, exact)
                worst = max(worst, error)
                count += 1
    three = (_special.lgamma_bregman(1e-6, 1e-6, 0.0) + _special.lgamma_bregman(1e3, 1e6, 1e3 - 1e6)
             - _special.lgamma_bregman(1e3 + 1e-6, 1e6 + 1e-6, 1e3 - 1e6))
    with mpmath.workdps(80):
        exact = mp_log_beta_bregman((mpmath.mpf(1e-6), mpmath.mpf(1e3)), (mpmath.mpf(1e-6), mpmath.mpf(1e6)))
    assert relative_error(three, exact) > 1e-8
    assert relative_error(_special.log_beta_bregman(1e-6, 1e3, 1e-6, 1e6, 0.0, 1e3 - 1e6), exact) < 1e-14
    print(f"\nlog B gaps: {count} values, worst relative error {worst:.1e}")


def test_log_beta_functions_rewrite_and_differentiate():
    """LogBeta*'s plain expressions are the gaps of lgamma(a) + lgamma(b) - lgamma(a + b) they name, and their
    derivatives are those of the plain expressions (the restated differences have none)."""
    ax, bx, ay, by, a = sp.symbols("a_x b_x a_y b_y alpha", positive=True)
    log_beta = lambda p, q: sp.loggamma(p) + sp.loggamma(q) - sp.loggamma(p + q)  # noqa: E731
    bregman = LogGammaBregman.plain(ax, ay) + LogGammaBregman.plain(bx, by) - LogGammaBregman.plain(ax + bx, ay + by)
    gap = LogBetaBregman(ax, bx, ay, by, ax - ay, bx - by)
    assert sp.expand(gap.rewrite(sp.loggamma) - bregman) == 0
    assert sp.simplify(sp.diff(gap, ax) - sp.diff(bregman, ax)) == 0
    mixed = ((1 - a) * ax + a * ay, (1 - a) * bx + a * by)
    jensen = LogBetaJensen(ax, bx, ay, by, a, ay - ax, by - bx)
    assert sp.expand(jensen.rewrite(sp.loggamma)
                     - ((1 - a) * log_beta(ax, bx) + a * log_beta(ay, by) - log_beta(*mixed))) == 0
    skew = LogBetaSkewBregman(ax, bx, ay, by, a, ay - ax, by - bx).rewrite(sp.loggamma)
    jeffreys = LogBetaJeffreys(ax, bx, ay, by, ax - ay, bx - by).rewrite(sp.loggamma)
    # the skew Bregman gap is a (1 - a) <x - y, grad F(x) - grad F(y)> less the Jensen gap
    point = {ax: sp.Rational(3, 2), bx: sp.Rational(7, 3), ay: sp.Rational(5, 4), by: 4, a: sp.Rational(2, 7)}
    lhs = (skew + jensen.rewrite(sp.loggamma) - a * (1 - a) * jeffreys).subs(point)
    assert abs(sp.N(lhs, 40)) < 1e-35
    assert jensen.fdiff(6) == 0 and jensen.fdiff(7) == 0


def mp_log_dirichlet(c):
    return sum(mpmath.loggamma(v) for v in c) - mpmath.loggamma(sum(c))


def mp_log_dirichlet_bregman(x, y):
    slope = mpmath.digamma(sum(y))
    return mp_log_dirichlet(x) - mp_log_dirichlet(y) - sum((p - q) * (mpmath.digamma(q) - slope) for p, q in zip(x, y))


def dirichlet_pairs():
    """Pairs of concentration vectors (k = 3 and 4): every two of a grid of laws with entries 1e-6, 0.5, 10 and 1e6
    (one dominant entry, all large, all small, ...), seeded log-uniform pairs over [1e-6, 1e6], and laws against
    themselves perturbed by a relative 1e-9 or 0.3 in one entry or in all alike."""
    laws = list(itertools.product([1e-6, 0.5, 10.0, 1e6], repeat=3))
    yield from itertools.product(laws, laws)
    rng = np.random.default_rng(7)
    for k in (3, 4):
        for _ in range(300):
            yield tuple(10.0 ** rng.uniform(-6, 6, k)), tuple(10.0 ** rng.uniform(-6, 6, k))
    for law, eps in itertools.product(laws, (1e-9, 0.3)):
        yield law, (law[0] * (1 + eps),) + law[1:]
        yield law, tuple(v * (1 + eps) for v in law)


def test_log_dirichlet_gaps_against_mpmath():
    """The four gaps of the Dirichlet log-normaliser (beta gaps summed along stick-breaking) at every pair of
    dirichlet_pairs, the skew ones at alpha 1e-6, 1/2 and 1 - 1e-6: within 1e-12 of 50-digit references (the worst,
    2.4e-13, a Jensen gap at alpha = 1 - 1e-6 between entries 10 and 1e6; before the runtime's _jensen_step took the
    rounded mixture into account, 1.1e-12)."""
    worst, count = 0.0, 0
    with mpmath.workdps(50):
        for x, y in dirichlet_pairs():
            if x == y:
                continue
            c1, c2 = np.array(x), np.array(y)
            mx, my = [[mpmath.mpf(v) for v in law] for law in (x, y)]
            checks = [(_special.log_dirichlet_bregman(c2, c1), mp_log_dirichlet_bregman(my, mx)),
                      (_special.log_dirichlet_jeffreys(c1, c2),
                       mp_log_dirichlet_bregman(mx, my) + mp_log_dirichlet_bregman(my, mx))]
            for alpha in (1e-6, 0.5, 1 - 1e-6):
                w = mpmath.mpf(alpha)
                mixed = [(1 - w) * p + w * q for p, q in zip(mx, my)]
                jensen = (1 - w) * mp_log_dirichlet(mx) + w * mp_log_dirichlet(my) - mp_log_dirichlet(mixed)
                skew = (1 - w) * mp_log_dirichlet_bregman(mixed, mx) + w * mp_log_dirichlet_bregman(mixed, my)
                checks += [(_special.log_dirichlet_jensen(c1, c2, alpha), jensen),
                           (_special.log_dirichlet_skew_bregman(c1, c2, alpha), skew)]
            for got, exact in checks:
                error = relative_error(got, exact)
                assert error < 1e-12, (x, y, got, exact)
                worst = max(worst, error)
                count += 1
    print(f"\nDirichlet log B gaps: {count} values, worst relative error {worst:.1e}")
