"""Special functions the derivations use and numba's ``math`` lacks, as SymPy functions that know their derivatives.

Each prints (derive.codegen.printer) as a call into the generated runtime module ``mjsd._special``, where it is
written in numba. SymPy's own functions are used wherever numba has them (loggamma -> math.lgamma) or where the
printer maps them (polygamma(0, .) -> _special.digamma, polygamma(1, .) -> _special.trigamma). Functions of two
arguments (the multivariate gamma and digamma functions of dimension d) print as calls with both.
"""
import sympy as sp
from sympy.codegen.cfunctions import expm1


class LogI0(sp.Function):
    """log I0(z), I0 the modified Bessel function of order 0 (the von Mises log-normaliser, less log 2 pi)."""

    nargs = 1

    def fdiff(self, argindex=1):
        return BesselRatio(self.args[0])

    @classmethod
    def eval(cls, z):
        if z == 0:
            return sp.S.Zero

    def _eval_rewrite_as_besseli(self, z, **kwargs):
        return sp.log(sp.besseli(0, z))

    def _latex(self, printer, exp=None):
        return powered(rf"\log I_0\left({printer._print(self.args[0])}\right)", exp)


class BesselRatio(sp.Function):
    """A(z) = I1(z) / I0(z), the derivative of log I0 (the von Mises mean resultant length)."""

    nargs = 1

    def fdiff(self, argindex=1):
        z = self.args[0]
        return 1 - BesselRatio(z) / z - BesselRatio(z) ** 2

    @classmethod
    def eval(cls, z):
        if z == 0:
            return sp.S.Zero

    def _eval_rewrite_as_besseli(self, z, **kwargs):
        return sp.besseli(1, z) / sp.besseli(0, z)

    def _latex(self, printer, exp=None):
        z = printer._print(self.args[0])
        return powered(rf"\frac{{I_1\left({z}\right)}}{{I_0\left({z}\right)}}", exp)


class LogSigmoid(sp.Function):
    """log(1 / (1 + e^-u)) = -log(1 + e^-u): log x for x = sigmoid(u), without overflow or cancellation."""

    nargs = 1

    def fdiff(self, argindex=1):
        return 1 / (1 + sp.exp(self.args[0]))

    def _eval_rewrite_as_log(self, u, **kwargs):
        return -sp.log(1 + sp.exp(-u))

    def _latex(self, printer, exp=None):
        return powered(rf"\log \sigma\left({printer._print(self.args[0])}\right)", exp)


class LogMultiGamma(sp.Function):
    """log Gamma_d(a) = d (d - 1)/4 log pi + sum_{j=1..d} log Gamma(a + (1 - j)/2), the multivariate log-gamma function
    (the Wishart log-normaliser's special part), for a > (d - 1)/2 and a positive integer dimension d."""

    nargs = 2

    def fdiff(self, argindex=1):
        if argindex != 1:
            raise sp.ArgumentIndexError(self, argindex)  # d is an integer
        return MultiDigamma(*self.args)

    @classmethod
    def eval(cls, a, d):
        if d == 1:
            return sp.loggamma(a)

    def _eval_expand_func(self, **hints):
        a, d = self.args
        if not d.is_Integer:
            return self
        return (d * (d - 1) * sp.log(sp.pi) / 4 + sp.Add(*(sp.loggamma(a + sp.Rational(1 - j, 2))
                                                         for j in range(1, int(d) + 1))))

    def _eval_rewrite_as_Sum(self, a, d, **kwargs):
        j = sp.Dummy("j", integer=True, positive=True)
        return d * (d - 1) * sp.log(sp.pi) / 4 + sp.Sum(sp.loggamma(a + (1 - j) / 2), (j, 1, d))

    def _latex(self, printer, exp=None):
        a, d = (printer._print(arg) for arg in self.args)
        return powered(rf"\log\Gamma_{{{d}}}\left({a}\right)", exp)


class MultiDigamma(sp.Function):
    """psi_d(a) = sum_{j=1..d} psi(a + (1 - j)/2), the multivariate digamma function d log Gamma_d(a) / da, for
    a > (d - 1)/2 and a positive integer dimension d (E log det X = psi_d(n/2) + d log 2 + log det V, X ~ W(n, V))."""

    nargs = 2

    def fdiff(self, argindex=1):
        if argindex != 1:
            raise sp.ArgumentIndexError(self, argindex)
        return MultiTrigamma(*self.args)

    @classmethod
    def eval(cls, a, d):
        if d == 1:
            return sp.polygamma(0, a)

    def _eval_expand_func(self, **hints):
        a, d = self.args
        if not d.is_Integer:
            return self
        return sp.Add(*(sp.polygamma(0, a + sp.Rational(1 - j, 2)) for j in range(1, int(d) + 1)))

    def _eval_rewrite_as_Sum(self, a, d, **kwargs):
        j = sp.Dummy("j", integer=True, positive=True)
        return sp.Sum(sp.polygamma(0, a + (1 - j) / 2), (j, 1, d))

    def _latex(self, printer, exp=None):
        a, d = (printer._print(arg) for arg in self.args)
        return powered(rf"\psi_{{{d}}}\left({a}\right)", exp)


