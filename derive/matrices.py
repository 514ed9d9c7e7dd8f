"""Closed forms in d-dimensional vectors and d x d SPD matrices, and the three atoms they are written in.

A multivariate closed form (mvnormal, wishart) is a scalar SymPy expression whose matrix parts are only

* ``LogDet(A)``            log det A,
* ``TraceSolve(A, B)``     tr(A^-1 B),
* ``Quadratic(v, A)``      v^T A^-1 v,

with A, B matrix symbols (covariances) or linear combinations of them with scalar coefficients, e.g.
alpha cov1 + (1 - alpha) cov2. Every atom is a function of Cholesky factors: log det A = 2 sum log L_jj,
tr(A^-1 B) = ||L_A^-1 L_B||_F^2 and v^T A^-1 v = ||L_A^-1 v||^2, so the generated kernels factorise each matrix once and
never form an inverse. ``explicit`` evaluates the atoms on explicit matrices (exact determinants and inverses: the
notebooks compare entry-by-entry forms with it); ``unrolled`` writes the Cholesky evaluation out on the symbolic
entries of a fixed small d (straight-line kernels). ``spectral`` writes a closed form as a sum over the eigenvalues of
cov1^-1 cov2 of terms without cancellation, which the kernels evaluate when the atoms' terms cancel.
"""
from typing import NamedTuple

import sympy as sp

from .special import Expm1mx, SkewLogGap
from .tidy import exp_gaps

dimension = sp.Symbol("d", integer=True, positive=True)  # the d of every d-vector and d x d matrix symbol


class LogDet(sp.Function):
    """log det A of a symmetric positive definite A."""

    is_real = True

    def _latex(self, printer):
        return rf"\log\det\left({printer._print(self.args[0])}\right)"


class TraceSolve(sp.Function):
    """tr(A^-1 B) for symmetric positive definite A and B."""

    is_real = True

    def _latex(self, printer):
        a, b = (printer._print(m) for m in self.args)
        return rf"\operatorname{{tr}}\left(\left({a}\right)^{{-1}} {b}\right)"


class Quadratic(sp.Function):
    """v^T A^-1 v for a vector v and a symmetric positive definite A."""

    is_real = True

    def _latex(self, printer):
        v, a = (printer._print(m) for m in self.args)
        return rf"{v}^{{T}} \left({a}\right)^{{-1}} {v}"


ATOMS = (LogDet, TraceSolve, Quadratic)


def atoms(expr):
    """The atoms of ``expr``, in a deterministic order."""
    return sorted(expr.atoms(*ATOMS), key=sp.default_sort_key)


def collected(expr, functions=()):
    """``expr`` as a sum of atoms, and of the values of ``functions`` (e.g. special functions), with factored
    coefficients (plus a factored remainder): one term per atom or value."""
    found = atoms(expr) + sorted(expr.atoms(*functions), key=sp.default_sort_key) if functions else atoms(expr)
    placeholders = {atom: sp.Dummy(f"atom{n}") for n, atom in enumerate(found)}
    flat = sp.expand(expr.xreplace(placeholders))
    terms = sp.collect(flat, list(placeholders.values()), evaluate=False)
    back = {v: k for k, v in placeholders.items()}
    return sp.Add(*(sp.factor(c) * back.get(p, p) for p, c in terms.items()))


def matrices(expr):
    """The SPD matrices (symbols or combinations) the atoms of ``expr`` factorise, in a deterministic order."""
    found = set()
    for atom in atoms(expr):
        found |= {atom.args[0]} if isinstance(atom, LogDet) else set(atom.args) if isinstance(atom, TraceSolve) \
            else {atom.args[1]}
    return sorted(found, key=sp.default_sort_key)


def combination(matrix):
    """A matrix symbol or linear combination of them as ((symbol, coefficient), ...), ordered by symbol name."""
    terms = {}
    for term in sp.Add.make_args(matrix):
        scalars = [a for a in sp.Mul.make_args(term) if not a.is_Matrix] if isinstance(term, sp.MatMul) else []
        symbols = [a for a in term.args if a.is_Matrix] if isinstance(term, sp.MatMul) else [term]
        if len(symbols) != 1 or not isinstance(symbols[0], sp.MatrixSymbol):
            raise ValueError(f"not a linear combination of matrix symbols: {matrix}")
        terms[symbols[0]] = terms.get(symbols[0], sp.S.Zero) + sp.Mul(*scalars)
    return tuple(sorted(terms.items(), key=lambda item: item[0].name))


def entries(symbol, d):
    """The explicit d x d (or d-vector) of a matrix symbol's entries, an IndexedBase of its name: symmetric
    matrices read their lower triangle, so the kernels use exactly the entries a Cholesky factorisation reads."""
    base = sp.IndexedBase(symbol.name, real=True)
    if symbol.shape[1] == 1:
        return sp.Matrix(d, 1, lambda i, _: base[i])
    return sp.Matrix(d, d, lambda i, j: base[max(i, j), min(i, j)])


