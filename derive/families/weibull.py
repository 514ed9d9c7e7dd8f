"""Weibull laws with a shared shape k: density (k / scale) (x / scale)^(k - 1) exp(-(x / scale)^k). Notebook 07."""
import sympy as sp

from ..codegen.spec import POSITIVE
from ..symbols import x
from .catalogue import Family, Parameter, positive_reals

shape = sp.Symbol("shape", positive=True)
scale = sp.Symbol("scale", positive=True)

FAMILY = Family(
    "weibull", "Weibull law",
    "Weibull laws with a shared shape k: density (k / scale) (x / scale)^(k - 1) exp(-(x / scale)^k), x > 0.\n"
    "With k held fixed they form an exponential family (statistic x^k).",
    x, sp.log(shape) - shape * sp.log(scale) + (shape - 1) * sp.log(x) - x**shape * scale ** (-shape),
    (Parameter(scale, POSITIVE, "scale, finite and > 0"),), {scale: sp.Rational(3, 2)},
    positive_reals(sp.log(scale), 1 / shape),
    shared=(Parameter(shape, POSITIVE, "shape k, finite and > 0"),))
