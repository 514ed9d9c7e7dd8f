"""mjsd.wishart against references that never use its closed forms.

* Monte Carlo of each divergence's definition, from scipy.stats.wishart draws (seeded), within 5 standard errors; the
  geometric mixture enters only through its normaliser Z = E_p1[(p2/p1)^alpha] = E_p2[(p1/p2)^(1 - alpha)],
  estimated from the same draws.
* Exact expectations of log-density ratios: log p_a - log p_b is affine in the statistics (X, log det X), so
  E_a[log p_a - log p_b] needs only scipy's logpdf at one point, E[X] (scipy's mean) and E[log det X], computed from
  the Bartlett decomposition (det X / det V is a product of independent chi-square variables with n, n - 1, ...,
  n - d + 1 degrees of freedom) by quadrature; the mixture's parameters come from explicit inverses.
* The mixture W(n_alpha, V_alpha) itself, pointwise: log p_alpha - (1 - alpha) log p1 - alpha log p2 is the constant
  -log Z = B_alpha (scipy's logpdf at random matrices).
* d = 1, where W(n, v) is the gamma law with shape n/2 and rate 1/(2v): mjsd.gamma, derived separately.
* The exponential-family identity JS^G + JS^G* = alpha (1 - alpha) Jeffreys, exact zeros, broadcasting, errors.
"""
import math

import mpmath
import numpy as np
import pytest
from scipy import integrate, special, stats

import mjsd
from mjsd import _special, wishart

NAMES = ("kl", "jeffreys", "jsd_geometric", "jsd_geometric_dual", "bhattacharyya")
SKEWED = ("jsd_geometric", "jsd_geometric_dual", "bhattacharyya")
DIMENSIONS = (1, 2, 3, 4)  # d = 2, 3 run the straight-line kernels, d = 1, 4 the loops
DRAWS = 40_000


def call(name, df1, scale1, df2, scale2, alpha):
    return getattr(wishart, name)(df1, scale1, df2, scale2, *((alpha,) if name in SKEWED else ()))


def spd(rng, d):
    a = rng.normal(size=(d, d))
    return a @ a.T / d + 0.4 * np.eye(d)


def case(d, seed=None, near=False):
    """Two Wishart laws of dimension d (degrees of freedom from just above d - 1 to d + 7) and a skew; ``near``: the
    second law a perturbation of the first (divergences below ~1, where Monte Carlo has small standard errors)."""
    rng = np.random.default_rng(1000 + d if seed is None else seed)
    if not near:
        return (d - 1 + rng.uniform(0.5, 8.0), spd(rng, d), d - 1 + rng.uniform(0.5, 8.0), spd(rng, d),
                rng.uniform(0.1, 0.9))
    df1, scale1 = d + 1 + rng.uniform(0.0, 5.0), spd(rng, d)
    shear = np.eye(d) + 0.35 * rng.normal(size=(d, d)) / math.sqrt(d)
    return df1, scale1, df1 + rng.uniform(-1.0, 2.0), shear @ scale1 @ shear.T, rng.uniform(0.1, 0.9)


def log_density(x, df, scale):
    """log W(x; df, scale) for a stack of matrices x (..., d, d), vectorised (scipy's logpdf loops in Python)."""
    d = scale.shape[-1]
    logdet_x = np.linalg.slogdet(x)[1]
    trace = np.einsum("ij,...ji->...", np.linalg.inv(scale), x)
    return ((df - d - 1) / 2 * logdet_x - trace / 2 - df * d / 2 * math.log(2) - df / 2 * np.linalg.slogdet(scale)[1]
            - special.multigammaln(df / 2, d))


def draws(df, scale, rng):
    x = stats.wishart(df, scale).rvs(DRAWS, random_state=rng)
    return x.reshape(DRAWS, *scale.shape)  # d = 1 gives (DRAWS,)


def mixture(df1, scale1, df2, scale2, alpha):
    """The geometric mixture's parameters by explicit inverses: n and V^-1 interpolate linearly."""
    precision = (1 - alpha) * np.linalg.inv(scale1) + alpha * np.linalg.inv(scale2)
    return (1 - alpha) * df1 + alpha * df2, np.linalg.inv(precision)


