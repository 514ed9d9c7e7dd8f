"""Bernoulli laws on {0, 1}: P(1) = p. Derivation: notebook 06."""
import sympy as sp

from ..codegen.spec import OPEN_UNIT
from ..symbols import k
from .catalogue import Counts, Family, Parameter

p = sp.Symbol("p", positive=True)

FAMILY = Family(
    "bernoulli", "Bernoulli law", "Bernoulli laws on {0, 1}: P(1) = p, p in (0, 1).",
    k, k * sp.log(p) + (1 - k) * sp.log(1 - p),
    (Parameter(p, OPEN_UNIT, "probability of a 1, in (0, 1)"),), {p: sp.Rational(1, 3)},
    Counts((0, 1)))
