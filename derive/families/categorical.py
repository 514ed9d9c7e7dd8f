"""Categorical laws on k categories: P(j) = probs[j], rows of probabilities summing to 1. Derivation: notebook 06.

The natural parameter is taken overcomplete, theta_j = log probs_j for every j < k, with F(theta) = log sum e^theta:
F is then invariant under theta -> theta + c, which the theorem does not mind (its Bregman divergences and Jensen gaps
are unchanged), and every formula stays a plain sum over the k categories. Rows sum to 1, so F(theta1) = F(theta2) = 0.
"""
import sympy as sp

from ..codegen.spec import SIMPLEX, ClosedForm
from ..symbols import alpha
from . import simplex
from .simplex import VectorFamily, i, theta, total


def rows_sum_to_one(expr):
    """Use sum_i probs[i] = 1 for both laws."""
    return expr.replace(lambda e: isinstance(e, sp.Sum) and e.function in (FAMILY.symbols(1)[i], FAMILY.symbols(2)[i]),
                        lambda e: sp.S.One)


FAMILY = VectorFamily(
    "categorical", "categorical law",
    "Categorical laws on k categories: P(j) = probs[j]; rows along the last axis, entries > 0 summing to 1.",
    ("probs", SIMPLEX, "probabilities (..., k) of the categories, each > 0, rows summing to 1"),
    sp.log(total(sp.exp(theta[i]))),
    lambda probs: (lambda index: sp.log(probs[index])),
    constraints=lambda expr: rows_sum_to_one(sp.expand_log(sp.simplify(expr), force=True)))


def arithmetic_form():
    """The classic skew JSD is a finite sum here: sum over categories of (1 - a) p log(p/m) + a q log(q/m)."""
    p, q = FAMILY.symbols(1)[i], FAMILY.symbols(2)[i]
    m = (1 - alpha) * p + alpha * q
    return total((1 - alpha) * p * sp.log(p / m) + alpha * q * sp.log(q / m))


def module():
    pair, skew = FAMILY.signature()
    doc = simplex.divergence_docs(FAMILY.law, "an exact finite sum over the categories")["jsd_arithmetic"]
    return simplex.module(FAMILY, [ClosedForm("jsd_arithmetic", pair + (skew,), arithmetic_form(), doc,
                                              zero_at_alpha_ends=True)])
