"""The closed forms' vectorised batch loops (runtime _batch.py) give the ufunc's results bit for bit.

A closed form in plain arithmetic gets a loop over flat contiguous arrays that LLVM vectorises; batches that
broadcast otherwise reach it through contiguous copies of blocks of their arguments. It must agree exactly with the
ufunc (numba's elementwise loop over the same kernel), whatever mix of scalars, arrays and layouts, and mark a bad
entry as the ufunc does, so that the wrapper names it."""
import importlib
import inspect
import os
import subprocess
import sys

import numpy as np
import pytest

import mjsd
from mjsd import normal

# every public function whose kernel has a batch loop
BATCHED = sorted((family, name) for family in mjsd.FAMILIES
                 for name, obj in vars(importlib.import_module(f"mjsd.{family}")).items()
                 if name.endswith("_ufunc") and getattr(obj, "batch", None) is not None
                 and hasattr(importlib.import_module(f"mjsd.{family}"), name[1:-len("_ufunc")]))


def valid_arrays(function, n, rng):
    """n valid values for each argument of a public function, from its parameter docs (positive unless real/unit)."""
    arrays = {}
    for name, parameter in inspect.signature(function).parameters.items():
        if parameter.kind is parameter.KEYWORD_ONLY:
            continue
        if name == "alpha":
            arrays[name] = rng.uniform(0, 1, n)
        elif name == "n":
            arrays[name] = rng.integers(1, 50, n).astype(float)
        elif name.startswith("loc"):
            arrays[name] = rng.normal(size=n)
        elif name.startswith("p"):
            arrays[name] = rng.uniform(0.05, 0.95, n)
        else:
            arrays[name] = rng.uniform(0.3, 3.0, n)
    return arrays


def test_some_kernels_are_batched():
    assert ("normal", "_jsd_geometric_ufunc") in BATCHED and len(BATCHED) >= 30


@pytest.mark.parametrize("family, ufunc", BATCHED, ids=lambda v: str(v))
@pytest.mark.filterwarnings("ignore:overflow encountered:RuntimeWarning")  # quadratures' far nodes, in the raw ufunc
def test_the_batch_loop_equals_the_ufunc(family, ufunc):
    module = importlib.import_module(f"mjsd.{family}")
    function, lazy = getattr(module, ufunc[1:-len("_ufunc")]), getattr(module, ufunc)
    rng = np.random.default_rng(len(ufunc))
    arrays = valid_arrays(function, 3000, rng)
    names = list(arrays)
    ours = function(**arrays)  # all arrays: the batch loop
    assert np.array_equal(ours, lazy(*arrays.values()))
    # a scalar per argument in turn (spread over the blocks), and a 2-d batch
    for name in names:
        mixed = {**arrays, name: float(arrays[name][7])}
        assert np.array_equal(function(**mixed), lazy(*mixed.values())), name
    square = {name: a[:2500].reshape(50, 50) for name, a in arrays.items()}
    assert np.array_equal(function(**square), lazy(*square.values()))


@pytest.mark.parametrize("threads", [1, 2])
def test_other_layouts_reach_the_loop_through_block_copies(threads, monkeypatch):
    """Transposed, broadcast and strided arguments and outputs, in blocks smaller than the batch (several per row, and
    several rows per block), on one thread and split across two (60000 pairs: more than the kernel's grain)."""
    monkeypatch.setattr(mjsd._parallel, "_BLOCK", 700)
    previous = mjsd.get_num_threads()
    mjsd.set_num_threads(threads)
    try:
        for rows, columns in ((40, 60), (200, 300), (3, 1000)):
            check_layouts(rows, columns)
    finally:
        mjsd.set_num_threads(previous)


def check_layouts(rows, columns):
    rng = np.random.default_rng(rows)
    loc = rng.normal(size=(rows, columns))
    # a transposed (Fortran-order) argument, a broadcast row, a broadcast column, a strided output
    expected = normal._jsd_geometric_ufunc(loc.T, 1.5, 0.2, 0.8, 0.3)
    assert np.array_equal(normal.jsd_geometric(loc.T, 1.5, 0.2, 0.8, 0.3), expected)
    row = rng.uniform(0.5, 2, columns)
    assert np.array_equal(normal.jsd_geometric(loc, row, 0.2, 0.8, 0.3),
                          normal._jsd_geometric_ufunc(loc, row, 0.2, 0.8, 0.3))
    column = rng.uniform(0.5, 2, (rows, 1))
    assert np.array_equal(normal.jsd_geometric(loc, row, 0.2, column, 0.3),
                          normal._jsd_geometric_ufunc(loc, row, 0.2, column, 0.3))
    out = np.empty((columns, 2 * rows))[:, ::2]
    normal.jsd_geometric(loc.T, 1.5, 0.2, 0.8, 0.3, out=out)
    assert np.array_equal(out, expected)


def test_pairwise_matrices_take_the_batch_loop_and_equal_the_ufunc():
    rng = np.random.default_rng(4)
    first = rng.normal(size=300), rng.uniform(0.5, 2, 300)
    second = rng.normal(size=200), rng.uniform(0.5, 2, 200)
    matrix = mjsd.pairwise(normal.jsd_geometric, first, second, alpha=0.3)
    assert matrix.shape == (300, 200)
    assert np.array_equal(matrix, normal._jsd_geometric_ufunc(first[0][:, None], first[1][:, None], *second, 0.3))
    bad = first[1].copy()
    bad[123] = -1.0
    with pytest.raises(ValueError, match="scale1"):
        mjsd.pairwise(normal.jsd_geometric, (first[0], bad), second, alpha=0.3)


@pytest.mark.parametrize("bad, message", [(-1.0, "scale1"), (np.nan, "scale1"), (np.inf, "scale1")])
def test_a_bad_entry_in_a_batch_is_named(bad, message):
    scale = np.ones(5000)
    scale[4321] = bad
    with pytest.raises(ValueError, match=message):
        normal.jsd_geometric(np.zeros(5000), scale, 1.0, 2.0, 0.3)


def test_a_bad_scalar_spread_over_the_batch_is_named():
    with pytest.raises(ValueError, match="alpha"):
        normal.jsd_geometric(np.zeros(5000), np.ones(5000), 1.0, 2.0, 1.5)


def test_plain_python_gives_the_compiled_bits():
    """NUMBA_DISABLE_JIT=1 (debugging) runs the kernels as Python, log's bit casts through struct: the same values."""
    code = ("import numpy as np, mjsd\n"
            "x = np.linspace(0.1, 3.0, 7)\n"
            "print(repr(mjsd.normal.jsd_geometric(x, 1.3, 0.4, x[::-1], 0.3).tolist()))\n"
            "print(repr(mjsd.cauchy.kl(0.2, x, 1.0, 2.0).tolist()))")
    run = lambda env: subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                                     env={**os.environ, **env}).stdout
    assert run({"NUMBA_DISABLE_JIT": "1"}) == run({})