def explicit(expr, d, values=None):
    """``expr`` with every atom evaluated on explicit d x d matrices by exact determinants and inverses.

    ``values`` maps matrix symbols to explicit matrices (default: their symbolic entries, ``entries``) and the
    dimension symbol is set to d.
    """
    values = dict(values or {})

    def concrete(matrix):
        return sum((c * (values.get(s) if s in values else entries(s, d)) for s, c in combination(matrix)),
                   sp.zeros(d, d))

    def vector(v):
        return values.get(v) if v in values else entries(v, d)

    replaced = expr.replace(lambda e: isinstance(e, LogDet), lambda e: sp.log(concrete(e.args[0]).det()))
    replaced = replaced.replace(lambda e: isinstance(e, TraceSolve),
                                lambda e: (concrete(e.args[0]).inv() * concrete(e.args[1])).trace())
    replaced = replaced.replace(lambda e: isinstance(e, Quadratic),
                                lambda e: (vector(e.args[0]).T * concrete(e.args[1]).inv() * vector(e.args[0]))[0, 0])
    return replaced.subs(dimension, d)


def unrolled(expr, d, vectors=None):
    """Straight-line evaluation of ``expr`` at dimension d through Cholesky factors of its matrices.

    Returns (steps, scalar): ``steps`` are, in order, ("let", symbol, value) assignments and ("pivot", symbol, value)
    factorisation pivots, which must be > 0 (else the matrix is not positive definite) and whose square root is the
    symbol; ``scalar`` is ``expr`` in those symbols. ``vectors`` maps vector symbols to explicit entries (default:
    ``entries``).
    """
    steps, factors = [], {}
    vectors = dict(vectors or {})
    for n, matrix in enumerate(matrices(expr)):
        values = sum((c * entries(s, d) for s, c in combination(matrix)), sp.zeros(d, d))
        factors[matrix] = _cholesky(values, f"_l{n}_", steps)
    replacements = {}
    for n, atom in enumerate(atoms(expr)):
        if isinstance(atom, LogDet):
            value = 2 * sp.log(sp.Mul(*(factors[atom.args[0]][j, j] for j in range(d))))
        elif isinstance(atom, TraceSolve):
            solved = _forward(factors[atom.args[0]], factors[atom.args[1]], f"_w{n}_", steps)
            value = sum(w * w for w in solved if w != 0)
        else:
            v = vectors.get(atom.args[0], entries(atom.args[0], d))
            value = sum(w * w for w in _forward(factors[atom.args[1]], v, f"_w{n}_", steps))
        replacements[atom] = value
    scalar = expr.xreplace(replacements)
    return steps, scalar.subs(dimension, d)


def _cholesky(a, prefix, steps):
    """Lower-triangular L with L L^T = a, as symbols assigned in ``steps`` (pivots checked by the kernel)."""
    d = a.shape[0]
    factor = sp.zeros(d, d)
    for j in range(d):
        diagonal = sp.Symbol(f"{prefix}{j}{j}")
        steps.append(("pivot", diagonal, a[j, j] - sum(factor[j, k] ** 2 for k in range(j))))
        factor[j, j] = diagonal
        for i in range(j + 1, d):
            entry = sp.Symbol(f"{prefix}{i}{j}")
            steps.append(("let", entry, (a[i, j] - sum(factor[i, k] * factor[j, k] for k in range(j))) / diagonal))
            factor[i, j] = entry
    return factor


def _forward(factor, b, prefix, steps):
    """The entries of L^-1 b by forward substitution (zeros of a lower-triangular b stay zeros, unassigned)."""
    d, columns = factor.shape[0], b.shape[1]
    solved = sp.zeros(d, columns)
    for c in range(columns):
        for i in range(d):
            value = b[i, c] - sum(factor[i, k] * solved[k, c] for k in range(i))
            if value == 0:
                continue
            symbol = sp.Symbol(f"{prefix}{i}{c}")
            steps.append(("let", symbol, value / factor[i, i]))
            solved[i, c] = symbol
    return list(solved)


# -- the relative spectrum: divergences between nearly identical laws --------------------------------------------------
# The laws of mvnormal and wishart form families closed under x -> A x (A invertible): a divergence between two of
# them is invariant under it. Whitening by the first law's matrix (cov1 -> I) and rotating onto the eigenvectors of
# cov1^-1 cov2 (cov2 -> diag(lambda)) leaves diagonal matrices, on which every atom is a sum over the d eigenvalues.
eigenvalue_log = sp.Symbol("u", real=True)  # u = log lambda, lambda an eigenvalue of cov1^-1 cov2
whitened_gap = sp.Symbol("y", real=True)  # the gap's coordinate on that eigenvector, cov1 whitened to I


