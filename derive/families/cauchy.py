"""Cauchy laws C(loc, scale), scale the half-width: KL, the harmonic JSD and the classic JSD in closed form.

Derivation (notebook 05), in four steps:

1. ``log_quadratic_lemma``: E[log((x - c)^2 + a^2)] under C(l, s) equals log((l - c)^2 + (s + a)^2), derived by
   differentiating in a (a rational integral, done by residues) and integrating back.
2. ``kl``: every Cauchy log-density is a log of a quadratic, so KL follows from the lemma.
3. ``harmonic_mixture``: 1/p is a quadratic in x, so the harmonic mixture is again Cauchy (l_alpha, s_alpha) with an
   explicit normaliser, and JS^H_alpha is a weighted sum of two KLs; KL is symmetric, so the dual is the same.
4. ``jsd_arithmetic``: for C(0, 1) and C(0, lam) the arithmetic mixture is a ratio of quadratics, so the lemma gives
   the skew JSD in closed form at every alpha; a real Moebius map carries any pair to that one with
   lam + 1/lam = 2 (1 + chi), chi the chi-square-type invariant, and f-divergences do not change under it.
"""
from functools import cache

import sympy as sp

from .. import divergences
from ..codegen.spec import ClosedForm, FamilyModule, location_scale_params
from ..special import LogRatio
from ..symbols import alpha, loc1, loc2, scale1, scale2, x
from ..tidy import delta, equal, in_gap, tidy

loc = sp.Symbol("loc", real=True)
scale = sp.Symbol("scale", positive=True)
chi = sp.Symbol("chi", nonnegative=True)  # ((loc1 - loc2)^2 + (scale1 - scale2)^2) / (2 scale1 scale2)
lam = sp.Symbol("lam", positive=True)  # the scale ratio of the equivalent pair C(0, 1), C(0, lam), lam >= 1
FIRST, SECOND = (loc1, scale1), (loc2, scale2)


def density(l, s):
    return s / (sp.pi * ((x - l) ** 2 + s**2))


# -- step 1: the lemma ------------------------------------------------------------------------------------------------
def lemma_derivative(l, s, c, a):
    """d/da E[log((x - c)^2 + a^2)] = integral of p * 2a / ((x - c)^2 + a^2): residues at the upper half-plane poles."""
    integrand = density(l, s) * 2 * a / ((x - c) ** 2 + a**2)
    poles = (l + sp.I * s, c + sp.I * a)
    return sp.simplify(2 * sp.pi * sp.I * sum(sp.residue(integrand, x, pole) for pole in poles))


@cache
def log_quadratic_lemma():
    """Lambda (l, s, c, a) -> E_{C(l, s)}[log((x - c)^2 + a^2)], a > 0.

    The antiderivative in a of ``lemma_derivative`` fixes the expectation up to a constant in a; as a -> oo the
    expectation minus 2 log a tends to 0 (dominated convergence), which the antiderivative already does.
    """
    l, c = sp.symbols("l c", real=True)
    s, a = sp.symbols("s a", positive=True)
    antiderivative = sp.simplify(sp.integrate(lemma_derivative(l, s, c, a), a))
    constant = sp.limit(antiderivative - 2 * sp.log(a), a, sp.oo)
    return sp.Lambda((l, s, c, a), sp.simplify(antiderivative - constant))


def expected_log(expr, l, s):
    """E_{C(l, s)}[log expr] for expr a product of powers of constants and quadratics in x with no real root."""
    lemma = log_quadratic_lemma()
    total = sp.S.Zero
    for factor in sp.Mul.make_args(sp.factor(sp.together(expr))):
        base, exponent = factor.as_base_exp()
        if x not in base.free_symbols:
            total += exponent * sp.log(base)
            continue
        A, B, C = sp.Poly(base, x).all_coeffs()  # A ((x - c)^2 + a^2): c = -B / 2A, a^2 = C/A - c^2
        centre = -B / (2 * A)
        total += exponent * (sp.log(A) + lemma(l, s, centre, sp.sqrt(sp.factor(C / A - centre**2))))
    return total


