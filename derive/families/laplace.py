"""Laplace laws with a shared location: density exp(-|x - loc| / scale) / (2 scale). Derivation: notebook 07."""
import sympy as sp

from ..codegen.spec import POSITIVE, REAL
from ..symbols import x
from .catalogue import Family, Parameter, real_line

loc = sp.Symbol("loc", real=True)
scale = sp.Symbol("scale", positive=True)

FAMILY = Family(
    "laplace", "Laplace law",
    "Laplace laws with a shared location: density exp(-|x - loc| / scale) / (2 scale). With the location held fixed\n"
    "they form an exponential family (statistic |x - loc|); the divergences do not depend on loc.",
    x, -sp.Abs(x - loc) / scale - sp.log(2 * scale),
    (Parameter(scale, POSITIVE, "scale (mean absolute deviation), finite and > 0"),), {scale: sp.Rational(3, 2)},
    real_line(loc, scale),
    shared=(Parameter(loc, REAL, "location, any finite real"),))
