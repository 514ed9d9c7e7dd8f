"""Exponential laws: density rate e^(-rate x) on x > 0. Derivation: notebook 07."""
import sympy as sp

from ..codegen.spec import POSITIVE
from ..symbols import x
from .catalogue import Family, Parameter, positive_reals

rate = sp.Symbol("rate", positive=True)

FAMILY = Family(
    "exponential", "exponential law", "Exponential laws: density rate e^(-rate x), x > 0.",
    x, sp.log(rate) - rate * x,
    (Parameter(rate, POSITIVE, "rate (1 / mean), finite and > 0"),), {rate: sp.Rational(3, 2)},
    positive_reals(-sp.log(rate), 1))
