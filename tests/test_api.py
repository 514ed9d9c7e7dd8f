"""The public API: broadcasting, return types, and clear errors on bad input."""
import inspect
import math
import subprocess
import warnings
import sys
from pathlib import Path

import numpy as np
import pytest

import mjsd
from mjsd import cauchy, normal

ALL = [(m, name) for m in (normal, cauchy) for name in m.__all__ if not name.endswith("_value_and_grad")]


def call(module, name, *args, **kwargs):
    return getattr(module, name)(*args, **kwargs)


@pytest.mark.parametrize("module, name", ALL, ids=lambda v: getattr(v, "__name__", v))
def test_scalars_give_a_float_and_arrays_broadcast(module, name):
    value = call(module, name, 0.0, 1.0, 1, 2.0)
    assert type(value) is float and value > 0
    batch = call(module, name, np.zeros((3, 1)), 1.0, [0.5, 1.0, 2.0, 4.0], np.full(4, 2.0))
    assert batch.shape == (3, 4) and batch.dtype == np.float64
    assert batch[1, 2] == call(module, name, 0.0, 1.0, 2.0, 2.0)
    assert call(module, name, np.empty(0), 1.0, 0.0, 1.0).shape == (0,)


@pytest.mark.parametrize("module, name", ALL, ids=lambda v: getattr(v, "__name__", v))
@pytest.mark.parametrize("position, bad, message", [
    (1, 0.0, "scale1 must be finite and > 0"),
    (3, -2.0, "scale2 must be finite and > 0"),
    (1, np.inf, "scale1 must be finite and > 0"),
    (3, np.nan, "scale2 must be finite and > 0"),
    (0, np.nan, "loc1 must be finite"),
    (2, -np.inf, "loc2 must be finite"),
])
def test_bad_parameters_name_themselves(module, name, position, bad, message):
    args = [0.0, 1.0, 1.0, 2.0]
    args[position] = bad
    with pytest.raises(ValueError, match=message):
        call(module, name, *args)


def test_bad_entry_in_an_array_is_located():
    with pytest.raises(ValueError, match=r"scale2 must be finite and > 0, got -1.0 at index \(1,\)"):
        normal.kl(0.0, 1.0, 0.0, [1.0, -1.0, 2.0])


@pytest.mark.parametrize("module, name", [(m, n) for m, n in ALL if "alpha" in getattr(m, n).__code__.co_varnames])
@pytest.mark.parametrize("alpha", [-0.1, 1.5, np.nan, np.inf])
def test_alpha_outside_unit_interval(module, name, alpha):
    with pytest.raises(ValueError, match=r"alpha must lie in \[0, 1\]"):
        call(module, name, 0.0, 1.0, 1.0, 2.0, alpha)


def test_shapes_that_do_not_broadcast():
    with pytest.raises(ValueError, match=r"do not broadcast.*loc1 \(3,\).*loc2 \(4,\)"):
        normal.jsd_geometric(np.zeros(3), 1.0, np.zeros(4), 1.0)


@pytest.mark.parametrize("bad", [1j, "1.0", None, [1.0, "a"], True, np.array([object()])])
def test_wrong_types_are_type_errors(bad):
    with pytest.raises(TypeError, match="scale1 must be a real number"):
        cauchy.kl(0.0, bad, 0.0, 1.0)


def test_import_needs_no_sympy():
    code = "import sys, mjsd; mjsd.normal.kl(0, 1, 1, 1); print('sympy' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"


def test_package_imports_only_numpy_numba_and_the_standard_library():
    # numba itself may load SciPy when it is installed; the package's own modules never do.
    for path in Path(mjsd.__file__).parent.glob("*.py"):
        imports = {line.split()[1].split(".")[0] for line in path.read_text().splitlines()
                   if line.startswith(("import ", "from ")) and not line.startswith("from .")}
        assert imports <= {"numba", "numpy"} | set(sys.stdlib_module_names), (path.name, imports)


