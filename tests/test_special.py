"""The numba special functions (mjsd._special) against mpmath at 40 digits, with scipy.special as a second reference.

Each function is checked on a few thousand points: log-uniform over its whole domain (1e-300 to 1e300, wherever the
value is a normal float64), uniform over the range holding its switch points, and, for digamma, on both sides of its
root down to the neighbouring doubles. The worst relative error per function is printed (pytest -s).
"""
import math

import mpmath
import numpy as np
import pytest
import scipy.special as sc

from mjsd import _elementary, _special

DIGITS = 40
TOLERANCE = 1e-14  # relative, everywhere the float64 value is normal
X0 = float(mpmath.findroot(mpmath.digamma, 1.46))  # digamma's positive root, rounded to the nearest double
TINY = np.finfo(float).tiny  # below it float64 is subnormal and carries no relative accuracy
TRIGAMMA_OVERFLOW = 1 / math.sqrt(np.finfo(float).max)  # trigamma(x) ~ 1/x^2 exceeds the float64 range below this


def log_uniform(rng, low, high, n):
    return 10.0 ** rng.uniform(math.log10(low), math.log10(high), n)


def neighbours(points, steps=3):
    """Each point and the `steps` doubles either side: the switch points of the algorithms."""
    points = np.asarray(points, float)
    out = [points]
    for direction in (-np.inf, np.inf):
        p = points
        for _ in range(steps):
            p = np.nextafter(p, direction)
            out.append(p)
    return np.concatenate(out)


def mp_log_i0(x):
    # log I0(x) = log(1 + x^2/4 + ...) loses -2 log10(x) digits to the 1 for small x: work with that many more.
    with mpmath.workdps(DIGITS + max(0, int(-2 * mpmath.log10(x)))):
        return +mpmath.log(mpmath.besseli(0, x))


def mp_bessel_ratio(x):
    return mpmath.besseli(1, x) / mpmath.besseli(0, x)


def mp_softplus(u):
    return mpmath.log1p(mpmath.exp(u))


def points_digamma(rng):
    near_root = X0 + np.outer([-1.0, 1.0], np.logspace(-16, -0.3, 300)).ravel()
    return np.concatenate([log_uniform(rng, 1e-300, 1e300, 1500), rng.uniform(0.0, 12.0, 1500), near_root,
                           neighbours([X0], 5), neighbours([1.0, 2.0, 3.0, 10.0]), np.arange(1.0, 13.0)])


def points_trigamma(rng):
    return np.concatenate([log_uniform(rng, TRIGAMMA_OVERFLOW * 1.01, 1e300, 1000), rng.uniform(0.0, 12.0, 1000),
                           neighbours([1.0, 2.0, 9.0, 10.0]), np.arange(1.0, 13.0)])


def points_bessel(rng, low):
    # mpmath takes ~10 ms per Bessel function beyond 1e3, where the asymptotic branch is down to a few terms: few
    # points there
    return np.concatenate([log_uniform(rng, low, 20.0, 800), rng.uniform(0.0, 40.0, 1200),
                           log_uniform(rng, 20.0, 1e3, 300), log_uniform(rng, 1e3, 1e300, 40), neighbours([20.0])])


def points_softplus(rng):
    # e^u is subnormal below u = log(TINY) = -708.4
    magnitudes = log_uniform(rng, 1e-300, 1e300, 1000)
    return np.concatenate([magnitudes, -magnitudes[magnitudes < 708.0], rng.uniform(-40.0, 40.0, 1000),
                           -log_uniform(rng, 1.0, 708.0, 300)])


