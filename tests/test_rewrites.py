"""The cancellation-free forms the derivations hand to the code generator are exact rewrites of what they replace.

Each special Function a closed form gains (derive.special.SkewLogGap, ...) rewrites back to plain logarithms; the
closed form so rewritten must equal the theorem's expression, and the Function's derivative its rewrite's.
"""
import pytest
import sympy as sp

from derive.families import cauchy, exponential, gamma, inverse_gaussian, laplace, lognormal, normal, rayleigh
from derive.special import SkewLogGap
from derive.symbols import alpha, loc1, loc2, scale1, scale2
from derive.tidy import delta, mixture_log_gaps

GAP = {delta: loc1 - loc2}
# points of the parameter space, as exact rationals: nearly equal laws, far-apart ones, and both skews' ends
POINTS = [{loc1: sp.Rational(p), scale1: sp.Rational(s1), loc2: sp.Rational(q), scale2: sp.Rational(s2),
           alpha: sp.Rational(a)} for p, s1, q, s2, a in [("0.3", "1.7", "-2", "0.4", "0.25"),
                                                           ("1", "1.000001", "1.000001", "1", "0.9"),
                                                           ("-1000", "1e-3", "5", "1e3", "1e-6"),
                                                           ("0", "2", "0", "3", "0.999999")]]


def agree(a, b, digits=50):
    """a and b, expressions in the parameters, agree to ``digits`` digits at every point of POINTS."""
    for point in POINTS:
        x, y = (sp.N(e.subs(point), digits + 10) for e in (a, b))
        assert abs(x - y) <= sp.Float(10) ** -digits * max(abs(x), abs(y), 1e-30), (point, x, y)


def plain(expr):
    """expr with every special Function written back in elementary functions."""
    return expr.rewrite(sp.log)


@pytest.mark.parametrize("name", ["kl", "jeffreys", "jsd_geometric", "jsd_geometric_dual", "bhattacharyya"])
def test_normal_closed_forms_rewrite_back_to_the_theorem(name):
    form = normal.closed_forms()[name]
    if name in ("jsd_geometric", "jsd_geometric_dual", "bhattacharyya"):
        assert form.has(SkewLogGap)  # the rewrite took place
    agree(plain(form).subs(GAP), normal.theorem_forms()[name])


@pytest.mark.parametrize("name", ["kl", "jeffreys", "jsd_geometric", "jsd_geometric_dual", "bhattacharyya"])
def test_lognormal_divergences_are_the_normal_ones(name):
    """log X ~ N(loc, scale^2): the theorem gives the same expressions, so the kernels may share the normal's forms."""
    agree(lognormal.FAMILY.theorem_forms[name], normal.theorem_forms()[name])
    assert lognormal.FAMILY.closed_forms[name] == normal.closed_forms()[name]


def test_skew_log_gap_derivatives_are_those_of_its_rewrite():
    a, t = sp.symbols("a t", real=True)
    gap = SkewLogGap(a, t)
    for v in (a, t):
        difference = plain(sp.diff(gap, v)) - sp.diff(plain(gap), v)
        assert sp.simplify(difference) == 0
    assert SkewLogGap(0, t) == 0 and SkewLogGap(1, t) == 0 and SkewLogGap(a, 0) == 0


@pytest.mark.parametrize("name", ["kl", "jsd_harmonic", "jsd_harmonic_dual"])
def test_cauchy_log1p_forms_are_the_divergences(name):
    """The kernels' forms (a log of one plus a fraction, in named gaps) equal the derivation's plain divergences."""
    form = cauchy.closed_forms()[name]
    for symbol, value in reversed(cauchy.preambles()[name]):
        form = form.subs(symbol, value)
    plain_form = {"kl": lambda: cauchy.kl(cauchy.FIRST, cauchy.SECOND),
                  "jsd_harmonic": lambda: cauchy.jsd_harmonic(cauchy.FIRST, cauchy.SECOND, alpha),
                  "jsd_harmonic_dual": lambda: cauchy.jsd_harmonic_dual(cauchy.FIRST, cauchy.SECOND, alpha)}[name]()
    agree(form, plain_form)


