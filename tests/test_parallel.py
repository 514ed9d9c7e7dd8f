"""Large batches split across threads (runtime _parallel.py) give the single-thread results bit for bit, keep the
caller's floating-point error state, and still name a bad argument; the thread count is configurable."""
import multiprocessing
import subprocess
import sys
import warnings

import numpy as np
import pytest

import mjsd
from mjsd import gamma, mvnormal, normal


@pytest.fixture
def threads():
    """Restores the thread count a test changes."""
    before = mjsd.get_num_threads()
    yield
    mjsd.set_num_threads(before)


def run_both(function, *args):
    mjsd.set_num_threads(1)
    alone = function(*args)
    mjsd.set_num_threads(3)  # more threads than cores is allowed, and splits unevenly
    return alone, function(*args)


def random_spd(rng, n, d):
    a = rng.normal(size=(n, d, d))
    return a @ np.swapaxes(a, -1, -2) + 0.5 * np.eye(d)


def test_a_large_broadcast_batch_matches_one_thread_exactly(threads):
    rng = np.random.default_rng(1)
    loc = rng.normal(size=(300, 1))
    scale = rng.uniform(0.5, 2, size=(1, 200))  # result (300, 200): split along the longer axis
    alone, split = run_both(normal.jsd_geometric, loc, scale, 0.5, 1.5, 0.3)
    assert split.shape == (300, 200) and np.array_equal(alone, split)


def test_a_split_batch_writes_into_out(threads):
    rng = np.random.default_rng(2)
    args = (rng.normal(size=70_000), rng.uniform(0.5, 2, 70_000), 0.0, 1.0)
    out = np.full(70_000, -1.0)
    mjsd.set_num_threads(2)
    assert normal.kl(*args, out=out) is out
    mjsd.set_num_threads(1)
    assert np.array_equal(out, normal.kl(*args))


def test_matrix_and_quadrature_kernels_split_too(threads):
    rng = np.random.default_rng(3)
    covs = random_spd(rng, 1600, 3)  # numpy's ufunc loops hold the GIL up to 500 elements: pieces of more
    alone, split = run_both(mvnormal.jsd_geometric, rng.normal(size=(1600, 3)), covs, np.zeros(3), np.eye(3), 0.4)
    assert np.array_equal(alone, split)
    shapes = rng.uniform(0.5, 5, 12)
    alone, split = run_both(gamma.jsd_arithmetic, shapes, 1.0, 2.0, 3.0)
    assert np.array_equal(alone, split)


def test_ufunc_pieces_are_large_enough_to_release_the_gil(threads, monkeypatch):
    """A batch split for numpy's ufunc machinery (matrix kernels) has pieces of more than 500 pairs, which numpy runs
    without the GIL, and a whole number of them per thread."""
    sizes = []
    original = mjsd._parallel._in_pool
    monkeypatch.setattr(mjsd._parallel, "_in_pool",
                        lambda calls: sizes.extend(call[-1].shape[0] for call in calls) or original(calls))
    rng = np.random.default_rng(5)
    mjsd.set_num_threads(2)
    mvnormal.jsd_geometric(rng.normal(size=(2000, 2)), random_spd(rng, 2000, 2), np.zeros(2), np.eye(2), 0.4)
    assert sum(sizes) == 2000 and min(sizes) > 500 and len(sizes) % 2 == 0


def test_threads_keep_the_callers_error_state(threads):
    """gamma's quadrature overflows exp() in far tails; the public function silences that, in every thread."""
    mjsd.set_num_threads(2)
    shape, rate = np.tile([0.2, 5.0], 8), np.tile([2.0, 50.0], 8)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        values = gamma.jsd_arithmetic(shape, rate, shape, rate * 3)
    assert np.all(np.isfinite(values)) and np.all(values > 0)


@pytest.mark.parametrize("bad, message", [(-1.0, "scale2 must be finite and > 0, got -1.0 at index (54321,)"),
                                          (np.nan, "scale2 must be finite and > 0, got nan at index (54321,)")],
                         ids=["negative", "nan"])
def test_a_bad_entry_deep_in_a_split_batch_is_named(threads, bad, message):
    mjsd.set_num_threads(2)
    scale = np.ones(100_000)
    scale[54321] = bad
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        normal.jsd_geometric(0.0, 1.0, 1.0, scale)


def test_the_thread_count_is_checked(threads):
    for bad in (0, -2, 1.5, "two", None):
        with pytest.raises(ValueError, match="count must be a positive integer"):
            mjsd.set_num_threads(bad)
    mjsd.set_num_threads(1)
    assert mjsd.get_num_threads() == 1


def test_the_environment_sets_the_default():
    code = "import mjsd; print(mjsd.get_num_threads())"
    env = {"MJSD_NUM_THREADS": "3", "PATH": ""}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True).stdout
    assert out.strip() == "3"
    env["MJSD_NUM_THREADS"] = "many"
    failed = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert failed.returncode != 0 and "MJSD_NUM_THREADS must be a positive integer, got 'many'" in failed.stderr


def test_a_forked_child_gets_its_own_threads(threads):
    """multiprocessing's fork copies the pool object but not its threads; the child must not wait on them."""
    mjsd.set_num_threads(2)
    batch = (np.zeros(50_000), np.linspace(1, 2, 50_000), 1.0, 1.0)
    expected = normal.kl(*batch)  # the parent's pool now exists
    context = multiprocessing.get_context("fork")
    with context.Pool(1) as pool:
        result = pool.apply_async(normal.kl, batch).get(timeout=60)
    assert np.array_equal(result, expected)
