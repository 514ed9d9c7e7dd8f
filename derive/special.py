"""Special functions the derivations use and numba's ``math`` lacks, as SymPy functions that know their derivatives.

Each prints (derive.codegen.printer) as a call into the generated runtime module ``mjsd._special``, where it is
written in numba. SymPy's own functions are used wherever numba has them (loggamma -> math.lgamma) or where the
printer maps them (polygamma(0, .) -> _special.digamma, polygamma(1, .) -> _special.trigamma). Functions of two
arguments (the multivariate gamma and digamma functions of dimension d) print as calls with both.
"""
import sympy as sp
from sympy.codegen.cfunctions import expm1

from .symbols import i, j, size


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

    def _eval_evalf(self, prec):  # numbers through I0 and I1
        return self.rewrite(sp.besseli)._eval_evalf(prec)

    def _latex(self, printer, exp=None):
        return powered(rf"\log I_0\left({printer._print(self.args[0])}\right)", exp)


class BesselRatio(sp.Function):
    """A(z) = I1(z) / I0(z), the derivative of log I0 (the von Mises mean resultant length)."""

    nargs = 1

    def fdiff(self, argindex=1):
        z = self.args[0]
        return 1 - BesselRatioOverZ(z) - BesselRatio(z) ** 2  # A/z: 1/2 at z = 0 (the uniform law), not 0/0

    @classmethod
    def eval(cls, z):
        if z == 0:
            return sp.S.Zero

    def _eval_rewrite_as_besseli(self, z, **kwargs):
        return sp.besseli(1, z) / sp.besseli(0, z)

    def _eval_evalf(self, prec):  # numbers through I0 and I1
        return self.rewrite(sp.besseli)._eval_evalf(prec)

    def _latex(self, printer, exp=None):
        z = printer._print(self.args[0])
        return powered(rf"\frac{{I_1\left({z}\right)}}{{I_0\left({z}\right)}}", exp)


class BesselRatioOverZ(sp.Function):
    """A(z) / z = I1(z) / (z I0(z)), 1/2 at z = 0: the term of A' that is 0/0 there when written A(z) / z."""

    nargs = 1

    def fdiff(self, argindex=1):
        z = self.args[0]
        return (1 - 2 * BesselRatioOverZ(z) - BesselRatio(z) ** 2) / z

    @classmethod
    def eval(cls, z):
        if z == 0:
            return sp.S.Half

    def _eval_rewrite_as_besseli(self, z, **kwargs):
        return sp.besseli(1, z) / (z * sp.besseli(0, z))

    def _eval_evalf(self, prec):  # numbers through I0 and I1
        return self.rewrite(sp.besseli)._eval_evalf(prec)

    def _latex(self, printer, exp=None):
        z = printer._print(self.args[0])
        return powered(rf"\frac{{I_1\left({z}\right)}}{{{z} I_0\left({z}\right)}}", exp)


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

    @classmethod
    def eval(cls, a, b, d):
        if d == 0 and a == b:
            return sp.S.Zero

    def fdiff(self, argindex=1):
        a, b, _ = self.args
        return (1 / a, -1 / b, sp.S.Zero)[argindex - 1]

    def _eval_rewrite_as_log(self, a, b, d, **kwargs):
        return sp.log(a / b)

    def _latex(self, printer, exp=None):
        a, b, _ = self.args
        text = rf"\log\frac{{{printer._print(a)}}}{{{printer._print(b)}}}"
        return text if exp is None else rf"\left({text}\right)^{{{exp}}}"


