"""Cholesky factorisations and the matrix atoms on them, for the generated multivariate kernels of any dimension d.

The closed forms (derive/matrices.py) need only log det A, tr(A^-1 B) and v^T A^-1 v of symmetric positive definite
matrices A, B that are covariances or linear combinations of two of them; each is a function of Cholesky factors
L L^T = A, so no inverse is ever formed. Matrices are read from their lower triangle. A factorisation that meets a
non-positive pivot reports failure, and the kernel returns NaN for the wrapper to turn into a clear error; so does
a matrix that is not finite or not symmetric (``symmetric``), checked here rather than by the wrapper, in one cheap
pass per matrix.
"""
import math

import numba

from ._validate import SYMMETRY_TOLERANCE  # |a_ij - a_ji| <= tolerance sqrt(a_ii a_jj), as the wrapper's diagnosis

# The factorisation and the solves may reorder their sums of products (and fuse multiply-adds), which lets LLVM
# vectorise them: about 1.6x faster at d = 64, no change for small d. NaN and infinity keep their meaning (no
# "nnan"/"ninf"), so the pivot checks stand.
REORDER = {"reassoc", "contract"}


@numba.njit(cache=True, error_model="numpy", nogil=True, fastmath=REORDER)
def factor(c1, a1, c2, a2, out, inverse):
    """The Cholesky factor L of c1 a1 + c2 a2 into ``out`` (lower triangle; the upper one is left as it was) and
    1 / L_jj into ``inverse``, so that the solves multiply instead of divide; False if not positive definite."""
    d = a1.shape[0]
    for j in range(d):
        pivot = c1 * a1[j, j] + c2 * a2[j, j]
        for k in range(j):
            pivot -= out[j, k] * out[j, k]
        if not pivot > 0.0:
            return False
        out[j, j] = math.sqrt(pivot)
        scale = inverse[j] = 1.0 / out[j, j]
        for i in range(j + 1, d):
            entry = c1 * a1[i, j] + c2 * a2[i, j]
            for k in range(j):
                entry -= out[i, k] * out[j, k]
            out[i, j] = entry * scale
    return True


@numba.njit(cache=True, error_model="numpy", nogil=True)
def symmetric(a):
    """Whether a square matrix is finite and symmetric within SYMMETRY_TOLERANCE (comparisons with NaN fail); equal
    entries, the usual case, skip the square root."""
    for i in range(a.shape[0]):
        if not math.isfinite(a[i, i]):
            return False
        for j in range(i):
            gap = a[i, j] - a[j, i]
            if gap != 0.0 and not abs(gap) <= SYMMETRY_TOLERANCE * math.sqrt(abs(a[i, i] * a[j, j])):
                return False
    return True


@numba.njit(cache=True, error_model="numpy", nogil=True)
def logdet(factor):
    """log det A = 2 log prod_j L_jj, one log per run of diagonal entries whose product stays far inside the float64
    range (a log costs as much as many products)."""
    total, product = 0.0, 1.0
    for j in range(factor.shape[0]):
        entry = factor[j, j]
        if 1e-100 < entry < 1e100:  # then product * entry can neither overflow nor underflow
            product *= entry
            if not 1e-200 < product < 1e200:
                total += math.log(product)
                product = 1.0
        else:
            total += math.log(entry)
    return 2.0 * (total + math.log(product))


@numba.njit(cache=True, error_model="numpy", nogil=True, fastmath=REORDER)
def quadratic(factor, inverse, v, solved):
    """v^T A^-1 v = ||L^-1 v||^2, by forward substitution (``solved``: a workspace of length d)."""
    d = factor.shape[0]
    total = 0.0
    for i in range(d):
        entry = v[i]
        for k in range(i):
            entry -= factor[i, k] * solved[k]
        solved[i] = entry * inverse[i]
        total += solved[i] * solved[i]
    return total


@numba.njit(cache=True, error_model="numpy", nogil=True, fastmath=REORDER)
def trace_solve(factor_a, inverse_a, factor_b, solved):
    """tr(A^-1 B) = ||X||_F^2, X = L_A^-1 L_B lower triangular, into ``solved`` (a d x d workspace) row by row: row i
    is row i of L_B less L_A[i, k] times row k, k < i, then scaled. The entries of a row are independent, so each
    update vectorises; a solve column by column would wait on every entry in turn."""
    d = factor_a.shape[0]
    total = 0.0
    for i in range(d):
        for j in range(i + 1):
            solved[i, j] = factor_b[i, j]
        for k in range(i):
            multiple = factor_a[i, k]
            for j in range(k + 1):
                solved[i, j] -= multiple * solved[k, j]
        scale = inverse_a[i]
        for j in range(i + 1):
            solved[i, j] *= scale
            total += solved[i, j] * solved[i, j]
    return total


