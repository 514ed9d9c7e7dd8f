"""Poisson laws: P(k) = rate^k e^-rate / k!. Derivation: notebook 06."""
import sympy as sp

from ..codegen.spec import POSITIVE
from ..symbols import k
from .catalogue import Counts, Family, Parameter

rate = sp.Symbol("rate", positive=True)

FAMILY = Family(
    "poisson", "Poisson law", "Poisson laws: P(k) = rate^k e^(-rate) / k!, k = 0, 1, 2, ...",
    k, k * sp.log(rate) - rate - sp.loggamma(k + 1),
    (Parameter(rate, POSITIVE, "rate (the mean), finite and > 0"),), {rate: sp.Rational(3, 2)},
    # Chernoff: beyond 12 standard deviations + 40 both tails are below e^-60 of the mass
    Counts((rate - 12 * sp.sqrt(rate) - 40, rate + 12 * sp.sqrt(rate) + 40)))