# -- step 2: KL ------------------------------------------------------------------------------------------------------
def kl(params_p, params_q):
    """KL(C(p) : C(q)) = E_p[log p] - E_p[log q], by the lemma."""
    (lp, sp_), (lq, sq) = params_p, params_q
    return sp.simplify(expected_log(density(lp, sp_), lp, sp_) - expected_log(density(lq, sq), lp, sp_))


scale_gap = sp.Symbol("scale_gap", real=True)  # scale1 - scale2, exact in floating point when the scales are close


def kl_near_one(params_p, params_q, gap):
    """KL(C(l1, s1) : C(l2, s2)) = log(1 + ((l1 - l2)^2 + (s1 - s2)^2) / (4 s1 s2)), with +-(s1 - s2) given as ``gap``.

    The kernels evaluate the log of one plus a fraction as log1p of the fraction (derive.codegen.printer.log_ratios),
    so a small KL keeps its digits once s1 - s2 does; ``kl``'s log(((s1 + s2)^2 + (l1 - l2)^2) / (4 s1 s2)) rounds
    its argument to 1 first. Checked here to equal ``kl``.
    """
    (l1, s1), (l2, s2) = params_p, params_q
    form = sp.log(1 + ((l1 - l2) ** 2 + gap**2) / (4 * s1 * s2))
    if not equal(sp.exp(form.subs(gap, s1 - s2)), sp.exp(kl(params_p, params_q))):
        raise ValueError(f"not the Cauchy KL: {form}")
    return form


def kl_near_or_far(params_p, params_q, gap):
    """``kl_near_one`` while its fraction is < 1, else ``kl`` as a sum of logarithms of factors: the fraction's
    denominator 4 s1 s2 underflows for scales near 1e-300 (a harmonic mixture's scale is about sqrt(s1 s2)), where a
    logarithm of each factor still holds; once KL >= log 2 that sum loses no digit that matters."""
    near = kl_near_one(params_p, params_q, gap)
    numerator, denominator = sp.fraction(sp.together(near.args[0] - 1))
    return sp.Piecewise((near, numerator < denominator), (factor_logs(kl(params_p, params_q)), True))


# -- step 3: the harmonic mixture -------------------------------------------------------------------------------------
@cache
def harmonic_mixture(params_p, params_q, alpha):
    """(l_alpha, s_alpha, Z): 1/H_alpha(p, q) = pi A ((x - l_alpha)^2 + s_alpha^2), so H_alpha = Z * C(l_alpha, s_alpha)."""
    reciprocal = sp.expand((1 - alpha) / density(*params_p) + alpha / density(*params_q))
    A, B, C = sp.Poly(reciprocal / sp.pi, x).all_coeffs()
    centre = sp.simplify(-B / (2 * A))
    half_width = sp.sqrt(sp.factor(sp.simplify(C / A - centre**2)))
    return centre, half_width, sp.simplify(1 / (A * half_width))


# The kernels keep the mixture's parameters as named intermediates rather than expanding them into the KLs.
offset1, offset2 = sp.symbols("offset1 offset2", real=True)  # loc1 - l_alpha, loc2 - l_alpha
mix_scale = sp.Symbol("mix_scale", positive=True)  # s_alpha
gap1, gap2 = sp.symbols("gap1 gap2", real=True)  # scale1 - s_alpha, scale2 - s_alpha


def harmonic_mixture_in_gap():
    """(loc1 - l_alpha, loc2 - l_alpha, s_alpha^2) as functions of delta = loc1 - loc2, the scales and alpha."""
    centre, half_width, _ = harmonic_mixture(FIRST, SECOND, alpha)
    return (sp.factor(in_gap(loc1 - centre)), sp.factor(in_gap(loc2 - centre)), sp.factor(in_gap(half_width**2)))


