"""Value-and-gradient kernels (<divergence>_value_and_grad): every partial derivative against mpmath's numeric
derivative of a 40-digit evaluation, and against finite differences of the quadrature definitions; batches equal
scalar calls; every partial vanishes where the divergence has its minimum (identical laws).

The mpmath reference evaluates the closed form by SymPy's mpmath printer (not the kernels' printer, CSE or runtime),
with the preamble substituted and sums written out, and differentiates it numerically (mpmath.diff at 40 digits): it
shares no code with the generated derivative. The closed forms themselves are checked against quadrature of their
definitions in test_catalogue.py and test_kernels_vs_quadrature.py.
"""
from functools import cache

import mpmath as mp
import numpy as np
import pytest
import sympy as sp

import definitions as ref
import mjsd
from derive.codegen.spec import (COUNT, NONNEGATIVE, OPEN_UNIT, POSITIVE, POSITIVE_VECTOR, REAL, REAL_VECTOR, SCALE_VECTOR, SIMPLEX,
                                 UNIT, VECTORS, ClosedForm)
from derive.families import FAMILIES
from derive.special import LogDirichletBregman, LogDirichletJeffreys, LogDirichletJensen, LogDirichletSkewBregman
from derive.special import (BesselRatio, BesselRatioOverZ, ExpBregman, Expm1mx, LogBetaBregman, LogBetaJeffreys,
                            LogBetaJensen, LogBetaSkewBregman, LogI0, LogI0Bregman, LogI0Jensen, LogI0SkewBregman,
                            LogRatio, SkewLogGap, SkewLogGapSlope, StirlingBregman, StirlingJensen, StirlingSkewBregman)

K = 3  # the row length of vector parameters in these tests
SPECS = {(m.module().name, k.name): k for m in FAMILIES for k in m.module().kernels if isinstance(k, ClosedForm)}
CASES = sorted(SPECS)


def function(module, name):
    return getattr(getattr(mjsd, module), f"{name}_value_and_grad")


def sample(constraint, rng):
    """A valid, generic value of a parameter (vectors of length K)."""
    draw = {REAL: lambda: rng.uniform(-2, 2), POSITIVE: lambda: np.exp(rng.uniform(-1, 1)),
            NONNEGATIVE: lambda: np.exp(rng.uniform(-1, 1)),
            UNIT: lambda: rng.uniform(0.1, 0.9), OPEN_UNIT: lambda: rng.uniform(0.1, 0.9), COUNT: lambda: 7.0,
            SIMPLEX: lambda: rng.dirichlet(np.full(K, 2.0)), POSITIVE_VECTOR: lambda: np.exp(rng.uniform(-1, 1.5, K)),
            REAL_VECTOR: lambda: rng.uniform(-2, 2, K), SCALE_VECTOR: lambda: np.exp(rng.uniform(-1, 1, K))}
    return draw[constraint]()


@cache
def reference(case):
    """(mpmath function of the flattened parameters, their names) for a closed form, at K entries per vector."""
    spec = SPECS[case]
    # the Dirichlet gaps taken whole, written back as their sums over the entries first
    whole = (LogDirichletBregman, LogDirichletJeffreys, LogDirichletJensen, LogDirichletSkewBregman)
    expr = spec.expr.replace(lambda e: isinstance(e, whole), lambda e: e.rewrite(sp.loggamma))
    for symbol, value in reversed(spec.preamble):
        expr = expr.subs(symbol, value)
    flat, names = [], []
    for p in spec.params:
        if p.constraint in VECTORS:
            entries = [sp.Symbol(f"{p.name}_{j}", real=True) for j in range(K)]
            bound = {s.limits[0][2] for s in expr.atoms(sp.Sum)}
            expr = expr.xreplace({b: K - 1 for b in bound}).doit()
            expr = expr.xreplace({p.symbol[j]: e for j, e in enumerate(entries)})
            flat += entries
            names += [(p.name, j) for j in range(K)]
        else:
            flat.append(p.symbol)
            names.append((p.name, None))
    expr = expr.replace(lambda e: isinstance(e, (LogI0Bregman, LogI0Jensen, LogI0SkewBregman)), lambda e: e.rewrite(LogI0))
    expr = expr.replace(lambda e: isinstance(e, (StirlingBregman, StirlingJensen, StirlingSkewBregman, LogBetaBregman,
                                                 LogBetaJensen, LogBetaSkewBregman, LogBetaJeffreys)),
                        lambda e: e.rewrite(sp.loggamma))
    expr = expr.replace(lambda e: isinstance(e, (LogI0, BesselRatio, BesselRatioOverZ)), lambda e: e.rewrite(sp.besseli))
    expr = expr.replace(lambda e: isinstance(e, (SkewLogGap, SkewLogGapSlope)), lambda e: e.rewrite(sp.log))
    expr = expr.replace(lambda e: isinstance(e, LogRatio), lambda e: e.rewrite(sp.log))
    expr = expr.replace(lambda e: isinstance(e, (Expm1mx, ExpBregman)), lambda e: e.rewrite(sp.exp))
    return sp.lambdify(flat, expr, modules="mpmath"), names