def test_docstrings_say_which_argument_alpha_weights():
    for module, name in ALL:
        doc = getattr(module, name).__doc__
        assert "out: optional float64 array" in doc
        assert "nats" in doc
        if "alpha" in getattr(module, name).__code__.co_varnames:
            assert "weighting the second" in doc
    families = {"normal", "cauchy", "bernoulli", "binomial", "categorical", "poisson", "geometric", "exponential",
                "gamma", "beta", "dirichlet", "lognormal", "inverse_gaussian", "laplace", "rayleigh", "weibull",
                "von_mises", "mvnormal", "diagnormal", "wishart"}  # the table, the first two, multivariate
    assert set(mjsd.FAMILIES) == families and all(hasattr(mjsd, name) for name in families)
    assert set(mjsd.__all__) == families | {"precompile", "pairwise", "pairwise_dask", "set_num_threads",
                                            "get_num_threads"}


def test_numeric_kernels_do_not_warn_about_their_far_tails():
    """Quadrature nodes far in a tail take exp() of a huge argument (the density there is 0): correct, and not a user's
    concern. The runtime's exp returns inf or 0 there without raising the overflow flag numpy would report."""
    shape, rate = np.array([0.2, 5.0]), np.array([2.0, 50.0])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with np.errstate(over="warn", invalid="warn", divide="warn"):  # numpy's defaults (underflow is ignored)
            mjsd.gamma._jsd_arithmetic_ufunc(shape, rate, shape, rate * 3, np.asarray(0.5))
        values = mjsd.gamma.jsd_arithmetic(shape, rate, shape, rate * 3)
    assert np.all(np.isfinite(values)) and np.all(values > 0)


def test_import_compiles_nothing_and_a_call_compiles_only_its_kernel():
    code = ("import mjsd\n"
            "built = lambda: sorted(f'{m}.{i}' for m in mjsd.FAMILIES "
            "for i, u in enumerate(getattr(mjsd, m)._UFUNCS) if u.built)\n"
            "batched = lambda: sorted(f'{m}.{i}' for m in mjsd.FAMILIES "
            "for i, u in enumerate(getattr(mjsd, m)._UFUNCS) if u.batch is not None and u.batch.signatures)\n"
            "print(built(), batched())\n"
            "mjsd.poisson.kl(1.0, 2.0)\n"
            "print(built(), batched())\n"
            "mjsd.poisson.kl([1.0], 2.0)\n"
            "print(built(), batched())\n"
            "mjsd.poisson.kl([[1.0], [3.0]], [2.0, 5.0])\n"
            "print(built(), batched())")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.splitlines()
    # a scalar call needs only the scalar kernel, a flat array its batch loop, and so does a broadcast (2, 1) x (2,)
    # (through block copies): the ufunc is never built
    assert out == ["[] []", "[] []", "[] ['poisson.0']", "[] ['poisson.0']"]


def test_precompile_builds_every_kernel():
    mjsd.precompile()
    ufuncs = [u for m in mjsd.FAMILIES for u in getattr(mjsd, m)._UFUNCS]
    assert all(u.batch.signatures if u.batch is not None else u.built for u in ufuncs)


NORMAL_BATCH = (np.array([0.0, 1.0]), 1.0, 2.0, np.array([[1.0], [3.0]]), 0.3)  # result (2, 2)
DIRICHLET_BATCH = (np.array([[1.0, 2.0, 3.0], [0.5, 0.5, 4.0]]), np.array([2.0, 1.0, 1.0]), 0.3)  # result (2,)


@pytest.mark.parametrize("f, batch, scalar", [
    (normal.jsd_geometric, NORMAL_BATCH, (0.0, 1.0, 2.0, 1.0, 0.3)),
    (normal.jsd_arithmetic, NORMAL_BATCH, (0.0, 1.0, 2.0, 1.0, 0.3)),
    (mjsd.dirichlet.jsd_geometric, DIRICHLET_BATCH, ([1.0, 2.0, 3.0], [2.0, 1.0, 1.0], 0.3))],
    ids=["normal.jsd_geometric", "normal.jsd_arithmetic", "dirichlet.jsd_geometric"])