SCALE_FAMILIES = {"exponential": exponential, "laplace": laplace, "rayleigh": rayleigh,
                  "inverse_gaussian": inverse_gaussian}


@pytest.mark.parametrize("family", sorted(SCALE_FAMILIES))
@pytest.mark.parametrize("name", ["jsd_geometric", "jsd_geometric_dual", "bhattacharyya"])
def test_mixture_log_gaps_rewrite_back_to_the_theorem(family, name):
    """The catalogue's skew forms with a log of a mixture (derive.tidy.mixture_log_gaps): SkewLogGap of one log ratio,
    and equal to the theorem's expression at exact points, near-identical and far-apart laws included."""
    f = SCALE_FAMILIES[family].FAMILY
    form, theorem = f.closed_forms[name], f.theorem_forms[name]
    gaps = list(form.atoms(SkewLogGap))
    assert gaps and all(len(gap.args[1].atoms(sp.log)) == 1 for gap in gaps)  # one log: printed as a log_ratio
    near = {p.of(w): f.sample[p.symbol] * (1 if w == 1 else sp.Rational(1000001, 1000000)) for p in f.params
            for w in (1, 2)}
    far = {p.of(w): f.sample[p.symbol] * (1 if w == 1 else 1000) for p in f.params for w in (1, 2)}
    shared = {p.symbol: 3 for p in f.shared}
    for point in (near, far):
        for a in (sp.Rational(1, 1000000), sp.Rational(2, 7), sp.Rational(999999, 1000000)):
            values = {**point, **shared, alpha: a}
            x, y = (sp.N(plain(e).subs(delta, 0).subs(values), 60) for e in (form, theorem))
            assert abs(x - y) <= sp.Float(10) ** -45 * max(abs(y), sp.Float(10) ** -30), (values, x, y)


def test_mixture_log_gaps_is_exact_and_cancels_a_jensen_gap():
    """The rewrite is exact for any expression, and a skew Jensen gap of log becomes SkewLogGap alone."""
    x, y = sp.symbols("x y", positive=True)
    mixture = sp.log((1 - alpha) * x + alpha * y)
    other = mixture + sp.log(x)
    rewritten = mixture_log_gaps(other, alpha)
    point = {x: sp.Rational(3, 7), y: sp.Rational(5, 2), alpha: sp.Rational(1, 3)}
    assert abs(sp.N((plain(rewritten) - other).subs(point), 50)) < 1e-45
    assert mixture_log_gaps(mixture - (1 - alpha) * sp.log(x) - alpha * sp.log(y), alpha) == SkewLogGap(alpha, sp.log(y / x))


