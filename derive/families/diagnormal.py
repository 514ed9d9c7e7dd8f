"""Multivariate normals with diagonal covariance: N(loc, diag(scale^2)), loc and scale of shape (..., d). Notebook 10.

A diagonal normal is a product of d independent univariate normals, and so is the geometric mixture of two of them
(coordinate by coordinate). KL divergences of products add up, so every divergence is the sum over the coordinates
of the univariate closed form of ``derive.families.normal`` (notebook 04), in loc1[i], scale1[i], loc2[i], scale2[i];
notebook 10 checks the sums against ``mvnormal`` with diagonal covariances. This is the posterior of a variational
autoencoder, where Deasy et al. (2020) use the geometric JSD with the mixture weights swapped
(``jsd_geometric_deasy``).
"""
from functools import cache

import sympy as sp

from ..codegen.spec import REAL_VECTOR, SCALE_VECTOR, ClosedForm, FamilyModule, Param, skew_param
from ..matrices import eigenvalue_log, whitened_gap
from ..symbols import alpha, loc1, loc2, scale1, scale2
from ..tidy import delta, in_gap
from . import mvnormal, normal
from .catalogue import divergence_docs
from .simplex import i

LOCS = (sp.IndexedBase("loc1", real=True), sp.IndexedBase("loc2", real=True))
SCALES = (sp.IndexedBase("scale1", positive=True), sp.IndexedBase("scale2", positive=True))


def coordinate(expr):
    """A univariate closed form (in loc, scale and the gap delta) at coordinate i of the two diagonal normals."""
    return expr.subs({delta: LOCS[0][i] - LOCS[1][i], loc1: LOCS[0][i], loc2: LOCS[1][i],
                      scale1: SCALES[0][i], scale2: SCALES[1][i]}, simultaneous=True)


@cache
def univariate_forms():
    """The univariate closed forms summed over the coordinates: normal's, and Deasy's convention as the multivariate
    normal's per-eigenvalue term (its cancellation-free form, derived in notebook 10: Deasy's divergence is not one of
    the theorem's Jensen gaps that normal.closed_form rewrites) at the variance ratio e^u = (scale2/scale1)^2 and the
    whitened gap y = delta/scale1. Notebook 10 checks it against the theorem's form."""
    forms = dict(normal.closed_forms())
    deasy = mvnormal.spectral_forms()["jsd_geometric_deasy"].per_eigenvalue
    forms["jsd_geometric_deasy"] = deasy.subs({eigenvalue_log: 2 * sp.log(scale2 / scale1), whitened_gap: delta / scale1})
    return forms


@cache
def deasy_theorem_form():
    """Deasy's convention for two univariate normals as the theorem gives it (what ``univariate_forms`` must equal)."""
    return in_gap(normal.family().jsd_geometric_deasy(normal.FIRST, normal.SECOND, alpha))


@cache
def closed_forms():
    return {name: sp.Sum(coordinate(form), (i, 0, mvnormal.d - 1)) for name, form in univariate_forms().items()}


def signature():
    pair = []
    for which, ordinal in ((1, "first"), (2, "second")):
        pair += [Param(f"loc{which}", LOCS[which - 1], REAL_VECTOR,
                       doc=f"mean of the {ordinal} normal, shape (..., d), finite"),
                 Param(f"scale{which}", SCALES[which - 1], SCALE_VECTOR,
                       doc=f"standard deviations of the {ordinal} normal, shape (..., d), finite and > 0")]
    return tuple(pair), skew_param("normal")


DOCS = {**divergence_docs("diagonal normal"), "jsd_geometric_deasy": mvnormal.DEASY_DOC}


def module():
    pair, skew = signature()
    forms = closed_forms()
    kernels = [ClosedForm(name, pair + ((skew,) if name in mvnormal.SKEWED else ()), forms[name],
                          DOCS[name] + "\n\nThe sum over the d coordinates of the univariate closed form.",
                          zero_at_alpha_ends=name in mvnormal.ZERO_AT_ALPHA_ENDS)
               for name in forms]
    return FamilyModule("diagnormal", "derive/families/diagnormal.py",
                        "Multivariate normal laws with diagonal covariance, N(loc, diag(scale^2)): loc and scale (the "
                        "standard deviations) of shape (..., d).", tuple(kernels))
