"""SymPy -> numba-compatible Python source: straight-line code of ``math`` calls with shared subexpressions."""
import sympy as sp
from sympy.printing.pycode import PythonCodePrinter

from ..special import NUMBA_NAMES, LogRatio
from ..symbols import alpha
from ..tidy import sample_sign

SPECIAL = "_special"  # the generated runtime module holding the numba special functions


class NumbaPrinter(PythonCodePrinter):
    """Python printer whose output numba compiles to plain float arithmetic."""

    def __init__(self):
        super().__init__({"fully_qualified_modules": True, "standard": "python3"})

    def _print_Rational(self, expr):
        return f"({expr.p}.0/{expr.q}.0)" if expr.q != 1 else f"{expr.p}.0"

    def _print_Integer(self, expr):
        return f"{int(expr)}.0"

    def _print_Function(self, expr):
        if type(expr) in NUMBA_NAMES:
            return f"{SPECIAL}.{NUMBA_NAMES[type(expr)]}({', '.join(self._print(a) for a in expr.args)})"
        return super()._print_Function(expr)

    def _print_SkewLogGap(self, expr):
        # gap_a(k log(x / y)), k = +-1 or +-2 (scales or variances): from the fraction (x / y)^k - 1, without exp
        a, t = expr.args
        power, ratio = t.as_coeff_Mul()
        if isinstance(ratio, LogRatio) and abs(power) in (1, 2):
            x, y, d = ratio.args if power > 0 else (ratio.args[1], ratio.args[0], -ratio.args[2])
            arguments = ", ".join(self._print(e) for e in (a, x, y, d, abs(power)))
            return f"{SPECIAL}.skew_log_gap_ratio({arguments})"
        return self._print_Function(expr)

    def _print_Difference(self, expr):
        return f"({self._print(expr.args[0])} - {self.parenthesize(expr.args[1], 50)})"

    def _print_Indexed(self, expr):
        indices = ", ".join(str(int(i)) if i.is_Integer else self._print(i) for i in expr.indices)
        return f"{expr.base}[{indices}]"

    def _print_polygamma(self, expr):
        order, argument = expr.args
        if order not in (0, 1):
            raise ValueError(f"no numba kernel for {expr}")
        return f"{SPECIAL}.{('digamma', 'trigamma')[int(order)]}({self._print(argument)})"

    def _print_log(self, expr):
        # SymPy evaluates loggamma(k + 1) for integer k to log(gamma(k + 1)), which overflows from k = 171 on
        if isinstance(expr.args[0], sp.gamma):
            return f"math.lgamma({self._print(expr.args[0].args[0])})"
        return f"{SPECIAL}.log({self._print(expr.args[0])})"  # vectorisable, unlike libm's (runtime _elementary)

    def _print_exp(self, expr):
        return f"{SPECIAL}.exp({self._print(expr.args[0])})"  # vectorisable, unlike libm's (runtime _elementary)

    def _print_expm1(self, expr):
        return f"{SPECIAL}.expm1({self._print(expr.args[0])})"

    def _print_log1p(self, expr):
        return f"{SPECIAL}.log1p({self._print(expr.args[0])})"

    def _print_loggamma(self, expr):
        return f"math.lgamma({self._print(expr.args[0])})"

    def _print_Pow(self, expr, rational=False):
        base, exponent = expr.as_base_exp()
        if exponent.is_Integer and 2 <= abs(exponent) <= 4:
            product = "*".join([self.parenthesize(base, 100)] * abs(int(exponent)))
            return f"({product})" if exponent > 0 else f"(1.0/({product}))"
        if exponent == sp.S.Half:
            return f"math.sqrt({self._print(base)})"
        if exponent == -sp.S.Half:
            return f"(1.0/math.sqrt({self._print(base)}))"
        if exponent == -1:
            return f"(1.0/{self.parenthesize(base, 100)})"
        return super()._print_Pow(expr, rational=rational)


def log_ratios(expr):
    """Each log(a / b), a and b positive, as LogRatio(a, b, a - b) with a - b factored: the kernel then takes log1p of
    (a - b) / b near a = b, where the rounding of a / b would swamp a small logarithm (runtime _special.log_ratio)."""
    def ratio(e):
        if isinstance(e.args[0], sp.gamma):
            return e
        a, b = sp.fraction(sp.together(e.args[0]))
        if b == 1:
            return e
        if sample_sign(b) < 0:
            a, b = -a, -b
        if a.is_Pow and b.is_Pow and a.exp == b.exp and a.exp.is_Rational:
            # k log(x / y), not log(x^k / y^k): x^k underflows or overflows where x does not (a scale of 1e-300)
            return a.exp * LogRatio(a.base, b.base, sp.factor(a.base - b.base))
        return LogRatio(a, b, sp.factor(a - b))
    return expr.replace(lambda e: isinstance(e, sp.log), ratio)


