"""Dirichlet laws on the simplex: density prod x_j^(c_j - 1) / B(c), concentration c of any length k. Notebook 08.

The natural parameter is the concentration itself (statistic log x, carrier -sum log x_j), and
F(theta) = sum_j log Gamma(theta_j) - log Gamma(sum_j theta_j), so every divergence is a sum over the k components
plus terms in the two total concentrations.
"""
import sympy as sp

from ..codegen.spec import POSITIVE_VECTOR, ArithmeticCubature, ArithmeticQuadrature, BySize, MonteCarlo
from ..special import (LogDirichletBregman, LogDirichletJeffreys, LogDirichletJensen, LogDirichletSkewBregman,
                       LogSigmoid)
from ..symbols import alpha
from . import simplex
from .catalogue import divergence_docs, u
from .simplex import VectorFamily, i, size, theta, total

v = sp.Symbol("v", real=True)  # the second logit stick-breaking coordinate (k = 3)

FAMILY = VectorFamily(
    "dirichlet", "Dirichlet law",
    "Dirichlet laws on the simplex: density prod x_j^(c_j - 1) / B(c), concentrations c along the last axis.",
    ("concentration", POSITIVE_VECTOR, "concentrations (..., k), each finite and > 0"),
    total(sp.loggamma(theta[i])) - sp.loggamma(total(theta[i])),
    lambda c: (lambda index: c[index]),
    own_forms=lambda: without_cancellation())


def without_cancellation():
    """The five closed forms as gaps of F = log B(c) taken whole (derive.special.LogDirichlet*): the runtime breaks
    sticks, log B(c) = sum_m log B(c_m, c_(m+1) + ... + c_(k-1)), and sums the beta laws' gaps along them (notebook 08),
    each >= 0 and free of cancellation. Entry by entry instead, with lgamma split as Stirling's (a log a - a) + rem(a),
    the gaps of rem at a dominant entry and at the total cancel: 1e-10 at (1, 1e-6, 1e-6) against
    (1e6, 1e-6, 1e-6). VectorFamily.closed_forms checks each form against the theorem."""
    c1, c2 = FAMILY.symbols(1), FAMILY.symbols(2)
    bhattacharyya = LogDirichletJensen(c1, c2, alpha)
    return {"kl": LogDirichletBregman(c2, c1), "jeffreys": LogDirichletJeffreys(c1, c2),
            "jsd_geometric": LogDirichletSkewBregman(c1, c2, alpha), "jsd_geometric_dual": bhattacharyya,
            "bhattacharyya": bhattacharyya}


def log_density(c, logs):
    """log-density sum_j c_j log x_j - F(c), with respect to the measure prod_j dx_j / x_j (the family's carrier).

    ``logs``: the list of the k expressions log x_j, or an IndexedBase of them for any k (sums over i < k).
    """
    if isinstance(logs, sp.IndexedBase):
        return total(c[i] * logs[i]) - FAMILY.F(lambda index: c[index])
    k = len(logs)
    return sum(c[j] * logs[j] for j in range(k)) - FAMILY.F(lambda index: c[index]).subs(size, k).doit()


def stick_breaking(k):
    """Logit stick-breaking coordinates of the simplex for k = 2 or 3: x_0 = sigmoid(u), then x_1 takes the share
    sigmoid(v) of what is left. Returns the coordinates and the k expressions of log x_j.

    The Jacobian of x(u, v) is prod_j x_j, so the carrier's measure prod_j dx_j / x_j is exactly du dv: in these
    coordinates the log-density on the real line (plane) is log_density itself, and a Dirichlet law puts its mass
    around u = log(c_0 / (c_1 + ... )) and v = log(c_1 / c_2) (the marginal of x_0 and the share are Beta laws).
    """
    coordinates = (u, v)[:k - 1]
    logs, rest = [], sp.S.Zero
    for w in coordinates:
        logs.append(rest + LogSigmoid(w))
        rest += LogSigmoid(-w)
    return coordinates, logs + [rest]


def beta_landmarks(a, b):
    """Centre and width of logit(x) for x ~ Beta(a, b): log(a / b) and sqrt(1/a + 1/b)."""
    return sp.log(a / b), sp.sqrt(1 / a + 1 / b)


LAWS = (FAMILY.symbols(1), FAMILY.symbols(2))  # the two laws' concentrations


def quadrature_kernel(k, params, doc):
    """The arithmetic JSD for k = 2 (quadrature in u) or k = 3 (nested quadrature in u, then v)."""
    _, logs = stick_breaking(k)
    densities = tuple(log_density(c, logs) for c in LAWS)
    along_u = tuple(mark for c in LAWS for mark in beta_landmarks(c[0], sum(c[j] for j in range(1, k))))
    if k == 2:
        return ArithmeticQuadrature("jsd_arithmetic", params, u, densities, along_u, doc)
    along_v = tuple(mark for c in LAWS for mark in beta_landmarks(c[1], c[2]))
    return ArithmeticCubature("jsd_arithmetic", params, u, v, densities, along_u, along_v, doc)


def arithmetic_kernels():
    """jsd_arithmetic by quadrature for k = 2, 3; jsd_arithmetic_monte_carlo for any k."""
    pair, skew = FAMILY.signature()
    params = pair + (skew,)
    doc = divergence_docs(FAMILY.law, "adaptive Gauss-Kronrod\nquadrature in logit stick-breaking coordinates, "
                                      "nested over the plane for k = 3 (relative accuracy\n1e-10); k = 2 or 3 only: "
                                      "jsd_arithmetic_monte_carlo estimates any k")["jsd_arithmetic"]
    by_size = BySize("jsd_arithmetic", params, tuple((k, quadrature_kernel(k, params, doc)) for k in (2, 3)), doc)
    point = sp.IndexedBase("log_x", real=True)  # a draw, as its log-coordinates log x_j
    estimate = MonteCarlo("jsd_arithmetic_monte_carlo", params, point, tuple(log_density(c, point) for c in LAWS),
                          "log_dirichlet", MONTE_CARLO_DOC)
    return [by_size, estimate]


MONTE_CARLO_DOC = """Monte Carlo estimate of the skew (classic) Jensen-Shannon divergence jsd_arithmetic, for any k, in nats.

(1 - alpha) E_p1[g] + alpha E_p2[g] from `samples` draws of each law, g = (1 - alpha) phi(log p1/m) + alpha
phi(log p2/m), phi(s) = s e^s - e^s + 1, m = (1 - alpha) p1 + alpha p2: g is bounded, so the variance is finite for
every pair. The standard error is of order 1/sqrt(samples); use jsd_arithmetic (quadrature) for k = 2 or 3."""


def module():
    return simplex.module(FAMILY, arithmetic_kernels())
