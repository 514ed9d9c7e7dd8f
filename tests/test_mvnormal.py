"""mjsd.mvnormal and mjsd.diagnormal against independent references.

* 50-digit mpmath evaluations of the definitions (explicit inverses and determinants, the geometric mixture's mean and
  covariance, weighted KL divergences), d <= 4, including covariances with condition numbers up to 1e10;
* d = 1 against mjsd.normal, diagonal covariances against mjsd.diagnormal (univariate closed forms summed);
* d = 2 against scipy cubature of the densities (the geometric mixture normalised numerically);
* d up to 16 against Monte Carlo (the mixture's normaliser estimated from draws), within 5 standard errors;
* the d = 2, 3 straight-line kernels against the any-d loop kernels; identical laws, batches, out=, errors.
"""
import warnings

import mpmath as mp
import numpy as np
import pytest
from scipy import integrate

from mjsd import diagnormal, mvnormal, normal

SKEWED = ("jsd_geometric", "jsd_geometric_dual", "bhattacharyya", "jsd_geometric_deasy")
NAMES = ("kl", "jeffreys") + SKEWED
ALPHAS = (1e-6, 0.1, 0.5, 0.9, 1 - 1e-6)


def call(module, name, a, b, alpha):
    return getattr(module, name)(*a, *b, alpha) if name in SKEWED else getattr(module, name)(*a, *b)


def spd(rng, d, condition=None):
    """A random SPD matrix; with ``condition``, eigenvalues spread log-uniformly from 1 to ``condition``."""
    if condition is None:
        a = rng.normal(size=(d, d))
        return a @ a.T + 0.3 * np.eye(d)
    q, _ = np.linalg.qr(rng.normal(size=(d, d)))
    eigenvalues = np.geomspace(1.0, condition, d) * rng.uniform(0.5, 2.0)
    matrix = (q * eigenvalues) @ q.T
    return (matrix + matrix.T) / 2


def law(rng, d, condition=None, spread=1.0):
    return rng.normal(scale=spread, size=d), spd(rng, d, condition)


# -- the definitions in 50-digit arithmetic ---------------------------------------------------------------------------
def mp_kl(a, b):
    """KL(N_a : N_b) = (tr(C_b^-1 C_a) - d + (m_a - m_b)^T C_b^-1 (m_a - m_b) + log det C_b - log det C_a) / 2."""
    (ma, ca), (mb, cb) = a, b
    inverse = mp.inverse(cb)
    gap = ma - mb
    quadratic = (gap.T * inverse * gap)[0, 0]
    trace = sum((inverse * ca)[i, i] for i in range(ca.rows))
    return (trace - ca.rows + quadratic + mp.log(mp.det(cb)) - mp.log(mp.det(ca))) / 2


def mp_mixture(a, b, beta):
    """The normalised geometric mixture N_a^(1 - beta) N_b^beta: precisions and precision-weighted means interpolate."""
    (ma, ca), (mb, cb) = a, b
    precision = (1 - beta) * mp.inverse(ca) + beta * mp.inverse(cb)
    cov = mp.inverse(precision)
    return cov * ((1 - beta) * mp.inverse(ca) * ma + beta * mp.inverse(cb) * mb), cov


def mp_definitions(a, b, alpha):
    alpha = mp.mpf(alpha)
    g, swapped = mp_mixture(a, b, alpha), mp_mixture(a, b, 1 - alpha)
    return {"kl": mp_kl(a, b), "jeffreys": mp_kl(a, b) + mp_kl(b, a),
            "jsd_geometric": (1 - alpha) * mp_kl(a, g) + alpha * mp_kl(b, g),
            "jsd_geometric_dual": (1 - alpha) * mp_kl(g, a) + alpha * mp_kl(g, b),
            # -log integral N_a^(1 - alpha) N_b^alpha, from the three normalisers (Gaussian integral)
            "bhattacharyya": _mp_log_normaliser(a, b, alpha),
            "jsd_geometric_deasy": (1 - alpha) * mp_kl(a, swapped) + alpha * mp_kl(b, swapped)}


