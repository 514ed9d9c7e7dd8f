"""Rayleigh laws: density x / scale^2 exp(-x^2 / (2 scale^2)) on x > 0. Derivation: notebook 07."""
import sympy as sp

from ..codegen.spec import POSITIVE
from ..symbols import x
from .catalogue import Family, Parameter, positive_reals

scale = sp.Symbol("scale", positive=True)

FAMILY = Family(
    "rayleigh", "Rayleigh law", "Rayleigh laws: density x / scale^2 exp(-x^2 / (2 scale^2)), x > 0.",
    x, sp.log(x) - 2 * sp.log(scale) - x**2 / (2 * scale**2),
    (Parameter(scale, POSITIVE, "scale sigma (the mode), finite and > 0"),), {scale: sp.Rational(3, 2)},
    positive_reals(sp.log(scale), sp.Rational(1, 2)))
