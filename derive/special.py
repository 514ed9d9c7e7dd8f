"""Special functions the derivations use and numba's ``math`` lacks, as SymPy functions that know their derivatives.

Each prints (derive.codegen.printer) as a call into the generated runtime module ``mjsd._special``, where it is
written in numba. SymPy's own functions are used wherever numba has them (loggamma -> math.lgamma) or where the
printer maps them (polygamma(0, .) -> _special.digamma, polygamma(1, .) -> _special.trigamma).
"""
import sympy as sp


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


def powered(tex, exp):
    """LaTeX of a function value, raised to ``exp`` when the printer asks (f(z)^2)."""
    return tex if exp is None else rf"\left({tex}\right)^{{{exp}}}"


NUMBA_NAMES = {LogI0: "log_i0", BesselRatio: "i1_over_i0", LogSigmoid: "log_sigmoid"}
