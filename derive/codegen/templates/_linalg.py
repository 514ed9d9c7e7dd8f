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



# -- the relative spectrum: nearly identical laws -----------------------------------------------------------------------
# A divergence between two normals (or two Wishart laws) is invariant under x -> A x, so it depends on the matrices
# only through the eigenvalues lambda_i of a1^-1 a2 and on the gap through its coordinates y_i on their eigenvectors
# once a1 is whitened (derive.matrices.spectral). The dispatcher takes this path when the Cholesky atoms' terms have
# cancelled: below CANCELLED times their size (a bound on their rounding errors in units of eps, see
# derive/codegen/matrix.py) a divergence may have lost more than 4 digits. Pairs of unrelated laws stay above it (the
# ratio is ~1e-2 for random covariances), so they keep the fast path; the spectral one costs ~d^3 per Jacobi sweep.
CANCELLED = 1e-4
CLOSE = 0.5  # ||E||_F up to which lambda = 1 + e from E = L1^-1 (a2 - a1) L1^-T: log1p(e) keeps a tiny e's digits
WIDEST = 1e3  # otherwise the eigenvalues of R = L1^-1 a2 L1^-T, whose absolute errors are ~ eps lambda_max: accepted
# while lambda_max / lambda_min <= WIDEST (relative errors <= ~1e-13 each)


@numba.njit(cache=True, error_model="numpy", nogil=True)
def relative_spectrum(a1, a2, gap, logs, coordinates, work):
    """log lambda_i of a1^-1 a2 into ``logs`` and, when ``gap`` is not empty, its whitened coordinates y = Q^T L1^-1 gap
    into ``coordinates`` (L1 L1^T = a1, Q the eigenvectors); ``work``: 4 d x d workspaces. False when a1 is not
    positive definite or the spectrum is wider than WIDEST."""
    d = a1.shape[0]
    factor_, solved, m, q = work[0], work[1], work[2], work[3]
    if not factor(1.0, a1, 0.0, a1, factor_, logs):  # logs holds 1 / L_jj until the end
        return False
    if gap.shape[0]:
        _forward(factor_, logs, gap, coordinates)
    close = _whitened(factor_, logs, a1, a2, -1.0, solved, m)
    if not close:
        _whitened(factor_, logs, a1, a2, 0.0, solved, m)
    jacobi(m, q)
    if gap.shape[0]:
        for i in range(d):  # y = Q^T z, through a row of the spent workspace
            entry = 0.0
            for k in range(d):
                entry += q[k, i] * coordinates[k]
            solved[0, i] = entry
        for i in range(d):
            coordinates[i] = solved[0, i]
    smallest, largest = math.inf, 0.0
    for i in range(d):
        smallest, largest = min(smallest, m[i, i]), max(largest, m[i, i])
    if not close and not (smallest > 0.0 and largest <= WIDEST * smallest):
        return False
    for i in range(d):
        logs[i] = math.log1p(m[i, i]) if close else math.log(m[i, i])
    return True


@numba.njit(cache=True, error_model="numpy", nogil=True)
def _forward(factor_, inverse_diagonal, v, out):
    """L^-1 v into ``out``: quadratic's forward substitution without its reassociating fastmath, whose last bits
    varied between processes (the near-identical kernels' errors printed by notebook 10 changed from run to run)."""
    for i in range(v.shape[0]):
        entry = v[i]
        for k in range(i):
            entry -= factor_[i, k] * out[k]
        out[i] = entry * inverse_diagonal[i]


@numba.njit(cache=True, error_model="numpy", nogil=True)
def _whitened(factor_, inverse_diagonal, a1, a2, shift, solved, out):
    """L^-1 (a2 + shift a1) L^-T into ``out`` (symmetric, both triangles) through ``solved`` = L^-1 (a2 + shift a1);
    True when its Frobenius norm is at most CLOSE. With shift = -1 the differences a2 - a1 are taken entry by entry,
    exact for nearly equal entries."""
    d = a1.shape[0]
    for c in range(d):  # column c of L^-1 (a2 + shift a1), from the lower triangles
        for i in range(d):
            entry = a2[max(i, c), min(i, c)] + shift * a1[max(i, c), min(i, c)]
            for k in range(i):
                entry -= factor_[i, k] * solved[k, c]
            solved[i, c] = entry * inverse_diagonal[i]
    norm = 0.0
    for c in range(d):  # (L^-1 X^T)^T = X L^-T, X = solved: column c of L^-1 X^T is row c of X, solved forward
        for i in range(d):
            entry = solved[c, i]
            for k in range(i):
                entry -= factor_[i, k] * out[k, c]
            out[i, c] = entry * inverse_diagonal[i]
    for i in range(d):
        for j in range(i):
            out[i, j] = out[j, i] = 0.5 * (out[i, j] + out[j, i])
            norm += 2.0 * out[i, j] * out[i, j]
        norm += out[i, i] * out[i, i]
    return norm <= CLOSE * CLOSE


@numba.njit(cache=True, error_model="numpy", nogil=True)
def jacobi(a, v):
    """The eigenvalues of the symmetric ``a`` onto its diagonal, by cyclic Jacobi rotations (in place), and the
    eigenvectors into the columns of ``v``. Each rotation zeroes one off-diagonal entry; sweeps stop once every such
    entry is below 1e-18 of its diagonal pair (its effect on the eigenvalues is then below rounding). Jacobi's
    eigenvalues carry absolute errors ~ eps ||a||, as LAPACK's, with no library beyond numba."""
    d = a.shape[0]
    for i in range(d):
        for j in range(d):
            v[i, j] = 1.0 if i == j else 0.0
    for _ in range(64):  # quadratic convergence: a handful of sweeps
        rotated = False
        for p in range(d - 1):
            for r in range(p + 1, d):
                apr = a[p, r]
                if abs(apr) <= 1e-18 * math.sqrt(abs(a[p, p] * a[r, r])) or apr == 0.0:
                    continue
                rotated = True
                theta = (a[r, r] - a[p, p]) / (2.0 * apr)
                t = math.copysign(1.0, theta) / (abs(theta) + math.sqrt(theta * theta + 1.0)) \
                    if abs(theta) < 1e150 else 0.5 / theta
                c = 1.0 / math.sqrt(t * t + 1.0)
                s = t * c
                a[p, p] -= t * apr
                a[r, r] += t * apr
                a[p, r] = a[r, p] = 0.0
                for k in range(d):
                    if k != p and k != r:
                        akp, akr = a[k, p], a[k, r]
                        a[k, p] = a[p, k] = c * akp - s * akr
                        a[k, r] = a[r, k] = s * akp + c * akr
                    vkp, vkr = v[k, p], v[k, r]
                    v[k, p] = c * vkp - s * vkr
                    v[k, r] = s * vkp + c * vkr
        if not rotated:
            return


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