class _PlainGap(sp.Function):
    """A combination of special-function values that is >= 0 and cancels when the laws are close, evaluated by the
    kernels without that cancellation (runtime in mjsd._special). ``plain`` is the textbook expression of the leading
    arguments, which also gives the derivatives and the numbers; the last ``_restated`` arguments only restate the
    others (a gap written without cancellation) and have no derivative of their own."""

    _restated = 0

    @classmethod
    def plain(cls, *args):
        raise NotImplementedError

    @classmethod
    def eval(cls, *args):
        if cls._restated and all(a == 0 for a in args[-cls._restated:]):
            return sp.S.Zero  # no difference between the two points: every gap is 0

    @property
    def _leading(self):
        return self.args[:len(self.args) - self._restated]

    def fdiff(self, argindex=1):
        if not 1 <= argindex <= len(self.args):
            raise sp.ArgumentIndexError(self, argindex)
        if argindex > len(self._leading):
            return sp.S.Zero  # the gap only restates the other arguments
        return sp.diff(self.plain(*self._leading), self.args[argindex - 1])

    def _eval_evalf(self, prec):  # numbers through the plain expression
        return self.plain(*self._leading)._eval_evalf(prec)

    def _latex(self, printer, exp=None):
        args = ", ".join(printer._print(a) for a in self._leading)
        return powered(rf"{self._tex}\left({args}\right)", exp)


class _LogGammaGap(_PlainGap):
    """A gap of lgamma and digamma values (_PlainGap). Code generation introduces these
    (derive.codegen.lgamma.lgamma_gaps); the derivations only ever see loggamma and polygamma. The last argument is
    the gap y - x (x - y for the symmetric ones) written without cancellation, as LogRatio's: (a2 - a1) + (b2 - b1)
    rather than the difference of the rounded sums a2 + b2 and a1 + b1, whose rounding would swamp a near-identical
    pair's gap."""

    _restated = 1

    def _eval_rewrite_as_loggamma(self, *args, **kwargs):
        return self.plain(*args[:len(args) - self._restated])


def _mix(x, y, a):
    return (1 - a) * x + a * y


class LogGammaBregman(_LogGammaGap):
    """B(x : y) = lgamma(x) - lgamma(y) - (x - y) psi(y), the Bregman divergence of lgamma (a KL's lgamma part);
    arguments x, y, x - y."""

    nargs = 3
    _tex = r"B_{\log\Gamma}"

    @classmethod
    def plain(cls, x, y):
        return sp.loggamma(x) - sp.loggamma(y) - (x - y) * sp.polygamma(0, y)


class LogGammaJensen(_LogGammaGap):
    """(1 - a) lgamma(x) + a lgamma(y) - lgamma((1 - a) x + a y), the skew Jensen gap of lgamma (a Bhattacharyya
    distance's lgamma part); arguments x, y, a, y - x."""

    nargs = 4
    _tex = r"J_{\log\Gamma}"

    @classmethod
    def plain(cls, x, y, a):
        return (1 - a) * sp.loggamma(x) + a * sp.loggamma(y) - sp.loggamma(_mix(x, y, a))


class LogGammaSkewBregman(_LogGammaGap):
    """(1 - a) B(m : x) + a B(m : y), m = (1 - a) x + a y, B = LogGammaBregman: a geometric JSD's lgamma part,
    a (1 - a) (x - y) (psi(x) - psi(y)) - LogGammaJensen(x, y, a); arguments x, y, a, y - x."""

    nargs = 4
    _tex = r"S_{\log\Gamma}"

    @classmethod
    def plain(cls, x, y, a):
        return a * (1 - a) * (x - y) * (sp.polygamma(0, x) - sp.polygamma(0, y)) - LogGammaJensen.plain(x, y, a)


class LogGammaJeffreys(_LogGammaGap):
    """(x - y) (psi(x) - psi(y)) = B(x : y) + B(y : x), a Jeffreys divergence's lgamma part; arguments x, y, x - y."""

    nargs = 3
    _tex = r"D_{\log\Gamma}"

    @classmethod
    def plain(cls, x, y):
        return (x - y) * (sp.polygamma(0, x) - sp.polygamma(0, y))


def _stirling(a):
    """r(a) = lgamma(a) - a log a + a, Stirling's remainder, and r'(a) = psi(a) - log a."""
    return sp.loggamma(a) - a * sp.log(a) + a, sp.polygamma(0, a) - sp.log(a)