def flatten(spec, point):
    return [mp.mpf(float(x)) for p in spec.params for x in np.atleast_1d(point[p.name])]


@pytest.mark.parametrize("case", CASES, ids="-".join)
def test_partials_match_mpmath_derivatives(case):
    spec, rng = SPECS[case], np.random.default_rng(100 + CASES.index(case))
    f, names = reference(case)
    mp.mp.dps = 40
    for _ in range(3):
        point = {p.name: sample(p.constraint, rng) for p in spec.params}
        value, grad = function(*case)(**point)
        x = flatten(spec, point)
        assert value == getattr(getattr(mjsd, case[0]), case[1])(**point)  # the same bits as the divergence
        exact = {}
        for n, (name, j) in enumerate(names):
            if name not in grad:
                continue
            shifted = lambda t, n=n: f(*(x[:n] + [t] + x[n + 1:]))
            exact[(name, j)] = float(mp.diff(shifted, x[n]))
        largest = max(abs(v) for v in exact.values())
        for (name, j), expected in exact.items():
            got = grad[name] if j is None else grad[name][j]
            assert got == pytest.approx(expected, rel=1e-7, abs=1e-9 * largest), (name, j, point)


@pytest.mark.parametrize("case", [case for case in CASES if case[0] == "von_mises"], ids="-".join)
@pytest.mark.parametrize("zero", ["kappa1", "kappa2"])
def test_von_mises_partials_at_kappa_zero(case, zero):
    """kappa = 0 (the uniform law) is valid: the partials there are the one-sided mpmath derivatives (the kernels
    had A(kappa)/kappa = 0/0 in A', NaN, before BesselRatioOverZ)."""
    spec = SPECS[case]
    f, names = reference(case)
    mp.mp.dps = 40
    point = {"loc1": 0.3, "kappa1": 1.7, "loc2": -0.4, "kappa2": 2.5, "alpha": 0.3, zero: 0.0}
    point = {p.name: point[p.name] for p in spec.params}
    _, grad = function(*case)(**point)
    x = flatten(spec, point)
    for n, (name, _) in enumerate(names):
        if name in grad:
            shifted = lambda t, n=n: f(*(x[:n] + [t] + x[n + 1:]))
            expected = float(mp.diff(shifted, x[n], direction=1 if name == zero else 0))
            assert grad[name] == pytest.approx(expected, rel=1e-9, abs=1e-12), (name, point)


# Finite differences of the definitions (scipy quadrature at 1e-13): independent of every closed form.
DEFINED = [("normal", "jsd_geometric", ref.normal, lambda p, q, a: ref.jsd_geometric(p, q, a)),
           ("normal", "jsd_geometric_dual", ref.normal, lambda p, q, a: ref.jsd_geometric(p, q, a, dual=True)),
           ("normal", "kl", ref.normal, lambda p, q, a: ref.kl(p, q)),
           ("cauchy", "jsd_harmonic", ref.cauchy, lambda p, q, a: ref.jsd_harmonic(p, q, a)),
           ("cauchy", "jsd_arithmetic", ref.cauchy, lambda p, q, a: ref.jsd_arithmetic(p, q, a))]


