"""Inverse Gaussian laws IG(mean, shape): density sqrt(shape / (2 pi x^3)) exp(-shape (x - mean)^2 / (2 mean^2 x)).

Derivation: notebook 07.
"""
import sympy as sp

from ..codegen.spec import POSITIVE
from ..symbols import x
from .catalogue import Family, Parameter, positive_reals

mean = sp.Symbol("mean", positive=True)
shape = sp.Symbol("shape", positive=True)

FAMILY = Family(
    "inverse_gaussian", "inverse Gaussian law",
    "Inverse Gaussian laws IG(mean, shape): density sqrt(shape / (2 pi x^3)) exp(-shape (x - mean)^2 / (2 mean^2 x)).",
    x, sp.log(shape) / 2 - sp.log(2 * sp.pi) / 2 - 3 * sp.log(x) / 2 - shape * (x - mean) ** 2 / (2 * mean**2 * x),
    (Parameter(mean, POSITIVE, "mean, finite and > 0"), Parameter(shape, POSITIVE, "shape lambda, finite and > 0")),
    {mean: sp.Rational(3, 2), shape: sp.Rational(1, 2)},
    positive_reals(sp.log(mean), sp.Min(1, sp.sqrt(mean / shape))))  # log x spreads as sqrt(mean/shape) when small
