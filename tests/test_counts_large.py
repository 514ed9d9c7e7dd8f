"""Counts far beyond 170: the log-masses must not go through gamma(k + 1), which overflows there (a bug found in
notebook 06). References: scipy.stats log-masses summed over the whole support."""
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
