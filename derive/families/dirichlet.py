"""Dirichlet laws on the simplex: density prod x_j^(c_j - 1) / B(c), concentration c of any length k. Notebook 08.

The natural parameter is the concentration itself (statistic log x, carrier -sum log x_j), and
F(theta) = sum_j log Gamma(theta_j) - log Gamma(sum_j theta_j), so every divergence is a sum over the k components
plus terms in the two total concentrations.
"""
import sympy as sp

from ..codegen.spec import POSITIVE_VECTOR, ArithmeticQuadrature
from ..special import LogSigmoid
from . import simplex
from .catalogue import divergence_docs, u
from .simplex import VectorFamily, i, theta, total

FAMILY = VectorFamily(
    "dirichlet", "Dirichlet law",
    "Dirichlet laws on the simplex: density prod x_j^(c_j - 1) / B(c), concentrations c along the last axis.",
    ("concentration", POSITIVE_VECTOR, "concentrations (..., k), each finite and > 0"),
    total(sp.loggamma(theta[i])) - sp.loggamma(total(theta[i])),
    lambda c: (lambda index: c[index]))

QUADRATURE_SIZES = (2,)  # k for which jsd_arithmetic integrates numerically


def log_density_pair_in_logit(c):
    """k = 2: x_0 ~ Beta(c_0, c_1); in u = logit x_0, log x_0 = log sigmoid(u), log x_1 = log sigmoid(-u)."""
    return (c[0] * LogSigmoid(u) + c[1] * LogSigmoid(-u)
            - sp.loggamma(c[0]) - sp.loggamma(c[1]) + sp.loggamma(c[0] + c[1]))


def arithmetic_kernel():
    pair, skew = FAMILY.signature()
    c1, c2 = FAMILY.symbols(1), FAMILY.symbols(2)
    landmarks = tuple(mark for c in (c1, c2) for mark in (sp.log(c[0] / c[1]), sp.sqrt(1 / c[0] + 1 / c[1])))
    doc = divergence_docs(FAMILY.law, "adaptive Gauss-Kronrod quadrature in the logit of x_0 (relative accuracy "
                                      "1e-10), for k = 2")["jsd_arithmetic"]
    return ArithmeticQuadrature("jsd_arithmetic", pair + (skew,), u,
                                (log_density_pair_in_logit(c1), log_density_pair_in_logit(c2)), landmarks, doc,
                                sizes=QUADRATURE_SIZES)


def module():
    return simplex.module(FAMILY, [arithmetic_kernel()])
