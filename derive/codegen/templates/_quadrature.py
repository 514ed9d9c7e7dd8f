"""Adaptive Gauss-Kronrod quadrature of the arithmetic JSD, for families where it has no closed form.

JS_alpha(p:q) = integral of (1 - alpha) [p log(p/m) - p + m] + alpha [q log(q/m) - q + m],  m = (1 - alpha) p + alpha q.
Both brackets are pointwise >= 0 (they add up to the usual integrand since (1 - alpha)(m - p) + alpha(m - q) = 0), so
the sum never cancels, and each is m * phi(log(p/m)) with phi(s) = s e^s - e^s + 1, evaluated without cancellation.

A family supplies, as numba functions of a parameter tuple, its two log-densities and landmarks (centre and width of
each law); ``arithmetic_jsd`` builds the integrator from them (a closure, so numba can cache it per family).
"""
import math

import numba
import numpy as np

# 21-point Gauss-Kronrod rule (QUADPACK qk21): Kronrod nodes/weights, then the embedded 10-point Gauss weights,
# whose nodes are the Kronrod nodes of odd index.
_XGK = np.array([
    0.995657163025808080735527280689003, 0.973906528517171720077964012084452, 0.930157491355708226001207180059508,
    0.865063366688984510732096688423493, 0.780817726586416897063717578345042, 0.679409568299024406234327365114874,
    0.562757134668604683339000099272694, 0.433395394129247190799265943165784, 0.294392862701460198131126603103866,
    0.148874338981631210884826001129720, 0.0])
_WGK = np.array([
    0.011694638867371874278064396062192, 0.032558162307964727478818972459390, 0.054755896574351996031381300244580,
    0.075039674810919952767043140916190, 0.093125454583697605535065465083366, 0.109387158802297641899210590325805,
    0.123491976262065851077600525519931, 0.134709217311473325928054001771707, 0.142775938577060080797094273138717,
    0.147739104901338491374841515972068, 0.149445554002916905664936468389821])
_WG = np.array([
    0.066671344308688137593568809893332, 0.149451349150580593145776339657697, 0.219086362515982043995534934228163,
    0.269266719309996355091226921569469, 0.295524224714752870173892994651338])

EPSREL = 1e-11  # target on QUADPACK's (pessimistic) error estimate; the promised accuracy is 1e-10 relative
# Absolute floor: for identical laws the integrand is rounding noise (phi of a one-ulp log ratio, ~1e-32 times the
# density) and no relative target is reachable; without the floor every segment would be bisected to MAX_SEGMENTS.
EPSABS = 1e-30
MAX_SEGMENTS = 2000
_STEPS = (-64.0, -16.0, -4.0, -1.0, 0.0, 1.0, 4.0, 16.0, 64.0)  # breakpoints, in widths, around each centre
_FINITE, _RIGHT_TAIL, _LEFT_TAIL = 0, 1, 2


@numba.njit(cache=True, error_model="numpy", nogil=True)
def phi(s):
    """s e^s - e^s + 1 >= 0; a Taylor series where the direct form would cancel."""
    if abs(s) < 0.1:
        # sum_{n >= 2} (n - 1) s^n / n!, Horner form, truncated at n = 12 (error < 1e-17 relative)
        total = 0.0
        factorial = 479001600.0  # 12!
        for n in range(12, 1, -1):
            total = total * s + (n - 1) / factorial
            factorial /= n
        return total * s * s
    return s * math.exp(s) - math.expm1(s)


@numba.njit(cache=True, error_model="numpy", nogil=True)
def log_mixture(lp, lq, alpha):
    """log m = log((1 - alpha) p + alpha q) from log p and log q, without overflow."""
    a = math.log1p(-alpha) + lp
    b = math.log(alpha) + lq
    hi, lo = max(a, b), min(a, b)
    if hi == -math.inf:
        return -math.inf
    return hi + math.log1p(math.exp(lo - hi))


@numba.njit(cache=True, error_model="numpy", nogil=True)
def jsd_density(lp, lq, alpha):
    """The pointwise arithmetic-JSD integrand from the two log-densities."""
    lm = log_mixture(lp, lq, alpha)
    if lm == -math.inf:
        return 0.0
    return math.exp(lm) * ((1.0 - alpha) * phi(lp - lm) + alpha * phi(lq - lm))