def _mp_log_normaliser(a, b, alpha):
    """-log integral p_a^(1 - alpha) p_b^alpha, each p = exp(-(x - m)^T C^-1 (x - m)/2) / sqrt(det(2 pi C)):
    completing the square, the integral is exp(-c / 2) sqrt(det(2 pi C_alpha)) / (det(2 pi C_a)^((1 - alpha)/2)
    det(2 pi C_b)^(alpha/2)) with c the constant left over."""
    (ma, ca), (mb, cb) = a, b
    m, c = mp_mixture(a, b, alpha)
    pa, pb, p = mp.inverse(ca), mp.inverse(cb), mp.inverse(c)
    constant = ((1 - alpha) * (ma.T * pa * ma)[0, 0] + alpha * (mb.T * pb * mb)[0, 0] - (m.T * p * m)[0, 0])
    log_integral = (-constant / 2 + mp.log(mp.det(c)) / 2 - (1 - alpha) * mp.log(mp.det(ca)) / 2
                    - alpha * mp.log(mp.det(cb)) / 2)
    return -log_integral


def to_mp(pair):
    loc, cov = pair
    return mp.matrix(loc.tolist()), mp.matrix(cov.tolist())


@pytest.mark.parametrize("d", [1, 2, 3, 4])
@pytest.mark.parametrize("condition", [None, 1e4, 1e10], ids=["random", "cond1e4", "cond1e10"])
def test_against_50_digit_definitions(d, condition):
    rng = np.random.default_rng(100 * d + (0 if condition is None else int(np.log10(condition))))
    mp.mp.dps = 50
    # Cholesky is backward stable: the relative error is bounded by (a modest multiple of) condition * eps, which
    # the 1e10 matrices reach (measured worst 3.6e-7 there). At the extreme skews alpha = 1e-6 and 1 - 1e-6 the skew
    # divergences are O(alpha) differences of O(1) log-determinants: the kernels then take the spectral form (they
    # lost up to 2.4e-9 before it existed), unless the eigenvalues of cov1^-1 cov2 spread wider than
    # X
    conditioned = 1e-12 if condition is None else 1e-15 * condition
    for _ in range(3):
        a, b = law(rng, d, condition), law(rng, d, condition)
        for alpha in ALPHAS:
            reference = mp_definitions(to_mp(a), to_mp(b), alpha)
            wide = condition is not None and (alpha < 0.01 or alpha > 0.99)
            for name in NAMES:
                value, exact = call(mvnormal, name, a, b, alpha), float(reference[name])
                tolerance = max(conditioned, 1e-12 * condition if wide else 0)
                assert abs(value - exact) <= tolerance * abs(exact), (name, d, condition, alpha, value, exact)


@pytest.mark.parametrize("d", [2, 3, 5])  # d = 2, 3: the straight-line kernels' dispatch; 5: the loop kernels'
@pytest.mark.parametrize("epsilon", [1e-10, 1e-7, 1e-4])
def test_nearly_identical_laws_against_50_digit_definitions(d, epsilon):
    """Divergences of order epsilon^2 (1e-20 .. 1e-8), whose atoms cancel to the last digit: the spectral form keeps
    1e-12 (the atom form alone gave relative errors up to 3e4 here)."""
    rng = np.random.default_rng(int(10 * d - np.log10(epsilon)))
    mp.mp.dps = 50
    for condition in (None, 1e3):
        loc, cov = law(rng, d, condition)
        perturbation = rng.normal(size=(d, d))
        nearby = (loc + epsilon * rng.normal(size=d) * np.sqrt(np.diag(cov)),
                  cov + epsilon * (perturbation + perturbation.T) / 2 * np.sqrt(np.outer(np.diag(cov), np.diag(cov))))
        for alpha in (1e-6, 0.3, 1 - 1e-6):
            reference = mp_definitions(to_mp((loc, cov)), to_mp(nearby), alpha)
            for name in NAMES:
                value, exact = call(mvnormal, name, (loc, cov), nearby, alpha), float(reference[name])
                assert abs(value - exact) <= 1e-12 * abs(exact), (name, d, condition, alpha, value, exact)


@pytest.mark.parametrize("name", NAMES)
def test_dimension_one_equals_the_univariate_normal(name):
    rng = np.random.default_rng(1)
    for _ in range(20):
        m1, m2, s1, s2 = rng.normal(), rng.normal(scale=3), rng.uniform(0.1, 3), rng.uniform(0.1, 3)
        alpha = rng.uniform()
        value = call(mvnormal, name, ([m1], [[s1 * s1]]), ([m2], [[s2 * s2]]), alpha)
        if name == "jsd_geometric_deasy":  # mjsd.normal has no such function: built from its KL kernel
            reference = _deasy_univariate(m1, s1, m2, s2, alpha)
        else:
            reference = call(normal, name, (m1, s1), (m2, s2), alpha)
        assert value == pytest.approx(reference, rel=1e-12, abs=1e-15)