CASES = {
    # name: (mpmath reference at DIGITS digits, points(rng))
    "digamma": (mpmath.digamma, points_digamma),
    "trigamma": (lambda x: mpmath.polygamma(1, x), points_trigamma),
    # log I0(x) ~ x^2/4 is a normal float64 from x = 2 sqrt(TINY) = 3e-154 on
    "log_i0": (mp_log_i0, lambda rng: points_bessel(rng, 2.0 * math.sqrt(TINY) * 1.01)),
    "i1_over_i0": (mp_bessel_ratio, lambda rng: points_bessel(rng, 1e-300)),
    "i1_over_i0_over_x": (lambda x: mp_bessel_ratio(x) / x, lambda rng: points_bessel(rng, 1e-300)),
    "softplus": (mp_softplus, points_softplus),
    "log_sigmoid": (lambda u: -mp_softplus(-u), lambda rng: -points_softplus(rng)),
}


def worst_relative_error(function, reference, points):
    worst, where = 0.0, math.nan
    with mpmath.workdps(DIGITS):
        for x in points:
            exact = reference(mpmath.mpf(float(x)))
            error = float(abs((function(x) - exact) / exact))
            error = math.inf if math.isnan(error) else error
            if error > worst:
                worst, where = error, x
    return worst, where


@pytest.mark.parametrize("name", CASES)
def test_against_mpmath(name):
    reference, points = CASES[name]
    x = points(np.random.default_rng(sum(map(ord, name))))
    worst, where = worst_relative_error(getattr(_special, name), reference, x)
    print(f"\n{name}: worst relative error {worst:.2e} at {float(where)!r} ({len(x)} points)")
    assert worst <= TOLERANCE


def test_special_values():
    gamma = np.euler_gamma
    assert _special.digamma(1.0) == pytest.approx(-gamma, rel=1e-15)
    assert _special.digamma(2.0) == pytest.approx(1.0 - gamma, rel=1e-15)
    assert _special.digamma(0.5) == pytest.approx(-gamma - 2.0 * math.log(2.0), rel=1e-15)
    assert _special.trigamma(1.0) == pytest.approx(math.pi ** 2 / 6.0, rel=1e-15)
    assert _special.trigamma(0.5) == pytest.approx(math.pi ** 2 / 2.0, rel=1e-15)
    assert _special.log_i0(0.0) == 0.0
    assert _special.i1_over_i0(0.0) == 0.0
    assert _special.i1_over_i0_over_x(0.0) == 0.5  # the limit of I1(x) / (x I0(x)): x/2 / x
    assert _special.softplus(0.0) == pytest.approx(math.log(2.0), rel=1e-15)
    assert _special.log_sigmoid(0.0) == pytest.approx(-math.log(2.0), rel=1e-15)
    # the neighbours of digamma's root straddle it
    assert _special.digamma(np.nextafter(X0, 0.0)) < 0.0 < _special.digamma(np.nextafter(X0, 2.0))


def test_extremes():
    """Where float64 cannot hold the value: overflow to inf, underflow to (at most one subnormal step from) 0."""
    assert _special.trigamma(TRIGAMMA_OVERFLOW / 1.01) == math.inf
    assert _special.trigamma(1e-300) == math.inf
    assert _special.digamma(1e300) == pytest.approx(math.log(1e300), rel=1e-15)
    assert _special.log_i0(1e300) == pytest.approx(1e300, rel=1e-15)
    assert _special.i1_over_i0(1e300) == 1.0
    for x in (1e-160, 1e-200, 1e-300):
        assert abs(_special.log_i0(x) - mpmath.mpf(x) ** 2 / 4) <= 2.0 ** -1074
    assert _special.softplus(-800.0) == 0.0 and _special.log_sigmoid(800.0) == 0.0
    assert _special.softplus(1e300) == 1e300 and _special.log_sigmoid(-1e300) == -1e300
    for function in (_special.digamma, _special.trigamma):
        assert math.isnan(function(0.0)) and math.isnan(function(-1.5))
    for function in (_special.log_i0, _special.i1_over_i0, _special.i1_over_i0_over_x):
        assert math.isnan(function(-1.0))