BETA = sp.Symbol("_beta", positive=True)  # 1 - alpha, computed once where a kernel uses it


def convex_in_alpha(expr):
    """Each sum that is a polynomial in alpha (degree 1 to 4) in the Bernstein basis alpha^k (1 - alpha)^(n - k), with
    1 - alpha as the symbol BETA: (1 - alpha) a + alpha b, not a - alpha a + alpha b, which loses the digits of a small
    b to the rounding of a large a as alpha nears 1 (a skew divergence's mixture at alpha = 1 - 1e-6). Kept only where
    it has no more terms than the power form."""
    def bernstein(e):
        poly = e.as_poly(alpha)
        if poly is None or not 1 <= poly.degree() <= 4:
            return e
        n, a = poly.degree(), poly.all_coeffs()[::-1]
        b = [sp.expand(sum(sp.binomial(k, j) / sp.binomial(n, j) * a[j] for j in range(k + 1))) for k in range(n + 1)]
        terms = [sp.binomial(n, k) * sp.factor(c) * alpha**k * BETA**(n - k) for k, c in enumerate(b) if c != 0]
        return sp.Add(*terms) if len(terms) <= len(e.args) else e
    return expr.replace(lambda e: e.is_Add and e.has(alpha) and not e.has(BETA), bernstein)


def common_subexpressions(exprs):
    """One CSE pass over several expressions (log ratios, then convex in alpha, rewritten first): ([(temporary, value)],
    [reduced]); the temporaries are BETA = 1 - alpha where used, then _t0, _t1, ..."""
    exprs = [convex_in_alpha(log_ratios(e)) for e in exprs]  # differences for log ratios taken before
    temporaries, reduced = sp.cse(exprs, symbols=sp.numbered_symbols("_t"), order="canonical")
    uses_beta = any(e.has(BETA) for e in reduced) or any(v.has(BETA) for _, v in temporaries)
    return ([(BETA, 1 - alpha)] if uses_beta else []) + temporaries, reduced


def printed(printer, expr):
    """expr's source, refusing anything that needs a module numba cannot use."""
    text = printer.doprint(expr)
    if printer.module_imports.keys() - {"math"}:
        raise ValueError(f"expression needs modules numba cannot use: {dict(printer.module_imports)}")
    return text


def straight_line(expr, indent="    "):
    """Lines computing ``expr`` through CSE temporaries _t0, _t1, ... and the final expression's source."""
    lines, (result,) = straight_lines([expr], indent)
    return lines, result


def straight_lines(exprs, indent="    "):
    """Lines computing several expressions through shared CSE temporaries, and the source of each."""
    printer = NumbaPrinter()
    temporaries, reduced = common_subexpressions(list(exprs))
    lines = [f"{indent}{name} = {printed(printer, value)}" for name, value in temporaries]
    return lines, [printed(printer, e) for e in reduced]


def sum_loops(expr, array):
    """Sums over the vectors' entries as accumulating loops, innermost sums first; expr with the sums replaced."""
    printer, lines, count = NumbaPrinter(), [f"    _k = {array}.shape[0]"], 0
    # each term rewritten as common_subexpressions rewrites a scalar kernel (log ratios, convex in alpha)
    expr = expr.replace(lambda e: isinstance(e, sp.Sum),
                        lambda s: sp.Sum(convex_in_alpha(log_ratios(s.function)), *s.limits))
    if any(s.function.has(BETA) for s in expr.atoms(sp.Sum)):
        lines.append(f"    {BETA} = 1.0 - alpha")
    while expr.has(sp.Sum):
        level = sorted({s for s in expr.atoms(sp.Sum) if not s.function.has(sp.Sum)}, key=sp.default_sort_key)
        names = {}
        for s in level:
            (index, lower, upper), = s.limits
            if lower != 0 or not (upper + 1).is_Symbol:  # from 0 to k - 1, k the vectors' length
                raise ValueError(f"only sums over all the entries are supported: {s}")
            names[s] = sp.Symbol(f"_s{count}")
            count += 1
        lines += [f"    {names[s]} = 0.0" for s in level]
        for index in sorted({s.limits[0][0] for s in level}, key=str):
            lines.append(f"    for {index} in range(_k):")
            lines += [f"        {names[s]} += {printer.doprint(s.function)}" for s in level if s.limits[0][0] == index]
        expr = expr.xreplace(names)
    return lines, expr