def expected_log_det(df, scale):
    """E[log det X], X ~ W(df, scale): log det V + sum_j E[log chi2_(df - j)], each by quadrature in log y."""
    total = np.linalg.slogdet(scale)[1]
    for j in range(scale.shape[0]):
        k = df - j

        def integrand(u):  # log y = u times the chi-square density of y = e^u, times dy/du = e^u (beyond
            # y = e^6 k the density is below e^-200 k)
            return u * math.exp(k / 2 * u - math.exp(u) / 2 - k / 2 * math.log(2) - math.lgamma(k / 2))

        mode = math.log(k)
        total += sum(integrate.quad(integrand, lo, hi, epsabs=1e-15, epsrel=1e-12, limit=200)[0]
                     for lo, hi in ((-np.inf, mode - 10), (mode - 10, mode), (mode, mode + 6)))
    return total


def kl_exact(df_a, scale_a, df_b, scale_b):
    """E_a[log p_a - log p_b]: the ratio is c + tr(M X) + k log det X; its value at X = I comes from scipy's logpdf."""
    d = scale_a.shape[0]
    eye = np.eye(d)
    at_eye = stats.wishart(df_a, scale_a).logpdf(eye) - stats.wishart(df_b, scale_b).logpdf(eye)
    m = -(np.linalg.inv(scale_a) - np.linalg.inv(scale_b)) / 2
    mean = np.atleast_2d(stats.wishart(df_a, scale_a).mean())
    return at_eye + np.trace(m @ (mean - eye)) + (df_a - df_b) / 2 * expected_log_det(df_a, scale_a)


def exact(df1, scale1, df2, scale2, alpha):
    df_m, scale_m = mixture(df1, scale1, df2, scale2, alpha)
    kl12, kl21 = kl_exact(df1, scale1, df2, scale2), kl_exact(df2, scale2, df1, scale1)
    return {"kl": kl12, "jeffreys": kl12 + kl21,
            "jsd_geometric": (1 - alpha) * kl_exact(df1, scale1, df_m, scale_m)
            + alpha * kl_exact(df2, scale2, df_m, scale_m),
            "jsd_geometric_dual": (1 - alpha) * kl_exact(df_m, scale_m, df1, scale1)
            + alpha * kl_exact(df_m, scale_m, df2, scale2)}


def monte_carlo(df1, scale1, df2, scale2, alpha, seed):
    """{name: (estimate, standard error)} from the definitions, with draws from each law."""
    rng = np.random.default_rng(seed)
    x1, x2 = draws(df1, scale1, rng), draws(df2, scale2, rng)
    if scale1.shape[0] == 1:
        x1, x2 = x1[:, None, None], x2[:, None, None]
    r1 = log_density(x1, df1, scale1) - log_density(x1, df2, scale2)  # log p1/p2 under p1
    r2 = log_density(x2, df2, scale2) - log_density(x2, df1, scale1)  # log p2/p1 under p2
    # Z = E_p1[(p2/p1)^alpha] = E_p2[(p1/p2)^(1 - alpha)]: the first for alpha <= 1/2, the second otherwise, so that
    # the weights' second moment, integral p1^(1 - 2 alpha) p2^(2 alpha) (or its mirror), interpolates the two laws
    # and is finite (an extrapolation can leave the family: infinite variance, meaningless standard errors)
    w1, w2 = (np.exp(-alpha * r1), 0 * r2) if alpha <= 0.5 else (0 * r1, np.exp(-(1 - alpha) * r2))
    z = (w1 if alpha <= 0.5 else w2).mean()

    def se(*samples):
        return math.sqrt(sum(s.var() for s in samples) / DRAWS)

    # JS^G = (1 - a) E_p1[log p1 - log g] + a E_p2[log p2 - log g], log g = (1 - a) log p1 + a log p2 - log Z;
    # log Z's error enters through its linearisation w / Z (delta method), on the same draws as r1 or r2
    jsd = alpha * (1 - alpha) * (r1.mean() + r2.mean()) + math.log(z)
    share = alpha * (1 - alpha)
    # JS^G* = (1 - a) E_g[log g - log p1] + a E_g[log g - log p2]: the integrand is -log Z at every point
    return {"kl": (r1.mean(), se(r1)), "jeffreys": (r1.mean() + r2.mean(), se(r1, r2)),
            "jsd_geometric": (jsd, se(share * r1 + w1 / z, share * r2 + w2 / z)),
            "jsd_geometric_dual": (-math.log(z), se(w1 / z, w2 / z)),
            "bhattacharyya": (-math.log(z), se(w1 / z, w2 / z))}