@pytest.mark.parametrize("name", ["jsd_geometric", "jsd_geometric_dual", "bhattacharyya"])
def test_categorical_skew_forms_are_the_theorem_on_the_simplex(name):
    """derive.families.categorical.log_sums_near_one: log1p(-sum p J) for log sum p (q/p)^a, exact where rows sum to
    1 (the sums written out at k = 3, exact rational rows, 50 digits), and not where they do not: the identity it
    rests on is the rows' sum, which the rewrite must not hide."""
    from derive.families import categorical
    from derive.special import plain as written_back
    from derive.families.simplex import size
    family = categorical.FAMILY
    rewritten, theorem = family.closed_forms[name], family.theorem_forms[name]
    assert rewritten.has(sp.codegen.cfunctions.log1p) and not theorem.has(sp.codegen.cfunctions.log1p)
    rows = [(("1/10", "3/10", "3/5"), ("1/2", "1/4", "1/4"), "1/3"),
            (("1/1000000", "1/1000", "998999/1000000"), ("1/999999", "1/1001", None), "999999/1000000"),
            (("1/3", "1/3", "1/3"), ("1/3", "1/3", "1/3"), "1/2")]
    for first, second, a in rows:
        second = second[:2] + ((1 - sum(sp.Rational(x) for x in second[:2])),) if second[2] is None else second
        # 80-digit floats of the exact rows: SymPy would factor large integers for rational powers of rationals
        point = {**{family.symbols(1)[k]: sp.Float(sp.Rational(x), 80) for k, x in enumerate(first)},
                 **{family.symbols(2)[k]: sp.Float(sp.Rational(x), 80) for k, x in enumerate(second)},
                 alpha: sp.Float(sp.Rational(a), 80)}
        x, y = (sp.N(written_back(e).subs(size, 3).doit().subs(point), 60) for e in (rewritten, theorem))
        assert abs(x - y) <= sp.Float("1e-50") * abs(y) + sp.Float("1e-70"), (name, point, x, y)  # inputs have 80 digits
    off = {**point, family.symbols(2)[0]: sp.Float(0.5, 80)}  # the second row now sums to 7/6
    x, y = (sp.N(written_back(e).subs(size, 3).doit().subs(off), 30) for e in (rewritten, theorem))
    assert abs(x - y) > 1e-3


@pytest.mark.parametrize("name", ["kl", "jeffreys", "jsd_geometric", "jsd_geometric_dual", "bhattacharyya"])
def test_weibull_forms_are_the_theorem_in_the_log_rate_ratio(name):
    """derive.families.weibull.in_log_rate_ratio: each form a function of k log(scale1 / scale2) without a power
    scale^k (which overflows for large k), equal to the theorem's expression at exact points (60 digits): nearly
    identical and far-apart scales, small and large shapes, both ends of alpha."""
    from derive.families import weibull
    from derive.special import plain as written_back
    f = weibull.FAMILY
    form, theorem = f.closed_forms[name], f.theorem_forms[name]
    assert not any(power.exp.has(weibull.shape) for power in form.atoms(sp.Pow))
    (s1,), (s2,) = f.law_params(1), f.law_params(2)
    for k, first, second in [(3, "3/2", "1500001/1000000"), (sp.Rational(1, 1000), "1/1000", "1000"),
                             (50, "2", "7/3"), (1000, "1", "1000000001/1000000000")]:
        for a in (sp.Rational(1, 1000000), sp.Rational(2, 7), sp.Rational(999999, 1000000)):
            values = {weibull.shape: sp.Float(k, 80), s1: sp.Float(sp.Rational(first), 80),
                      s2: sp.Float(sp.Rational(second), 80), alpha: sp.Float(a, 80)}  # exact powers would be slow
            x, y = (sp.N(written_back(e).subs(values), 60) for e in (form, theorem))
            assert abs(x - y) <= sp.Float("1e-45") * abs(y) + sp.Float("1e-300"), (values, x, y)


def test_exp_gaps_is_exact_and_refuses_first_order_remainders():
    """derive.tidy.exp_gaps: sum c_k e^(k s) + a s + b as sum c_k Expm1mx(k s) when the line matches, else ValueError."""
    from derive.special import Expm1mx
    from derive.tidy import exp_gaps
    s, c = sp.symbols("s c", real=True)
    expr = c * sp.exp(2 * s) + 3 * sp.exp(-s) - (c + 3) + (3 - 2 * c) * s + sp.log(s**2 + 1)
    assert exp_gaps(expr, s) == c * Expm1mx(2 * s) + 3 * Expm1mx(-s) + sp.log(s**2 + 1)
    with pytest.raises(ValueError, match="second order"):
        exp_gaps(sp.exp(s) - 1, s)
    # linear=True keeps a first-order remainder as a term (the Wishart laws' (df2 - df1) u / 2), never a constant one
    assert exp_gaps(c * sp.exp(-s) - c + 2 * s, s, linear=True) == c * Expm1mx(-s) + (2 - c) * s
    with pytest.raises(ValueError, match="second order"):
        exp_gaps(sp.exp(s), s, linear=True)