class StirlingBregman(_LogGammaGap):
    """r(x) - r(y) - (x - y) r'(y) >= 0, r = lgamma(a) - a log a + a (convex, slowly varying): the part of an lgamma
    Bregman divergence left once its a log a - a has joined a gamma law's rate terms; arguments x, y, x - y."""

    nargs = 3
    _tex = r"B_{r}"

    @classmethod
    def plain(cls, x, y):
        (rx, _), (ry, slope) = _stirling(x), _stirling(y)
        return rx - ry - (x - y) * slope


class StirlingJensen(_LogGammaGap):
    """(1 - a) r(x) + a r(y) - r((1 - a) x + a y) >= 0 (r as for StirlingBregman); arguments x, y, a, y - x."""

    nargs = 4
    _tex = r"J_{r}"

    @classmethod
    def plain(cls, x, y, a):
        return (1 - a) * _stirling(x)[0] + a * _stirling(y)[0] - _stirling(_mix(x, y, a))[0]


class StirlingSkewBregman(_LogGammaGap):
    """(1 - a) B_r(m : x) + a B_r(m : y) >= 0, m = (1 - a) x + a y (r as for StirlingBregman); arguments x, y, a,
    y - x."""

    nargs = 4
    _tex = r"S_{r}"

    @classmethod
    def plain(cls, x, y, a):
        m = _mix(x, y, a)
        return (1 - a) * StirlingBregman.plain(m, x) + a * StirlingBregman.plain(m, y)



def _log_beta(a, b):
    return sp.loggamma(a) + sp.loggamma(b) - sp.loggamma(a + b)


class LogBetaBregman(_LogGammaGap):
    """F(x) - F(y) - (x - y) . grad F(y) >= 0 for F(a, b) = log B(a, b) = lgamma(a) + lgamma(b) - lgamma(a + b), the
    beta law's log-normaliser (a beta KL): arguments a_x, b_x, a_y, b_y, a_x - a_y, b_x - b_y. The sum of three
    LogGammaBregman, which cancel when one shape dominates or both are large; the kernels split lgamma as Stirling's
    a log a - a plus remainder instead (mjsd._special, notebook 08)."""

    nargs = 6
    _restated = 2
    _tex = r"B_{\log\mathrm{B}}"

    @classmethod
    def plain(cls, ax, bx, ay, by):
        return (LogGammaBregman.plain(ax, ay) + LogGammaBregman.plain(bx, by)
                - LogGammaBregman.plain(ax + bx, ay + by))


class LogBetaJensen(_LogGammaGap):
    """(1 - a) F(x) + a F(y) - F((1 - a) x + a y) >= 0, F = log B (LogBetaBregman): a beta Bhattacharyya distance;
    arguments a_x, b_x, a_y, b_y, a, a_y - a_x, b_y - b_x."""

    nargs = 7
    _restated = 2
    _tex = r"J_{\log\mathrm{B}}"

    @classmethod
    def plain(cls, ax, bx, ay, by, a):
        return (1 - a) * _log_beta(ax, bx) + a * _log_beta(ay, by) - _log_beta(_mix(ax, ay, a), _mix(bx, by, a))


class LogBetaSkewBregman(_LogGammaGap):
    """(1 - a) B(m : x) + a B(m : y) >= 0, m = (1 - a) x + a y, B = LogBetaBregman: a beta geometric JSD; arguments
    a_x, b_x, a_y, b_y, a, a_y - a_x, b_y - b_x."""

    nargs = 7
    _restated = 2
    _tex = r"S_{\log\mathrm{B}}"

    @classmethod
    def plain(cls, ax, bx, ay, by, a):
        am, bm = _mix(ax, ay, a), _mix(bx, by, a)
        return (1 - a) * LogBetaBregman.plain(am, bm, ax, bx) + a * LogBetaBregman.plain(am, bm, ay, by)


class LogBetaJeffreys(_LogGammaGap):
    """(x - y) . (grad F(x) - grad F(y)) = B(x : y) + B(y : x) >= 0, F = log B: a beta Jeffreys divergence; arguments
    a_x, b_x, a_y, b_y, a_x - a_y, b_x - b_y."""

    nargs = 6
    _restated = 2
    _tex = r"D_{\log\mathrm{B}}"

    @classmethod
    def plain(cls, ax, bx, ay, by):
        return LogBetaBregman.plain(ax, bx, ay, by) + LogBetaBregman.plain(ay, by, ax, bx)