@pytest.mark.parametrize("module, name, law, divergence", DEFINED, ids=lambda v: v if isinstance(v, str) else "")
def test_partials_match_finite_differences_of_the_definition(module, name, law, divergence):
    point = [0.4, 1.3, -0.6, 0.8, 0.35]
    skewed = any(p.name == "alpha" for p in SPECS[module, name].params)
    _, grad = function(module, name)(*(point if skewed else point[:4]))
    for n, param in enumerate(["loc1", "scale1", "loc2", "scale2", "alpha"][:len(grad)]):
        h = 1e-3 * max(abs(point[n]), 0.1)
        values = []
        for step in (-2, -1, 1, 2):  # the five-point stencil: error O(h^4), rounding 1e-13 / h
            shifted = list(point)
            shifted[n] += step * h
            values.append(divergence(law(*shifted[:2]), law(*shifted[2:4]), shifted[4]))
        derivative = (values[0] - 8 * values[1] + 8 * values[2] - values[3]) / (12 * h)
        assert grad[param] == pytest.approx(derivative, rel=1e-6, abs=1e-8), param


@pytest.mark.parametrize("case", CASES, ids="-".join)
def test_batch_equals_scalar_calls_and_threads_change_nothing(case):
    spec, rng = SPECS[case], np.random.default_rng(CASES.index(case))
    points = [{p.name: sample(p.constraint, rng) for p in spec.params} for _ in range(5)]
    batch = {p.name: np.array([point[p.name] for point in points]) for p in spec.params}
    values, grads = function(*case)(**batch)
    for i, point in enumerate(points):
        value, grad = function(*case)(**point)
        assert values[i] == value and all(np.array_equal(grads[name][i], grad[name]) for name in grad)
    big = {name: np.repeat(a, 4000, axis=0) for name, a in batch.items()}  # past the grain: split across threads
    mjsd.set_num_threads(2)
    big_values, big_grads = function(*case)(**big)
    assert np.array_equal(big_values, np.repeat(values, 4000))
    assert all(np.array_equal(big_grads[n], np.repeat(grads[n], 4000, axis=0)) for n in grads)


@pytest.mark.parametrize("case", CASES, ids="-".join)
def test_identical_laws_give_exactly_zero_and_vanishing_partials(case):
    spec, rng = SPECS[case], np.random.default_rng(CASES.index(case))
    point = {p.name: sample(p.constraint, rng) for p in spec.params}
    for p in spec.params:
        if p.name.endswith("2"):
            point[p.name] = point[p.name[:-1] + "1"]
    value, grad = function(*case)(**point)
    assert value == 0.0 and getattr(getattr(mjsd, case[0]), case[1])(**point) == 0.0  # exactly, every closed form
    for p in spec.params:
        if p.name not in grad:
            continue
        partial = np.asarray(grad[p.name])
        if p.constraint == SIMPLEX:  # entries taken as free: only the part along the simplex must vanish
            partial = partial - partial.mean()
        assert np.abs(partial).max() <= 1e-12 * max(1.0, np.abs(point[p.name]).max() ** -2), (p.name, partial)


def test_shapes_of_vector_partials_and_the_error_for_bad_input():
    value, grad = mjsd.diagnormal.jsd_geometric_value_and_grad(np.zeros((4, 1, 3)), np.ones(3), np.ones((5, 3)), 2.0 * np.ones(3))
    assert value.shape == (4, 5) and grad["loc1"].shape == (4, 5, 3) and grad["alpha"].shape == (4, 5)
    assert type(mjsd.normal.kl_value_and_grad(0.0, 1.0, 1.0, 2.0)[1]["scale2"]) is float
    assert set(mjsd.binomial.kl_value_and_grad(5, 0.2, 0.3)[1]) == {"p1", "p2"}  # no derivative in the count
    with pytest.raises(ValueError, match="scale2 must be finite and > 0"):
        mjsd.normal.jsd_geometric_value_and_grad(0.0, 1.0, 1.0, [1.0, np.nan])
    with pytest.raises(ValueError, match="alpha must lie in"):
        mjsd.categorical.jsd_geometric_value_and_grad([0.5, 0.5], [0.2, 0.8], alpha=1.5)


# -- multivariate laws: matrix calculus assembled at run time from A^-1 (derive/codegen/gradient.py) ------------------
MATRIX = [("mvnormal", name) for name in ("kl", "jeffreys", "jsd_geometric", "jsd_geometric_dual", "bhattacharyya",
                                          "jsd_geometric_deasy")]
