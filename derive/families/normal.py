"""Univariate normal N(loc, scale^2): the geometric JSD and its dual from the exponential-family theorem.

Derivation (notebook 04): the family is found from its log-density (theta, t, k, F), each divergence is an instance of
the theorem in ``derive.expfam``, and ``closed_forms`` rewrites each into the tidy form the kernel evaluates.
"""
from functools import cache

import sympy as sp

from .. import expfam
from ..codegen.spec import ArithmeticQuadrature, ClosedForm, FamilyModule, location_scale_params
from ..symbols import alpha, loc1, loc2, scale1, scale2, x
from ..tidy import delta, in_gap, relative_logs, skew_log_gaps

loc = sp.Symbol("loc", real=True)
scale = sp.Symbol("scale", positive=True)
LOG_DENSITY = -((x - loc) ** 2) / (2 * scale**2) - sp.log(scale) - sp.log(2 * sp.pi) / 2
FIRST, SECOND = (loc1, scale1), (loc2, scale2)


def log_density(params):
    return LOG_DENSITY.subs({loc: params[0], scale: params[1]}, simultaneous=True)


@cache
def family():
    return expfam.from_density("normal", x, (loc, scale), LOG_DENSITY, {loc: sp.Rational(1, 3), scale: sp.Rational(2, 3)})


@cache
def theorem_forms():
    """Each divergence as the theorem gives it, in the source parameters of the two normals."""
    f = family()
    return {
        "kl": f.kl(FIRST, SECOND),
        "jeffreys": f.jeffreys(FIRST, SECOND),
        "jsd_geometric": f.jsd_geometric(FIRST, SECOND, alpha),
        "jsd_geometric_dual": f.jsd_geometric_dual(FIRST, SECOND, alpha),
        "bhattacharyya": f.bhattacharyya(FIRST, SECOND, alpha),
    }


def closed_form(expr):
    """A divergence between two normals as its kernel evaluates it: in the gap delta = loc1 - loc2, tidied, logarithms
    of ratios in units of scale2, and the skew pair of logarithms (of the mixed variance ratio and of scale1/scale2) as
    one Jensen gap, which stays accurate for nearly equal scales. The log-normal family shares it."""
    return skew_log_gaps(relative_logs(in_gap(expr), scale2, (scale1, scale2, delta)), alpha)


@cache
def closed_forms():
    """The same divergences as the kernels are generated from (``closed_form``)."""
    return {name: closed_form(expr) for name, expr in theorem_forms().items()}


PAIR, SKEW = location_scale_params("normal", "location (mean)", "standard deviation")

DOCS = {
    "kl": "Kullback-Leibler divergence KL(p1 : p2) = E_p1[log p1/p2] between two normals, in nats.",
    "jeffreys": "Jeffreys divergence KL(p1 : p2) + KL(p2 : p1) between two normals, in nats.",
    "jsd_geometric": ("Skew geometric Jensen-Shannon divergence JS^G_alpha(p1 : p2), in nats (Nielsen 2019).\n\n"
                      "(1 - alpha) KL(p1 : g) + alpha KL(p2 : g), g the normalised geometric mixture\n"
                      "p1^(1 - alpha) p2^alpha / Z, itself a normal; 0 at alpha = 0 and 1. Closed form."),
    "jsd_geometric_dual": ("Dual skew geometric Jensen-Shannon divergence JS^G*_alpha(p1 : p2), in nats.\n\n"
                           "(1 - alpha) KL(g : p1) + alpha KL(g : p2), g = p1^(1 - alpha) p2^alpha / Z; it equals the\n"
                           "skew Bhattacharyya distance. Closed form."),
    "bhattacharyya": ("Skew Bhattacharyya distance -log integral p1^(1 - alpha) p2^alpha, in nats.\n\n"
                      "alpha weights p2 (the Chernoff alpha-coefficient); alpha = 1/2 gives the Bhattacharyya distance."),
    "jsd_arithmetic": ("Skew (classic) Jensen-Shannon divergence (1 - alpha) KL(p1 : m) + alpha KL(p2 : m), in nats,\n"
                       "m = (1 - alpha) p1 + alpha p2. No closed form exists: adaptive Gauss-Kronrod quadrature\n"
                       "(relative accuracy 1e-10) of an integrand generated from the normal log-density."),
}
SKEWED = ("jsd_geometric", "jsd_geometric_dual", "bhattacharyya")


def module():
    forms = closed_forms()
    kernels = [ClosedForm(name, PAIR + ((SKEW,) if name in SKEWED else ()), forms[name], DOCS[name],
                          preamble=((delta, loc1 - loc2),), zero_at_alpha_ends=name in SKEWED)
               for name in forms]
    kernels.append(ArithmeticQuadrature("jsd_arithmetic", PAIR + (SKEW,), x, (log_density(FIRST), log_density(SECOND)),
                                        (loc1, scale1, loc2, scale2), DOCS["jsd_arithmetic"]))
    return FamilyModule("normal", "derive/families/normal.py",
                        "Univariate normal laws N(loc, scale^2): scale is the standard deviation.", tuple(kernels))
