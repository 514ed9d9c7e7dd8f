"""The references themselves: typed log-densities agree with scipy.stats, quadrature reproduces known values."""
import math

import numpy as np
import pytest
from scipy import stats

import definitions as ref


@pytest.mark.parametrize("law, dist", [(ref.normal, stats.norm), (ref.cauchy, stats.cauchy)])
def test_log_densities_match_scipy(law, dist):
    x = np.linspace(-50, 50, 101)
    for loc, scale in [(0.0, 1.0), (3.5, 0.01), (-200.0, 70.0)]:
        np.testing.assert_allclose(law(loc, scale).logpdf(x), dist.logpdf(x, loc, scale), rtol=1e-13, atol=1e-13)


def test_textbook_values():
    # KL between normals with equal variance is delta^2 / (2 sigma^2); Bhattacharyya between them delta^2 / (8 sigma^2).
    p, q = ref.normal(0.0, 2.0), ref.normal(3.0, 2.0)
    assert ref.kl(p, q) == pytest.approx(9 / 8, rel=1e-12)
    assert ref.bhattacharyya(p, q) == pytest.approx(9 / 32, rel=1e-12)
    # Far-apart laws: the classic JSD tends to log 2 (disjoint supports in the limit).
    assert ref.jsd_arithmetic(ref.normal(0, 1), ref.normal(100, 1)) == pytest.approx(math.log(2), rel=1e-12)
    # Cauchy KL, Chyzak & Nielsen (2019): log(((s1 + s2)^2 + delta^2) / (4 s1 s2)).
    assert ref.kl(ref.cauchy(0, 1), ref.cauchy(2, 3)) == pytest.approx(math.log(20 / 12), rel=1e-11)