MATRIX += [("wishart", name) for name in ("kl", "jeffreys", "jsd_geometric", "jsd_geometric_dual", "bhattacharyya")]


def matrix_point(module, name, rng, d=3):
    def spd():
        a = rng.normal(size=(d, d))
        return a @ a.T + d * np.eye(d)
    point = ({"loc1": rng.normal(size=d), "cov1": spd(), "loc2": rng.normal(size=d), "cov2": spd()}
             if module == "mvnormal" else {"df1": d + rng.uniform(0, 4), "scale1": spd(), "df2": d + rng.uniform(0, 4),
                                            "scale2": spd()})
    if "alpha" in getattr(getattr(mjsd, module), name).__code__.co_varnames:
        point["alpha"] = rng.uniform(0.1, 0.9)
    return point


@pytest.mark.parametrize("module, name", MATRIX)
def test_matrix_partials_match_finite_differences(module, name):
    """Against the five-point stencil of the value kernel (itself checked against Monte Carlo in test_mvnormal.py):
    a symmetric step in entries (i, j) and (j, i) moves the value by (G_ij + G_ji) h."""
    rng = np.random.default_rng(MATRIX.index((module, name)))
    divergence = getattr(getattr(mjsd, module), name)
    point = matrix_point(module, name, rng)
    value, grad = function(module, name)(**point)
    assert value == divergence(**point)
    for key, x in point.items():
        x = np.atleast_1d(np.asarray(x, dtype=float))
        for index in np.ndindex(x.shape):
            if x.ndim == 2 and index[0] < index[1]:
                continue
            h = 1e-4 * max(1.0, abs(x[index]))

            def at(step):
                shifted = x.copy()
                shifted[index] += step
                if x.ndim == 2 and index[0] != index[1]:
                    shifted[index[::-1]] += step
                return divergence(**{**point, key: shifted if x.ndim else float(shifted[0])})
            stencil = (at(-2 * h) - 8 * at(-h) + 8 * at(h) - at(2 * h)) / (12 * h)
            partial = np.atleast_1d(grad[key])
            exact = partial[index] + (partial[index[::-1]] if x.ndim == 2 and index[0] != index[1] else 0.0)
            assert exact == pytest.approx(stencil, rel=1e-6, abs=1e-8), (key, index)


@pytest.mark.parametrize("module, name", MATRIX)
def test_matrix_batches_equal_scalar_calls_and_identical_laws_give_zeros(module, name):
    rng = np.random.default_rng(len(MATRIX) + MATRIX.index((module, name)))
    points = [matrix_point(module, name, rng) for _ in range(3)]
    batch = {key: np.array([p[key] for p in points]) for key in points[0]}
    values, grads = function(module, name)(**batch)
    for i, point in enumerate(points):
        value, grad = function(module, name)(**point)
        assert values[i] == value and all(np.array_equal(grads[key][i], grad[key]) for key in grad)
        assert all(np.allclose(grad[key], np.swapaxes(grad[key], -1, -2), rtol=1e-12, atol=0)
                   for key in grad if np.ndim(grad[key]) == 2)  # gradients in a covariance are symmetric
    same = {key: points[0][key[:-1] + "1"] if key.endswith("2") else v for key, v in points[0].items()}
    value, grad = function(module, name)(**same)
    assert value == 0.0 and all(np.all(np.asarray(g) == 0.0) for g in grad.values())


# The multivariate normal's divergences from their definitions in mpmath (40 digits): KL between two normals, and the
# geometric mixture p1^(1-a) p2^a as the normal with precision (1-a) P1 + a P2 (no closed form of derive's involved).
def _mp_kl(m1, s1, m2, s2):
    inverse, gap = mp.inverse(s2), m2 - m1
    trace = sum((inverse * s1)[i, i] for i in range(s1.rows))
    return (trace + (gap.T * inverse * gap)[0] - s1.rows + mp.log(mp.det(s2) / mp.det(s1))) / 2


def _mp_mixture(m1, s1, m2, s2, a):
    precision = (1 - a) * mp.inverse(s1) + a * mp.inverse(s2)
    s = mp.inverse(precision)
    return s * ((1 - a) * mp.inverse(s1) * m1 + a * mp.inverse(s2) * m2), s


