"""Binomial laws: k successes in n trials (n shared by both laws), success probability p. Derivation: notebook 06."""
import sympy as sp

from ..codegen.spec import COUNT, OPEN_UNIT
from ..symbols import k
from .catalogue import Counts, Family, Parameter

n = sp.Symbol("n", positive=True, integer=True)
p = sp.Symbol("p", positive=True)
MEAN, SD = n * p, sp.sqrt(n * p * (1 - p))

FAMILY = Family(
    "binomial", "binomial law", "Binomial laws B(n, p): n trials (shared, a positive integer), success probability p.",
    k, sp.loggamma(n + 1) - sp.loggamma(k + 1) - sp.loggamma(n - k + 1) + k * sp.log(p) + (n - k) * sp.log(1 - p),
    (Parameter(p, OPEN_UNIT, "success probability, in (0, 1)"),), {p: sp.Rational(1, 3)},
    # Chernoff: beyond 12 standard deviations + 40 both tails are below e^-60 of the mass
    Counts((MEAN - 12 * SD - 40, sp.Min(n, MEAN + 12 * SD + 40))),
    shared=(Parameter(n, COUNT, "number of trials, a positive integer"),))
