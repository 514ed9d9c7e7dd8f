"""Inverse Gaussian laws IG(mean, shape): density sqrt(shape / (2 pi x^3)) exp(-shape (x - mean)^2 / (2 mean^2 x)).

Derivation: notebook 07.
"""
import sympy as sp

from ..codegen.spec import POSITIVE
from ..special import Expm1mx, SkewLogGap
from ..symbols import alpha, x
from .catalogue import Family, Parameter, positive_reals

mean = sp.Symbol("mean", positive=True)
shape = sp.Symbol("shape", positive=True)

FAMILY = Family(
    "inverse_gaussian", "inverse Gaussian law",
    "Inverse Gaussian laws IG(mean, shape): density sqrt(shape / (2 pi x^3)) exp(-shape (x - mean)^2 / (2 mean^2 x)).",
    x, sp.log(shape) / 2 - sp.log(2 * sp.pi) / 2 - 3 * sp.log(x) / 2 - shape * (x - mean) ** 2 / (2 * mean**2 * x),
    (Parameter(mean, POSITIVE, "mean, finite and > 0"), Parameter(shape, POSITIVE, "shape lambda, finite and > 0")),
    {mean: sp.Rational(3, 2), shape: sp.Rational(1, 2)},
    positive_reals(sp.log(mean), sp.Min(1, sp.sqrt(mean / shape))),  # log x spreads as sqrt(mean/shape) when small
    own_forms=lambda: without_cancellation())


def without_cancellation():
    """The five closed forms written so that no two nearly equal numbers are subtracted (Family.own_forms checks each
    against the theorem's at exact points). Notebook 07 derives them.

    F(theta) = -2 sqrt(a b) - log(2 b) / 2 with a = -theta_1 = shape / (2 mean^2), b = -theta_2 = shape / 2. Each
    Bregman divergence of F splits into the two pieces':
    * of -log(2 b) / 2 (Itakura-Saito): E(log(shape_x / shape_y)) / 2, E(w) = e^w - 1 - w (Expm1mx);
    * of -2 sqrt(a b), one-homogeneous: a perfect square, shape_x (mean_x - mean_y)^2 / (2 mean_x^2 mean_y).
    The skew Jensen gap of sqrt(a b) is alpha (1 - alpha) (sqrt(a1 b2) - sqrt(a2 b1))^2 over the sum of the three
    square roots (Lagrange's identity), and JS^G = alpha (1 - alpha) J - B_alpha on every exponential family."""
    (mean1, shape1), (mean2, shape2) = FAMILY.law_params(1), FAMILY.law_params(2)
    gap = (mean1 - mean2) ** 2 / (mean1**2 * mean2**2)  # (1 / mean1 - 1 / mean2)^2
    t = sp.log(shape2 / shape1)
    kl = shape2 * mean1 * gap / 2 + Expm1mx(t) / 2
    jeffreys = (shape2 * mean1 + shape1 * mean2) * gap / 2 + (Expm1mx(t) + Expm1mx(-t)) / 2
    root = sp.sqrt(((1 - alpha) * shape1 / mean1**2 + alpha * shape2 / mean2**2) * ((1 - alpha) * shape1 + alpha * shape2))
    sqrt_gap = alpha * (1 - alpha) * shape1 * shape2 * gap / (root + (1 - alpha) * shape1 / mean1 + alpha * shape2 / mean2)
    bhattacharyya = sqrt_gap + SkewLogGap(alpha, t) / 2
    return {"kl": kl, "jeffreys": jeffreys, "jsd_geometric": alpha * (1 - alpha) * jeffreys - bhattacharyya,
            "jsd_geometric_dual": bhattacharyya, "bhattacharyya": bhattacharyya}
