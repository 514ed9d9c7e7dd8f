"""Deterministic rewriting of derived expressions into the forms the kernels evaluate.

A location-scale divergence depends on the locations only through their gap delta = loc1 - loc2; writing it so keeps
the kernel from subtracting large squared locations (catastrophic cancellation for far-apart laws). The rest is
sorted into logarithms of factors, with factored coefficients, and one rational part collected in delta.
"""
import sympy as sp

from .special import Expm1mx, SkewLogGap
from .symbols import loc1, loc2

delta = sp.Symbol("delta", real=True)  # loc1 - loc2


def in_gap(expr):
    """expr with loc1 = loc2 + delta, tidied; raises if loc2 survives (the expression was not location invariant)."""
    shifted = tidy(expr.subs(loc1, loc2 + delta))
    if loc2 in shifted.free_symbols:
        raise ValueError(f"not a function of loc1 - loc2: {shifted}")
    return shifted


def tidy(expr, gap=delta):
    """Logarithms and special functions with factored coefficients, plus one fraction collected in powers of ``gap``.

    Terms whose coefficients agree up to sign are paired: c log a - c log b becomes c log(a/b) (no cancellation when
    a ~ b), and c f(a) - c f(b) becomes c (f(a) - f(b)) for other functions, as a reader would write them.
    """
    logs, rest = logs_and_rational(powers(expr))
    atoms, rational = transcendental_and_rational(rest)
    numerator, denominator = sp.fraction(sp.cancel(sp.together(rational)))
    by_power = sp.collect(sp.expand(numerator), gap, evaluate=False)
    numerator = sp.Add(*(sp.factor(c) * k for k, c in _sorted(by_power)))
    log_part = _paired({sp.log(a): c for a, c in logs.items()}, ratio=True)
    return log_part + _paired(atoms) + numerator / sp.factor(denominator)


def relative_logs(expr, reference, scaled):
    """expr with each logarithm of a factor homogeneous of degree k in the ``scaled`` symbols written as the log of the
    dimensionless ratio factor / reference^k: c log a -> c log(a / reference^k). The c k log(reference) terms this
    leaves must cancel (a divergence between scale-family laws does not depend on the unit), else ValueError.

    The kernels then evaluate each ratio as log1p of its distance from 1 (derive.codegen.printer.log_ratios), which
    keeps the digits of a divergence between nearly identical laws.
    """
    terms = sp.Add.make_args(expr)
    logs, _ = logs_and_rational(sp.Add(*(t for t in terms if t.has(sp.log))))
    rest = sp.Add(*(t for t in terms if not t.has(sp.log)))  # as tidy left it
    unit = sp.Dummy("unit", positive=True)
    parts, leftover = [], sp.S.Zero
    for factor, coefficient in _sorted(logs):
        degree = sp.simplify(sp.log(factor.subs({s: unit * s for s in scaled}, simultaneous=True) / factor)
                             / sp.log(unit))
        if not degree.is_Number:
            raise ValueError(f"not homogeneous in {scaled}: {factor}")
        leftover += coefficient * degree
        if factor != reference**degree:
            parts.append(sp.factor(coefficient) * sp.log(factor / reference**degree, evaluate=False))
    if sp.simplify(leftover) != 0:
        raise ValueError(f"the logarithms do not cancel in units of {reference}: {leftover} log({reference}) remains")
    return sp.Add(*parts) + rest


def skew_log_gaps(expr, weight):
    """expr with each pair c log(1 - w + w R) + d log q, w the ``weight`` and R = q^k, written as
    c SkewLogGap(w, k log q) + (d + c w k) log q (the last term drops out for a skew divergence's Jensen gap).

    The two logarithms agree to first order when R ~ 1, so their sum, of second order, cancels in floating point;
    SkewLogGap is evaluated without that cancellation (mjsd._special.skew_log_gap).
    """
    logs, rest = {}, sp.S.Zero
    for term in sp.Add.make_args(expr):
        coefficient, factor = term.as_independent(sp.log, as_Add=False)
        if isinstance(factor, sp.log):
            logs[factor] = logs.get(factor, sp.S.Zero) + coefficient
        else:
            rest += term
    for mixed in [f for f in logs if _is_mixture_of_one(f.args[0], weight)]:
        target = sp.cancel(mixed.args[0].subs(weight, 1))
        for other in [f for f in logs if f != mixed and weight not in f.free_symbols]:
            k = sp.simplify(sp.expand_log(sp.log(target), force=True) / sp.expand_log(other, force=True))
            if k.is_Rational:
                c, d = logs.pop(mixed), logs.pop(other)
                rest += c * SkewLogGap(weight, k * other) + sp.factor(d + c * weight * k) * other
                break
    return rest + sp.Add(*(c * f for f, c in logs.items()))