class Spectral(NamedTuple):
    """expr = scalar + sum over the d eigenvalues of per_eigenvalue (in ``eigenvalue_log`` and ``whitened_gap``):
    ``first`` is the matrix whitened, ``second`` the other, ``gap`` the vector whose coordinates are whitened (or
    None); ``scalar`` holds what no matrix enters (degrees of freedom)."""
    first: sp.MatrixSymbol
    second: sp.MatrixSymbol
    gap: sp.MatrixSymbol | None
    scalar: sp.Expr
    per_eigenvalue: sp.Expr


def spectral(expr, first, second, gap=None):
    """``expr`` (linear in the atoms and in d) as a Spectral: with first = I and second = diag(e^u),
    log det(c1 first + c2 second) -> sum log(c1 + c2 e^u) (+ log det first, which must cancel: the divergence is
    invariant), tr(A^-1 B) -> sum b / a, v^T A^-1 v -> sum y^2 / a, d -> sum 1. Raises ValueError otherwise."""
    lam = sp.exp(eigenvalue_log)

    def weight(matrix):  # the eigenvalue of c1 first + c2 second: c1 + c2 lambda
        terms = dict(combination(matrix))
        if set(terms) - {first, second}:
            raise ValueError(f"not a combination of {first} and {second}: {matrix}")
        return terms.get(first, sp.S.Zero) + terms.get(second, sp.S.Zero) * lam

    scalar, per_eigenvalue = sp.S.Zero, sp.S.Zero
    placeholders = {atom: sp.Dummy(f"atom{n}") for n, atom in enumerate(atoms(expr))}
    back = {v: k for k, v in placeholders.items()}
    for term in sp.Add.make_args(sp.expand(expr.xreplace(placeholders))):  # the atoms' arguments not expanded
        term = term.xreplace(back)
        found = atoms(term)
        if len(found) > 1:
            raise ValueError(f"not linear in the atoms: {term}")
        if found:
            atom, = found
            coefficient = sp.cancel(term / atom)
            if coefficient.has(*ATOMS, dimension):
                raise ValueError(f"not linear in the atoms: {term}")
            if isinstance(atom, LogDet):
                per_eigenvalue += coefficient * sp.log(weight(atom.args[0]))
                scalar += coefficient * LogDet(first)
            elif isinstance(atom, TraceSolve):
                per_eigenvalue += coefficient * weight(atom.args[1]) / weight(atom.args[0])
            elif atom.args[0] == gap:
                per_eigenvalue += coefficient * whitened_gap**2 / weight(atom.args[1])
            else:
                raise ValueError(f"a quadratic form in a vector other than {gap}: {atom}")
        elif term.has(dimension) and term.as_independent(dimension, as_Add=False)[1] == dimension:
            per_eigenvalue += term / dimension
        else:
            scalar += term
    scalar = sp.expand(scalar)
    if scalar.has(LogDet):
        raise ValueError(f"not invariant under congruence: {scalar}")
    return Spectral(first, second, gap, scalar, stable_per_eigenvalue(per_eigenvalue))


def stable_per_eigenvalue(expr):
    """One eigenvalue's term without cancellation for lambda ~ 1: its y^2 part as one fraction (a sum of positive
    terms for the forms here), each log(c1 + c2 e^u) with c1 + c2 = 1 as SkewLogGap(c2, u) + c2 u or, the same,
    SkewLogGap(c1, -u) + c2 u (whichever weight is simpler), and the remaining
    exponentials as Expm1mx (derive.tidy.exp_gaps) plus what stays linear in u."""
    u = eigenvalue_log
    parts = sp.collect(sp.expand(expr), whitened_gap**2, evaluate=False)
    quadratic = sp.factor(sp.together(sp.powsimp(parts.pop(whitened_gap**2, sp.S.Zero))))
    rest = sp.Add(*parts.values()) if parts else sp.S.Zero
    if rest.has(whitened_gap):
        raise ValueError(f"not quadratic in the whitened gap: {expr}")

    def skew_gap(e):
        a = sp.expand(e.args[0])
        c2 = a.coeff(sp.exp(u))
        if sp.expand(a - c2 * sp.exp(u)).has(u) or sp.simplify(a.subs(u, 0) - 1) != 0:  # c1 + c2 e^u, c1 + c2 = 1
            raise ValueError(f"not log(1 - w + w e^u): {e}")
        if sp.count_ops(1 - c2) < sp.count_ops(c2):  # weight 1 - alpha: 1 - (1 - alpha) would lose a tiny alpha
            return SkewLogGap(sp.factor(1 - c2), -u) + c2 * u  # log(c1 + c2 e^u) = u + log(c2 + c1 e^-u)
        return SkewLogGap(sp.factor(c2), u) + c2 * u
    rest = sp.expand(rest.replace(lambda e: isinstance(e, sp.log) and e.args[0].has(u), skew_gap))
    gaps = sp.collect(sp.expand(exp_gaps(rest, u, linear=True)), sorted(
        rest.atoms(SkewLogGap) | {Expm1mx(k * u) for k in (-1, 1)}, key=sp.default_sort_key) + [u], evaluate=False)
    return sp.Add(*(sp.factor(c) * g for g, c in gaps.items())) + quadratic * whitened_gap**2
