"""The spectral form of the multivariate kernels (derive.matrices.spectral, runtime mjsd._linalg.relative_spectrum).

* mjsd._linalg.jacobi against numpy's LAPACK eigh, and its eigenvectors against their definition;
* relative_spectrum against 50-digit mpmath eigenvalues of the whitened difference L1^-1 (cov2 - cov1) L1^-T, and
  its whitened gap coordinates against the quadratic forms they must reproduce;
* derive.matrices.spectral: each family's spectral form summed over 40-digit eigenvalues equals the atom form
  evaluated by exact determinants and inverses (derive.matrices.explicit), for every kernel of mvnormal and wishart.

The kernels' accuracy on nearly identical laws, against the definitions, is in test_mvnormal.py and test_wishart.py.
"""
import mpmath as mp
import numpy as np
import pytest
import sympy as sp

from derive.families import mvnormal, wishart
from derive.matrices import eigenvalue_log, explicit, whitened_gap
from derive.special import plain
from mjsd import _linalg


def symmetric(rng, d, spread=1.0):
    a = rng.normal(size=(d, d)) * spread
    return (a + a.T) / 2


def spd(rng, d):
    a = rng.normal(size=(d, d))
    return a @ a.T + 0.5 * np.eye(d)


def clustered(rng, d):
    """A symmetric matrix with a repeated and a nearly repeated eigenvalue: Jacobi's hard case for the vectors."""
    q, _ = np.linalg.qr(rng.normal(size=(d, d)))
    values = np.array([1.0, 1.0, 1.0 + 1e-13] + list(rng.normal(size=d - 3)))
    matrix = (q * values) @ q.T
    return (matrix + matrix.T) / 2


@pytest.mark.parametrize("d", [1, 2, 3, 4, 7, 12])
@pytest.mark.parametrize("kind", ["random", "tiny", "huge", "diagonal", "clustered"])
def test_jacobi_eigenvalues_and_vectors(d, kind):
    rng = np.random.default_rng(d)
    a = {"random": lambda: symmetric(rng, d), "tiny": lambda: symmetric(rng, d, 1e-200),
         "huge": lambda: symmetric(rng, d, 1e150), "diagonal": lambda: np.diag(rng.normal(size=d)),
         "clustered": lambda: clustered(rng, max(d, 3))}[kind]()
    n = a.shape[0]
    work, vectors = a.copy(), np.empty((n, n))
    _linalg.jacobi(work, vectors)
    values = np.diag(work)
    scale = np.abs(np.linalg.eigvalsh(a)).max()
    assert np.allclose(np.sort(values), np.linalg.eigvalsh(a), rtol=0, atol=1e-14 * n * scale)
    assert np.allclose(vectors.T @ vectors, np.eye(n), rtol=0, atol=1e-14 * n)
    assert np.allclose(a @ vectors, vectors * values, rtol=0, atol=1e-14 * n * scale)


def mp_spectrum(cov1, cov2, gap):
    """50 digits: log lambda of L1^-1 (cov2 - cov1) L1^-T + I and y = Q^T L1^-1 gap, sorted by lambda."""
    with mp.workdps(50):
        whitening = mp.inverse(mp.cholesky(mp.matrix(cov1.tolist())))
        e = whitening * (mp.matrix(cov2.tolist()) - mp.matrix(cov1.tolist())) * whitening.T
        values, vectors = mp.eigsy((e + e.T) / 2)
        order = sorted(range(len(values)), key=lambda i: values[i])
        z = whitening * mp.matrix(gap.tolist())
        y = [(vectors[:, i].T * z)[0] for i in order]
        return [mp.log1p(values[i]) for i in order], y


def float_spectrum(cov1, cov2, gap):
    d = cov1.shape[0]
    logs, coordinates = np.empty(d), np.empty(d)
    ok = _linalg.relative_spectrum(cov1, cov2, gap, logs, coordinates, np.empty((4, d, d)))
    order = np.argsort(logs)
    return ok, logs[order], coordinates[order]


@pytest.mark.parametrize("d", [2, 3, 5])
@pytest.mark.parametrize("epsilon", [1e-12, 1e-8, 1e-4, 0.1, 3.0])
def test_relative_spectrum_against_50_digits(d, epsilon):
    rng = np.random.default_rng(int(d * 10 - np.log10(epsilon)))
    for _ in range(3):
        cov1 = spd(rng, d)
        cov2 = cov1 + epsilon * symmetric(rng, d) * np.sqrt(np.outer(np.diag(cov1), np.diag(cov1)))
        if np.linalg.eigvalsh(cov2).min() <= 0:
            continue
        gap = rng.normal(size=d)
        ok, logs, coordinates = float_spectrum(cov1, cov2, gap)
        assert ok
        reference, y = mp_spectrum(cov1, cov2, gap)
        spread = max(abs(float(u)) for u in reference)
        # eigenvalues are found to within ~eps ||E|| (Jacobi, as LAPACK): absolute in u, relative to the largest
        assert np.allclose(logs, [float(u) for u in reference], rtol=0, atol=1e-13 * max(spread, 1e-300) + 1e-300)
        # the coordinates' sign and, within a cluster, their basis are free: test the quadratic forms they give,
        # gap^T cov1^-1 gap = sum y^2 and gap^T cov2^-1 gap = sum y^2 / lambda
        with mp.workdps(50):
            g = mp.matrix(gap.tolist())
            for cov, weights in ((cov1, np.ones(d)), (cov2, np.exp(-logs))):
                exact = float((g.T * mp.inverse(mp.matrix(cov.tolist())) * g)[0])
                assert np.sum(weights * coordinates**2) == pytest.approx(exact, rel=1e-12)