@pytest.mark.parametrize("name", ["kl", "jeffreys", "jsd_geometric", "jsd_geometric_dual", "bhattacharyya",
                                  "jsd_geometric_deasy"])
def test_diagonal_normal_coordinate_forms_are_the_theorem(name):
    """diagnormal's coordinate forms: normal's, and Deasy's from mvnormal's per-eigenvalue term."""
    from derive.families import diagnormal
    form = diagnormal.univariate_forms()[name]
    theorem = diagnormal.deasy_theorem_form() if name == "jsd_geometric_deasy" else normal.theorem_forms()[name]
    agree(plain(form).subs(GAP), theorem.subs(GAP))


@pytest.mark.parametrize("name", ["kl", "jeffreys", "jsd_geometric", "jsd_geometric_dual", "bhattacharyya"])
def test_inverse_gaussian_forms_are_the_theorem(name):
    """derive.families.inverse_gaussian.without_cancellation (Bregman pieces, Lagrange's identity for the skew Jensen
    gap of sqrt(a b)): equal to the theorem's expression at exact points (60 digits), nearly identical and far-apart
    laws, both ends of alpha; and free of the theorem's differences of square roots."""
    from derive.families import inverse_gaussian
    from derive.special import plain as written_back
    f = inverse_gaussian.FAMILY
    form, theorem = f.closed_forms[name], f.theorem_forms[name]
    assert len([p for p in form.atoms(sp.Pow) if p.exp == sp.S.Half]) <= 1  # the theorem's forms hold several
    (m1, l1), (m2, l2) = f.law_params(1), f.law_params(2)
    for point in [("3/2", "1/2", "1500001/1000000", "500001/1000000"), ("1/1000000", "1000", "1000", "1/1000"),
                  ("1/1000", "1000000", "1/1000", "1/1000000")]:
        for a in ("1/1000000", "2/7", "999999/1000000"):
            values = {**dict(zip((m1, l1, m2, l2), (sp.Float(sp.Rational(v), 80) for v in point))),
                      alpha: sp.Float(sp.Rational(a), 80)}
            x, y = (sp.N(written_back(e).subs(values), 60) for e in (form, theorem))
            assert abs(x - y) <= sp.Float("1e-45") * abs(y) + sp.Float("1e-300"), (values, x, y)


@pytest.mark.parametrize("name", ["kl", "jeffreys", "jsd_geometric", "jsd_geometric_dual", "bhattacharyya"])
def test_gamma_forms_are_the_theorem(name):
    """derive.families.gamma.without_cancellation (lgamma = a log a - a + Stirling's remainder; the perspective
    a log(a / b) gives Expm1mx and SkewLogGap of the means' log ratio): equal to the theorem's expression at exact
    points (60 digits), nearly identical and far-apart laws (similar and different means), both ends of alpha."""
    from derive.special import plain as written_back
    f = gamma.FAMILY
    form, theorem = f.closed_forms[name], f.theorem_forms[name]
    assert not form.has(sp.loggamma)  # only inside the remainder's gap functions
    (a1, b1), (a2, b2) = f.law_params(1), f.law_params(2)
    for point in [("3/2", "1/2", "1500001/1000000", "500001/1000000"), ("1000000", "1/1000", "1000", "1/1000000"),
                  ("1/1000000", "1000000", "1000000", "1/1000000"), ("7/3", "2", "1/1000", "1000")]:
        for a in ("1/1000000", "2/7", "999999/1000000"):
            values = {**dict(zip((a1, b1, a2, b2), (sp.Float(sp.Rational(v), 80) for v in point))),
                      alpha: sp.Float(sp.Rational(a), 80)}
            x, y = (sp.N(written_back(e).subs(values), 60) for e in (form, theorem))
            assert abs(x - y) <= sp.Float("1e-45") * abs(y) + sp.Float("1e-300"), (values, x, y)
