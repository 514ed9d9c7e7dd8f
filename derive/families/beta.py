"""Beta laws: density x^(a - 1) (1 - x)^(b - 1) / B(a, b) on (0, 1). Derivation: notebook 08."""
import sympy as sp

from ..codegen.spec import POSITIVE
from ..special import LogBetaBregman, LogBetaJeffreys, LogBetaJensen, LogBetaSkewBregman, LogSigmoid
from ..symbols import alpha, x
from .catalogue import Coordinate, Family, Parameter, u

a = sp.Symbol("a", positive=True)
b = sp.Symbol("b", positive=True)

# Integrated in the logit u = log(x / (1 - x)): log x = log sigmoid(u), log(1 - x) = log sigmoid(-u), and the
# poles at 0 and 1 (a or b < 1) become exponential tails.
LOGIT = Coordinate(u, 1 / (1 + sp.exp(-u)), LogSigmoid(u) + LogSigmoid(-u), (sp.log(a / b), sp.sqrt(1 / a + 1 / b)),
                   {sp.log(x): LogSigmoid(u), sp.log(1 - x): LogSigmoid(-u)})

FAMILY = Family(
    "beta", "beta law", "Beta laws: density x^(a - 1) (1 - x)^(b - 1) / B(a, b), 0 < x < 1.",
    x, (a - 1) * sp.log(x) + (b - 1) * sp.log(1 - x) - sp.loggamma(a) - sp.loggamma(b) + sp.loggamma(a + b),
    (Parameter(a, POSITIVE, "first shape a, finite and > 0"), Parameter(b, POSITIVE, "second shape b, finite and > 0")),
    {a: sp.Rational(3, 2), b: sp.Rational(1, 2)},
    LOGIT,
    own_forms=lambda: without_cancellation())


def without_cancellation():
    """The five closed forms as gaps of F(a, b) = log B(a, b) = lgamma(a) + lgamma(b) - lgamma(a + b) taken whole
    (derive.special.LogBeta*), each given the laws' differences a2 - a1, b2 - b1: the kernels evaluate them through
    Stirling's split lgamma = (a log a - a) + rem(a), where the three separate lgamma gaps cancel once one shape
    dominates or both are large (notebook 08). Family.own_forms checks each against the theorem."""
    (a1, b1), (a2, b2) = FAMILY.law_params(1), FAMILY.law_params(2)
    da, db = a2 - a1, b2 - b1
    bhattacharyya = LogBetaJensen(a1, b1, a2, b2, alpha, da, db)
    return {"kl": LogBetaBregman(a2, b2, a1, b1, da, db), "jeffreys": LogBetaJeffreys(a1, b1, a2, b2, -da, -db),
            "jsd_geometric": LogBetaSkewBregman(a1, b1, a2, b2, alpha, da, db),
            "jsd_geometric_dual": bhattacharyya, "bhattacharyya": bhattacharyya}
