"""The benchmark compares like with like: both sides of each of its comparisons compute the same numbers.

(No timing is asserted anywhere in the suite; benchmarks/bench.py prints the ratios.)
"""
import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
import bench  # noqa: E402

from mjsd import mvnormal, normal  # noqa: E402

PAIRS = [(0.3, 1.2, -0.7, 0.8, 0.3), (0.0, 1.0, 4.0, 0.5, 0.5), (1.0, 0.2, 1.1, 3.0, 0.9)]


@pytest.mark.parametrize("pair", PAIRS, ids=str)
def test_scipy_quadrature_of_the_definition_gives_the_closed_form(pair):
    assert bench.quad_jsd_geometric(*pair) == pytest.approx(normal.jsd_geometric(*pair), rel=1e-7)


@pytest.mark.parametrize("pair", PAIRS[:2], ids=str)  # the third pair's scale ratio of 15 needs far more draws
def test_monte_carlo_estimates_the_closed_form(pair):
    assert bench.monte_carlo_jsd_geometric(*pair, 10**6) == pytest.approx(normal.jsd_geometric(*pair), rel=1e-2)


@pytest.mark.parametrize("pair", PAIRS, ids=str)
def test_scipy_and_numba_quadrature_agree(pair):
    assert bench.scipy_jsd_arithmetic(*pair) == pytest.approx(normal.jsd_arithmetic(*pair), rel=1e-9)


@pytest.mark.parametrize("d", [1, 2, 3, 8, 32])
def test_numpy_mvnormal_baseline_agrees(d):
    batch = bench.mvnormal_batch(20, d, seed=d)
    np.testing.assert_allclose(bench.numpy_mvnormal_jsd_geometric(*batch), mvnormal.jsd_geometric(*batch),
                               rtol=1e-10)


def test_the_bandwidth_floor_reads_every_input():
    arrays = bench.normal_batch(100_003)
    np.testing.assert_allclose(bench.bandwidth_floor(arrays, np.empty(100_003)), sum(arrays), rtol=1e-15)