def test_out_receives_the_values(f, batch, scalar):
    expected = f(*batch)
    out = np.full(expected.shape, np.nan)
    assert f(*batch, out=out) is out
    np.testing.assert_array_equal(out, expected)
    scalar_out = np.empty(())
    assert f(*scalar, out=scalar_out) is scalar_out and float(scalar_out) == f(*scalar)


@pytest.mark.parametrize("bad", [np.empty(3), np.empty((2, 2), np.float32), [0.0, 0.0], np.empty(2)[::-1].copy()])
def test_bad_out_names_out(bad):
    if isinstance(bad, np.ndarray) and bad.shape == (2,):
        bad.flags.writeable = False
    with pytest.raises(ValueError, match="out must be a writeable float64 array of shape \\(2,\\)"):
        normal.kl(np.zeros(2), 1.0, 1.0, 1.0, out=bad)


def test_valid_arguments_beyond_a_kernels_range_raise_instead_of_returning_nan():
    # Weibull's classic JSD integrates densities that form scale**shape, which overflows here (a known bug,
    # test_properties.WEIBULL_POWERS): no silent NaN
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        with pytest.raises(ValueError, match=r"no float64 value at batch index \(1,\) \(shape=200.0, scale1=50.0, scale2=40.0, alpha=0.5\): "):
            mjsd.weibull.jsd_arithmetic(200.0, [40.0, 50.0], 40.0, 0.5)
        with pytest.raises(ValueError, match=r"no float64 value \(shape=200.0, scale1=50.0, scale2=40.0, alpha=0.5\): the arguments are valid"):
            mjsd.weibull.jsd_arithmetic(200.0, 50.0, 40.0, 0.5)


SCALAR_FAMILIES = [f for f in mjsd.FAMILIES if f not in ("categorical", "dirichlet", "mvnormal", "diagnormal", "wishart")]


@pytest.mark.parametrize("family", SCALAR_FAMILIES)
def test_python_floats_take_the_same_checks_as_arrays(family):
    """Python floats skip numpy's array machinery in _validate.check (a scalar call's overhead): the values, the
    value-and-gradient results and every error message equal those of the same numbers as 0-d arrays."""
    module = getattr(mjsd, family)
    tried = 0
    for name in module.__all__:
        function = getattr(module, name)
        params = [p for p in inspect.signature(function).parameters.values()
                  if p.kind is p.POSITIONAL_OR_KEYWORD and p.name not in ("samples", "seed")]
        floats = [0.3 if p.name == "alpha" else 3.0 if p.name == "n" else 0.6 if p.name.startswith("p")
                  else 0.2 + 0.7 * i for i, p in enumerate(params)]
        as_arrays = lambda values: [np.asarray(v) for v in values]
        same = lambda a, b: np.array_equal(a, b) if not isinstance(a, tuple) else (
            np.array_equal(a[0], b[0]) and all(np.array_equal(a[1][k], b[1][k]) for k in a[1]))
        if "samples" in inspect.signature(function).parameters:
            continue  # Monte Carlo: random, and slow
        assert same(function(*floats), function(*as_arrays(floats))), name
        for i, bad in ((i, bad) for i in range(len(floats)) for bad in (-1.0, math.nan, math.inf, 2.5)):
            values = floats[:i] + [bad] + floats[i + 1:]
            outcomes = []
            for arguments in (values, as_arrays(values)):
                try:
                    outcomes.append(("value", function(*arguments)))
                except (ValueError, TypeError) as error:
                    outcomes.append((type(error), str(error)))
            tried += 1
            assert outcomes[0][0] == outcomes[1][0], (name, values, outcomes)
            if outcomes[0][0] == "value":
                assert same(outcomes[0][1], outcomes[1][1]), (name, values)
            else:
                assert outcomes[0][1] == outcomes[1][1], (name, values, outcomes)
    assert tried > 0