@numba.njit(cache=True, error_model="numpy", nogil=True)
def same_vector(a, b):
    """Whether two vectors hold the same entries (identical laws: every divergence is exactly 0)."""
    for i in range(a.shape[0]):
        if a[i] != b[i]:
            return False
    return True


@numba.njit(cache=True, error_model="numpy", nogil=True)
def same_matrix(a, b):
    """Whether two square matrices hold the same lower triangle (the only entries the kernels read)."""
    for i in range(a.shape[0]):
        for j in range(i + 1):
            if a[i, j] != b[i, j]:
                return False
    return True


# -- gradients: the matrix derivatives of the atoms, d log det A = tr(A^-1 dA), d tr(A^-1 B) = tr(A^-1 dB)
# - tr(A^-1 dA A^-1 B), d v^T A^-1 v = 2 (A^-1 v)^T dv - (A^-1 v)^T dA (A^-1 v); their kernels form A^-1 once -------------

@numba.njit(cache=True, error_model="numpy", nogil=True, fastmath=REORDER)
def inverse(factor, inverse_diagonal, work, out):
    """A^-1 = L^-T L^-1 into ``out`` (both triangles) from A's Cholesky factor L (``factor``'s output); ``work``: a
    d x d workspace that receives L^-1."""
    d = factor.shape[0]
    for j in range(d):  # column j of L^-1, by forward substitution
        for i in range(j):
            work[i, j] = 0.0
        work[j, j] = inverse_diagonal[j]
        for i in range(j + 1, d):
            entry = 0.0
            for k in range(j, i):
                entry -= factor[i, k] * work[k, j]
            work[i, j] = entry * inverse_diagonal[i]
    for i in range(d):
        for j in range(i + 1):
            entry = 0.0
            for k in range(i, d):  # L^-1 is lower triangular: rows k >= i of columns i and j
                entry += work[k, i] * work[k, j]
            out[i, j] = entry
            out[j, i] = entry


@numba.njit(cache=True, error_model="numpy", nogil=True)
def combine(c1, a1, c2, a2, out):
    """c1 a1 + c2 a2 into ``out`` (both triangles, from the lower ones)."""
    for i in range(a1.shape[0]):
        for j in range(i + 1):
            out[i, j] = out[j, i] = c1 * a1[i, j] + c2 * a2[i, j]


@numba.njit(cache=True, error_model="numpy", nogil=True, fastmath=REORDER)
def solve(inverse, v, out):
    """A^-1 v into ``out``."""
    for i in range(v.shape[0]):
        entry = 0.0
        for k in range(v.shape[0]):
            entry += inverse[i, k] * v[k]
        out[i] = entry


@numba.njit(cache=True, error_model="numpy", nogil=True, fastmath=REORDER)
def trace_product(a, b):
    """tr(a b) of two symmetric matrices: the sum of their entrywise products."""
    total = 0.0
    for i in range(a.shape[0]):
        for j in range(a.shape[0]):
            total += a[i, j] * b[i, j]
    return total


@numba.njit(cache=True, error_model="numpy", nogil=True)
def add(out, weight, a):
    """out += weight a."""
    for i in range(a.shape[0]):
        for j in range(a.shape[1]):
            out[i, j] += weight * a[i, j]


@numba.njit(cache=True, error_model="numpy", nogil=True)
def add_outer(out, weight, u):
    """out += weight u u^T."""
    for i in range(u.shape[0]):
        for j in range(u.shape[0]):
            out[i, j] += weight * u[i] * u[j]


@numba.njit(cache=True, error_model="numpy", nogil=True, fastmath=REORDER)
def add_sandwich(out, weight, inverse, b, work):
    """out += weight A^-1 b A^-1 (``work``: a d x d workspace)."""
    d = b.shape[0]
    for i in range(d):
        for j in range(d):
            entry = 0.0
            for k in range(d):
                entry += inverse[i, k] * b[k, j]
            work[i, j] = entry
    for i in range(d):
        for j in range(d):
            entry = 0.0
            for k in range(d):
                entry += work[i, k] * inverse[k, j]
            out[i, j] += weight * entry
