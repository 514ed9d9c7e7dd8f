"""Weibull laws with a shared shape k: density (k / scale) (x / scale)^(k - 1) exp(-(x / scale)^k). Notebook 07."""
import sympy as sp

from ..codegen.spec import POSITIVE
from ..stable import agree
from ..symbols import alpha, x
from ..tidy import exp_gaps, mixture_log_gaps
from .catalogue import Family, Parameter, positive_reals

shape = sp.Symbol("shape", positive=True)
scale = sp.Symbol("scale", positive=True)
s = sp.Symbol("s", real=True)  # k log(scale1 / scale2), the log of the ratio of the rates scale^-k of x^k


def in_log_rate_ratio(expr):
    """A divergence as a function of s = k log(scale1 / scale2) alone, then without cancellation.

    With k shared, x^k is exponential with rate scale^-k, and a divergence between exponential laws depends only on
    the ratio of their rates, e^s: the theorem's form holds scale^k, which overflows or underflows for large k
    (1e-6^1000) where the divergence itself is moderate. In s, the log of the mixture of the rates is a SkewLogGap
    (tidy.mixture_log_gaps) and the rest a sum of e^(k s) - 1 - k s terms (tidy.exp_gaps)."""
    scale1, scale2 = FAMILY.law_params(1)[0], FAMILY.law_params(2)[0]
    in_s = sp.expand_log(sp.powsimp(sp.expand_power_base(sp.expand(expr.subs(scale1, scale2 * sp.exp(s / shape))),
                                                         force=True), force=True), force=True)
    form = exp_gaps(mixture_log_gaps(sp.expand(in_s), alpha), s)
    if form.free_symbols - {s, alpha} or not agree(form, expr.subs(scale1, scale2 * sp.exp(s / shape)),
                                                    [{s: sp.Rational(3, 7), alpha: sp.Rational(2, 7), shape: 3,
                                                      scale2: sp.Rational(3, 2)}]):
        raise ValueError(f"weibull: not a function of k log(scale1 / scale2): {form}")
    return form.subs(s, shape * sp.log(scale1 / scale2))


FAMILY = Family(
    "weibull", "Weibull law",
    "Weibull laws with a shared shape k: density (k / scale) (x / scale)^(k - 1) exp(-(x / scale)^k), x > 0.\n"
    "With k held fixed they form an exponential family (statistic x^k).",
    x, sp.log(shape) - shape * sp.log(scale) + (shape - 1) * sp.log(x) - x**shape * scale ** (-shape),
    (Parameter(scale, POSITIVE, "scale, finite and > 0"),), {scale: sp.Rational(3, 2)},
    positive_reals(sp.log(scale), 1 / shape),
    shared=(Parameter(shape, POSITIVE, "shape k, finite and > 0"),), rewrite=in_log_rate_ratio)