def adaptive(integrand):
    """Build integrate(points, width, args, epsrel): the integral of integrand(x, args) over the real line.

    The finite ``points`` split the line (sorted); the two tails beyond them are mapped onto [0, 1) with length scale
    ``width``. The segment with the largest error estimate is bisected until the total estimate is within ``epsrel``
    (relative) or EPSABS.
    """

    @numba.njit(cache=True, error_model="numpy", nogil=True)
    def at(kind, u, args, origin, width):
        if kind == _FINITE:
            return integrand(u, args)
        t = u / (1.0 - u)
        x = origin + width * t if kind == _RIGHT_TAIL else origin - width * t
        return integrand(x, args) * width / ((1.0 - u) * (1.0 - u))

    @numba.njit(cache=True, error_model="numpy", nogil=True)
    def gauss_kronrod(kind, a, b, args, origin, width):
        centre, half = 0.5 * (a + b), 0.5 * (b - a)
        f0 = at(kind, centre, args, origin, width)
        kronrod, gauss = f0 * _WGK[10], 0.0
        values = np.empty(21)
        values[10] = f0
        for j in range(10):
            dx = half * _XGK[j]
            f1 = at(kind, centre - dx, args, origin, width)
            f2 = at(kind, centre + dx, args, origin, width)
            values[j], values[20 - j] = f1, f2
            kronrod += _WGK[j] * (f1 + f2)
            if j % 2 == 1:
                gauss += _WG[j // 2] * (f1 + f2)
        mean = 0.5 * kronrod
        spread = _WGK[10] * abs(f0 - mean)
        for j in range(10):
            spread += _WGK[j] * (abs(values[j] - mean) + abs(values[20 - j] - mean))
        kronrod, gauss, spread = kronrod * half, gauss * half, spread * abs(half)
        error = abs(kronrod - gauss)
        if spread != 0.0 and error != 0.0:
            error = spread * min(1.0, (200.0 * error / spread) ** 1.5)
        return kronrod, max(error, 50.0 * 2.220446049250313e-16 * abs(kronrod))

    @numba.njit(cache=True, error_model="numpy", nogil=True)
    def integrate(points, width, args, epsrel):
        n = len(points) + 1
        kinds = np.empty(MAX_SEGMENTS, np.int64)
        lows, highs = np.empty(MAX_SEGMENTS), np.empty(MAX_SEGMENTS)
        values, errors = np.empty(MAX_SEGMENTS), np.empty(MAX_SEGMENTS)
        kinds[0], lows[0], highs[0] = _LEFT_TAIL, 0.0, 1.0
        kinds[1], lows[1], highs[1] = _RIGHT_TAIL, 0.0, 1.0
        for i in range(len(points) - 1):
            kinds[2 + i], lows[2 + i], highs[2 + i] = _FINITE, points[i], points[i + 1]
        for i in range(n):
            origin = points[0] if kinds[i] == _LEFT_TAIL else points[-1]
            values[i], errors[i] = gauss_kronrod(kinds[i], lows[i], highs[i], args, origin, width)
        while n < MAX_SEGMENTS:
            total, total_error, worst = 0.0, 0.0, 0
            for i in range(n):
                total += values[i]
                total_error += errors[i]
                if errors[i] > errors[worst]:
                    worst = i
            if total_error <= max(epsrel * abs(total), EPSABS):
                break
            kind, a, b = kinds[worst], lows[worst], highs[worst]
            origin = points[0] if kind == _LEFT_TAIL else points[-1]
            middle = 0.5 * (a + b)
            values[worst], errors[worst] = gauss_kronrod(kind, a, middle, args, origin, width)
            kinds[n], lows[n], highs[n] = kind, middle, b
            values[n], errors[n] = gauss_kronrod(kind, middle, b, args, origin, width)
            highs[worst] = middle
            n += 1
        total = 0.0
        for i in range(n):
            total += values[i]
        return total

    return integrate


@numba.njit(cache=True, error_model="numpy", nogil=True)
def breakpoints(c1, w1, c2, w2):
    """Where to split the line: the _STEPS around both laws' centres, sorted, without repeats."""
    points = np.empty(2 * len(_STEPS))
    for i in range(len(_STEPS)):
        points[i] = c1 + _STEPS[i] * w1
        points[len(_STEPS) + i] = c2 + _STEPS[i] * w2
    return np.unique(points)


def arithmetic_jsd(log_densities, landmarks):
    """Build jsd(params, alpha) for log_densities(x, params) -> (log p, log q), landmarks(params) -> (c1, w1, c2, w2)."""

    @numba.njit(cache=True, error_model="numpy", nogil=True)
    def density(x, args):
        params, alpha = args
        lp, lq = log_densities(x, params)
        return jsd_density(lp, lq, alpha)

    integrate = adaptive(density)

    @numba.njit(cache=True, error_model="numpy", nogil=True)
    def jsd(params, alpha):
        if alpha == 0.0 or alpha == 1.0:
            return 0.0
        c1, w1, c2, w2 = landmarks(params)
        return integrate(breakpoints(c1, w1, c2, w2), max(w1, w2), (params, alpha), EPSREL)

    return jsd


def arithmetic_jsd_2d(log_densities, landmarks, inner_landmarks):
    """The same over the plane, as nested adaptive quadratures: outer over x, inner over y at each x.

    log_densities(x, y, params) -> (log p, log q); landmarks(params) -> (c1, w1, c2, w2) for x and
    inner_landmarks(x, params) -> the same for y. The inner integrals, each within EPSREL, are positive, so their
    errors add up to at most EPSREL of the outer integrand: the total stays within twice EPSREL (estimated).
    """

    @numba.njit(cache=True, error_model="numpy", nogil=True)
    def density(y, args):
        params, alpha, x = args
        lp, lq = log_densities(x, y, params)
        return jsd_density(lp, lq, alpha)

    inner = adaptive(density)

    @numba.njit(cache=True, error_model="numpy", nogil=True)
    def section(x, args):
        params, alpha = args
        c1, w1, c2, w2 = inner_landmarks(x, params)
        return inner(breakpoints(c1, w1, c2, w2), max(w1, w2), (params, alpha, x), EPSREL)

    outer = adaptive(section)

    @numba.njit(cache=True, error_model="numpy", nogil=True)
    def jsd(params, alpha):
        if alpha == 0.0 or alpha == 1.0:
            return 0.0
        c1, w1, c2, w2 = landmarks(params)
        return outer(breakpoints(c1, w1, c2, w2), max(w1, w2), (params, alpha), EPSREL)

    return jsd