def _deasy_univariate(m1, s1, m2, s2, alpha):
    """(1 - alpha) KL(p : g) + alpha KL(q : g), g = p^alpha q^(1 - alpha) / Z: a normal with precision
    alpha / s1^2 + (1 - alpha) / s2^2, from normal.kl (a different kernel)."""
    precision = alpha / s1**2 + (1 - alpha) / s2**2
    mean = (alpha * m1 / s1**2 + (1 - alpha) * m2 / s2**2) / precision
    scale = precision ** -0.5
    return (1 - alpha) * normal.kl(m1, s1, mean, scale) + alpha * normal.kl(m2, s2, mean, scale)


@pytest.mark.parametrize("name", NAMES)
def test_diagonal_covariances_equal_diagnormal(name):
    rng = np.random.default_rng(2)
    for d in (1, 2, 3, 7):
        m1, m2 = rng.normal(size=d), rng.normal(size=d)
        s1, s2 = rng.uniform(0.2, 3, size=d), rng.uniform(0.2, 3, size=d)
        alpha = rng.uniform()
        full = call(mvnormal, name, (m1, np.diag(s1**2)), (m2, np.diag(s2**2)), alpha)
        assert call(diagnormal, name, (m1, s1), (m2, s2), alpha) == pytest.approx(full, rel=1e-12)


# -- cubature of the definitions at d = 2 -------------------------------------------------------------------------------
def _log_density(pair):
    """The bivariate normal log-density as a function of (x, y), its precision and normaliser computed once."""
    (m0, m1), cov = pair
    (p00, p01), (_, p11) = np.linalg.inv(cov)
    constant = -0.5 * np.log(np.linalg.det(2 * np.pi * cov))
    return lambda x, y: constant - 0.5 * (p00 * (x - m0) ** 2 + 2 * p01 * (x - m0) * (y - m1) + p11 * (y - m1) ** 2)


def _cubature(f, box):
    (x0, x1), (y0, y1) = box
    value, _ = integrate.dblquad(lambda y, x: f(x, y), x0, x1, y0, y1, epsabs=1e-11, epsrel=1e-9)
    return value


def test_d2_against_cubature_of_the_definitions():
    a = (np.array([0.3, -0.2]), np.array([[1.0, 0.4], [0.4, 0.7]]))
    b = (np.array([1.1, 0.5]), np.array([[0.6, -0.2], [-0.2, 1.3]]))
    alpha = 0.3
    box = ((-9.0, 10.0), (-9.0, 10.0))
    log_p, log_q = _log_density(a), _log_density(b)

    def mixture(beta):
        """The log-density of p^(1 - beta) q^beta normalised by cubature."""
        log_z = np.log(_cubature(lambda x, y: np.exp((1 - beta) * log_p(x, y) + beta * log_q(x, y)), box))
        return (lambda x, y: (1 - beta) * log_p(x, y) + beta * log_q(x, y) - log_z), log_z

    def kl(log_f, log_h):
        return _cubature(lambda x, y: np.exp(log_f(x, y)) * (log_f(x, y) - log_h(x, y)), box)

    (log_g, log_z), (log_swapped, _) = mixture(alpha), mixture(1 - alpha)
    references = {"kl": kl(log_p, log_q), "jeffreys": kl(log_p, log_q) + kl(log_q, log_p), "bhattacharyya": -log_z,
                  "jsd_geometric": (1 - alpha) * kl(log_p, log_g) + alpha * kl(log_q, log_g),
                  "jsd_geometric_dual": (1 - alpha) * kl(log_g, log_p) + alpha * kl(log_g, log_q),
                  "jsd_geometric_deasy": (1 - alpha) * kl(log_p, log_swapped) + alpha * kl(log_q, log_swapped)}
    for name, reference in references.items():
        assert call(mvnormal, name, a, b, alpha) == pytest.approx(reference, rel=1e-7), name


# -- Monte Carlo of the definitions up to d = 16 ------------------------------------------------------------------------
def _log_densities(points, pair):
    loc, cov = pair
    factor = np.linalg.cholesky(cov)
    solved = np.linalg.solve(factor, (points - loc).T)
    return -0.5 * (solved**2).sum(axis=0) - np.log(np.diag(factor)).sum() - 0.5 * len(loc) * np.log(2 * np.pi)


