"""Cancellation-free closed forms for the one-parameter families whose log-normaliser F is built from e^theta:
c e^theta (Poisson), c log(1 + e^theta) (Bernoulli, binomial), -c log(1 - e^theta) (geometric), c > 0.

The theorem's divergences are non-negative combinations of Bregman divergences of F,

* KL(p1 : p2) = B(theta2 : theta1),
* JS^G_alpha = (1 - alpha) B(theta_alpha : theta1) + alpha B(theta_alpha : theta2),
* JS^G*_alpha = B_alpha = (1 - alpha) B(theta1 : theta_alpha) + alpha B(theta2 : theta_alpha),

and each B(x : y) of such an F is a non-negative combination of E(w) = e^w - 1 - w (derive.special.Expm1mx),
log1p, expm1 and LogRatio of accurate arguments, with d = x - y a multiple of theta2 - theta1 = log of one ratio (a
LogRatio in the kernels). Nothing is subtracted that nearly cancels, whatever the skew or the closeness of the laws; written
literally, F(y + d) - F(y) - d F'(y) loses every digit of a divergence below 1e-16 of F.
"""
import sympy as sp
from sympy.codegen.cfunctions import expm1, log1p

from .codegen.printer import log_ratios
from .special import ExpBregman, Expm1mx, LogRatio
from .symbols import alpha
from .tidy import powers, sample_sign

FORMS = ("kl", "jsd_geometric", "jsd_geometric_dual", "bhattacharyya")


def _exp(y):
    return powers(sp.exp(y))  # exp(c1 log a1 + ...) as a1^c1 ...: e^theta in the source parameters


def _exp_piece(x, y, d):
    """B(x : y) of e^theta, d = x - y: e^y E(d), or e^x - e^y - d e^y for |d| >= 1 (derive.special.ExpBregman)."""
    return ExpBregman(_exp(x), _exp(y), d)


def _softplus_piece(x, y, d):
    """B(x : y) of log(1 + e^theta), d = x - y: log1p(s expm1(d)) - s d, s = e^y / (1 + e^y), as
    log1p((1 - s) E(-s d) + s E((1 - s) d)), both terms >= 0 (multiply out: e^-sd (1 - s + s e^d) - 1)."""
    z = _exp(y)
    s, rest = z / (1 + z), 1 / (1 + z)
    if not y.has(alpha):  # a rational function of one law's parameter: cancelled (not so with powers, whose
        s, rest = sp.cancel(s), sp.cancel(rest)  # cancelled form subtracts, e.g. p1^alpha - p1 p1^alpha)
    return log1p(rest * Expm1mx(-s * d) + s * Expm1mx(rest * d))


def _log1m_piece(x, y, d):
    """B(x : y) of -log(1 - e^theta), d = x - y: -w - r d, w = log(p_x / p_y) (p = 1 - e^theta), r = e^y / p_y, as
    E(w) + r E(d) (E(w) = p_x / p_y - 1 - w = -r expm1(d) - w). w is a LogRatio of p_x and p_y, their difference
    -e^y expm1(d) given: log1p of it near p_x = p_y, and no 1 + t formed from t ~ -1 when p_x << p_y."""
    p_x, p_y = (-_log1p(expm1(t)) for t in (x, y))
    r = _exp(y) / p_y
    w = LogRatio(p_x, p_y, -_exp(y) * sp.together(expm1(d)))  # expm1(log(q)) = q - 1, as one fraction
    return Expm1mx(w) + r * Expm1mx(d)


def _log1p(expr):
    """log(1 + x) as log1p(x): log(1 - p) loses the digits of a small p to the rounding of 1 - p."""
    def rewrite(e):
        one, x = e.args[0].as_coeff_Add()
        return log1p(x) if one == 1 else e
    return expr.replace(lambda e: isinstance(e, sp.log), rewrite)


def bregman(family):
    """(x, y, d) -> B_F(x : y) without cancellation (d = x - y as one accurate expression), or None when F is not a
    positive combination of the pieces."""
    if len(family.theta) != 1:
        return None
    theta, = family.theta
    e = sp.exp(theta)
    shapes = {e: (_exp_piece, 1), sp.log(e + 1): (_softplus_piece, 1), sp.log(1 - e): (_log1m_piece, -1)}
    pieces = []
    for term in sp.Add.make_args(sp.expand(family.log_normaliser)):
        c, g = term.as_independent(theta, as_Add=False)
        if g == 1:
            continue  # constant in theta: no part in a Bregman divergence
        if g not in shapes or sample_sign(shapes[g][1] * c) <= 0:
            return None
        piece, sign = shapes[g]
        pieces.append((sign * c, piece))
    return lambda x, y, d: sp.Add(*(c * piece(x, y, d) for c, piece in pieces))


def closed_forms(family, params1, params2):
    """{name: stable expression} for FORMS, or {} when ``bregman`` does not apply to the family."""
    b = bregman(family)
    if b is None:
        return {}
    (t1,), (t2,) = family.natural_of(params1), family.natural_of(params2)
    # theta2 - theta1 as the LogRatio of one ratio: accurate, and its partials 1/a a' - 1/b b' do not overflow
    d = log_ratios(sp.log(sp.simplify(sp.exp(t2 - t1))))
    ta = (1 - alpha) * t1 + alpha * t2
    dual = (1 - alpha) * b(t1, ta, -alpha * d) + alpha * b(t2, ta, (1 - alpha) * d)
    return {"kl": b(t2, t1, d),
            "jsd_geometric": (1 - alpha) * b(ta, t1, alpha * d) + alpha * b(ta, t2, -(1 - alpha) * d),
            "jsd_geometric_dual": dual, "bhattacharyya": dual}


def plain(expr):
    """expr with the stable functions written out: exp and log only."""
    expr = expr.replace(lambda e: isinstance(e, LogRatio), lambda e: e.rewrite(sp.log))
    return expr.rewrite(sp.exp).replace(lambda e: isinstance(e, (expm1, log1p)), lambda e: e.rewrite(sp.exp)
                                        if isinstance(e, expm1) else sp.log(1 + e.args[0]))


def agree(stable, theorem, points, digits=40):
    """True when the two expressions agree to ``digits`` at each point (a dict of exact values)."""
    for point in points:
        a, b = (sp.N(plain(e).subs(point), digits + 10) for e in (stable, theorem))
        if abs(a - b) > 10 ** -digits * max(1, abs(b)):
            return False
    return True
