"""Beta laws: density x^(a - 1) (1 - x)^(b - 1) / B(a, b) on (0, 1). Derivation: notebook 08."""
import sympy as sp

from ..codegen.spec import POSITIVE
from ..special import LogSigmoid
from ..symbols import x
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
    LOGIT)