@pytest.mark.parametrize("d", DIMENSIONS, ids=lambda d: f"d{d}")
def test_log_density_is_scipys(d):
    df, scale, _, _, _ = case(d)
    x = stats.wishart(df, scale).rvs(5, random_state=np.random.default_rng(d)).reshape(5, d, d)
    reference = [stats.wishart(df, scale).logpdf(m if d > 1 else m[0, 0]) for m in x]
    np.testing.assert_allclose(log_density(x, df, scale), reference, rtol=1e-13, atol=1e-13)


@pytest.mark.parametrize("d", DIMENSIONS, ids=lambda d: f"d{d}")
def test_kernels_vs_monte_carlo_of_the_definitions(d):
    df1, scale1, df2, scale2, alpha = case(d, near=True)
    for name, (estimate, error) in monte_carlo(df1, scale1, df2, scale2, alpha, seed=d).items():
        value = call(name, df1, scale1, df2, scale2, alpha)
        assert abs(value - estimate) < 5 * error, (name, value, estimate, error)
        assert error < 0.03 * value, (name, error)  # the check has teeth


@pytest.mark.parametrize("d", DIMENSIONS, ids=lambda d: f"d{d}")
@pytest.mark.parametrize("seed", [1, 2, 3], ids=lambda s: f"seed{s}")
def test_kernels_vs_exact_expectations(d, seed):
    df1, scale1, df2, scale2, alpha = case(d, seed)
    for name, reference in exact(df1, scale1, df2, scale2, alpha).items():
        assert call(name, df1, scale1, df2, scale2, alpha) == pytest.approx(reference, rel=1e-10), name


@pytest.mark.parametrize("d", DIMENSIONS, ids=lambda d: f"d{d}")
def test_bhattacharyya_is_the_log_ratio_to_the_mixture_at_every_point(d):
    """p_alpha = p1^(1 - alpha) p2^alpha / Z, so log p_alpha - (1 - alpha) log p1 - alpha log p2 = -log Z = B."""
    df1, scale1, df2, scale2, alpha = case(d, seed=7)
    df_m, scale_m = mixture(df1, scale1, df2, scale2, alpha)
    x = stats.wishart(df1, scale1).rvs(4, random_state=np.random.default_rng(d)).reshape(4, d, d)
    for m in x:
        point = m if d > 1 else m[0, 0]
        log_ratio = (stats.wishart(df_m, scale_m).logpdf(point) - (1 - alpha) * stats.wishart(df1, scale1).logpdf(point)
                     - alpha * stats.wishart(df2, scale2).logpdf(point))
        assert wishart.bhattacharyya(df1, scale1, df2, scale2, alpha) == pytest.approx(log_ratio, rel=1e-11)