def skew_jsd(laws, mixture, alpha, dual=False, gaps=None):
    """The skew JSD (or its dual) of two Cauchy laws against a Cauchy mixture, from the definitions and the KL; with
    ``gaps`` (each law's scale minus the mixture's, as symbols) in the form of ``kl_near_or_far``."""
    def divergence(p, q, gap):
        return kl(p, q) if gaps is None else kl_near_or_far(p, q, gap)
    if dual:
        return divergences.jsd_dual(lambda i: divergence(mixture, laws[i - 1], gaps[i - 1] if gaps else None), alpha)
    return divergences.jsd(lambda i: divergence(laws[i - 1], mixture, gaps[i - 1] if gaps else None), alpha)


def jsd_harmonic(params_p, params_q, alpha):
    centre, half_width, _ = harmonic_mixture(params_p, params_q, alpha)
    return skew_jsd((params_p, params_q), (centre, half_width), alpha)


def jsd_harmonic_dual(params_p, params_q, alpha):
    centre, half_width, _ = harmonic_mixture(params_p, params_q, alpha)
    return skew_jsd((params_p, params_q), (centre, half_width), alpha, dual=True)


def jsd_harmonic_named(dual=False):
    """JS^H_alpha (or its dual) in offset1, offset2, mix_scale, gap1, gap2: the mixture C(0, mix_scale) after shifting
    by l_alpha, each KL in the form of ``kl_near_or_far``."""
    return skew_jsd(((offset1, scale1), (offset2, scale2)), (0, mix_scale), alpha, dual, gaps=(gap1, gap2))


def mixture_scale_squared():
    """s_alpha^2 = s1 s2 (s1 s2 + alpha (1 - alpha) (delta^2 + (s1 - s2)^2)) / (alpha s1 + (1 - alpha) s2)^2, a sum of
    positive terms (checked against ``harmonic_mixture_in_gap``), s1 - s2 as scale_gap."""
    _, _, half_width2 = harmonic_mixture_in_gap()
    spread = 2 * scale1 * scale2 * chi_invariant((delta, scale1), (0, scale2))  # delta^2 + (s1 - s2)^2
    form = scale1 * scale2 * (scale1 * scale2 + alpha * (1 - alpha) * spread) / (alpha * scale1 + (1 - alpha) * scale2) ** 2
    if not equal(form, half_width2):
        raise ValueError(f"not the harmonic mixture's scale: {form}")
    return form.subs(scale1 - scale2, scale_gap)


def scale_gaps_in_gap():
    """(scale1 - s_alpha, scale2 - s_alpha) as (s_i^2 - s_alpha^2) / (s_i + s_alpha), the difference of squares a
    fraction in delta, the scales and alpha with factored coefficients: no cancellation when s_alpha ~ s_i."""
    _, _, half_width2 = harmonic_mixture_in_gap()
    return tuple(tidy(s**2 - half_width2) / (s + mix_scale) for s in (scale1, scale2))


# -- step 4: the classic (arithmetic) JSD ----------------------------------------------------------------------------
mix_weight = sp.Symbol("mix_weight", positive=True)  # c
mix_root = sp.Symbol("mix_root", positive=True)  # a


def standard_pair_mixture(alpha):
    """(c, a^2): (1 - alpha) C(0, 1) + alpha C(0, lam) = c (x^2 + a^2) / (pi (1 + x^2)(x^2 + lam^2))."""
    numerator, _ = sp.fraction(sp.together((1 - alpha) * density(0, 1) + alpha * density(0, lam)))
    A, B, C = sp.Poly(sp.expand(numerator), x).all_coeffs()
    assert B == 0
    return sp.factor(A), sp.factor(C / A)


def jsd_arithmetic_standard_pair(alpha):
    """JS_alpha(C(0, 1) : C(0, lam)) in lam, c = mix_weight and a = mix_root (see ``standard_pair_mixture``)."""
    p, q = density(0, 1), density(0, lam)
    m = mix_weight * (x**2 + mix_root**2) / (sp.pi * (1 + x**2) * (x**2 + lam**2))
    kl_p = expected_log(p, 0, 1) - expected_log(m, 0, 1)
    kl_q = expected_log(q, 0, lam) - expected_log(m, 0, lam)
    return sp.expand_log(divergences.jsd(lambda i: (kl_p, kl_q)[i - 1], alpha), force=True)