SCIPY = {
    # name: (scipy reference, points): moderate ranges, where scipy.special is itself accurate to ~1e-15
    "digamma": (sc.digamma, (1e-3, 1e3)),
    "trigamma": (lambda x: sc.polygamma(1, x), (1e-3, 1e3)),
    "log_i0": (lambda x: np.log(sc.i0e(x)) + x, (1.0, 1e4)),  # from 1 on: for small x, log i0e(x) + x cancels
    "i1_over_i0": (lambda x: sc.i1e(x) / sc.i0e(x), (1e-3, 1e4)),
}


@pytest.mark.parametrize("name", SCIPY)
def test_against_scipy(name):
    reference, (low, high) = SCIPY[name]
    rng = np.random.default_rng(sum(map(ord, name)) + 1)
    x = np.concatenate([log_uniform(rng, low, high, 2000), rng.uniform(max(low, 0.5), 3.0, 1000)])
    ours = np.array([getattr(_special, name)(v) for v in x])
    expected = reference(x)
    errors = np.abs(ours - expected) / np.abs(expected)
    print(f"\n{name} vs scipy: worst relative difference {errors.max():.2e} at {x[errors.argmax()]!r}")
    assert errors.max() <= TOLERANCE


def test_log_ratio_keeps_its_digits_when_the_two_sides_nearly_agree():
    """log_ratio(a, b, a - b) against mpmath from a / b = 1 +- 1e-16 to 1e+-300, and across the switch points
    (a / b = sqrt(2)/2 and sqrt(2)), where log(a / b) straight from a / b keeps only the digits of a / b - 1 that
    survive its rounding. a - b is exact here (Sterbenz) or far from cancelling, as the kernels supply it."""
    rng = np.random.default_rng(7)
    b = rng.uniform(0.5, 2.0, 3000) * log_uniform(rng, 1e-100, 1e100, 3000)
    gaps = log_uniform(rng, 1e-16, 1e2, 3000) * rng.choice([-1.0, 1.0], 3000)
    ratios = np.concatenate([np.where(gaps > 0, 1 + gaps, 1 / (1 - gaps)),
                             neighbours([math.sqrt(0.5), math.sqrt(2.0)], 5), [1e-300, 1e250]])
    b = b[:len(ratios)] if len(b) >= len(ratios) else np.resize(b, len(ratios))
    a = b * ratios
    worst = 0.0
    with mpmath.workdps(DIGITS):
        for x, y in zip(a, b):
            if x == y:
                assert _special.log_ratio(x, y, 0.0) == 0.0
                continue
            exact = mpmath.log(mpmath.mpf(x) / mpmath.mpf(y))
            worst = max(worst, abs(float((_special.log_ratio(x, y, x - y) - exact) / exact)))
    print(f"log_ratio: worst relative error {worst:.2e} over {len(a)} points")
    assert worst < 4e-16


def test_the_vectorisable_log_is_within_one_ulp():
    """_elementary.log (fdlibm's algorithm in plain arithmetic, which the kernels call so that LLVM can vectorise their
    loops) against mpmath: < 1 ulp over the whole float64 range, subnormals included, and near 1; math.log's values at
    0, inf, NaN and negative numbers."""
    rng = np.random.default_rng(11)
    x = np.concatenate([np.exp(rng.uniform(-744, 709, 4000)), rng.uniform(0.5, 2.0, 2000),
                        1 + log_uniform(rng, 1e-16, 1e-3, 1000) * rng.choice([-1.0, 1.0], 1000),
                        2.0 ** rng.integers(-1074, 1024, 500).astype(float),
                        neighbours([math.sqrt(0.5), math.sqrt(2.0), TINY, 1.0], 3), [np.finfo(float).max]])
    x = x[np.isfinite(x) & (x > 0)]
    worst = 0.0
    with mpmath.workdps(DIGITS):
        for value in x:
            exact = mpmath.log(mpmath.mpf(float(value)))
            ours = _elementary.log(float(value))
            if exact == 0:
                assert ours == 0.0
                continue
            worst = max(worst, float(abs(ours - exact)) / math.ulp(float(exact)))
    print(f"\n_elementary.log: worst error {worst:.2f} ulp over {len(x)} points")
    assert worst < 1.0
    for special in (0.0, -0.0, math.inf, -1.0, -math.inf, math.nan, 5e-324):
        expected = math.log(special) if special > 0 else (-math.inf if special == 0 else math.nan)
        assert _elementary.log(special) == expected or (math.isnan(expected) and math.isnan(_elementary.log(special)))


