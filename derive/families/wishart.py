"""Wishart laws W(df, scale) on d x d symmetric positive definite matrices: closed forms in matrix atoms. Notebook 11.

The density of X ~ W(n, V) (n = df > d - 1 degrees of freedom, V = scale) is

    |X|^((n - d - 1)/2) exp(-tr(V^-1 X)/2) / (2^(n d/2) |V|^(n/2) Gamma_d(n/2)),

an exponential family with statistics (X, log det X), natural parameters (-V^-1/2, (n - d - 1)/2) and log-normaliser
F = (n/2) log det V + (n d/2) log 2 + log Gamma_d(n/2), Gamma_d the multivariate gamma function
(``derive.special.LogMultiGamma``). Its mean parameters are E[X] = n V and E[log det X] = psi_d(n/2) + d log 2
+ log det V (``MultiDigamma``, the derivative of log Gamma_d). The outline:

* KL(W_a : W_b) is the Bregman divergence of F, i.e. E_a[log p_a - log p_b] with the two expectations above:
  (n_a - n_b)/2 psi_d(n_a/2) + n_b/2 (log det V_b - log det V_a) + n_a/2 (tr(V_b^-1 V_a) - d)
  + log Gamma_d(n_b/2) - log Gamma_d(n_a/2);
* the geometric mixture W1^(1 - beta) W2^beta / Z interpolates the natural parameters: it is W(n_beta, V_beta) with
  n_beta = (1 - beta) n1 + beta n2 and V_beta^-1 = (1 - beta) V1^-1 + beta V2^-1 = V1^-1 S_beta V2^-1,
  S_beta = beta V1 + (1 - beta) V2 (the multivariate normal's determinant lemma, ``mvnormal``), so
  log det V_beta = log det V1 + log det V2 - log det S_beta and tr(V_beta^-1 V1) = (1 - beta) d + beta tr(V2^-1 V1);
* JS^G_alpha = (1 - alpha) KL(W1 : W_alpha) + alpha KL(W2 : W_alpha) then lies in the atoms log det V1, log det V2,
  log det S_alpha, tr(V2^-1 V1), tr(V1^-1 V2);
* the skew Bhattacharyya distance -log int W1^(1 - alpha) W2^alpha is the skew Jensen divergence
  (1 - alpha) F(theta1) + alpha F(theta2) - F(theta_alpha) (the log 2 terms, linear in n, cancel), and the dual
  JS^G*_alpha equals it, as for every exponential family (notebook 03; notebook 11 also reduces the dual's KL
  form to it, through tr(V1^-1 V_alpha) = tr(S_alpha^-1 V2));
* Jeffreys = KL(W1 : W2) + KL(W2 : W1), in which the log-gamma terms cancel.
"""
from functools import cache

import sympy as sp

from ..codegen.spec import DEGREES_OF_FREEDOM, SPD, FamilyModule, MatrixClosedForm, Param, skew_param
from ..codegen.lgamma import lgamma_gaps
from ..matrices import LogDet, Spectral, TraceSolve, collected, eigenvalue_log, spectral
from ..matrices import dimension as d
from ..special import (LogGammaBregman, LogGammaJeffreys, LogGammaJensen, LogGammaSkewBregman, LogMultiGamma,
                       LogRatio, MultiDigamma, SkewLogGap)
from ..symbols import alpha, j
from . import gamma, mvnormal
from .catalogue import divergence_docs

df1, df2 = sp.symbols("df1 df2", positive=True)
scale1, scale2 = sp.MatrixSymbol("scale1", d, d), sp.MatrixSymbol("scale2", d, d)
LAWS = ((df1, scale1), (df2, scale2))
INDEX = j  # j = 0 .. d - 1: the terms of Gamma_d, or the eigenvalues
LATEX_NAMES = {df1: "n_1", df2: "n_2", scale1: "V_1", scale2: "V_2"}


def log_normaliser(df, logdet_scale):
    """F = (n/2) log det V + (n d/2) log 2 + log Gamma_d(n/2), from n and log det V."""
    return df / 2 * logdet_scale + df * d / 2 * sp.log(2) + LogMultiGamma(df / 2, d)


def kl_parts(df_a, df_b, trace, logdet_b, logdet_a):
    """KL(W(n_a, V_a) : W(n_b, V_b)) from n_a, n_b, tr(V_b^-1 V_a), log det V_b and log det V_a."""
    return ((df_a - df_b) / 2 * MultiDigamma(df_a / 2, d) + df_b / 2 * (logdet_b - logdet_a)
            + df_a / 2 * (trace - d) + LogMultiGamma(df_b / 2, d) - LogMultiGamma(df_a / 2, d))


def S(beta):
    """S_beta = beta V1 + (1 - beta) V2: V_beta^-1 = V1^-1 S_beta V2^-1 (the determinant lemma)."""
    return beta * scale1 + (1 - beta) * scale2