@pytest.mark.parametrize("name", NAMES)
def test_dimension_one_is_the_gamma_law(name):
    """W(n, v) on 1 x 1 matrices is the gamma law with shape n/2 and rate 1/(2v) (scipy: scale 2v)."""
    rng = np.random.default_rng(11)
    df1, df2 = rng.uniform(0.2, 12.0, (2, 20))
    v1, v2 = np.exp(rng.uniform(-2, 2, (2, 20)))
    alpha = rng.uniform(0.0, 1.0, 20)
    as_gamma = stats.gamma(df1[0] / 2, scale=2 * v1[0])
    assert stats.wishart(df1[0], v1[0]).logpdf(1.7) == pytest.approx(as_gamma.logpdf(1.7))
    skew = (alpha,) if name in SKEWED else ()
    values = getattr(wishart, name)(df1, v1[:, None, None], df2, v2[:, None, None], *skew)
    reference = getattr(mjsd.gamma, name)(df1 / 2, 1 / (2 * v1), df2 / 2, 1 / (2 * v2), *skew)
    np.testing.assert_allclose(values, reference, rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("d", DIMENSIONS, ids=lambda d: f"d{d}")
def test_primal_plus_dual_is_a_share_of_jeffreys(d):
    values = [case(d, seed) for seed in range(20, 30)]
    for df1, scale1, df2, scale2, alpha in values:
        total = wishart.jsd_geometric(df1, scale1, df2, scale2, alpha) + \
            wishart.jsd_geometric_dual(df1, scale1, df2, scale2, alpha)
        assert total == pytest.approx(alpha * (1 - alpha) * wishart.jeffreys(df1, scale1, df2, scale2), rel=1e-12)


@pytest.mark.parametrize("d", DIMENSIONS, ids=lambda d: f"d{d}")
def test_identical_laws_and_the_ends_of_alpha_give_exactly_zero(d):
    df, scale, df2, scale2, alpha = case(d)
    for name in NAMES:
        assert call(name, df, scale, df, scale.copy(), alpha) == 0.0, name
    for name in SKEWED:
        for end in (0.0, 1.0):
            assert getattr(wishart, name)(df, scale, df2, scale2, end) == 0.0, name
    # nearby laws: small and positive, no cancellation to a negative or a wildly wrong value
    for name in NAMES:
        near = call(name, df, scale, df * (1 + 1e-4), scale * (1 + 1e-4), alpha)
        assert 0.0 < near < 1e-6, (name, near)


@pytest.mark.parametrize("name", NAMES)
def test_batches_broadcast_and_equal_scalar_calls(name):
    rng = np.random.default_rng(5)
    df1 = rng.uniform(3.0, 9.0, (3, 1))
    scale1 = np.stack([spd(rng, 3) for _ in range(4)])  # batch (4,)
    df2 = rng.uniform(3.0, 9.0, 4)
    scale2 = spd(rng, 3)  # one matrix for the whole batch
    alpha = rng.uniform(0.1, 0.9, (3, 1))
    values = call(name, df1, scale1, df2, scale2, alpha)
    assert values.shape == (3, 4) and values.dtype == np.float64
    for i in range(3):
        for j in range(4):
            scalar = call(name, float(df1[i, 0]), scale1[j], float(df2[j]), scale2, float(alpha[i, 0]))
            assert type(scalar) is float and scalar == values[i, j]
    out = np.empty((3, 4))
    skew = (alpha,) if name in SKEWED else ()
    assert getattr(wishart, name)(df1, scale1, df2, scale2, *skew, out=out) is out
    np.testing.assert_array_equal(out, values)


def test_a_scale_that_is_not_positive_definite_is_named_with_its_batch_index():
    scales = np.stack([np.eye(3), np.diag([1.0, -0.5, 2.0]), np.eye(3)])
    with pytest.raises(ValueError, match=r"scale2 must be symmetric positive definite: the matrix at batch index "
                                         r"\(1,\) is not"):
        wishart.jsd_geometric(4.0, np.eye(3), 5.0, scales)
    with pytest.raises(ValueError, match=r"scale1 must be symmetric positive definite: the matrix at batch index "
                                         r"\(1,\) is not symmetric"):
        wishart.kl(4.0, np.stack([np.eye(2), [[1.0, 0.5], [0.1, 1.0]]]), 5.0, np.eye(2))


@pytest.mark.parametrize("name", NAMES)
def test_degrees_of_freedom_must_exceed_d_minus_one(name):
    with pytest.raises(ValueError, match=r"df1 must be > d - 1 = 2 \(the matrices are 3 x 3\), got 2.0$"):
        call(name, 2.0, np.eye(3), 5.0, np.eye(3), 0.5)
    with pytest.raises(ValueError, match=r"df2 must be > d - 1 = 3 \(the matrices are 4 x 4\), got 2.5 "
                                         r"at index \(2,\)"):
        call(name, 4.0, np.eye(4), [4.0, 3.5, 2.5], np.eye(4), 0.5)
    with pytest.raises(ValueError, match=r"df1 must be > d - 1 = 0 \(the matrices are 1 x 1\), got -1.0"):
        call(name, -1.0, [[1.0]], 1.0, [[1.0]], 0.5)
    with pytest.raises(ValueError, match="df2 must be finite"):
        call(name, 4.0, np.eye(2), np.nan, np.eye(2), 0.5)
    assert call(name, 2.01, np.eye(3), 2.5, 2 * np.eye(3), 0.5) > 0  # just above d - 1 is a valid Wishart law


def test_matrices_of_different_or_no_dimension_are_refused():
    with pytest.raises(ValueError, match=r"scale1 \(2, 2\) and scale2 \(3, 3\) disagree on the dimension d"):
        wishart.bhattacharyya(4.0, np.eye(2), 4.0, np.eye(3))
    with pytest.raises(ValueError, match=r"scale2 must be an array of square matrices"):
        wishart.kl(4.0, np.eye(2), 4.0, np.ones(2))
    with pytest.raises(ValueError, match=r"alpha must lie in \[0, 1\]"):
        wishart.jsd_geometric(4.0, np.eye(2), 4.0, np.eye(2), 1.5)


@pytest.mark.parametrize("d", [1, 2, 3, 5])
def test_multivariate_gamma_and_digamma(d):
    a = (d - 1) / 2 + np.array([1e-3, 0.3, 1.0, 2.5, 17.0, 340.0])
    for x in a:
        assert _special.log_multigamma(x, float(d)) == pytest.approx(special.multigammaln(x, d), rel=1e-14, abs=1e-14)
        reference = float(mpmath.fsum(mpmath.digamma(mpmath.mpf(x) - mpmath.mpf(j) / 2) for j in range(d)))
        assert _special.multi_digamma(x, float(d)) == pytest.approx(reference, rel=1e-14, abs=1e-14)
    assert math.isnan(_special.log_multigamma((d - 1) / 2, float(d)))
    assert math.isnan(_special.multi_digamma((d - 1) / 2 - 0.1, float(d)))


# -- nearly identical laws, against 50-digit definitions ---------------------------------------------------------------
def _mp_log_chi2_mean(k):
    """E[log Y] = psi(k/2) + log 2, Y ~ chi-square with k degrees of freedom (the known log-moment: quadrature of the
    density at 50 digits misses it by 4e-7 at k = 0.3, where the density is nearly 1/y at 0)."""
    return mpmath.digamma(mpmath.mpf(k) / 2) + mpmath.log(2)


def _mp_kl(a, b):
    """E_a[log p_a - log p_b] from the density (log det X, tr(V^-1 X) and the normaliser, multigamma by its definition),
    with E_a[X] = n_a V_a and E_a[log det X] = log det V_a + sum_j E[log chi2_(n_a - j)] (Bartlett)."""
    (na, va), (nb, vb) = a, b
    d = va.rows
    log_gamma_d = lambda x: d * (d - 1) / 4 * mpmath.log(mpmath.pi) + sum(  # noqa: E731
        mpmath.loggamma(x - mpmath.mpf(j) / 2) for j in range(d))
    log_det_x = mpmath.log(mpmath.det(va)) + sum(_mp_log_chi2_mean(na - j) for j in range(d))
    trace = sum(((mpmath.inverse(va) - mpmath.inverse(vb)) * va)[i, i] for i in range(d)) * na
    return ((na - nb) / 2 * log_det_x - trace / 2 - (na - nb) * d / 2 * mpmath.log(2) - na / 2 * mpmath.log(mpmath.det(va))
            + nb / 2 * mpmath.log(mpmath.det(vb)) - log_gamma_d(na / 2) + log_gamma_d(nb / 2))


def _mp_definitions(w1, w2, alpha):
    alpha = mpmath.mpf(alpha)
    precision = (1 - alpha) * mpmath.inverse(w1[1]) + alpha * mpmath.inverse(w2[1])
    wa = ((1 - alpha) * w1[0] + alpha * w2[0], mpmath.inverse(precision))
    dual = (1 - alpha) * _mp_kl(wa, w1) + alpha * _mp_kl(wa, w2)
    return {"kl": _mp_kl(w1, w2), "jeffreys": _mp_kl(w1, w2) + _mp_kl(w2, w1),
            "jsd_geometric": (1 - alpha) * _mp_kl(w1, wa) + alpha * _mp_kl(w2, wa),
            "jsd_geometric_dual": dual, "bhattacharyya": dual}


@pytest.mark.parametrize("d", [2, 3, 4], ids=lambda d: f"d{d}")
@pytest.mark.parametrize("epsilon", [1e-9, 1e-6, 1e-3])
def test_nearly_identical_laws_against_50_digit_definitions(d, epsilon):
    """Divergences of order epsilon^2, whose closed-form terms cancel to the last digit: the kernels' spectral form
    (eigenvalues of scale1^-1 scale2, the multigamma's lgamma gaps) keeps 1e-12 (the atoms alone erred by up to 1e6)."""
    rng = np.random.default_rng(int(10 * d - np.log10(epsilon)))
    df1, scale1 = d - 1 + rng.uniform(0.01, 6.0), spd(rng, d)
    perturbation = rng.normal(size=(d, d))
    df2 = df1 * (1 + epsilon * rng.normal())
    scale2 = scale1 + epsilon * (perturbation + perturbation.T) / 2 * np.sqrt(np.outer(np.diag(scale1),
                                                                                       np.diag(scale1)))
    with mpmath.workdps(50):
        laws = [(mpmath.mpf(df), mpmath.matrix(scale.tolist())) for df, scale in ((df1, scale1), (df2, scale2))]
        for alpha in (1e-6, 0.3):
            reference = _mp_definitions(*laws, alpha)
            for name in NAMES:
                value, exact = call(name, df1, scale1, df2, scale2, alpha), float(reference[name])
                assert abs(value - exact) <= 1e-12 * abs(exact), (name, d, alpha, value, exact)
