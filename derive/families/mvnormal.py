"""Multivariate normals N(loc, cov) of any dimension d: the closed forms in matrix atoms. Notebook 10.

The geometric mixture N1^(1 - beta) N2^beta / Z is the normal N_beta with precision
cov_beta^-1 = (1 - beta) cov1^-1 + beta cov2^-1 and mean loc_beta = cov_beta ((1 - beta) cov1^-1 loc1 + beta cov2^-1 loc2).
Every divergence is then a weighted sum of KL divergences between normals (``kl``), and three lemmas put KL(N_a : N_beta)
into the atoms of ``derive.matrices``, in cov1, cov2, their combination S_beta = beta cov1 + (1 - beta) cov2 and the
gap delta = loc1 - loc2 (the lemmas' proofs and checks are in notebook 10):

* trace:        tr(cov_beta^-1 cov1) = (1 - beta) d + beta tr(cov2^-1 cov1), and symmetrically for cov2;
* determinant:  cov_beta^-1 = cov1^-1 S_beta cov2^-1, so log det cov_beta = log det cov1 + log det cov2 - log det S_beta;
* quadratic:    loc_beta - loc1 = -beta cov_beta cov2^-1 delta, and cov2^-1 cov_beta cov2^-1 = (cov2^-1 - (1 - beta) S_beta^-1)
                / beta, so (loc_beta - loc1)^T cov_beta^-1 (loc_beta - loc1) = beta (delta^T cov2^-1 delta - (1 - beta)
                delta^T S_beta^-1 delta), and symmetrically for law 2.
"""
from functools import cache

import sympy as sp

from ..codegen.spec import REAL_VECTOR, SPD, FamilyModule, MatrixClosedForm, Param, skew_param
from ..matrices import LogDet, Quadratic, TraceSolve, collected, spectral
from ..matrices import dimension as d
from ..symbols import alpha
from .catalogue import divergence_docs
loc1, loc2 = sp.MatrixSymbol("loc1", d, 1), sp.MatrixSymbol("loc2", d, 1)
cov1, cov2 = sp.MatrixSymbol("cov1", d, d), sp.MatrixSymbol("cov2", d, d)
delta = sp.MatrixSymbol("delta", d, 1)  # loc1 - loc2, computed first by the kernels
LAWS = ((loc1, cov1), (loc2, cov2))
LATEX_NAMES = {loc1: r"\mu_1", loc2: r"\mu_2", cov1: r"\Sigma_1", cov2: r"\Sigma_2", delta: r"\Delta"}


def kl_parts(trace, quadratic, logdet_second, logdet_first):
    """KL(N_a : N_b) from its parts tr(C_b^-1 C_a), (m_a - m_b)^T C_b^-1 (m_a - m_b), log det C_b and log det C_a."""
    return (trace - d + quadratic + logdet_second - logdet_first) / 2


def S(beta):
    """S_beta = beta cov1 + (1 - beta) cov2: cov_beta^-1 = cov1^-1 S_beta cov2^-1 (the determinant lemma)."""
    return beta * cov1 + (1 - beta) * cov2


def kl_to_mixture(which, beta):
    """KL(N_which : N_beta), N_beta the normalised geometric mixture N1^(1 - beta) N2^beta, by the three lemmas."""
    other = cov2 if which == 1 else cov1
    own = cov1 if which == 1 else cov2
    weight_other = beta if which == 1 else 1 - beta  # N_beta's precision: (1 - beta) cov1^-1 + beta cov2^-1
    trace = (1 - weight_other) * d + weight_other * TraceSolve(other, own)
    quadratic = weight_other * (Quadratic(delta, other) - (1 - weight_other) * Quadratic(delta, S(beta)))
    logdet_mixture = LogDet(cov1) + LogDet(cov2) - LogDet(S(beta))
    return kl_parts(trace, quadratic, logdet_mixture, LogDet(own))


