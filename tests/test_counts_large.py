"""Counts far beyond 170: the log-masses must not go through gamma(k + 1), which overflows there (a bug found in
notebook 06). References: scipy.stats log-masses summed over the whole support."""
import math

import numpy as np
import pytest
from scipy import stats

import mjsd


def summed_jsd(lp, lq, alpha):
    p, q = np.exp(lp), np.exp(lq)
    lm = np.logaddexp(np.log1p(-alpha) + lp, np.log(alpha) + lq)
    terms = (1 - alpha) * p * (lp - lm) + alpha * q * (lq - lm)
    return np.sum(terms[np.isfinite(terms)])


@pytest.mark.parametrize("rate1, rate2", [(200.0, 240.0), (2000.0, 2100.0), (3e4, 3.02e4)])
def test_poisson_at_large_rates(rate1, rate2):
    k = np.arange(0, 40000)
    expected = summed_jsd(stats.poisson.logpmf(k, rate1), stats.poisson.logpmf(k, rate2), 0.3)
    assert mjsd.poisson.jsd_arithmetic(rate1, rate2, 0.3) == pytest.approx(expected, rel=1e-9)


@pytest.mark.parametrize("n", [171, 500, 5000])
def test_binomial_with_many_trials(n):
    k = np.arange(n + 1)
    expected = summed_jsd(stats.binom.logpmf(k, n, 0.3), stats.binom.logpmf(k, n, 0.32), 0.3)
    assert mjsd.binomial.jsd_arithmetic(n, 0.3, 0.32, 0.3) == pytest.approx(expected, rel=1e-9)


def test_geometric_with_a_small_success_probability():
    """Tens of thousands of counts; reference: numpy's log1p form of the log-masses, summed with math.fsum."""
    k = np.arange(0, 2_000_000, dtype=float)
    lp, lq = k * np.log1p(-1e-4) + np.log(1e-4), k * np.log1p(-3e-4) + np.log(3e-4)
    lm = np.logaddexp(np.log1p(-0.3) + lp, np.log(0.3) + lq)
    expected = math.fsum((1 - 0.3) * np.exp(lp) * (lp - lm) + 0.3 * np.exp(lq) * (lq - lm))
    assert mjsd.geometric.jsd_arithmetic(1e-4, 3e-4, 0.3) == pytest.approx(expected, rel=1e-9)


@pytest.mark.parametrize("function, args, names", [
    (mjsd.binomial.jsd_arithmetic, (2.0**53, 0.3, 0.65, 0.3), ("n", "1e+07")),  # 2e9 counts: took 95 s
    (mjsd.binomial.jsd_arithmetic, (1e300, 0.3, 0.65, 0.3), ("n", "2^53")),  # returned 0.0
    (mjsd.geometric.jsd_arithmetic, (1e-12, 0.65, 0.3), ("p1", "1e+07")),  # walked 7e13 counts
    (mjsd.geometric.jsd_arithmetic, (0.65, 1e-300, 0.3), ("p2", "2^53")),  # log(1 - p) = 0: summed law 1 only
    (mjsd.poisson.jsd_arithmetic, (0.65, 1e300, 0.3), ("rate2", "2^53")),  # returned 0.361 (true about 0.611)
])
def test_counts_beyond_the_series_limit_raise(function, args, names):
    """Beyond MAX_COUNTS counts, or counts past 2^53: a quick ValueError naming the parameters and the limit."""
    with pytest.raises(ValueError) as error:
        function(*args)
    assert all(name in str(error.value) for name in names), str(error.value)


def test_the_limit_in_a_batch_names_the_index():
    with pytest.raises(ValueError, match=r"p1=1e-12.*batch index \(1,\)"):
        mjsd.geometric.jsd_arithmetic(np.array([0.5, 1e-12]), 0.65, 0.3)
    assert mjsd.binomial.jsd_arithmetic(2.0**53, 0.3, 0.65, 0.0) == 0.0  # alpha = 0: no sum needed