def mixture_df(beta):
    """n_beta = (1 - beta) n1 + beta n2, the degrees of freedom of the geometric mixture W1^(1 - beta) W2^beta / Z."""
    return (1 - beta) * df1 + beta * df2


def mixture_logdet(beta):
    """log det V_beta = log det V1 + log det V2 - log det S_beta."""
    return LogDet(scale1) + LogDet(scale2) - LogDet(S(beta))


def kl_to_mixture(which, beta):
    """KL(W_which : W_beta), W_beta the normalised geometric mixture W1^(1 - beta) W2^beta, by the lemma."""
    df, own = LAWS[which - 1]
    other = scale2 if which == 1 else scale1
    weight_other = beta if which == 1 else 1 - beta  # V_beta^-1 = (1 - beta) V1^-1 + beta V2^-1
    trace = (1 - weight_other) * d + weight_other * TraceSolve(other, own)
    return kl_parts(df, mixture_df(beta), trace, mixture_logdet(beta), LogDet(own))


def kl_from_mixture(which, beta):
    """KL(W_beta : W_which): tr(V_which^-1 V_beta) = tr(S_beta^-1 V_other), since V_beta = V2 S_beta^-1 V1."""
    df, own = LAWS[which - 1]
    other = scale2 if which == 1 else scale1
    return kl_parts(mixture_df(beta), df, TraceSolve(S(beta), other), LogDet(own), mixture_logdet(beta))


def theorem_forms():
    """The divergences as they come from the definitions: KLs (Bregman divergences of F) and the skew Jensen
    divergence of F, before collecting."""
    kl12 = kl_parts(df1, df2, TraceSolve(scale2, scale1), LogDet(scale2), LogDet(scale1))
    kl21 = kl_parts(df2, df1, TraceSolve(scale1, scale2), LogDet(scale1), LogDet(scale2))
    jsd = (1 - alpha) * kl_to_mixture(1, alpha) + alpha * kl_to_mixture(2, alpha)
    dual = (1 - alpha) * kl_from_mixture(1, alpha) + alpha * kl_from_mixture(2, alpha)
    bhattacharyya = ((1 - alpha) * log_normaliser(df1, LogDet(scale1)) + alpha * log_normaliser(df2, LogDet(scale2))
                     - log_normaliser(mixture_df(alpha), mixture_logdet(alpha)))
    return {"kl": kl12, "jeffreys": kl12 + kl21, "jsd_geometric": jsd, "jsd_geometric_dual": dual,
            "bhattacharyya": bhattacharyya}


def trace_identity(expr, beta=alpha):
    """``expr`` with beta tr(S_beta^-1 V1) + (1 - beta) tr(S_beta^-1 V2) = tr(S_beta^-1 S_beta) = d used: the
    trace against V2 rewritten as (d - beta tr(S_beta^-1 V1)) / (1 - beta)."""
    return expr.subs(TraceSolve(S(beta), scale2), (d - beta * TraceSolve(S(beta), scale1)) / (1 - beta))


@cache
def closed_forms():
    """Each divergence in the atoms: what the kernels are generated from (notebook 11 derives and checks each)."""
    theorem = theorem_forms()
    forms = {name: theorem[name] for name in ("kl", "jeffreys", "jsd_geometric", "bhattacharyya")}
    forms["jsd_geometric_dual"] = forms["bhattacharyya"]  # equal (notebook 11 shows it through trace_identity)
    return {name: collected(forms[name], (LogMultiGamma, MultiDigamma)) for name in ("kl", "jeffreys", "jsd_geometric", "jsd_geometric_dual",
                                                      "bhattacharyya")}


def multigamma_gaps(expr):
    """The degrees-of-freedom part of a divergence (its log Gamma_d and psi_d terms) as sums over j = 0 .. d - 1 of
    the lgamma gap functions of derive.codegen.lgamma at the arguments shifted by -j/2: log Gamma_d(x) is
    d (d - 1)/4 log pi + sum_j lgamma(x - j/2), and psi_d(x) = sum_j psi(x - j/2), so a gap of log Gamma_d is the sum of
    the same gaps of lgamma (the constant cancels, and the gap y - x is the same for every j). ValueError if the terms
    do not all group into gaps."""
    plain = expr.replace(LogMultiGamma, lambda x, n: sp.loggamma(x)).replace(MultiDigamma, lambda x, n: sp.polygamma(0, x))
    gaps = lgamma_gaps(plain)
    if gaps.has(sp.loggamma, sp.polygamma):
        raise ValueError(f"not a sum of lgamma gaps: {expr}")

    def shifted(gap):  # (x, y[, weight], y - x): the arguments of lgamma move by -j/2, the weight and the gap do not
        x, y, *rest = gap.args
        return sp.Sum(type(gap)(x - j / 2, y - j / 2, *rest), (j, 0, d - 1))
    return gaps.replace(lambda e: isinstance(e, (LogGammaBregman, LogGammaJeffreys, LogGammaJensen,
                                                   LogGammaSkewBregman)), shifted)


