"""Exact gradients of the closed forms: SymPy differentiation of the very expression a value kernel evaluates.

A closed form (codegen.spec.ClosedForm) is an expression in its parameters' symbols, the symbols of its preamble
(delta = loc1 - loc2, computed first) and, for vector parameters, sums over the entries. Its gradient is taken by the
chain rule through both, so the generated code keeps the preamble's cancellation-free differences and the sums' loops:

* through the preamble: d/dx E = dE/dx + sum over preamble symbols s of dE/ds * ds/dx;
* through the sums (reverse mode): each sum S = Sum_i f(v[i], ...) gets an adjoint a_S = dE/dS + the adjoints of the
  sums whose terms contain S, times the sum of those terms' derivatives in S; then
  d/dv[i] E = sum over sums S of a_S * df/dv[i], and a scalar x gets dE/dx + sum over S of a_S * Sum_i df/dx.

Notebook 12 shows the results; codegen.render generates the value-and-gradient kernels from ``gradient``.
"""
from dataclasses import dataclass

import sympy as sp

from .codegen.spec import COUNT, VECTORS

ENTRY = sp.Symbol("_i", integer=True)  # the index of the entry a vector partial derivative is taken at


@dataclass(frozen=True)
class Gradient:
    """A closed form's partial derivatives: ``scalars`` maps each scalar parameter's name to its partial (an expression
    that may hold sums over the entries); ``entries`` maps each vector parameter's name to its partial with respect
    to the entry ENTRY (v[ENTRY] in the expression)."""

    scalars: dict
    entries: dict


def differentiable(params):
    """The parameters a gradient is taken with respect to: all but counts (a binomial's number of trials)."""
    return [p for p in params if p.constraint != COUNT]


def gradient(expr, params, preamble=()):
    """The partial derivatives of ``expr`` with respect to each differentiable parameter (see the module doc)."""
    if preamble and expr.has(sp.Sum):  # the chain rule through the preamble is applied outside sums only
        raise NotImplementedError("a closed form with both a preamble and sums over entries")
    folded, terms = _fold_sums(expr)
    adjoints = _adjoints(folded, terms)
    unfold = {symbol: sum_ for symbol, (sum_, _) in terms.items()}
    scalars, entries = {}, {}
    for p in differentiable(params):
        if p.constraint in VECTORS:
            partial = sum(a * sp.diff(f.xreplace({s.limits[0][0]: ENTRY}), p.symbol[ENTRY])
                          for (s, f), a in zip(terms.values(), adjoints.values()))
            entries[p.name] = sp.sympify(partial).xreplace(unfold)
        else:
            partial = _through_preamble(folded, p.symbol, preamble)
            partial += sum(a * sp.Sum(sp.diff(f, p.symbol), s.limits)
                           for (s, f), a in zip(terms.values(), adjoints.values()) if f.has(p.symbol))
            scalars[p.name] = sp.sympify(partial).xreplace(unfold)
    return Gradient(scalars, entries)


def _through_preamble(expr, x, preamble):
    """d expr / dx, the preamble's symbols (each a function of x and the symbols before it) kept in the result."""
    total, named = {}, {value: symbol for symbol, value in preamble}
    for symbol, value in preamble:  # a derivative that repeats a preamble value (sqrt(u)' = u' / 2 sqrt(u)) names it
        total[symbol] = (sp.diff(value, x) + sum(sp.diff(value, s) * ds for s, ds in total.items())).xreplace(named)
    return sp.diff(expr, x) + sum(sp.diff(expr, s) * ds for s, ds in total.items())


def _fold_sums(expr):
    """expr with each sum replaced by a symbol, and {symbol: (the sum, its term with inner sums as symbols)}, the
    outermost sums first."""
    sums = sorted(expr.atoms(sp.Sum), key=lambda s: (-_depth(s), sp.default_sort_key(s)))
    symbols = {s: sp.Symbol(f"_S{n}") for n, s in enumerate(sums)}
    terms = {symbols[s]: (s, s.function.xreplace(symbols)) for s in sums}
    return expr.xreplace(symbols), terms


def _depth(s):
    """How many sums enclose s's innermost term, s included (1 for a sum of plain terms)."""
    inner = s.function.atoms(sp.Sum)
    return 1 + max((_depth(t) for t in inner), default=0)


def _adjoints(folded, terms):
    """{sum symbol: d folded / d sum}, through every sum whose terms contain it (outer sums are visited first)."""
    adjoints = {}
    for symbol in terms:
        adjoint = sp.diff(folded, symbol)
        for outer, (s, f) in terms.items():
            if outer in adjoints and f.has(symbol):
                adjoint += adjoints[outer] * sp.Sum(sp.diff(f, symbol), s.limits)
        adjoints[symbol] = adjoint
    return adjoints
