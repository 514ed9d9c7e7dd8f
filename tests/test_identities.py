"""Properties and known values of the kernels, each checked against something other than the kernel's own formula."""
import math

import numpy as np
import pytest

import definitions as ref
from mjsd import cauchy, normal

PAIRS = ref.random_parameters(7, 500, scale_exponents=(-2, 2), loc_exponents=(-2, 2))


def test_geometric_jsd_is_jeffreys_minus_bhattacharyya():
    # Nielsen 2019: JS^G_alpha = alpha (1 - alpha) J - B_alpha, for any two densities.
    loc1, scale1, loc2, scale2, alpha = PAIRS
    lhs = normal.jsd_geometric(loc1, scale1, loc2, scale2, alpha)
    rhs = alpha * (1 - alpha) * normal.jeffreys(loc1, scale1, loc2, scale2) - normal.bhattacharyya(loc1, scale1, loc2, scale2, alpha)
    np.testing.assert_allclose(lhs, rhs, rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("kernel", [normal.jsd_geometric, normal.jsd_geometric_dual, normal.bhattacharyya,
                                    normal.jsd_arithmetic, cauchy.jsd_harmonic, cauchy.jsd_harmonic_dual,
                                    cauchy.jsd_arithmetic])
def test_skew_swap_and_endpoints(kernel):
    loc1, scale1, loc2, scale2, alpha = (a[:100] for a in PAIRS)
    np.testing.assert_allclose(kernel(loc1, scale1, loc2, scale2, alpha),
                               kernel(loc2, scale2, loc1, scale1, 1 - alpha), rtol=1e-9)
    assert np.all(kernel(loc1, scale1, loc2, scale2, 0.0) == 0.0)
    assert np.all(kernel(loc1, scale1, loc2, scale2, 1.0) == 0.0)
    assert np.all(kernel(loc1, scale1, loc2, scale2, alpha) >= 0.0)


@pytest.mark.parametrize("kernel", [normal.kl, normal.jeffreys])
def test_zero_for_identical_laws(kernel):
    loc, scale = PAIRS[0], PAIRS[1]
    assert np.all(kernel(loc, scale, loc, scale) == 0.0)


def test_equal_variance_normals():
    # Both geometric JSDs reduce to alpha (1 - alpha) delta^2 / (2 sigma^2) (Nielsen 2019, known-variance family).
    delta, sigma, alpha = 3.0, 1.5, 0.3
    expected = alpha * (1 - alpha) * delta**2 / (2 * sigma**2)
    assert normal.jsd_geometric(0.0, sigma, delta, sigma, alpha) == pytest.approx(expected, rel=1e-14)
    assert normal.jsd_geometric_dual(0.0, sigma, delta, sigma, alpha) == pytest.approx(expected, rel=1e-14)


@pytest.mark.parametrize("kernel", [normal.jsd_arithmetic, cauchy.jsd_arithmetic])
def test_classic_jsd_bounded_by_binary_entropy(kernel):
    loc1, scale1, loc2, scale2, alpha = (a[:200] for a in PAIRS)
    bound = -alpha * np.log(alpha) - (1 - alpha) * np.log1p(-alpha)
    assert np.all(kernel(loc1, scale1, loc2, scale2, alpha) <= bound * (1 + 1e-12))
    # Far-apart laws approach the bound and never pass it, not even by the last ulp of rounding.
    assert np.all(kernel(0.0, 1.0, [1e3, 15.0, 60.0, 1e8], [1.0, 0.5, 1.0, 1e-3]) <= math.log(2.0))
    assert kernel(0.0, 1.0, 1e4, 1.0, 0.3) == pytest.approx(-0.3 * math.log(0.3) - 0.7 * math.log(0.7), rel=1e-3)


def test_cauchy_jsd_half_is_a_function_of_kl():
    # Nielsen & Okamura (2021): JS(p, q) = log 2 - log(1 + exp(-KL/2)) between Cauchy laws.
    loc1, scale1, loc2, scale2, _ = PAIRS
    kl = cauchy.kl(loc1, scale1, loc2, scale2)
    np.testing.assert_allclose(cauchy.jsd_arithmetic(loc1, scale1, loc2, scale2),
                               math.log(2) - np.log1p(np.exp(-kl / 2)), rtol=1e-9)


# The dual geometric JSD equals the Bhattacharyya distance, and the dual harmonic JSD the primal one, by derivation:
# the generator compiles each pair once, so the quadrature tests check each name against its own definition instead.


def test_cauchy_kl_symmetric():
    loc1, scale1, loc2, scale2, _ = PAIRS
    # KL is a difference of logarithms of O(1): rounding leaves ~1e-16 absolute, which is 1e-12 relative to a KL of 1e-4
    np.testing.assert_allclose(cauchy.kl(loc1, scale1, loc2, scale2), cauchy.kl(loc2, scale2, loc1, scale1), rtol=1e-12,
                               atol=4e-15)


def test_cauchy_harmonic_jsd_scale_family_value():
    # Equal locations, alpha = 1/2: JS^H = 2 log cosh(log(s1/s2) / 4), a function of the scale ratio only.
    s1, s2 = 0.3, 7.0
    expected = 2 * math.log(math.cosh(math.log(s1 / s2) / 4))
    assert cauchy.jsd_harmonic(1.0, s1, 1.0, s2) == pytest.approx(expected, rel=1e-12)
    assert cauchy.jsd_harmonic(-5.0, 10 * s1, -5.0, 10 * s2) == pytest.approx(expected, rel=1e-12)


def test_geometric_jsd_grows_where_classic_saturates():
    gaps = np.array([1.0, 20.0, 100.0])
    geometric = normal.jsd_geometric(0.0, 1.0, gaps, 1.0)
    np.testing.assert_allclose(geometric, gaps**2 / 8, rtol=1e-12)
    classic = normal.jsd_arithmetic(0.0, 1.0, gaps, 1.0)
    assert classic[-1] == pytest.approx(math.log(2), rel=1e-12) and classic[-1] - classic[-2] < 1e-10