def _mp_mvnormal(name, m1, s1, m2, s2, a=None):
    p, q = (m1, s1), (m2, s2)
    if name == "kl":
        return _mp_kl(*p, *q)
    if name == "jeffreys":
        return _mp_kl(*p, *q) + _mp_kl(*q, *p)
    g = _mp_mixture(*p, *q, 1 - a if name == "jsd_geometric_deasy" else a)
    if name in ("jsd_geometric", "jsd_geometric_deasy"):
        return (1 - a) * _mp_kl(*p, *g) + a * _mp_kl(*q, *g)
    return (1 - a) * _mp_kl(*g, *p) + a * _mp_kl(*g, *q)  # the dual, equal to the skew Bhattacharyya distance


# The Wishart law's divergences from their definitions in mpmath (40 digits): the textbook KL between two Wishart laws,
# and the geometric mixture as the Wishart law with the mixed natural parameters: degrees of freedom (1-a) n1 + a n2,
# scale inverse (1-a) V1^-1 + a V2^-1.
def _mp_multigamma(a, d):
    return d * (d - 1) * mp.log(mp.pi) / 4 + sum(mp.loggamma(a - mp.mpf(j) / 2) for j in range(d))


def _mp_multidigamma(a, d):
    return sum(mp.digamma(a - mp.mpf(j) / 2) for j in range(d))


def _mp_wishart_kl(n1, v1, n2, v2):
    d = v1.rows
    trace = sum((mp.inverse(v2) * v1)[i, i] for i in range(d))
    return (n2 / 2 * mp.log(mp.det(v2) / mp.det(v1)) + n1 / 2 * (trace - d) + _mp_multigamma(n2 / 2, d)
            - _mp_multigamma(n1 / 2, d) + (n1 - n2) / 2 * _mp_multidigamma(n1 / 2, d))


def _mp_wishart(name, n1, v1, n2, v2, a=None):
    p, q = (n1, v1), (n2, v2)
    if name == "kl":
        return _mp_wishart_kl(*p, *q)
    if name == "jeffreys":
        return _mp_wishart_kl(*p, *q) + _mp_wishart_kl(*q, *p)
    g = ((1 - a) * n1 + a * n2, mp.inverse((1 - a) * mp.inverse(v1) + a * mp.inverse(v2)))
    if name == "jsd_geometric":
        return (1 - a) * _mp_wishart_kl(*p, *g) + a * _mp_wishart_kl(*q, *g)
    return (1 - a) * _mp_wishart_kl(*g, *p) + a * _mp_wishart_kl(*g, *q)  # the dual, equal to the Bhattacharyya


DEFINITIONS = {"mvnormal": _mp_mvnormal, "wishart": _mp_wishart}


@pytest.mark.parametrize("module, name", MATRIX)
def test_matrix_partials_match_mpmath_derivatives_of_the_definition(module, name):
    mp.mp.dps = 40
    point = matrix_point(module, name, np.random.default_rng(7), d=2)
    _, grad = function(module, name)(**point)
    exact = {key: mp.matrix(np.atleast_1d(value).tolist()) if np.ndim(value) else mp.mpf(value)
             for key, value in point.items()}

    def value(key, index, t):
        shifted = dict(exact)
        if not index:
            shifted[key] = exact[key] + t
        else:
            shifted[key] = exact[key].copy()
            shifted[key][index if len(index) == 2 else index[0]] += t
            if len(index) == 2 and index[0] != index[1]:
                shifted[key][index[::-1]] += t
        return DEFINITIONS[module](name, *shifted.values())

    for key, x in point.items():
        for index in np.ndindex(np.shape(x)):
            if len(index) == 2 and index[0] < index[1]:
                continue
            derivative = float(mp.diff(lambda t: value(key, index, t), 0))
            partial = np.asarray(grad[key])
            got = partial[index] + (partial[index[::-1]] if len(index) == 2 and index[0] != index[1] else 0.0)
            assert got == pytest.approx(derivative, rel=1e-7, abs=1e-12), (key, index)


def test_matrix_gradient_names_a_matrix_that_is_not_positive_definite():
    bad = np.array([[1.0, 2.0], [2.0, 1.0]])
    with pytest.raises(ValueError, match="cov2 must be symmetric positive definite"):
        mjsd.mvnormal.jsd_geometric_value_and_grad(np.zeros(2), np.eye(2), np.ones(2), bad)
