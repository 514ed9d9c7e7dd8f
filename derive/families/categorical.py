"""Categorical laws on k categories: P(j) = probs[j], rows of probabilities summing to 1. Derivation: notebook 06.

The natural parameter is taken overcomplete, theta_j = log probs_j for every j < k, with F(theta) = log sum e^theta:
F is then invariant under theta -> theta + c, which the theorem does not mind (its Bregman divergences and Jensen gaps
are unchanged), and every formula stays a plain sum over the k categories. Rows sum to 1, so F(theta1) = F(theta2) = 0.
"""
import sympy as sp
from sympy.codegen.cfunctions import log1p

from ..codegen.spec import SIMPLEX, ClosedForm
from ..special import Expm1mx
from ..symbols import alpha
from . import simplex
from .simplex import VectorFamily, i, theta, total


def rows_sum_to_one(expr):
    """Use sum_i probs[i] = 1 for both laws."""
    return expr.replace(lambda e: isinstance(e, sp.Sum) and e.function in (FAMILY.symbols(1)[i], FAMILY.symbols(2)[i]),
                        lambda e: sp.S.One)


def exp_jensen_gap(t):
    """J = 1 - a + a e^t - e^(a t) >= 0, the skew Jensen gap of exp between 0 and t, as
    e^(a t) ((1 - a) E(-a t) + a E((1 - a) t)) with E(w) = e^w - 1 - w (Expm1mx): positive terms, second order in t."""
    return sp.exp(alpha * t) * ((1 - alpha) * Expm1mx(-alpha * t) + alpha * Expm1mx((1 - alpha) * t))


def log_sums_near_one(expr):
    """Each log Z, Z = sum_i p_i (q_i / p_i)^a the geometric mixture's normaliser (p = probs1, q = probs2), as
    log1p(-sum_i p_i J_i), J_i = exp_jensen_gap(t_i), t_i = log(q_i / p_i): a sum of positive terms.

    Exact for rows summing to 1: Z - 1 = sum_i p_i (e^(a t_i) - 1) = a sum_i (q_i - p_i) - sum_i p_i J_i, and the
    first sum is 0. Computed as Z itself, Z rounds to 1 + tiny where laws are nearly identical or a is near 0 or 1
    (log Z ~ -a (1 - a) chi^2 / 2), and the terms of Z - 1 cancel to first order; here nothing cancels."""
    p, q = FAMILY.symbols(1)[i], FAMILY.symbols(2)[i]
    gap = exp_jensen_gap(sp.log(q / p))

    def near_one(log):
        total_, = log.args
        if not isinstance(total_, sp.Sum) or sp.simplify(total_.function / p - (q / p) ** alpha) != 0:
            return log
        return log1p(-sp.Sum(p * gap, *total_.limits))
    return expr.replace(lambda e: isinstance(e, sp.log) and isinstance(e.args[0], sp.Sum), near_one)


FAMILY = VectorFamily(
    "categorical", "categorical law",
    "Categorical laws on k categories: P(j) = probs[j]; rows along the last axis, entries > 0 summing to 1.",
    ("probs", SIMPLEX, "probabilities (..., k) of the categories, each > 0, rows summing to 1"),
    sp.log(total(sp.exp(theta[i]))),
    lambda probs: (lambda index: sp.log(probs[index])),
    constraints=lambda expr: rows_sum_to_one(sp.expand_log(sp.simplify(expr), force=True)),
    rewrite=log_sums_near_one)


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
