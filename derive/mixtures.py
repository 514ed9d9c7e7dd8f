"""Statistical M-mixtures: (pq)^M_alpha(x) = M_alpha(p(x), q(x)) / Z^M_alpha(p:q)."""
import sympy as sp

from .symbols import x as _x


def unnormalised(mean, p, q, alpha):
    """M_alpha(p(x), q(x)) for densities given as expressions in x."""
    return mean(p, q, alpha)


def normaliser(mean, p, q, alpha, x=_x, lower=-sp.oo, upper=sp.oo):
    """Z^M_alpha(p:q) = integral of M_alpha(p, q) over the support (symbolic; may stay unevaluated)."""
    return sp.integrate(unnormalised(mean, p, q, alpha), (x, lower, upper))