def _log_dirichlet(c):
    """log B(c) = sum_i lgamma(c(i)) - lgamma(sum_i c(i)) over i < k, for c an index -> entry function."""
    return sp.Sum(sp.loggamma(c(i)), (i, 0, size - 1)) - sp.loggamma(sp.Sum(c(i), (i, 0, size - 1)))


def _dirichlet_bregman(p, q):
    """B(p : q) of log B, p and q index -> entry functions."""
    slope = sp.polygamma(0, q(i)) - sp.polygamma(0, sp.Sum(q(j), (j, 0, size - 1)))
    return _log_dirichlet(p) - _log_dirichlet(q) - sp.Sum((p(i) - q(i)) * slope, (i, 0, size - 1))


class _LogDirichletGap(_LogGammaGap):
    """A gap of the Dirichlet log-normaliser F(c) = log B(c) = sum_i lgamma(c_i) - lgamma(sum_i c_i) between the
    concentrations x and y (IndexedBase, summed over i < k), which the runtime takes whole
    (mjsd._special.log_dirichlet_*): breaking sticks, log B(c) = sum_m log B(c_m, c_(m+1) + ... + c_(k-1)) is a sum
    of beta log-normalisers of linear images of c, so each gap is the sum of the beta gaps (LogBeta*) along the
    sticks, all >= 0 (notebook 08). ``plain`` is the textbook expression, with sums over i < k."""

    _restated = 0

    @staticmethod
    def _entries(x):
        return lambda index: x[index]


class LogDirichletBregman(_LogDirichletGap):
    """F(x) - F(y) - (x - y) . grad F(y) >= 0, F = log B: a Dirichlet KL; arguments x, y."""

    nargs = 2
    _tex = r"B_{\log\mathrm{B}}"

    @classmethod
    def plain(cls, x, y):
        return _dirichlet_bregman(cls._entries(x), cls._entries(y))


class LogDirichletJensen(_LogDirichletGap):
    """(1 - a) F(x) + a F(y) - F((1 - a) x + a y) >= 0, F = log B: a Dirichlet Bhattacharyya distance; arguments
    x, y, a."""

    nargs = 3
    _tex = r"J_{\log\mathrm{B}}"

    @classmethod
    def plain(cls, x, y, a):
        return ((1 - a) * _log_dirichlet(cls._entries(x)) + a * _log_dirichlet(cls._entries(y))
                - _log_dirichlet(lambda index: _mix(x[index], y[index], a)))


class LogDirichletSkewBregman(_LogDirichletGap):
    """(1 - a) B(m : x) + a B(m : y) >= 0, m = (1 - a) x + a y, B = LogDirichletBregman: a Dirichlet geometric JSD;
    arguments x, y, a."""

    nargs = 3
    _tex = r"S_{\log\mathrm{B}}"

    @classmethod
    def plain(cls, x, y, a):
        m = lambda index: _mix(x[index], y[index], a)  # noqa: E731
        return (1 - a) * _dirichlet_bregman(m, cls._entries(x)) + a * _dirichlet_bregman(m, cls._entries(y))


class LogDirichletJeffreys(_LogDirichletGap):
    """(x - y) . (grad F(x) - grad F(y)) = B(x : y) + B(y : x) >= 0, F = log B: a Dirichlet Jeffreys divergence;
    arguments x, y."""

    nargs = 2
    _tex = r"D_{\log\mathrm{B}}"

    @classmethod
    def plain(cls, x, y):
        ex, ey = cls._entries(x), cls._entries(y)
        return _dirichlet_bregman(ex, ey) + _dirichlet_bregman(ey, ex)


class Difference(sp.Function):
    """a - b, kept as one subtraction by the printer: (a2 - a1) + (b2 - b1) adds two exact differences of close laws'
    parameters where a2 + b2 - a1 - b1, evaluated left to right, would round at the size of the sums."""

    nargs = 2

    def fdiff(self, argindex=1):
        return (sp.S.One, sp.S.NegativeOne)[argindex - 1]

    def _eval_rewrite_as_Add(self, a, b, **kwargs):
        return a - b

    def _latex(self, printer, exp=None):
        return powered(rf"\left({printer._print(self.args[0] - self.args[1])}\right)", exp)


