"""The lgamma and digamma parts of a closed form as sums of gaps that the kernels evaluate without cancellation.

An exponential family whose log-normaliser F holds c lgamma(u(theta)), u affine, contributes to each divergence a
gap of lgamma between u1 = u(theta1) and u2 = u(theta2) (the mixture's argument is m = (1 - alpha) u1 + alpha u2):

* KL (a Bregman divergence of F):       c [lgamma(u2) - lgamma(u1) - (u2 - u1) psi(u1)]       -> LogGammaBregman
* Jeffreys:                             c (u1 - u2) (psi(u1) - psi(u2))                        -> LogGammaJeffreys
* Bhattacharyya, dual geometric JSD:    c [(1 - alpha) lgamma(u1) + alpha lgamma(u2) - lgamma(m)] -> LogGammaJensen
* geometric JSD:                        c [alpha (1 - alpha) (u1 - u2) (psi(u1) - psi(u2)) - Jensen gap]
                                                                                               -> LogGammaSkewBregman

Written out, each is a difference of lgamma values of size ~u log u for a gap of size ~(u1 - u2)^2 psi'(u): all the
digits of a near-identical pair's divergence are lost. ``lgamma_gaps`` finds these groups in the expanded expression
(sums over a vector's entries taken term by term) and returns the expression rewritten with the gap functions, or
the expression unchanged unless every lgamma and digamma term found its group (so nothing is ever half rewritten).
"""
import sympy as sp

from ..special import Difference, LogGammaBregman, LogGammaJeffreys, LogGammaJensen, LogGammaSkewBregman
from ..symbols import alpha


def lgamma_gaps(expr):
    """expr with its lgamma and digamma terms regrouped into gap functions, or expr itself if they do not all group."""
    terms = sp.Add.make_args(expr)
    special = sp.Add(*(t for t in terms if t.has(sp.loggamma, sp.polygamma)))
    if special == 0:
        return expr
    rest, lgammas, digammas = _collect(_split_sums(special))
    if rest is None:
        return expr
    gaps = _jensen_gaps(lgammas, digammas) + _bregman_gaps(lgammas, digammas) + _jeffreys_gaps(digammas)
    if any(sp.expand(c) != 0 for c in list(lgammas.values()) + list(digammas.values())):
        return expr
    # the other terms as they were (tidied: log ratios, factored coefficients), not expanded
    return sp.Add(*(t for t in terms if not t.has(sp.loggamma, sp.polygamma))) + rest + sp.Add(*gaps)


# -- sums over the entries, one term each --------------------------------------------------------------------------
def _split_sums(expr):
    """Each Sum as a sum of (factor free of the index) * Sum(product of indexed factors), over one index symbol."""
    sums = sorted(expr.atoms(sp.Sum), key=sp.default_sort_key)
    if not sums:
        return sp.expand_mul(expr)
    index = sums[0].limits[0][0]

    def split(s):
        (j, lower, upper), = s.limits
        body = sp.expand_mul(s.function.xreplace({j: index}))
        terms = []
        for term in sp.Add.make_args(body):
            free, bound = term.as_independent(index, as_Add=False)
            terms.append(free * sp.Sum(bound, (index, lower, upper)))
        return sp.Add(*terms)
    return sp.expand_mul(expr.replace(lambda e: isinstance(e, sp.Sum), split))


def _gap_function(e):
    return isinstance(e, sp.loggamma) or (isinstance(e, sp.polygamma) and e.args[0] == 0)


def _collect(expr):
    """(rest, {key: coefficient} of lgamma, the same of digamma); key (argument, limits or None); rest None if some
    term holds lgamma or digamma otherwise than as one factor (times a coefficient free of them)."""
    rest, lgammas, digammas = sp.S.Zero, {}, {}
    for term in sp.Add.make_args(expr):
        if not term.has(sp.loggamma, sp.polygamma):
            rest += term
            continue
        found = _one_gap_factor(term)
        if found is None:
            return None, None, None
        table, key, coefficient = found
        table = lgammas if table == "lgamma" else digammas
        table[key] = table.get(key, sp.S.Zero) + coefficient
    return rest, lgammas, digammas


def _one_gap_factor(term):
    limits, factors = None, sp.Mul.make_args(term)
    sums = [f for f in factors if isinstance(f, sp.Sum) and f.has(sp.loggamma, sp.polygamma)]
    if len(sums) == 1 and sums[0].function.has(sp.loggamma, sp.polygamma):
        limits = sums[0].limits
        outer = sp.Mul(*(f for f in factors if f is not sums[0]))
        factors = [outer] + list(sp.Mul.make_args(sums[0].function))
    inner = [f for f in factors if _gap_function(f)]
    if len(inner) != 1:
        return None
    coefficient = sp.Mul(*(f for f in factors if f is not inner[0]))
    if coefficient.has(sp.loggamma, sp.polygamma):
        return None
    kind = "lgamma" if isinstance(inner[0], sp.loggamma) else "digamma"
    return kind, (sp.expand(inner[0].args[-1]), limits), coefficient