class MultiTrigamma(sp.Function):
    """psi'_d(a) = sum_{j=1..d} psi'(a + (1 - j)/2), the derivative of the multivariate digamma function (a Wishart
    divergence's partial in the degrees of freedom), for a > (d - 1)/2 and a positive integer dimension d."""

    nargs = 2

    @classmethod
    def eval(cls, a, d):
        if d == 1:
            return sp.polygamma(1, a)

    def _eval_expand_func(self, **hints):
        a, d = self.args
        if not d.is_Integer:
            return self
        return sp.Add(*(sp.polygamma(1, a + sp.Rational(1 - j, 2)) for j in range(1, int(d) + 1)))

    def _latex(self, printer, exp=None):
        a, d = (printer._print(arg) for arg in self.args)
        return powered(rf"\psi'_{{{d}}}\left({a}\right)", exp)


def powered(tex, exp):
    """LaTeX of a function value, raised to ``exp`` when the printer asks (f(z)^2)."""
    return tex if exp is None else rf"\left({tex}\right)^{{{exp}}}"


class LogRatio(sp.Function):
    """log(a / b) for positive a and b, with d = a - b written out without cancellation: how the kernels evaluate the
    logarithm of a ratio (mjsd._special.log_ratio), accurate to the last digits also when a ~ b. Code generation
    introduces it (derive.codegen.printer.log_ratios); the derivations only ever see log(a / b)."""

    nargs = 3

    def fdiff(self, argindex=1):
        a, b, _ = self.args
        return (1 / a, -1 / b, sp.S.Zero)[argindex - 1]

    def _eval_rewrite_as_log(self, a, b, d, **kwargs):
        return sp.log(a / b)

    def _latex(self, printer, exp=None):
        a, b, _ = self.args
        text = rf"\log\frac{{{printer._print(a)}}}{{{printer._print(b)}}}"
        return text if exp is None else rf"\left({text}\right)^{{{exp}}}"


class Expm1mx(sp.Function):
    """e^w - 1 - w >= 0, the remainder of exp after its tangent at 0: how a Bregman divergence of exp (and so every KL
    of the discrete families) is evaluated without the cancellation of e^w - 1 against w for small w
    (mjsd._special.expm1mx). Code generation introduces it (derive.stable); the derivations see exp(w) - 1 - w."""

    nargs = 1

    def fdiff(self, argindex=1):
        return expm1(self.args[0])

    @classmethod
    def eval(cls, w):
        if w == 0:
            return sp.S.Zero

    def _eval_rewrite_as_exp(self, w, **kwargs):
        return sp.exp(w) - 1 - w

    def _latex(self, printer, exp=None):
        return powered(rf"\operatorname{{expm1mx}}\left({printer._print(self.args[0])}\right)", exp)


class ExpBregman(sp.Function):
    """e^x - e^y - d e^y, the Bregman divergence of exp, given e^x, e^y and d = x - y (mjsd._special.exp_bregman):
    e^y Expm1mx(d) for |d| < 1, where the difference cancels; the difference itself beyond, exact when e^x and e^y
    are (a KL between Poisson laws: rate2 - rate1 - rate1 log(rate2 / rate1)), where e^y Expm1mx(d) would carry the
    rounding of d times |d|."""

    nargs = 3

    def fdiff(self, argindex=1):
        ex, ey, d = self.args
        return (sp.S.One, -1 - d, -ey)[argindex - 1]

    def _eval_rewrite_as_exp(self, ex, ey, d, **kwargs):
        return ex - ey - d * ey

    def _latex(self, printer, exp=None):
        ex, ey, d = (printer._print(a) for a in self.args)
        return powered(rf"\left({ex} - {ey} - {d}\, {ey}\right)", exp)


NUMBA_NAMES = {LogI0: "log_i0", BesselRatio: "i1_over_i0", LogSigmoid: "log_sigmoid",
               LogMultiGamma: "log_multigamma", MultiDigamma: "multi_digamma", MultiTrigamma: "multi_trigamma",
               LogRatio: "log_ratio", Expm1mx: "expm1mx", ExpBregman: "exp_bregman"}