def test_expm1_within_ulps_of_mpmath():
    """_elementary.expm1 (Taylor series below |x| = 0.7, exp(x) - 1 beyond) against mpmath from |x| = 1e-300 to the
    overflow threshold, across its switch point: < 2.5 ulp (measured 1.1)."""
    rng = np.random.default_rng(14)
    x = np.concatenate([rng.uniform(-40.0, 709.0, 3000), log_uniform(rng, 1e-300, 1.0, 3000) * rng.choice([-1.0, 1.0], 3000),
                        neighbours([0.7, -0.7], 4)])
    worst = 0.0
    with mpmath.workdps(DIGITS):
        for value in x:
            exact = mpmath.expm1(mpmath.mpf(float(value)))
            worst = max(worst, float(abs(_elementary.expm1(float(value)) - exact)) / math.ulp(float(exact)))
    print(f"\n_elementary.expm1: worst error {worst:.2f} ulp over {len(x)} points")
    assert worst < 2.5
    assert _elementary.expm1(-math.inf) == -1.0 and _elementary.expm1(math.inf) == math.inf
    assert _elementary.expm1(0.0) == 0.0 and math.isnan(_elementary.expm1(math.nan))


def test_log1p_minus_keeps_its_digits_near_zero():
    """log1p_minus(x) = log(1 + x) - x ~ -x^2/2 against mpmath from |x| = 1e-300 to 1e300, and across its switch points."""
    rng = np.random.default_rng(11)
    x = np.concatenate([log_uniform(rng, 1e-300, 1e300, 1500), -log_uniform(rng, 1e-300, 1 - 1e-16, 1500),
                        neighbours([math.sqrt(0.5) - 1.0, math.sqrt(2.0) - 1.0], 5)])
    worst = 0.0
    for v in x:
        with mpmath.workdps(DIGITS + max(0, -int(math.log10(abs(v))))):  # the digits log1p(v) - v cancels
            exact = mpmath.log1p(mpmath.mpf(v)) - mpmath.mpf(v)
            if abs(exact) < TINY:
                continue  # -v^2/2 below the normal float64 range
            worst = max(worst, abs(float((_special.log1p_minus(v) - exact) / exact)))
    print(f"log1p_minus: worst relative error {worst:.2e} over {len(x)} points")
    assert worst < 1e-15


def test_skew_log_gap_keeps_its_digits_for_every_weight():
    """skew_log_gap(a, t) = log(1 - a + a e^t) - a t ~ a (1 - a) t^2 / 2 against mpmath for |t| from 1e-40 to 700 and
    a from 1e-300 to 1 - 1e-16, across its switch points (|t| = 0.34, 0.7 and 700, a = 1/2), where the value is a normal
    float64; exactly 0 at a = 0, a = 1 and t = 0."""
    rng = np.random.default_rng(12)
    t = np.concatenate([log_uniform(rng, 1e-40, 700.0, 300), neighbours([0.34, 0.7, 700.0], 3),
                        log_uniform(rng, 700.0, 1e4, 20)])
    t = np.concatenate([t, -t])
    a = np.concatenate([log_uniform(rng, 1e-300, 0.5, 12), 1 - log_uniform(rng, 1e-16, 0.5, 12),
                        neighbours([0.5], 2), rng.uniform(0, 1, 6)])
    worst = 0.0
    with mpmath.workdps(2 * DIGITS):  # the first-order terms cancel, to t ~ 1e-40
        for w in a:
            for s in t:
                exact = mpmath.log1p(w * mpmath.expm1(mpmath.mpf(s))) - mpmath.mpf(w) * s
                if abs(exact) < TINY:
                    continue
                worst = max(worst, abs(float((_special.skew_log_gap(w, s) - exact) / exact)))
    print(f"skew_log_gap: worst relative error {worst:.2e} over {len(a) * len(t)} points")
    assert worst < 1e-14
    assert _special.skew_log_gap(0.0, 3.0) == 0.0 and _special.skew_log_gap(1.0, 3.0) == 0.0
    assert _special.skew_log_gap(0.3, 0.0) == 0.0