@pytest.mark.parametrize("d", [4, 8, 16])
def test_against_monte_carlo(d):
    """Each definition as expectations over draws of both laws. With log g = (1 - a) log p + a log q - log Z,
    log p - log g = a (log p - log q) + log Z (and likewise for q), so JS^G is a combination of the means of the log
    ratios under p and q plus log Z, with Z = E_p[(q/p)^a] estimated from the same draws (not from the closed form
    of the mixture)."""
    rng = np.random.default_rng(d)
    a = (rng.normal(scale=0.3, size=d), np.eye(d) + 0.1 * spd(rng, d) / d)
    b = (rng.normal(scale=0.3, size=d), np.eye(d) + 0.1 * spd(rng, d) / d)
    alpha, n = 0.3, 200_000
    xs, ys = rng.multivariate_normal(*a, size=n), rng.multivariate_normal(*b, size=n)
    forward = _log_densities(xs, a) - _log_densities(xs, b)  # log p/q under p
    backward = _log_densities(ys, b) - _log_densities(ys, a)  # log q/p under q

    def mean(samples):
        return samples.mean(), samples.std() / np.sqrt(n)

    (kl_pq, e_pq), (kl_qp, e_qp) = mean(forward), mean(backward)
    (z, e_z), (z_swapped, e_swapped) = mean(np.exp(-alpha * forward)), mean(np.exp(-(1 - alpha) * forward))
    w = alpha * (1 - alpha)
    checks = {"kl": (kl_pq, e_pq), "bhattacharyya": (-np.log(z), e_z / z),
              "jsd_geometric": (w * (kl_pq + kl_qp) + np.log(z), np.hypot(w * np.hypot(e_pq, e_qp), e_z / z)),
              "jsd_geometric_deasy": ((1 - alpha) ** 2 * kl_pq + alpha**2 * kl_qp + np.log(z_swapped),
                                      np.hypot(np.hypot((1 - alpha) ** 2 * e_pq, alpha**2 * e_qp),
                                               e_swapped / z_swapped))}
    for name, (estimate, error) in checks.items():
        value = call(mvnormal, name, a, b, alpha)
        assert abs(value - estimate) <= 5 * error, (name, d, value, estimate, error)


# -- the unrolled kernels, identical laws, batches, errors --------------------------------------------------------------
@pytest.mark.parametrize("name", [n for n in NAMES if n != "bhattacharyya"])  # its kernels are the dual's
def test_unrolled_kernels_equal_the_loop_kernels(name):
    rng = np.random.default_rng(3)
    for d in (2, 3):
        for _ in range(10):
            (m1, c1), (m2, c2) = law(rng, d), law(rng, d)
            args = (m1, c1, m2, c2) + ((0.3,) if name in SKEWED else ())
            unrolled = getattr(mvnormal, f"_{name}_d{d}")(*args)
            loops = getattr(mvnormal, f"_{name}_any")(*args)
            assert unrolled == pytest.approx(loops, rel=1e-13, abs=1e-15)


@pytest.mark.parametrize("name", NAMES)
def test_identical_laws_give_exactly_zero_and_nothing_is_negative(name):
    rng = np.random.default_rng(4)
    for d in (1, 2, 3, 5):
        loc, cov = law(rng, d, 1e6)
        for alpha in ALPHAS:
            assert call(mvnormal, name, (loc, cov), (loc.copy(), cov.copy()), alpha) == 0.0
            assert call(diagnormal, name, (loc, np.sqrt(np.diag(cov))), (loc, np.sqrt(np.diag(cov))), alpha) == 0.0
            nearby = (loc * (1 + 1e-15), cov * (1 + 1e-15))
            assert call(mvnormal, name, (loc, cov), nearby, alpha) >= 0.0


def test_batches_broadcast_and_equal_scalar_calls():
    rng = np.random.default_rng(5)
    locs = rng.normal(size=(4, 1, 3))
    covs = np.stack([spd(rng, 3) for _ in range(4)])[:, None]  # (4, 1, 3, 3)
    other_locs, other_covs = rng.normal(size=(5, 3)), np.stack([spd(rng, 3) for _ in range(5)])  # (5, 3), (5, 3, 3)
    alphas = rng.uniform(size=(4, 5))
    values = mvnormal.jsd_geometric(locs, covs, other_locs, other_covs, alphas)
    assert values.shape == (4, 5)
    for i in range(4):
        for j in range(5):
            assert values[i, j] == mvnormal.jsd_geometric(locs[i, 0], covs[i, 0], other_locs[j], other_covs[j],
                                                          alphas[i, j])
    out = np.empty((4, 5))
    assert mvnormal.jsd_geometric(locs, covs, other_locs, other_covs, alphas, out=out) is out
    np.testing.assert_array_equal(out, values)
    assert type(mvnormal.kl([0.0, 1.0], np.eye(2), [1.0, 0.0], np.eye(2))) is float


