"""Log-normal laws: log X ~ N(loc, scale^2). Derivation: notebook 07.

x -> log x carries each log-normal to the normal N(loc, scale^2) and divergences do not change under a bijection, so
the theorem's forms are the normal's (tests/test_identities.py checks it) and so are the kernels' (``rewrite``).
"""
import sympy as sp

from ..codegen.spec import POSITIVE, REAL
from ..symbols import x
from . import normal
from .catalogue import Family, Parameter, positive_reals

loc = sp.Symbol("loc", real=True)
scale = sp.Symbol("scale", positive=True)

FAMILY = Family(
    "lognormal", "log-normal law", "Log-normal laws: log X ~ N(loc, scale^2), x > 0.",
    x, -((sp.log(x) - loc) ** 2) / (2 * scale**2) - sp.log(x) - sp.log(scale) - sp.log(2 * sp.pi) / 2,
    (Parameter(loc, REAL, "mean of log X, any finite real"),
     Parameter(scale, POSITIVE, "standard deviation of log X, finite and > 0")),
    {loc: sp.Rational(1, 3), scale: sp.Rational(2, 3)},
    positive_reals(loc, scale), rewrite=normal.closed_form)