lam_minus_one = sp.Symbol("lam_minus_one", nonnegative=True)  # lam - 1 = chi + sqrt(chi (chi + 2)), no cancellation
SERIES_BELOW = sp.Rational(1, 1000)  # below this lam - 1 the closed form cancels; its Taylor series does not
SERIES_ORDER = 7  # terms up to (lam - 1)^6: truncation error < 1e-15 relative below SERIES_BELOW


def jsd_arithmetic_near_identical(alpha):
    """The Taylor series of JS_alpha(C(0, 1) : C(0, 1 + e)) in e = lam - 1, starting at alpha (1 - alpha) e^2 / 4."""
    c, a2 = standard_pair_mixture(alpha)
    exact = jsd_arithmetic_standard_pair(alpha).subs({mix_weight: c, mix_root: sp.sqrt(a2)}).subs(lam, 1 + lam_minus_one)
    series = sp.series(exact, lam_minus_one, 0, SERIES_ORDER).removeO()
    return sp.collect(sp.expand(series), lam_minus_one, sp.factor)


def jsd_arithmetic_without_cancellation(alpha):
    """``jsd_arithmetic_standard_pair`` with each KL to the mixture as one logarithm of a ratio near 1 whose distance
    from 1 is an exact fraction: KL(p : m) = -log(c (1 + a)^2 / (1 + lam)^2), KL(q : m) = -log(c (lam + a)^2 /
    (lam (1 + lam)^2)) (``_log_of_square_ratio``). Each KL vanishes to second order as the mixture nears its law
    (alpha -> 0 for p, 1 for q) and when lam -> 1; written as sums of logarithms of size log lam, it kept only the
    digits above eps log lam (1e-9 relative at alpha = 1 - 1e-6, 3e-10 at alpha = 1e-6 for lam ~ 1e24)."""
    c, a2 = standard_pair_mixture(alpha)
    kl_p = -_log_of_square_ratio(c, a2, 1, (1 + lam) ** 2)
    kl_q = -_log_of_square_ratio(c, a2, lam, lam * (1 + lam) ** 2)
    # lam - 1 as the kernel's lam_minus_one, computed without cancellation (``preambles``)
    return ((1 - alpha) * kl_p + alpha * kl_q).xreplace({lam - 1: lam_minus_one})


def _log_of_square_ratio(c, a2, s, m):
    """log(c (s + a)^2 / m) as LogRatio(c (s + a)^2, m, difference), a = mix_root with a^2 = a2: the difference
    2 c s a + r (r = c s^2 + c a^2 - m, free of a) written as (4 c^2 s^2 a^2 - r^2) / (2 c s a - r), whose
    numerator factors into one signed product and whose denominator adds two positive terms (2 c s a > 0 > r)."""
    r = sp.factor(c * s**2 + c * a2 - m)
    difference = sp.factor(4 * c**2 * s**2 * a2 - r**2) / (2 * mix_weight * s * mix_root - r)
    return LogRatio(mix_weight * (s + mix_root) ** 2, m, difference)


def chi_invariant(params_p, params_q):
    (l1, s1), (l2, s2) = params_p, params_q
    return ((l1 - l2) ** 2 + (s1 - s2) ** 2) / (2 * s1 * s2)


def lam_of_chi():
    """The root lam >= 1 of lam + 1/lam = 2 (1 + chi): chi(C(0, 1), C(0, lam)) = chi."""
    roots = sp.solve(sp.Eq(chi_invariant((0, 1), (0, lam)), chi), lam)
    return max(roots, key=lambda r: r.subs(chi, 1))


def factor_logs(expr):
    """Factor every log's argument and split it: log(lam^2 + 2 lam + 1) becomes 2 log(lam + 1)."""
    return sp.expand_log(expr.replace(sp.log, lambda argument: sp.log(sp.factor(argument))), force=True)