@cache
def closed_forms():
    """Each divergence in the atoms: what the kernels are generated from (notebook 10 derives and checks each)."""
    kl12 = kl_parts(TraceSolve(cov2, cov1), Quadratic(delta, cov2), LogDet(cov2), LogDet(cov1))
    kl21 = kl_parts(TraceSolve(cov1, cov2), Quadratic(delta, cov1), LogDet(cov1), LogDet(cov2))
    jsd = (1 - alpha) * kl_to_mixture(1, alpha) + alpha * kl_to_mixture(2, alpha)
    # -log integral N1^(1 - alpha) N2^alpha = (1 - alpha) F(theta1) + alpha F(theta2) - F(theta_alpha): its quadratic
    # part is alpha (1 - alpha) delta^T S_alpha^-1 delta / 2 and its determinant part follows from the lemma
    bhattacharyya = (alpha * (1 - alpha) * Quadratic(delta, S(alpha)) + LogDet(S(alpha))
                     - alpha * LogDet(cov1) - (1 - alpha) * LogDet(cov2)) / 2
    # Deasy et al. (2020): mixture N1^alpha N2^(1 - alpha) (our beta = 1 - alpha), KL weights 1 - alpha and alpha
    deasy = (1 - alpha) * kl_to_mixture(1, 1 - alpha) + alpha * kl_to_mixture(2, 1 - alpha)
    forms = {"kl": kl12, "jeffreys": kl12 + kl21, "jsd_geometric": jsd,
             "jsd_geometric_dual": bhattacharyya,  # the dual equals the skew Bhattacharyya distance (notebook 03)
             "bhattacharyya": bhattacharyya, "jsd_geometric_deasy": deasy}
    return {name: collected(form) for name, form in forms.items()}


@cache
def spectral_forms():
    """Each divergence as a sum over the eigenvalues lambda = e^u of cov1^-1 cov2 (``derive.matrices.spectral``), in u
    and the whitened gap's coordinate y: the univariate divergence between N(y, 1) and N(0, e^u) in each eigen-
    direction, without cancellation. The kernels evaluate it when the atoms cancel (notebook 10 derives and checks it)."""
    return {name: spectral(form, cov1, cov2, delta) for name, form in closed_forms().items()}


SKEWED = ("jsd_geometric", "jsd_geometric_dual", "bhattacharyya", "jsd_geometric_deasy")
ZERO_AT_ALPHA_ENDS = ("jsd_geometric", "jsd_geometric_dual", "bhattacharyya")  # Deasy's is KL(p1 : p2) at alpha = 0


def signature(law="normal"):
    pair = []
    for which, ordinal in ((1, "first"), (2, "second")):
        loc, cov = LAWS[which - 1]
        pair += [Param(loc.name, loc, REAL_VECTOR, doc=f"mean of the {ordinal} {law}, shape (..., d), finite"),
                 Param(cov.name, cov, SPD, doc=f"covariance of the {ordinal} {law}, shape (..., d, d), symmetric "
                                               "positive definite")]
    return tuple(pair), skew_param(law)


DEASY_DOC = ("Skew geometric Jensen-Shannon divergence in the convention of Deasy et al. (2020), in nats.\n\n"
             "(1 - alpha) KL(p1 : g') + alpha KL(p2 : g'), g' = p1^alpha p2^(1 - alpha) / Z (the mixture\n"
             "weights swapped against JS^G): KL(p1 : p2) at alpha = 0, KL(p2 : p1) at alpha = 1, and\n"
             "equal to jsd_geometric at alpha = 1/2. Closed form.")
DOCS = {**divergence_docs("multivariate normal"), "jsd_geometric_deasy": DEASY_DOC}
COMPUTED = ("Each matrix is factorised once (Cholesky) and every inverse or determinant is a triangular solve or\n"
            "the factor's diagonal; d = 2 and 3 run straight-line code on the entries. Identical laws give exactly 0.\n"
            "When those terms cancel (nearly identical laws, a skew near 0 or 1), the divergence is evaluated\n"
            "instead as a sum over the eigenvalues of the first matrix^-1 times the second (Jacobi rotations)\n"
            "of terms that do not.")


def module():
    pair, skew = signature()
    forms = closed_forms()
    kernels = [MatrixClosedForm(name, pair + ((skew,) if name in SKEWED else ()), forms[name],
                                DOCS[name] + "\n\n" + COMPUTED, preamble=((delta, loc1 - loc2),),
                                zero_at_alpha_ends=name in ZERO_AT_ALPHA_ENDS, spectral=spectral_forms()[name])
               for name in forms]
    return FamilyModule("mvnormal", "derive/families/mvnormal.py",
                        "Multivariate normal laws N(loc, cov) of any dimension d: loc (..., d), cov (..., d, d).",
                        tuple(kernels))
