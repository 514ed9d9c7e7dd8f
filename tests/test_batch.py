"""The closed forms' vectorised batch loops (runtime _batch.py) give the ufunc's results bit for bit.

A closed form in plain arithmetic gets a loop over flat contiguous arrays that LLVM vectorises; batches that
broadcast otherwise take the kernel's ufunc. Both must agree exactly, whatever mix of scalars and arrays, and the
batch loop must mark a bad entry as the ufunc does, so that the wrapper names it."""
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


def test_layouts_the_loop_cannot_take_go_through_the_ufunc():
    rng = np.random.default_rng(3)
    loc = rng.normal(size=(40, 60))
    # a transposed (Fortran-order) argument, a broadcast row, a strided output
    expected = normal._jsd_geometric_ufunc(loc.T, 1.5, 0.2, 0.8, 0.3)
    assert np.array_equal(normal.jsd_geometric(loc.T, 1.5, 0.2, 0.8, 0.3), expected)
    row = rng.uniform(0.5, 2, 60)
    assert np.array_equal(normal.jsd_geometric(loc, row, 0.2, 0.8, 0.3),
                          normal._jsd_geometric_ufunc(loc, row, 0.2, 0.8, 0.3))
    out = np.empty((60, 80))[:, ::2]
    normal.jsd_geometric(loc.T, 1.5, 0.2, 0.8, 0.3, out=out)
    assert np.array_equal(out, expected)


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