def test_relative_spectrum_refuses_a_spectrum_too_wide_for_its_digits():
    cov1, gap = np.eye(2), np.zeros(2)
    rotation = np.array([[0.8, -0.6], [0.6, 0.8]])
    for values, accepted in (((1e-2, 1.0), True), ((1e-4, 1.0), False), ((5.0, 2e3), True), ((1.0, 1e6), False)):
        cov2 = rotation @ np.diag(values) @ rotation.T
        ok, logs, _ = float_spectrum(cov1, (cov2 + cov2.T) / 2, gap)
        assert ok == accepted, values
        if ok:
            assert np.allclose(logs, np.log(sorted(values)), rtol=1e-13)


# -- the derivation: spectral form == atom form ------------------------------------------------------------------------
def _matrix(values):
    return sp.Matrix([[sp.Float(v, 40) for v in row] for row in values])


PAIRS = {  # d = 2 and 3: one pair of unrelated laws, one nearly identical
    2: ([[2.0, 0.5], [0.5, 1.0]], [[1.5, -0.25], [-0.25, 0.75]], [0.5, -1.25]),
    3: ([[2.0, 0.5, 0.25], [0.5, 1.0, 0.0], [0.25, 0.0, 3.0]],
        [[2.0 + 1e-9, 0.5, 0.25 - 2e-9], [0.5, 1.0, 1e-9], [0.25 - 2e-9, 1e-9, 3.0]], [1e-5, 0.0, -2e-5]),
}


def spectral_value(form, first, second, gap, d, values):
    """scalar + sum over the 40-digit eigenvalues of the per-eigenvalue term."""
    with mp.workdps(40):
        first_mp, second_mp = (mp.matrix([[mp.mpf(v) for v in row] for row in m]) for m in (first, second))
        whitening = mp.inverse(mp.cholesky(first_mp))
        r = whitening * second_mp * whitening.T
        eigenvalues, vectors = mp.eigsy((r + r.T) / 2)
        z = whitening * mp.matrix([mp.mpf(v) for v in gap]) if gap is not None else None
        total = sp.N(plain(form.scalar.subs(values).subs(sp.Symbol("d", integer=True, positive=True), d).doit()), 40)
        for i in range(d):
            point = {eigenvalue_log: sp.Float(str(mp.log(eigenvalues[i])), 40), wishart.INDEX: i}
            if z is not None:
                point[whitened_gap] = sp.Float(str((vectors[:, i].T * z)[0]), 40)
            total += sp.N(plain(form.per_eigenvalue.subs(values)).subs(point), 40)
    return total


@pytest.mark.parametrize("d", [2, 3])
@pytest.mark.parametrize("name", list(mvnormal.spectral_forms()))
def test_mvnormal_spectral_form_is_the_atom_form(d, name):
    first, second, gap = PAIRS[d]
    values = {mvnormal.alpha: sp.Float("0.3", 40)}
    atom = explicit(mvnormal.closed_forms()[name], d, {mvnormal.cov1: _matrix(first), mvnormal.cov2: _matrix(second),
                                                        mvnormal.delta: sp.Matrix([sp.Float(g, 40) for g in gap])})
    expected = sp.N(atom.subs(values), 40)
    found = spectral_value(mvnormal.spectral_forms()[name], first, second, gap, d, values)
    assert abs(found - expected) <= sp.Float("1e-30") * abs(expected), (found, expected)


@pytest.mark.parametrize("d", [2, 3])
@pytest.mark.parametrize("split", ["spectral_forms", "gamma_split"])
@pytest.mark.parametrize("name", list(wishart.spectral_forms()))
def test_wishart_spectral_form_is_the_atom_form(d, split, name):
    """Both spectral forms: the lgamma gaps plus eigenvalue terms, and the kernels' sum of gamma divergences."""
    first, second, _ = PAIRS[d]
    atom = explicit(wishart.closed_forms()[name], d, {wishart.scale1: _matrix(first), wishart.scale2: _matrix(second)})
    form = getattr(wishart, split)()[name]
    for a, df1, df2 in (("0.3", "5.5", "6.25"), ("0.9", "2.5", "40.0")):  # Piecewise branches of both sides of alpha
        values = {wishart.alpha: sp.Float(a, 40), wishart.df1: sp.Float(df1, 40), wishart.df2: sp.Float(df2, 40)}
        expected = sp.N(sp.expand_func(atom.subs(values)), 40)  # log Gamma_d and psi_d as sums of lgamma and psi
        found = spectral_value(form, first, second, None, d, values)
        assert abs(found - expected) <= sp.Float("1e-30") * abs(expected), (found, expected)