def test_errors_name_the_argument_and_the_constraint():
    good = np.eye(2)
    batch = np.stack([good, np.array([[1.0, 2.0], [2.0, 1.0]]), good])
    with pytest.raises(ValueError, match=r"cov2 must be symmetric positive definite: the matrix at batch index \(1,\)"):
        mvnormal.kl(np.zeros(2), good, np.zeros(2), batch)
    with pytest.raises(ValueError, match=r"cov1 must be symmetric positive definite: .*not symmetric"):
        mvnormal.jsd_geometric(np.zeros(2), np.array([[1.0, 0.5], [0.4, 1.0]]), np.zeros(2), good)
    with pytest.raises(ValueError, match=r"loc1 \(3,\) and cov1 \(2, 2\).*disagree on the dimension d"):
        mvnormal.kl(np.zeros(3), good, np.zeros(2), good)
    with pytest.raises(ValueError, match=r"cov1 must be an array of square matrices"):
        mvnormal.kl(np.zeros(2), np.ones((2, 3)), np.zeros(2), good)
    with pytest.raises(ValueError, match=r"cov1 entries must be finite"):
        mvnormal.kl(np.zeros(2), np.array([[1.0, np.nan], [np.nan, 1.0]]), np.zeros(2), good)
    with pytest.raises(ValueError, match=r"loc2 entries must be finite"):
        mvnormal.kl(np.zeros(2), good, [0.0, np.inf], good)
    with pytest.raises(ValueError, match=r"alpha must lie in \[0, 1\]"):
        mvnormal.bhattacharyya(np.zeros(2), good, np.zeros(2), good, 1.5)
    with pytest.raises(ValueError, match=r"cov1 must be symmetric positive definite: the matrix is not"):
        mvnormal.kl(np.zeros(5), -np.eye(5), np.zeros(5), np.eye(5))  # the loop kernel (d > 3) reports it too
    with pytest.raises(ValueError, match=r"scale1 entries must be finite and > 0"):
        diagnormal.kl(np.zeros(2), [1.0, 0.0], np.zeros(2), [1.0, 1.0])
    with pytest.raises(ValueError, match=r"rows of the same length"):
        diagnormal.kl(np.zeros(2), [1.0, 1.0, 1.0], np.zeros(2), [1.0, 1.0])


@pytest.mark.parametrize("name", ["jsd_geometric", "jsd_geometric_deasy", "jsd_geometric_value_and_grad"])
@pytest.mark.parametrize("which", ["loc1", "loc2"])
def test_an_overflowing_location_is_blamed_not_the_covariances(name, which):
    """A location entry of 1e300 (valid) squares past float64 inside the formula: the error names that location
    (it used to say that cov1 and cov2 were too close to singular)."""
    cov1, cov2 = np.array([[2.0, 0.3], [0.3, 1.5]]), np.array([[1.0, -0.2], [-0.2, 2.0]])
    locs = {"loc1": np.array([0.1, -0.2]), "loc2": np.array([0.0, 0.5])}
    locs[which] = np.array([[0.1, -0.2], [0.0, -1e300]])  # a batch of two: the second pair overflows
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        with pytest.raises(ValueError, match=rf"^{which} = -1e\+300 at index \(1, 1\) .*overflows"):
            getattr(mvnormal, name)(locs["loc1"], cov1, locs["loc2"], cov2, 0.3)


@pytest.mark.parametrize("name", ["kl", "jsd_geometric", "bhattacharyya_value_and_grad"])
def test_an_inf_covariance_entry_raises_without_runtime_warnings(name):
    """The kernel factorises the matrix before rejecting it; its floating-point flags must not escape as warnings."""
    cov = np.array([[np.inf, 0.3], [0.3, 1.5]])
    args = (np.zeros(2), cov, np.ones(2), np.eye(2)) + ((0.3,) if "kl" not in name else ())
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(ValueError, match="cov1 entries must be finite"):
            getattr(mvnormal, name)(*args)
