"""Deterministic rewriting of derived expressions into the forms the kernels evaluate.

A location-scale divergence depends on the locations only through their gap delta = loc1 - loc2; writing it so keeps
the kernel from subtracting large squared locations (catastrophic cancellation for far-apart laws). The rest is
sorted into logarithms of factors, with factored coefficients, and one rational part collected in delta.
"""
import sympy as sp

from .symbols import loc1, loc2

delta = sp.Symbol("delta", real=True)  # loc1 - loc2


def in_gap(expr):
    """expr with loc1 = loc2 + delta, tidied; raises if loc2 survives (the expression was not location invariant)."""
    shifted = tidy(expr.subs(loc1, loc2 + delta))
    if loc2 in shifted.free_symbols:
        raise ValueError(f"not a function of loc1 - loc2: {shifted}")
    return shifted


def tidy(expr, gap=delta):
    """Logarithms of single factors with factored coefficients, plus one fraction collected in powers of ``gap``."""
    logs, rest = logs_and_rational(expr)
    numerator, denominator = sp.fraction(sp.cancel(sp.together(rest)))
    by_power = sp.collect(sp.expand(numerator), gap, evaluate=False)
    numerator = sp.Add(*(sp.factor(c) * k for k, c in _sorted(by_power)))
    log_part = sp.Add(*(sp.factor(c) * sp.log(a) for a, c in _sorted(logs) if c != 0))
    return log_part + numerator / sp.factor(denominator)


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
            if _sample_sign(base) < 0:
                base, sign = -base, sign * (-1) ** exponent
            if base != 1:
                parts[base] = parts.get(base, sp.S.Zero) + power * exponent
    if sign != 1:
        raise ValueError(f"log of a negative quantity: {argument}")
    return parts


def _sample_sign(expr):
    symbols = sorted(expr.free_symbols, key=str)
    point = {s: sp.Rational(3 + 2 * i, 10 + 3 * i) for i, s in enumerate(symbols)}  # all in (0, 1): alpha-safe
    return sp.sign(expr.subs(point))


def _sorted(mapping):
    return sorted(mapping.items(), key=lambda kv: sp.default_sort_key(kv[0]))


def equal(a, b):
    """True when SymPy proves a - b = 0."""
    return sp.simplify(a - b) == 0