def test_skew_log_gap_ratio_keeps_its_digits_for_every_weight_and_ratio():
    """skew_log_gap_ratio(a, x, y, x - y, k) = skew_log_gap(a, k log(x / y)) against mpmath on the exact x / y, for k = 1
    and 2, ratios from 1 + 1e-15 to 1e300 either way (across its switch points: e^s - 1 = e^0.34 - 1, e^700 - 1 and the
    cap of the fraction), scales from 1e-200 to 1e150 and weights from 1e-300 to 1 - 1e-16."""
    rng = np.random.default_rng(14)
    relative = np.concatenate([log_uniform(rng, 1e-15, 1e300, 60), np.expm1(neighbours([0.34, 700.0], 2)),
                               np.expm1(neighbours([0.17, 350.0], 2)), [1e153, 1e154, 1e155]])
    a = np.concatenate([log_uniform(rng, 1e-300, 0.5, 8), 1 - log_uniform(rng, 1e-16, 0.5, 8),
                        neighbours([0.5], 1), rng.uniform(0, 1, 3)])
    worst, count = 0.0, 0
    with mpmath.workdps(2 * DIGITS):
        for y in (1e-200, 1e-3, 1.0, 7.3e150):
            with np.errstate(over="ignore"):  # x beyond the float64 range is skipped
                xs = y * (1.0 + relative)
            for x in xs:
                for first, second in ((x, y), (y, x)):
                    if not 0.0 < first < math.inf:
                        continue
                    for power in (1.0, 2.0):
                        t = power * mpmath.log(mpmath.mpf(first) / mpmath.mpf(second))
                        for w in a:
                            exact = mpmath.log1p(w * mpmath.expm1(t)) - w * t
                            if abs(exact) < TINY or abs(exact) > 1e300:
                                continue
                            value = _special.skew_log_gap_ratio(w, first, second, first - second, power)
                            worst = max(worst, abs(float((value - exact) / exact)))
                            count += 1
    print(f"skew_log_gap_ratio: worst relative error {worst:.2e} over {count} points")
    assert worst < 1e-14
    assert _special.skew_log_gap_ratio(0.0, 3.0, 1.0, 2.0, 2.0) == 0.0
    assert _special.skew_log_gap_ratio(1.0, 3.0, 1.0, 2.0, 1.0) == 0.0
    assert _special.skew_log_gap_ratio(0.3, 2.0, 2.0, 0.0, 2.0) == 0.0


def test_skew_log_gap_slope_for_every_weight_and_any_ratio():
    """skew_log_gap_slope(a, t) = (e^t - 1) / (1 - a + a e^t) against mpmath for |t| from 1e-300 to 1e4 (e^t far beyond
    the float64 range) and a from 1e-300 to 1 - 1e-16."""
    rng = np.random.default_rng(13)
    t = log_uniform(rng, 1e-300, 1e4, 300)
    t = np.concatenate([t, -t])
    a = np.concatenate([log_uniform(rng, 1e-300, 0.5, 8), 1 - log_uniform(rng, 1e-16, 0.5, 8), rng.uniform(0, 1, 4)])
    worst = 0.0
    with mpmath.workdps(DIGITS):
        for w in a:
            for s in t:
                u = mpmath.expm1(mpmath.mpf(s))
                exact = u / (1 + w * u)
                worst = max(worst, abs(float((_special.skew_log_gap_slope(w, s) - exact) / exact)))
    print(f"skew_log_gap_slope: worst relative error {worst:.2e} over {len(a) * len(t)} points")
    assert worst < 1e-15
