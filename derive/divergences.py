"""KL and the two M-JSD forms, as symbolic definitions over densities in x.

Every function works on densities given as SymPy expressions in ``x``; the numeric twins used by the tests live in
``tests/definitions.py`` and are written from the same definitions, independently of any closed form.
"""
import sympy as sp

from .symbols import x as _x


def kl(p, q, x=_x, lower=-sp.oo, upper=sp.oo):
    """KL(p:q) = integral of p log(p/q), in nats (symbolic, may stay unevaluated)."""
    return sp.Integral(p * sp.log(p / q), (x, lower, upper))


def jsd(kl_to, alpha):
    """JS^M_alpha(p:q) = (1 - alpha) KL(p : m) + alpha KL(q : m), given kl_to(i) = KL(p_i : m), i in (1, 2)."""
    return (1 - alpha) * kl_to(1) + alpha * kl_to(2)


def jsd_dual(kl_from, alpha):
    """JS^M*_alpha(p:q) = (1 - alpha) KL(m : p) + alpha KL(m : q), given kl_from(i) = KL(m : p_i)."""
    return (1 - alpha) * kl_from(1) + alpha * kl_from(2)