def _is_mixture_of_one(argument, weight):
    """True when argument = 1 - w + w R for some R free of w: linear in w, 1 at w = 0."""
    argument = sp.cancel(argument)
    return (argument.has(weight) and sp.cancel(sp.diff(argument, weight, 2)) == 0
            and sp.cancel(argument.subs(weight, 0)) == 1)


def transcendental_and_rational(expr):
    """({atom: coefficient}, rational) with expr = sum coefficient * atom + rational, each atom a product of powers
    with symbolic exponents and functions (loggamma, polygamma, ...), each coefficient rational in the parameters."""
    atoms, rational = {}, sp.S.Zero
    for term in sp.Add.make_args(sp.expand(expr)):
        coefficient, atom = sp.S.One, sp.S.One
        for factor in sp.Mul.make_args(term):
            base, exponent = factor.as_base_exp()
            if isinstance(factor, sp.Function) or not exponent.is_Number:
                atom *= factor
            else:
                coefficient *= factor
        if atom == 1:
            rational += term
        else:
            atom = sp.powsimp(atom)
            atoms[atom] = atoms.get(atom, sp.S.Zero) + coefficient
    return atoms, rational


def _paired(terms, ratio=False):
    """sum c * t over {t: c}, factoring each c and pairing two terms whose coefficients are opposite."""
    factored = [(t, sp.factor(c)) for t, c in _sorted(terms) if c != 0]
    used, parts = set(), []
    for i, (t, c) in enumerate(factored):
        if i in used:
            continue
        twin = next((j for j in range(i + 1, len(factored)) if j not in used
                     and sp.expand(factored[j][1] + c) == 0), None)
        if twin is None:
            parts.append(c * t)
            continue
        used.add(twin)
        other = factored[twin][0]
        paired = sp.log(t.args[0] / other.args[0], evaluate=False) if ratio else t - other
        parts.append(c * paired)
    return sp.Add(*parts)


def powers(expr):
    """exp(c1 log a1 + c2 log a2 + r) -> a1^c1 a2^c2 exp(r): the theorem's exp(F(theta_alpha)) as weighted powers."""
    def rewrite(e):
        logs, rest = [], sp.S.Zero
        for term in sp.Add.make_args(sp.expand(e.args[0])):
            coefficient, factor = term.as_independent(sp.log, as_Add=False)
            if isinstance(factor, sp.log):
                logs.append(factor.args[0] ** coefficient)
            else:
                rest += term
        return sp.Mul(*logs) * sp.exp(rest)
    return expr.replace(lambda e: isinstance(e, sp.exp), rewrite)


def logs_and_rational(expr):
    """({factor: coefficient} with expr = sum coefficient * log(factor) + rational, rational)."""
    logs, rest = {}, sp.S.Zero
    for term in sp.Add.make_args(sp.expand(expr)):
        factors = [f for f in sp.Mul.make_args(term) if isinstance(f, sp.log)]
        if len(factors) > 1:
            raise ValueError(f"a product of logarithms: {term}")
        if not factors:
            rest += term
            continue
        coefficient = term / factors[0]
        for factor, multiplicity in split_log(factors[0].args[0]).items():
            logs[factor] = logs.get(factor, sp.S.Zero) + coefficient * multiplicity
    return logs, rest


def split_log(argument):
    """{factor: m} with log(argument) = sum m log(factor), every factor positive on the parameter domain.

    SymPy cannot see that a factor such as alpha*scale1**2 + (1 - alpha)*scale2**2 is positive, so each factor's sign is
    read at a sample point of the domain and negative factors are paired off (their product is positive).
    """
    numerator, denominator = sp.fraction(sp.factor(sp.cancel(sp.together(argument))))
    parts, sign = {}, 1
    for side, power in ((numerator, 1), (denominator, -1)):
        for factor in sp.Mul.make_args(side):
            base, exponent = factor.as_base_exp()
            if sample_sign(base) < 0:
                base, sign = -base, sign * (-1) ** exponent
            if base != 1:
                parts[base] = parts.get(base, sp.S.Zero) + power * exponent
    if sign != 1:
        raise ValueError(f"log of a negative quantity: {argument}")
    return parts


