"""Gamma laws: density rate^shape x^(shape - 1) e^(-rate x) / Gamma(shape) on x > 0. Derivation: notebook 07."""
import sympy as sp

from ..codegen.spec import POSITIVE
from ..symbols import x
from .catalogue import Family, Parameter, positive_reals

shape = sp.Symbol("shape", positive=True)
rate = sp.Symbol("rate", positive=True)

FAMILY = Family(
    "gamma", "gamma law", "Gamma laws: density rate^shape x^(shape - 1) e^(-rate x) / Gamma(shape), x > 0.",
    x, shape * sp.log(rate) + (shape - 1) * sp.log(x) - rate * x - sp.loggamma(shape),
    (Parameter(shape, POSITIVE, "shape, finite and > 0"), Parameter(rate, POSITIVE, "rate, finite and > 0")),
    {shape: sp.Rational(3, 2), rate: sp.Rational(1, 2)},
    positive_reals(sp.log(shape / rate), 1 / sp.sqrt(shape)))  # log x: mode log(shape/rate), width 1/sqrt(shape)