class SkewLogGap(sp.Function):
    """log(1 - a + a e^t) - a t, for 0 <= a <= 1 and real t: the gap of Jensen's inequality for log between 1 and e^t,
    weights 1 - a and a, ~ a (1 - a) t^2 / 2 near t = 0, where the two logarithms agree to first order. How the kernels
    evaluate such a pair without cancellation (mjsd._special.skew_log_gap; skew_log_gap_ratio, without exp, where t is
    1 or 2 times a LogRatio: the printer's choice); derive.tidy.skew_log_gaps introduces it."""

    nargs = 2

    def fdiff(self, argindex=1):
        return (SkewLogGapSlope(*self.args) - self.args[1], self.args[0] * (1 - self.args[0])
                * SkewLogGapSlope(*self.args))[argindex - 1]

    @classmethod
    def eval(cls, a, t):
        if a.is_zero or t.is_zero or (a - 1).is_zero:
            return sp.S.Zero

    def _eval_rewrite_as_log(self, a, t, **kwargs):
        return sp.log(1 - a + a * sp.exp(t)) - a * t

    def _eval_evalf(self, prec):  # numbers through the plain expression
        return self.rewrite(sp.log)._eval_evalf(prec)

    def _latex(self, printer, exp=None):
        a, t = (printer._print(arg) for arg in self.args)
        return powered(rf"\operatorname{{gap}}_{{{a}}}\left({t}\right)", exp)


class SkewLogGapSlope(sp.Function):
    """(e^t - 1) / (1 - a + a e^t), for 0 <= a <= 1 and real t: SkewLogGap's partials are this minus t (in a) and
    a (1 - a) times it (in t). Evaluated in e^-|t| (mjsd._special.skew_log_gap_slope), so that neither e^t nor its
    reciprocal overflows for a variance ratio beyond the float64 range."""

    nargs = 2

    def _eval_rewrite_as_log(self, a, t, **kwargs):
        return (sp.exp(t) - 1) / (1 - a + a * sp.exp(t))

    def _eval_evalf(self, prec):  # numbers through the plain expression
        return self.rewrite(sp.log)._eval_evalf(prec)

    def _latex(self, printer, exp=None):
        a, t = (printer._print(arg) for arg in self.args)
        return powered(rf"\operatorname{{gap}}'_{{{a}}}\left({t}\right)", exp)


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

    def _eval_evalf(self, prec):  # numbers through the plain expression
        return self.rewrite(sp.exp)._eval_evalf(prec)

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

    def _eval_evalf(self, prec):  # numbers through the plain expression
        return self.rewrite(sp.exp)._eval_evalf(prec)

    def _latex(self, printer, exp=None):
        ex, ey, d = (printer._print(a) for a in self.args)
        return powered(rf"\left({ex} - {ey} - {d}\, {ey}\right)", exp)


class _LogI0Gap(_PlainGap):
    """A gap of G(theta) = log I0(|theta|) on the plane (the von Mises log-normaliser less log 2 pi) between
    theta1 = kappa1 (cos loc1, sin loc1) and theta2 = kappa2 (cos loc2, sin loc2), given the concentrations and the
    angle delta = loc1 - loc2 (_PlainGap; the runtime integrates G's curvature along the segment by Gauss-Legendre).
    ``plain`` is written in LogI0 and BesselRatio."""

    def _eval_rewrite_as_LogI0(self, *args, **kwargs):
        return self.plain(*args)


def von_mises_mixture_concentration(k1, k2, delta, a):
    """|(1 - a) theta1 + a theta2| as a sum of squares: no cancellation even for opposite directions."""
    return sp.sqrt(((1 - a) * k1 - a * k2) ** 2 + 4 * a * (1 - a) * k1 * k2 * sp.cos(delta / 2) ** 2)