# -- the groups -----------------------------------------------------------------------------------------------------
def _take(table, key, amount):
    """Subtract amount from table[key] if that shortens it (the group is there); True if it did."""
    if key not in table:
        return False
    before, after = sp.expand(table[key]), sp.expand(table[key] - amount)
    if len(sp.Add.make_args(after)) >= len(sp.Add.make_args(before)) and after != 0:
        return False
    table[key] = after
    return True


def _wrap(function, limits):
    return function if limits is None else sp.Sum(function, *limits)


def _jensen_gaps(lgammas, digammas):
    gaps = []
    for key in sorted(lgammas, key=sp.default_sort_key):
        (u, limits), c = key, lgammas[key]
        x, y = sp.expand(u.subs(alpha, 0)), sp.expand(u.subs(alpha, 1))
        if c == 0 or x == y or sp.expand(u - (1 - alpha) * x - alpha * y) != 0:
            continue
        if (x, limits) not in lgammas or (y, limits) not in lgammas:
            continue
        lgammas[key] = sp.S.Zero
        lgammas[(x, limits)] += (1 - alpha) * c
        lgammas[(y, limits)] += alpha * c
        tangent = c * alpha * (1 - alpha) * (x - y)
        if _take(digammas, (x, limits), tangent):
            if not _take(digammas, (y, limits), -tangent):
                digammas[(x, limits)] += tangent  # leaves the term unmatched: the whole rewrite is dropped
            gaps.append(_wrap(sp.factor(c) * LogGammaSkewBregman(x, y, alpha, _difference(y, x)), limits))
        else:
            gaps.append(_wrap(-sp.factor(c) * LogGammaJensen(x, y, alpha, _difference(y, x)), limits))
    return gaps


def _bregman_gaps(lgammas, digammas):
    """c [lgamma(y) - lgamma(x) - (y - x) psi(x)]: lgamma at y with c, at x with -c, digamma at x with c (x - y)."""
    gaps = []
    keys = sorted(lgammas, key=sp.default_sort_key)
    for x_key in keys:
        for y_key in keys:
            (x, limits), c = x_key, lgammas[y_key]
            if x_key == y_key or y_key[1] != limits or sp.expand(c) == 0:
                continue
            if sp.expand(lgammas[x_key] + c) != 0 or not _take(digammas, x_key, c * (x - y_key[0])):
                continue
            lgammas[x_key], lgammas[y_key] = sp.S.Zero, sp.S.Zero
            gaps.append(_wrap(sp.factor(c) * LogGammaBregman(y_key[0], x, _difference(y_key[0], x)), limits))
    return gaps


def _jeffreys_gaps(digammas):
    """c (x - y) (psi(x) - psi(y)): digamma at x with c (x - y), at y with -c (x - y)."""
    gaps = []
    keys = sorted(digammas, key=sp.default_sort_key)
    for i, x_key in enumerate(keys):
        for y_key in keys[i + 1:]:
            (x, limits), (y, other) = x_key, y_key
            if limits != other or sp.expand(digammas[x_key]) == 0:
                continue
            c = sp.factor(sp.cancel(digammas[x_key] / (x - y)))
            if sp.fraction(sp.together(c))[1].free_symbols or sp.expand(digammas[y_key] + c * (x - y)) != 0:
                continue
            digammas[x_key], digammas[y_key] = sp.S.Zero, sp.S.Zero
            gaps.append(_wrap(c * LogGammaJeffreys(x, y, _difference(x, y)), limits))
    return gaps


def _difference(y, x):
    """y - x as a sum of differences of matching terms, (a2 - a1) + (b2 - b1) for x = a1 + b1, y = a2 + b2, and of
    sums over the entries as one sum of the entries' differences: each exact (Sterbenz) for close laws."""
    xs, ys = (sorted(sp.Add.make_args(e), key=sp.default_sort_key) for e in (x, y))
    if len(xs) != len(ys):
        return y - x
    parts = []
    for a, b in zip(ys, xs):
        if isinstance(a, sp.Sum) and isinstance(b, sp.Sum) and a.limits == b.limits:
            parts.append(sp.Sum(a.function - b.function, *a.limits))
        else:
            parts.append(Difference(a, b))
    if len(parts) == 1:
        return parts[0].rewrite(sp.Add) if isinstance(parts[0], Difference) else parts[0]
    return sp.Add(*parts)