@cache
def closed_forms():
    """Each kernel's expression, in the symbols its preamble defines (see ``preambles``)."""
    return {
        "kl": kl_near_one((delta, scale1), (0, scale2), scale_gap),
        "jsd_harmonic": jsd_harmonic_named(),
        "jsd_harmonic_dual": jsd_harmonic_named(dual=True),
        "jsd_arithmetic": sp.Piecewise((jsd_arithmetic_near_identical(alpha), lam_minus_one < SERIES_BELOW),
                                       (jsd_arithmetic_without_cancellation(alpha), True)),
    }


@cache
def preambles():
    """The intermediates each kernel computes first, in order, as (symbol, expression) pairs."""
    d1, d2, s2_alpha = harmonic_mixture_in_gap()
    c, a2 = standard_pair_mixture(alpha)
    gap = ((delta, loc1 - loc2),)
    g1, g2 = scale_gaps_in_gap()
    mixture = gap + ((scale_gap, scale1 - scale2), (offset1, d1), (offset2, d2),
                     (mix_scale, sp.sqrt(mixture_scale_squared())), (gap1, g1), (gap2, g2))
    # a^2 = lam ((1 - alpha) lam + alpha) / c as written here: expanded, alpha lam - lam loses the digits of
    # (1 - alpha) lam as alpha nears 1 (1e-10 relative at alpha = 1 - 1e-6)
    mixed = lam * ((1 - alpha) * lam + alpha)
    assert sp.cancel(mixed / c - a2) == 0
    pair = ((chi, chi_invariant(FIRST, SECOND)), (lam_minus_one, lam_of_chi() - 1), (lam, 1 + lam_minus_one),
            (mix_weight, c), (mix_root, sp.sqrt(mixed / mix_weight)))
    mixture = tuple((symbol, value.xreplace({sp.expand(WEIGHTED_SCALE): WEIGHTED_SCALE})) for symbol, value in mixture)
    return {"kl": gap + ((scale_gap, scale1 - scale2),), "jsd_harmonic": mixture, "jsd_harmonic_dual": mixture,
            "jsd_arithmetic": pair}


# alpha scale1 + (1 - alpha) scale2 as written here, not expanded: alpha s1 - alpha s2 + s2 loses the digits of
# (1 - alpha) s2 to the rounding of alpha s2 as alpha nears 1
WEIGHTED_SCALE = alpha * scale1 + (1 - alpha) * scale2


PAIR, SKEW = location_scale_params("Cauchy law", "location (median)", "scale (half-width at half-maximum)")

DOCS = {
    "kl": "Kullback-Leibler divergence KL(p1 : p2) between two Cauchy laws, in nats; symmetric in p1, p2.",
    "jsd_harmonic": ("Skew harmonic Jensen-Shannon divergence JS^H_alpha(p1 : p2), in nats (Nielsen 2019).\n\n"
                     "(1 - alpha) KL(p1 : h) + alpha KL(p2 : h), h the normalised harmonic mixture\n"
                     "1 / ((1 - alpha)/p1 + alpha/p2) / Z, itself a Cauchy law; 0 at alpha = 0 and 1. Closed form."),
    "jsd_harmonic_dual": ("Dual skew harmonic Jensen-Shannon divergence (1 - alpha) KL(h : p1) + alpha KL(h : p2), in nats.\n\n"
                          "Cauchy KL is symmetric, so it equals jsd_harmonic; kept for the API's symmetry. Closed form."),
    "jsd_arithmetic": ("Skew (classic) Jensen-Shannon divergence (1 - alpha) KL(p1 : m) + alpha KL(p2 : m), in nats,\n"
                       "m = (1 - alpha) p1 + alpha p2. Closed form at every alpha (notebook 05): a Moebius map takes the\n"
                       "pair to C(0, 1), C(0, lam) with lam + 1/lam = 2 (1 + chi)."),
}


def module():
    forms, before = closed_forms(), preambles()
    kernels = tuple(ClosedForm(name, PAIR if name == "kl" else PAIR + (SKEW,), forms[name], DOCS[name], before[name],
                               zero_at_alpha_ends=name != "kl") for name in forms)
    return FamilyModule("cauchy", "derive/families/cauchy.py",
                        "Cauchy laws C(loc, scale): scale is the half-width at half-maximum.", kernels)
