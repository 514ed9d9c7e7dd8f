"""mjsd.pairwise: the n x m matrix of divergences equals the double loop of scalar calls, and allocates only it."""
import tracemalloc

import numpy as np
import pytest

import mjsd
from mjsd import binomial, categorical, mvnormal, normal, wishart


def spd(rng, n, d):
    a = rng.normal(size=(n, d, d))
    return a @ np.swapaxes(a, -1, -2) + np.eye(d)


def sets(rng):
    """(function, first set, second set, fixed arguments) for laws with scalar, vector and matrix parameters."""
    n, m = 4, 3
    probs = rng.dirichlet(np.ones(5), size=n + m)
    return [
        (normal.jsd_geometric, (rng.normal(size=n), rng.uniform(0.5, 2, n)), (rng.normal(size=m), rng.uniform(0.5, 2, m)),
         {"alpha": 0.3}),
        (binomial.kl, rng.uniform(0.1, 0.9, n), rng.uniform(0.1, 0.9, m), {"n": 12}),
        (categorical.jsd_arithmetic, probs[:n], probs[n:], {}),
        (mvnormal.jsd_geometric_deasy, (rng.normal(size=(n, 3)), spd(rng, n, 3)), (rng.normal(size=(m, 3)), spd(rng, m, 3)),
         {"alpha": 0.2}),
        (wishart.bhattacharyya, (rng.uniform(4, 9, n), spd(rng, n, 2)), (rng.uniform(4, 9, m), spd(rng, m, 2)), {}),
    ]


@pytest.mark.parametrize("case", range(5), ids=["normal", "binomial", "categorical", "mvnormal", "wishart"])
def test_pairwise_equals_the_double_loop(case):
    function, first, second, fixed = sets(np.random.default_rng(case))[case]
    matrix = mjsd.pairwise(function, first, second, **fixed)
    first = first if isinstance(first, tuple) else (first,)
    second = second if isinstance(second, tuple) else (second,)
    assert matrix.shape == (len(first[0]), len(second[0]))
    for i in range(matrix.shape[0]):
        for j in range(matrix.shape[1]):
            shared = (fixed["n"],) if "n" in fixed else ()
            skew = (fixed["alpha"],) if "alpha" in fixed else ()
            value = function(*shared, *(p[i] for p in first), *(q[j] for q in second), *skew)
            assert matrix[i, j] == value


def test_pairwise_allocates_the_result_only():
    """300 x 200 pairs of 3-d normals: materialising the parameters would take 11.5 MB, the result takes 0.48 MB."""
    rng = np.random.default_rng(7)
    first, second = (rng.normal(size=(300, 3)), spd(rng, 300, 3)), (rng.normal(size=(200, 3)), spd(rng, 200, 3))
    mjsd.pairwise(mvnormal.jsd_geometric, first, second)  # compiled before measuring
    tracemalloc.start()
    mjsd.pairwise(mvnormal.jsd_geometric, first, second)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak < 2 * 300 * 200 * 8


def test_pairwise_errors():
    with pytest.raises(TypeError, match="not an mjsd divergence"):
        mjsd.pairwise(np.add, [1.0], [2.0])
    with pytest.raises(ValueError, match=r"first must hold 2 parameter arrays \(loc1, scale1\), got 1"):
        mjsd.pairwise(normal.kl, (np.zeros(3),), (np.zeros(2), np.ones(2)))
    with pytest.raises(ValueError, match=r"cov2 must have one leading axis over the second set"):
        mjsd.pairwise(mvnormal.kl, (np.zeros((2, 3)), np.stack([np.eye(3)] * 2)), (np.zeros((2, 3)), np.eye(3)))
    with pytest.raises(ValueError, match=r"scale2 entries must be finite and > 0|scale2 must be finite and > 0"):
        mjsd.pairwise(normal.kl, (np.zeros(3), np.ones(3)), (np.zeros(2), -np.ones(2)))


def test_pairwise_dask_on_a_two_worker_cluster_equals_one_machine():
    """Blocks computed by two worker processes of a distributed LocalCluster, against the in-memory matrix."""
    distributed = pytest.importorskip("distributed")
    rng = np.random.default_rng(11)
    first, second = (rng.normal(size=(90, 2)), spd(rng, 90, 2)), (rng.normal(size=(70, 2)), spd(rng, 70, 2))
    lazy = mjsd.pairwise_dask(mvnormal.jsd_geometric, first, second, chunks=(32, 25), alpha=0.4)
    assert lazy.shape == (90, 70) and lazy.numblocks == (3, 3)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, \
            distributed.Client(cluster) as client:
        blocks = lazy.compute(scheduler=client)
        nearest = lazy.argmin(axis=1).compute(scheduler=client)  # a reduction, as for matrices too large to hold
    expected = mjsd.pairwise(mvnormal.jsd_geometric, first, second, alpha=0.4)
    np.testing.assert_array_equal(blocks, expected)
    np.testing.assert_array_equal(nearest, expected.argmin(axis=1))
