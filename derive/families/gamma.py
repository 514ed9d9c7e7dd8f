"""Gamma laws: density rate^shape x^(shape - 1) e^(-rate x) / Gamma(shape) on x > 0. Derivation: notebook 07."""
import sympy as sp

from ..codegen.spec import POSITIVE
from ..special import Expm1mx, LogRatio, SkewLogGap, StirlingBregman, StirlingJensen, StirlingSkewBregman
from ..symbols import alpha, x
from .catalogue import Family, Parameter, positive_reals

shape = sp.Symbol("shape", positive=True)
rate = sp.Symbol("rate", positive=True)

FAMILY = Family(
    "gamma", "gamma law", "Gamma laws: density rate^shape x^(shape - 1) e^(-rate x) / Gamma(shape), x > 0.",
    x, shape * sp.log(rate) + (shape - 1) * sp.log(x) - rate * x - sp.loggamma(shape),
    (Parameter(shape, POSITIVE, "shape, finite and > 0"), Parameter(rate, POSITIVE, "rate, finite and > 0")),
    {shape: sp.Rational(3, 2), rate: sp.Rational(1, 2)},
    positive_reals(sp.log(shape / rate), 1 / sp.sqrt(shape)),  # log x: mode log(shape/rate), width 1/sqrt(shape)
    own_forms=lambda: without_cancellation())


def without_cancellation():
    """The five closed forms with lgamma split as (a log a - a) + r(a), r = Stirling's remainder (derive.special
    .Stirling*): F = a log(a / b) - a + r(a) for shape a and rate b. The first part's gaps are those of the
    perspective a log(a / b) and depend on the log ratio of the means m = a / b, w = log(m1 / m2):

    * its Bregman divergence B(theta_x : theta_y) = a_x E(log(m_y / m_x)), E(w) = e^w - 1 - w (Expm1mx);
    * its skew Jensen gap a_alpha SkewLogGap(s_2, w), s_2 = alpha a2 / a_alpha the second law's share of the shape.

    r's gaps are O(log) where lgamma's are ~a log a (far-apart laws of similar means lost ~7 digits at shape 1e6).
    Notebook 07 derives them; Family.own_forms checks each against the theorem."""
    (a1, b1), (a2, b2) = FAMILY.law_params(1), FAMILY.law_params(2)
    d = a1 * (b2 - b1) + b1 * (a1 - a2)  # a1 b2 - a2 b1 from differences of the parameters: no cancellation
    a_mix, b_mix = (1 - alpha) * a1 + alpha * a2, (1 - alpha) * b1 + alpha * b2
    return shape_forms(a1, a2, LogRatio(a1 * b2, a2 * b1, d),
                       LogRatio(a1 * b_mix, a_mix * b1, alpha * d),  # log(m1 / m_alpha)
                       LogRatio(a2 * b_mix, a_mix * b2, -(1 - alpha) * d))  # log(m2 / m_alpha)


def shape_forms(a1, a2, w, to_first, to_second):
    """The five divergences between gamma laws of shapes a1 and a2 from the logs of their means' ratios: w =
    log(m1 / m2), to_first = log(m1 / m_alpha), to_second = log(m2 / m_alpha), m_alpha the mean of the geometric
    mixture (shape (1 - alpha) a1 + alpha a2, rate (1 - alpha) b1 + alpha b2). The rates enter only there, which
    lets Wishart laws reuse these forms (wishart.gamma_split)."""
    a_mix = (1 - alpha) * a1 + alpha * a2
    kl = a2 * Expm1mx(w) + StirlingBregman(a2, a1, a2 - a1)
    reverse = a1 * Expm1mx(-w) + StirlingBregman(a1, a2, a1 - a2)
    # SkewLogGap(s, w) = SkewLogGap(1 - s, -w): the smaller share as the weight, since 1 - s loses a share ~1e-18
    first, second = (1 - alpha) * a1, alpha * a2
    shares = sp.Piecewise((SkewLogGap(second / a_mix, w), second <= first), (SkewLogGap(first / a_mix, -w), True))
    bhattacharyya = a_mix * shares + StirlingJensen(a1, a2, alpha, a2 - a1)
    jsd_geometric = (a_mix * ((1 - alpha) * Expm1mx(to_first) + alpha * Expm1mx(to_second))
                     + StirlingSkewBregman(a1, a2, alpha, a2 - a1))
    return {"kl": kl, "jeffreys": kl + reverse, "jsd_geometric": jsd_geometric,
            "jsd_geometric_dual": bhattacharyya, "bhattacharyya": bhattacharyya}