def sample_sign(expr):
    symbols = sorted(expr.free_symbols, key=str)
    point = {s: sp.Rational(3 + 2 * i, 10 + 3 * i) for i, s in enumerate(symbols)}  # all in (0, 1): alpha-safe
    return sp.sign(expr.subs(point))


def _sorted(mapping):
    return sorted(mapping.items(), key=lambda kv: sp.default_sort_key(kv[0]))


def equal(a, b):
    """True when SymPy proves a - b = 0."""
    return sp.simplify(a - b) == 0


def mixture_log_gaps(expr, weight):
    """expr with each c log((1 - w) X + w Y), w the ``weight`` and X, Y free of it, written as
    c (log X + w log(Y / X) + SkewLogGap(w, log(Y / X))), and the logarithms of products then expanded and collected.
    Exact whatever expr is; it pays in a skew divergence's Jensen gap, where the log X and log Y terms cancel and
    c SkewLogGap remains (evaluated without the cancellation of nearly equal logarithms, mjsd._special.skew_log_gap).
    Unchanged if a logarithm would still hold the weight."""
    gaps = {}

    def split(log):
        mixture = sp.expand(log.args[0])
        if not mixture.has(weight) or sp.diff(mixture, weight, 2) != 0:
            return log
        x, y = sp.factor(mixture.subs(weight, 0)), sp.factor(mixture.subs(weight, 1))
        t = sp.log(y / x)
        gap = gaps.setdefault(SkewLogGap(weight, t), sp.Dummy("gap"))  # kept whole while the other logs expand
        return sp.log(x) + weight * t + gap
    rewritten = sp.expand(expr.replace(lambda e: isinstance(e, sp.log) and e.has(weight), split))
    expanded = sp.expand(sp.expand_log(rewritten, force=True))
    logs = sorted(expanded.atoms(sp.log), key=sp.default_sort_key)
    total = sum((sp.factor(c) * key for key, c in sp.collect(expanded, logs, evaluate=False).items()), sp.S.Zero)
    if any(weight in log.free_symbols for log in total.atoms(sp.log)):
        return expr
    return total.subs({dummy: gap for gap, dummy in gaps.items()})


def gap_ratios(expr):
    """Each SkewLogGap(w, c log a + d log b) with its argument combined into one log(a^c b^d): the kernel then takes the
    logarithm of the ratio as log_ratio (derive.codegen.printer.log_ratios), accurate when a^c b^d ~ 1, where the
    difference of two logarithms would keep only the digits that survive their rounding."""
    return expr.replace(lambda e: isinstance(e, SkewLogGap),
                        lambda e: SkewLogGap(e.args[0], sp.logcombine(e.args[1], force=True)))


def exp_gaps(expr, variable, linear=False):
    """expr = sum_k c_k e^(k s) + a s + b + rest (s the ``variable``, c_k, k, a, b free of it, rest free of plain
    exponentials of s) written as sum_k c_k Expm1mx(k s) + rest, when the constant and linear parts are exactly
    those of the exponentials (sum_k c_k (1 + k s) = -(a s + b), as for a divergence and its gradient vanishing at
    s = 0); else ValueError. Each e^(k s) - 1 - k s, of second order in s, is then evaluated without cancellation
    (mjsd._special.expm1mx), and the sum is one of nonnegative terms where the c_k are. ``linear``: a first-order
    part a' s may remain (the constant parts must still cancel), kept as the term a' s."""
    rates, line, rest = {}, sp.S.Zero, sp.S.Zero
    for term in sp.Add.make_args(sp.expand(expr)):
        coefficient, factor = term.as_independent(variable, as_Add=False)
        if factor in (sp.S.One, variable):
            line += term
        elif isinstance(factor, sp.exp) and not (factor.args[0] / variable).has(variable):
            k = factor.args[0] / variable
            rates[k] = rates.get(k, sp.S.Zero) + coefficient
        else:
            rest += term
    left = sp.expand(line + sum(c * (1 + k * variable) for k, c in rates.items()))
    slope = sp.cancel(left / variable)
    if left != 0 and not (linear and not slope.has(variable)):
        raise ValueError(f"not second order in {variable}: {expr}")
    gaps = sum((sp.factor(c) * Expm1mx(k * variable) for k, c in _sorted(rates)), sp.S.Zero)
    return gaps + sp.factor(slope) * variable + rest