@cache
def spectral_forms():
    """Each divergence as its degrees-of-freedom part (``multigamma_gaps``) plus a sum over the eigenvalues e^u of
    scale1^-1 scale2 (``derive.matrices.spectral``): the kernels' form when the atoms cancel (notebook 11)."""
    forms = {}
    for name, form in closed_forms().items():
        found = spectral(form, scale1, scale2)
        forms[name] = found._replace(scalar=multigamma_gaps(found.scalar))
    return forms


@cache
def gamma_split():
    """Each divergence as a Spectral whose per-eigenvalue term, at the j-th eigenvalue e^u of scale1^-1 scale2
    (j = 0 .. d - 1), is a gamma divergence plus j/2 times an exponential one: the kernels' accurate form (notebook
    11, section 5). Congruence makes scale1 = I and scale2 = diag(e^u) and changes no divergence; every natural
    parameter is then diagonal, and giving the j-th lgamma of Gamma_d to the j-th diagonal entry v_j splits F into
    F_j = lgamma(a) - a log b + (j/2)(-log b), a = (n - j)/2, b = 1/(2 v_j): a gamma law's log-normaliser (shape a,
    rate b) plus j/2 times an exponential law's. Each F_j is convex in an affine image of the natural parameters, so
    every Bregman or Jensen gap of F is the sum of the same gaps of the F_j: gamma.shape_forms, whose rates enter only
    through b2 / b1 = e^-u. Every term is >= 0, where spectral_forms() adds lgamma gaps ~ n log n that the trace terms
    cancel (1e-10 at df 1e6 against 3.5)."""
    u = eigenvalue_log

    def gamma_forms(a1, a2):  # gamma.shape_forms with log b2/b1 = -u and b_alpha = (1 - alpha) b1 + alpha b2
        a_mix = (1 - alpha) * a1 + alpha * a2
        gap = SkewLogGap(alpha, -u)  # log(1 - alpha + alpha e^-u) + alpha u >= 0, weighted by alpha (never 1 - alpha)
        to_mix, from_second = gap - alpha * u, gap + (1 - alpha) * u  # log(b_alpha / b1), log(b_alpha / b2)
        return gamma.shape_forms(a1, a2, LogRatio(a1, a2, a1 - a2) - u,
                                 LogRatio(a1, a_mix, alpha * (a1 - a2)) + to_mix,
                                 LogRatio(a2, a_mix, (1 - alpha) * (a2 - a1)) + from_second)

    shapes, rates = gamma_forms((df1 - j) / 2, (df2 - j) / 2), gamma_forms(1, 1)  # equal shapes: the rate part alone
    return {name: Spectral(scale1, scale2, None, sp.S.Zero, shapes[name] + j / 2 * rates[name])
            for name in closed_forms()}


SKEWED = ("jsd_geometric", "jsd_geometric_dual", "bhattacharyya")
ZERO_AT_ALPHA_ENDS = SKEWED


def signature():
    pair = []
    for which, ordinal in ((1, "first"), (2, "second")):
        df, scale = LAWS[which - 1]
        pair += [Param(df.name, df, DEGREES_OF_FREEDOM,
                       doc=f"degrees of freedom of the {ordinal} Wishart law, finite and > d - 1"),
                 Param(scale.name, scale, SPD, doc=f"scale matrix of the {ordinal} Wishart law, shape (..., d, d), "
                                                   "symmetric positive definite")]
    return tuple(pair), skew_param("Wishart law")


DOCS = divergence_docs("Wishart law")
COMPUTED = (mvnormal.COMPUTED + "\n"
            "The Wishart density is |X|^((df - d - 1)/2) exp(-tr(scale^-1 X)/2) / (2^(df d/2) |scale|^(df/2)\n"
            "Gamma_d(df/2)) on d x d symmetric positive definite X (scipy.stats.wishart's parameterisation).")


# The atoms' log Gamma_d and psi_d take the last lgamma at (n - d + 1)/2, a difference that the rounding of a mixed
# n_alpha swamps when it is small: below 1 (n < d + 1) the kernels take gamma_split's terms, all at exact shapes.
NEAR_THE_POLE = sp.Or(df1 < d + 1, df2 < d + 1)


def module():
    pair, skew = signature()
    forms = closed_forms()
    kernels = [MatrixClosedForm(name, pair + ((skew,) if name in SKEWED else ()), forms[name],
                                DOCS[name] + "\n\n" + COMPUTED, zero_at_alpha_ends=name in ZERO_AT_ALPHA_ENDS,
                                spectral=gamma_split()[name], spectral_when=NEAR_THE_POLE)
               for name in forms]
    return FamilyModule("wishart", "derive/families/wishart.py",
                        "Wishart laws W(df, scale) on d x d symmetric positive definite matrices: df (...) > d - 1, "
                        "scale (..., d, d).", tuple(kernels))