class LogI0Bregman(_LogI0Gap):
    """G(theta_x) - G(theta_y) - grad G(theta_y).(theta_x - theta_y), |theta_x| = kx, |theta_y| = ky at angle delta:
    the von Mises KL(p_y : p_x); arguments kx, ky, delta."""

    nargs = 3
    _tex = r"B_{\log I_0}"

    @classmethod
    def plain(cls, kx, ky, delta):
        return LogI0(kx) - LogI0(ky) - BesselRatio(ky) * (kx * sp.cos(delta) - ky)


class LogI0Jensen(_LogI0Gap):
    """(1 - a) G(theta1) + a G(theta2) - G((1 - a) theta1 + a theta2), the skew Jensen gap of G (the von Mises
    Bhattacharyya distance); arguments kappa1, kappa2, delta, a."""

    nargs = 4
    _tex = r"J_{\log I_0}"

    @classmethod
    def plain(cls, k1, k2, delta, a):
        return (1 - a) * LogI0(k1) + a * LogI0(k2) - LogI0(von_mises_mixture_concentration(k1, k2, delta, a))


class LogI0SkewBregman(_LogI0Gap):
    """(1 - a) B(theta_a : theta1) + a B(theta_a : theta2), theta_a = (1 - a) theta1 + a theta2, B the Bregman
    divergence of G (the von Mises geometric JSD); arguments kappa1, kappa2, delta, a."""

    nargs = 4
    _tex = r"S_{\log I_0}"

    @classmethod
    def plain(cls, k1, k2, delta, a):
        tangents = BesselRatio(k1) * (k2 * sp.cos(delta) - k1) + BesselRatio(k2) * (k1 * sp.cos(delta) - k2)
        return (-LogI0Jensen.plain(k1, k2, delta, a) - a * (1 - a) * tangents)


NUMBA_NAMES = {LogI0: "log_i0", BesselRatio: "i1_over_i0", BesselRatioOverZ: "i1_over_i0_over_x",
               LogSigmoid: "log_sigmoid",
               LogMultiGamma: "log_multigamma", MultiDigamma: "multi_digamma", MultiTrigamma: "multi_trigamma",
               LogRatio: "log_ratio", LogGammaBregman: "lgamma_bregman", LogGammaJensen: "lgamma_jensen",
               LogGammaSkewBregman: "lgamma_skew_bregman", LogGammaJeffreys: "lgamma_jeffreys",
               SkewLogGap: "skew_log_gap", SkewLogGapSlope: "skew_log_gap_slope", Expm1mx: "expm1mx",
               ExpBregman: "exp_bregman", LogI0Bregman: "log_i0_bregman", LogI0Jensen: "log_i0_jensen",
               LogI0SkewBregman: "log_i0_skew_bregman", StirlingBregman: "stirling_bregman",
               StirlingJensen: "stirling_jensen", StirlingSkewBregman: "stirling_skew_bregman",
               LogBetaBregman: "log_beta_bregman", LogBetaJensen: "log_beta_jensen",
               LogBetaSkewBregman: "log_beta_skew_bregman", LogBetaJeffreys: "log_beta_jeffreys",
               LogDirichletBregman: "log_dirichlet_bregman", LogDirichletJensen: "log_dirichlet_jensen",
               LogDirichletSkewBregman: "log_dirichlet_skew_bregman", LogDirichletJeffreys: "log_dirichlet_jeffreys"}


# each cancellation-free Function code generation introduces, and what it is written back in
_PLAIN = {SkewLogGap: sp.log, SkewLogGapSlope: sp.log, LogRatio: sp.log, Expm1mx: sp.exp, ExpBregman: sp.exp,
          _LogGammaGap: sp.loggamma, _LogI0Gap: LogI0, Difference: sp.Add}


def plain(expr):
    """expr with every cancellation-free Function (SkewLogGap, LogRatio, the lgamma gaps, ...) written back in the
    elementary and gamma functions the derivations use: what a notebook compares with the theorem's expression."""
    def written_back(e):
        return e.rewrite(next(target for kind, target in _PLAIN.items() if isinstance(e, kind)))
    return expr.replace(lambda e: isinstance(e, tuple(_PLAIN)), written_back)
