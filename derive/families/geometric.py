"""Geometric laws: the number of failures before the first success, P(k) = (1 - p)^k p. Derivation: notebook 06."""
import sympy as sp

from ..codegen.spec import OPEN_UNIT
from ..symbols import k
from .catalogue import Counts, Family, Parameter

p = sp.Symbol("p", positive=True)

FAMILY = Family(
    "geometric", "geometric law",
    "Geometric laws: failures before the first success, P(k) = (1 - p)^k p, k = 0, 1, 2, ...",
    k, k * sp.log(1 - p) + sp.log(p),
    (Parameter(p, OPEN_UNIT, "success probability, in (0, 1)"),), {p: sp.Rational(1, 3)},
    Counts((0, -70 / sp.log(1 - p))))  # the tail beyond K has mass (1 - p)^K: below e^-70
