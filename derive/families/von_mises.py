"""Von Mises laws on the circle: density exp(kappa cos(x - loc)) / (2 pi I0(kappa)). Derivation: notebook 09."""
from dataclasses import dataclass

import sympy as sp

from ..codegen.spec import NONNEGATIVE, REAL
from ..special import LogI0, LogI0Bregman, LogI0Jensen, LogI0SkewBregman, von_mises_mixture_concentration
from ..symbols import alpha, loc1, loc2, x
from ..tidy import delta, tidy
from .catalogue import Coordinate, Family, Parameter, u

loc = sp.Symbol("loc", real=True)
kappa = sp.Symbol("kappa", positive=True)
theta1, theta2 = sp.symbols("theta1:3", real=True)  # (kappa sin loc, kappa cos loc): the order from_density finds

kappa1, kappa2 = sp.symbols("kappa1 kappa2", positive=True)
kappa_alpha = sp.Symbol("kappa_alpha", nonnegative=True)  # concentration of the geometric mixture
# |(1 - alpha) theta1 + alpha theta2|, written as a sum of squares: no cancellation even for opposite directions
KAPPA_ALPHA = von_mises_mixture_concentration(kappa1, kappa2, delta, alpha)


def rotated(expr):
    """The theorem's form in the gap delta = loc1 - loc2, tidied.

    Rotating the circle changes no divergence, so loc2 = 0, loc1 = delta; then sin^2 = 1 - cos^2 reduces every
    |theta| to its concentration, and the mixture's concentration is named kappa_alpha.
    """
    turned = expr.subs({loc1: delta, loc2: 0})

    def circle(e):
        return sp.expand(sp.expand(e).subs(sp.sin(delta) ** 2, 1 - sp.cos(delta) ** 2))

    def norm(root):
        square = circle(root.base)
        value = kappa_alpha if sp.expand(square - KAPPA_ALPHA**2).equals(0) else sp.sqrt(sp.factor(square))
        return value ** (2 * root.exp)
    return tidy(circle(turned.replace(lambda e: e.is_Pow and abs(e.exp) == sp.S.Half, norm)))


def without_cancellation():
    """Every divergence is a gap of G(theta) = log I0(|theta|) (F less log 2 pi), written as one function that the kernels
    evaluate by quadrature of G's curvature along the segment from theta1 to theta2 (derive.special._LogI0Gap;
    Family.own_forms checks each against the theorem): KL = B(theta2 : theta1), J the two Bregman divergences,
    B_alpha the skew Jensen gap, JS^G the skew Bregman sum. Written out, each is a difference of log I0 values of size
    ~kappa for a divergence ~kappa delta^2: a near-identical pair's digits were lost."""
    jensen = LogI0Jensen(kappa1, kappa2, delta, alpha)
    return {"kl": LogI0Bregman(kappa2, kappa1, delta),
            "jeffreys": LogI0Bregman(kappa2, kappa1, delta) + LogI0Bregman(kappa1, kappa2, delta),
            "jsd_geometric": LogI0SkewBregman(kappa1, kappa2, delta, alpha),
            "jsd_geometric_dual": jensen, "bhattacharyya": jensen}


GAP = sp.atan2(sp.sin(loc2 - loc1), sp.cos(loc2 - loc1))  # loc2 - loc1, taken in (-pi, pi]


@dataclass(frozen=True)
class Circle(Coordinate):
    """The circle cut open opposite the two laws: x = c + 2 atan(u), c the midpoint of the shorter arc between loc1
    and loc2. Both laws then sit within u in [-1, 1] and the cut, where neither has a peak, goes to u = -/+ oo."""

    def log_density(self, family, which):
        offset = GAP / 2 if which == 1 else -GAP / 2  # c - loc, c = loc1 + gap/2
        cosine = (sp.cos(offset) * (1 - u**2) - 2 * u * sp.sin(offset)) / (1 + u**2)  # cos(x - loc)
        concentration = kappa1 if which == 1 else kappa2
        return (concentration * cosine - sp.log(2 * sp.pi) - LogI0(concentration)
                + sp.log(2) - sp.log(1 + u**2))  # dx/du = 2 / (1 + u^2)

    def landmarks(self, family):
        quarter = sp.tan(GAP / 4)
        return (-quarter, 1 / (1 + sp.sqrt(kappa1)), quarter, 1 / (1 + sp.sqrt(kappa2)))


FAMILY = Family(
    "von_mises", "von Mises law",
    "Von Mises laws on the circle: density exp(kappa cos(x - loc)) / (2 pi I0(kappa)); kappa = 0 is the uniform law.",
    x, kappa * sp.cos(x - loc) - sp.log(2 * sp.pi) - LogI0(kappa),
    (Parameter(loc, REAL, "mean direction in radians, any finite real (taken modulo 2 pi)"),
     Parameter(kappa, NONNEGATIVE, "concentration, finite and >= 0")),
    {loc: sp.pi / 3, kappa: 2},
    Circle(u, None, None, None),
    to_source={loc: sp.atan2(theta1, theta2), kappa: sp.sqrt(theta1**2 + theta2**2)},
    rewrite=rotated, named=((kappa_alpha, KAPPA_ALPHA),), own_forms=without_cancellation)
