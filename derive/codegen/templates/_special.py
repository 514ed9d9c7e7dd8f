"""Special functions the generated kernels call and numba's ``math`` lacks: digamma, trigamma, log I0, I1/I0, softplus,
and the multivariate log-gamma and digamma functions of dimension d (sums of d lgamma or digamma values).

All are float64 scalar functions accurate to a few units in the last place (relative error < 1e-15) on their whole
domain, from 1e-300 to 1e300, so that a kernel's closed form loses no more than its own arithmetic does. Each pairs
a convergent expansion where one is cheap with an asymptotic one for large arguments, arranged so that no step
subtracts nearly equal numbers: digamma near its positive root is expanded about the root itself, log I0 near 0 goes
through log1p, softplus keeps exp's argument <= 0. tests/test_special.py checks every function against mpmath.

log_ratio(a, b, a - b) is log(a / b) accurate to the last place also when a ~ b, where log(a / b) would keep only the
digits of a / b - 1 that survive its rounding; log1p_minus(x) = log(1 + x) - x and skew_log_gap(a, t) =
log(1 - a + a e^t) - a t keep theirs near 0, where they are of second order.
"""
import math

import numba
import numpy as np

# the vectorisable elementary functions; the kernels call them as _special.log, _special.exp, ...
from ._elementary import (EXPM1_NEAR, INLINE, _log1p_parts, exp, expm1, expm1_series, log, log1p,  # noqa: F401
                          log1p_from_log, log1p_reduced, log_from_parts, log_from_polynomial, log_outside, log_reduce)

# The positive root of digamma, split into a double and the double nearest to the remainder (together ~1e-33 exact),
# so that x - X0 keeps its relative accuracy however close x is to the root.
_X0_HI = 1.4616321449683622
_X0_LO = 9.549995429965697e-17
# g_k = (-1)^(k+1) zeta(k + 1, X0 + 1), k = 1..25: the Taylor coefficients of digamma(x + 1) about X0 (mpmath, 50
# digits, rounded). Their radius of convergence is X0 + 1, so on [1, 2] (|x - X0| <= 0.54) 25 terms leave < 1e-17.
_ROOT_TAYLOR = np.array([
    0.49958821066342546, -0.12251567278862602, 0.03939709733579885, -0.014039965293930434, 0.00526559187211755,
    -0.0020324818225491725, 0.0007983109588290198, -0.0003170368244016943, 0.0001268167281965579,
    -5.097190255450742e-05, 2.055414125395239e-05, -8.306859775003972e-06, 3.3623594458438883e-06,
    -1.3624395717959079e-06, 5.524792977920754e-07, -2.241523416103308e-07, 9.097694978453553e-08,
    -3.6934557862649377e-08, 1.499735247478639e-08, -6.090500964947203e-09, 2.473612210913063e-09,
    -1.0047053252261424e-09, 4.08099443984292e-10, -1.6577065288159067e-10, 6.733788627268473e-11])
# Bernoulli numbers B_2, B_4, ..., B_20 for the asymptotic series of digamma and trigamma, used from x >= 10 on:
# there the first term left out (B_22) is below 1e-18 of the value.
_BERNOULLI = np.array([1 / 6, -1 / 30, 1 / 42, -1 / 30, 5 / 66, -691 / 2730, 7 / 6, -3617 / 510, 43867 / 798,
                       -174611 / 330])
_ASYMPTOTIC_POLYGAMMA = 10.0
# From x >= 20 on, the asymptotic series of I0 and I1 reach terms < 1e-17 before they start to diverge (below 20
# they do not); under 20 the power series of I0, all of whose terms are positive, takes at most 35 terms.
_ASYMPTOTIC_BESSEL = 20.0
_ASYMPTOTIC_TERMS = 30  # 27 are needed at x = 20, fewer beyond; the cap only bounds the loop
_GAUSS_DEPTH = 40
_SERIES_TOLERANCE = 1e-17
_LOG_2PI = 1.8378770664093453
_LOG_PI = 1.1447298858494002


@numba.njit(cache=True, error_model="numpy", nogil=True)
def _digamma_near_root(x):
    """digamma on [1, 2], as t [1/(X0 x) + sum_k g_k t^(k-1)], t = x - X0.

    digamma(x) = digamma(x + 1) - 1/x; the pole 1/x is taken out of the Taylor series (its part beyond the constant
    sums to t/(X0 x) exactly), so the series in t, of digamma(x + 1), converges fast; the factor t makes the relative
    error small at the root. x - X0_HI is exact (Sterbenz) on [1, 2].
    """
    t = (x - _X0_HI) - _X0_LO
    total = 0.0
    for k in range(len(_ROOT_TAYLOR) - 1, -1, -1):
        total = total * t + _ROOT_TAYLOR[k]
    return t * (total + 1.0 / (_X0_HI * x))


@numba.njit(cache=True, error_model="numpy", nogil=True)
def _digamma_tail(z):
    """sum_k B_2k / (2k) z^(k - 1), z = 1/x^2: psi(x) ~ log x - 1/(2x) - z (this), also for psi(x) - log x."""
    total = 0.0
    for k in range(len(_BERNOULLI), 0, -1):
        total = total * z + _BERNOULLI[k - 1] / (2 * k)
    return total


@numba.njit(cache=True, error_model="numpy", nogil=True)
def _trigamma_tail(z):
    """sum_k B_2k z^(k - 1), z = 1/x^2: psi'(x) ~ 1/x + 1/(2 x^2) + z (this) / x, also for psi'(x) - 1/x."""
    total = 0.0
    for k in range(len(_BERNOULLI), 0, -1):
        total = total * z + _BERNOULLI[k - 1]
    return total


@numba.njit(cache=True, error_model="numpy", nogil=True)
def digamma(x):
    """The digamma function psi(x) = d log Gamma(x) / dx, for x > 0 (nan otherwise)."""
    if not x > 0.0:
        return math.nan
    if x < 1.0:
        # psi(x) = psi(x + 1) - 1/x: 1/x > 1 outweighs |psi(x + 1)| < 0.58, so little cancels.
        return _digamma_near_root(x + 1.0) - 1.0 / x
    if x <= 2.0:
        return _digamma_near_root(x)
    if x < _ASYMPTOTIC_POLYGAMMA:
        # Recur down to [1, 2] rather than up to 10: the added 1/(x - k) are positive, and x - k is exact.
        n = int(x - 1.0)
        total = 0.0
        for k in range(1, n + 1):
            total += 1.0 / (x - k)
        return _digamma_near_root(x - n) + total
    # psi(x) ~ log x - 1/(2x) - sum_k B_2k / (2k x^2k)
    w = 1.0 / x
    z = w * w
    return math.log(x) - 0.5 * w - _digamma_tail(z) * z


@numba.njit(cache=True, error_model="numpy", nogil=True)
def trigamma(x):
    """The trigamma function psi'(x), for x > 0 (nan otherwise; inf once the value exceeds the float64 range)."""
    if not x > 0.0:
        return math.nan
    # psi'(x) = psi'(x + n) + sum_{k < n} 1/(x + k)^2: every term is positive, so recurring up to 10 is safe.
    # (clamped, not branched: LLVM evaluates both sides of a select, and int() of -1e300 raises the invalid flag)
    n = int(math.ceil(max(_ASYMPTOTIC_POLYGAMMA - x, 0.0)))
    y = x + n
    # psi'(y) ~ 1/y + 1/(2 y^2) + sum_k B_2k / y^(2k + 1)
    w = 1.0 / y
    total = w + w * (0.5 * w + _trigamma_tail(w * w) * (w * w))
    for k in range(n - 1, -1, -1):  # smallest terms first
        total += 1.0 / ((x + k) * (x + k))
    return total


@numba.njit(cache=True, error_model="numpy", nogil=True)
def _i0_minus_1(x):
    """I0(x) - 1 = sum_{k >= 1} y^k / k!^2, y = x^2/4 (squared after halving, so it stays normal down to 3e-154)."""
    y = (0.5 * x) * (0.5 * x)
    term, total = 1.0, 0.0
    k = 0
    while True:
        k += 1
        term *= y / (k * k)
        total += term
        if term <= _SERIES_TOLERANCE * total:
            return total


@numba.njit(cache=True, error_model="numpy", nogil=True)
def _bessel_asymptotic(x, small, terms):
    """(I0, I0 - I1, 2 (I0 - I1) - I0 / x) times sqrt(2 pi x) e^-x, x >= 20, from I_nu's asymptotic series
    sum_k prod_{j <= k} ((2j - 1)^2 - 4 nu^2) / (k! (8x)^k), summed until both terms are <= ``small`` (or after
    ``terms`` terms, or where the series turns divergent). The difference (~1/(2x)) is summed term by term, and so is
    the last sum (~1/(4 x^2)) without its two cancelling leading terms: G''(x) = 1 - A^2 - A / x, A = I1 / I0, would
    lose every digit to 1 - A^2 ~ 1/x."""
    term0, term1 = 1.0, 1.0
    i0, gap, excess = 1.0, 0.0, 0.0
    for k in range(1, terms + 1):
        odd = (2 * k - 1) * (2 * k - 1)
        ratio = odd / (8.0 * k * x)
        if k > 2 and ratio >= 1.0:
            break  # stop at the series' smallest term
        term0 *= ratio
        term1 *= (odd - 4) / (8.0 * k * x)
        i0 += term0
        gap += term0 - term1
        excess += (2.0 * (term0 - term1) if k > 1 else 0.0) - term0 / x
        if abs(term0) <= small and abs(term1) <= small:
            break
    return i0, gap, excess


@numba.njit(cache=True, error_model="numpy", nogil=True)
def log_i0(x):
    """log I0(x) for x >= 0 (nan otherwise), I0 the modified Bessel function of the first kind; ~x^2/4 at 0."""
    if not x >= 0.0:
        return math.nan
    if x < _ASYMPTOTIC_BESSEL:
        return math.log1p(_i0_minus_1(x))
    scaled = _bessel_asymptotic(x, _SERIES_TOLERANCE, _ASYMPTOTIC_TERMS)[0]
    return x - 0.5 * (_LOG_2PI + math.log(x)) + math.log(scaled)


@numba.njit(cache=True, error_model="numpy", nogil=True)
def i1_over_i0(x):
    """The Bessel ratio A(x) = I1(x) / I0(x) = d log I0 / dx for x >= 0 (nan otherwise): ~x/2 near 0, -> 1."""
    if not x >= 0.0:
        return math.nan
    if x < _ASYMPTOTIC_BESSEL:
        # Gauss's continued fraction A_nu = I_(nu+1)/I_nu = x / (2 (nu + 1) + x A_(nu+1)), run backwards from
        # A_40 = 0: each step shrinks the relative error of the previous one, so rounding does not accumulate, and
        # 40 levels leave a truncation error < 1e-17 for x < 20 (28 would do at x = 20).
        ratio = 0.0
        for nu in range(_GAUSS_DEPTH, -1, -1):
            ratio = x / (2.0 * (nu + 1) + x * ratio)
        return ratio
    # A = 1 - (I0 - I1)/I0: its rounding error is that of the small correction, not of a ratio of two sums.
    i0, gap, _ = _bessel_asymptotic(x, _SERIES_TOLERANCE, _ASYMPTOTIC_TERMS)
    return 1.0 - gap / i0


@numba.njit(cache=True, error_model="numpy", nogil=True)
def i1_over_i0_over_x(x):
    """A(x) / x = I1(x) / (x I0(x)) for x >= 0 (nan otherwise): 1/2 at x = 0, where A(x) / x is 0/0."""
    if not x >= 0.0:
        return math.nan
    if x < _ASYMPTOTIC_BESSEL:
        # i1_over_i0's continued fraction without its last step A_0 = x / (2 + x A_1): A_0 / x = 1 / (2 + x A_1)
        ratio = 0.0
        for nu in range(_GAUSS_DEPTH, 0, -1):
            ratio = x / (2.0 * (nu + 1) + x * ratio)
        return 1.0 / (2.0 + x * ratio)
    return i1_over_i0(x) / x


@numba.njit(cache=True, error_model="numpy", nogil=True, inline=INLINE)
def softplus(u):
    """log(1 + e^u) for any finite u: the exponential's argument is kept <= 0 and log1p avoids cancellation."""
    return max(u, 0.0) + log1p(exp(-abs(u)))


@numba.njit(cache=True, error_model="numpy", nogil=True, inline=INLINE)
def log_sigmoid(u):
    """log(1 / (1 + e^-u)) = -softplus(-u)."""
    return -softplus(-u)


@numba.njit(cache=True, error_model="numpy", nogil=True)
def skew_bound(alpha):
    """h(alpha) = -alpha log alpha - (1 - alpha) log(1 - alpha), the largest value of the skew arithmetic JSD (laws
    with disjoint supports): log 2 at alpha = 1/2, 0 at the ends. A numeric JSD is clipped to it against rounding."""
    if not 0.0 < alpha < 1.0:
        return 0.0
    return -alpha * math.log(alpha) - (1.0 - alpha) * math.log1p(-alpha)


@numba.njit(cache=True, error_model="numpy", nogil=True)
def log_multigamma(a, d):
    """The multivariate log-gamma function log Gamma_d(a) = d (d - 1)/4 log pi + sum_{j=0..d-1} log Gamma(a - j/2),
    for a > (d - 1)/2 (nan otherwise); d is the dimension, a positive integer passed as a float."""
    if not a > 0.5 * (d - 1.0):
        return math.nan
    total = 0.25 * d * (d - 1.0) * _LOG_PI
    for j in range(int(d)):
        total += math.lgamma(a - 0.5 * j)
    return total


@numba.njit(cache=True, error_model="numpy", nogil=True)
def multi_digamma(a, d):
    """The multivariate digamma function psi_d(a) = d log Gamma_d(a) / da = sum_{j=0..d-1} psi(a - j/2), for
    a > (d - 1)/2 (nan otherwise); d is the dimension, a positive integer passed as a float."""
    if not a > 0.5 * (d - 1.0):
        return math.nan
    total = 0.0
    for j in range(int(d)):
        total += digamma(a - 0.5 * j)
    return total


@numba.njit(cache=True, error_model="numpy", nogil=True)
def multi_trigamma(a, d):
    """The derivative of the multivariate digamma function, sum_{j=0..d-1} psi'(a - j/2), for a > (d - 1)/2 (nan
    otherwise); d is the dimension, a positive integer passed as a float."""
    if not a > 0.5 * (d - 1.0):
        return math.nan
    total = 0.0
    for j in range(int(d)):
        total += trigamma(a - 0.5 * j)
    return total


# -- the logarithm of a ratio ------------------------------------------------------------------------------------------
_NEAR_LOW, _NEAR_HIGH = math.sqrt(0.5) - 1.0, math.sqrt(2.0) - 1.0


@numba.njit(cache=True, error_model="numpy", nogil=True, inline=INLINE)
def log_ratio(a, b, d):
    """log(a / b) for a, b > 0, given d = a - b computed without cancellation: < 2 ulp also when a ~ b.

    Near a = b it is log(1 + t), t = d / b, from fdlibm's polynomial in t itself: 1 + t is never formed, whose rounding
    would swamp a small logarithm (and libm's log1p costs twice a log). Elsewhere |log(a / b)| > 0.34 and the rounding
    of a / b is harmless.
    """
    t = d / b
    x = a / b
    near = _NEAR_LOW < t < _NEAR_HIGH
    # one polynomial, on t itself near 1 (k = 0) or on the reduced a / b elsewhere: both are fdlibm's log(1 + f), and
    # selecting f before it (no branch: LLVM vectorises a loop over pairs) costs one evaluation, not two
    k, f = log_reduce(x)
    value = log_from_parts(0.0 if near else k, t if near else f)
    return value if near or 0.0 < x < math.inf else log_outside(x)


# -- gaps of lgamma: Bregman divergences and Jensen gaps without cancellation -----------------------------------------
# B(x : y) = lgamma(x) - lgamma(y) - (x - y) psi(y) = (x - y)^2 int_0^1 (1 - t) psi'(y + t (x - y)) dt, by Taylor's
# remainder. Gauss-Legendre on [0, 1] (_GL_W_TAYLOR: with the factor 1 - t folded in) integrates it to < 1e-17
# relative when x / y is in [1/2, 2]: psi' is analytic there but for its pole at 0 (and -1, -2, ...), which lies
# >= 3 half-lengths from the interval's centre, so the error falls like (3 + sqrt 8)^(-2n) = 1e-24 for n = 16.
_GL_T, _GL_W = np.polynomial.legendre.leggauss(16)
_GL_T = 0.5 * (_GL_T + 1.0)
_GL_W = 0.5 * _GL_W
_GL_W_TAYLOR = _GL_W * (1.0 - _GL_T)


@numba.njit(cache=True, error_model="numpy", nogil=True)
def _trigamma_moment(a, h, weights):
    """h^2 int_0^1 w(t) psi'(a + t h) dt by the rule (_GL_T, weights), for |h| <= a: scaled by a^2 for a < 1, where
    psi'(s) = 1/s^2 + psi'(s + 1) would overflow at s = 1e-300 (all terms positive: nothing cancels)."""
    total = 0.0
    if a >= 1.0:
        for k in range(len(_GL_T)):
            total += weights[k] * trigamma(a + _GL_T[k] * h)
        return h * (h * total)
    for k in range(len(_GL_T)):
        s = a + _GL_T[k] * h
        total += weights[k] * ((a / s) * (a / s) + a * (a * trigamma(s + 1.0)))
    r = h / a
    return r * (r * total)


@numba.njit(cache=True, error_model="numpy", nogil=True)
def _lgamma_step(b, a, h):
    """B(b : a) = lgamma(b) - lgamma(a) - (b - a) psi(a), given h = b - a to full relative accuracy (b itself may be
    its rounding, as for a mixture (1 - alpha) x + alpha y at alpha ~ 1e-6: then b - a would keep few digits of h).

    For b / a in [1/2, 2] Taylor's remainder h^2 int_0^1 (1 - t) psi'(a + t h) dt, in which the rounding of b only
    moves the nodes (a relative error ~1e-16). Farther apart the direct sum: the divergence is then >= 0.19 min(a, b)
    and a fair fraction of the terms (|lgamma z| ~ z log z), so at most 3 digits cancel for arguments in 1e+-300.
    """
    if 0.5 * a <= b <= 2.0 * a:
        return _trigamma_moment(a, h, _GL_W_TAYLOR)
    return max(math.lgamma(b) - math.lgamma(a) - h * digamma(a), 0.0)


@numba.njit(cache=True, error_model="numpy", nogil=True)
def lgamma_bregman(x, y, d):
    """lgamma(x) - lgamma(y) - (x - y) psi(y) >= 0 for x, y > 0, given d = x - y without cancellation: the Bregman
    divergence of lgamma (convex), accurate also when x ~ y, where the direct sum would keep only the digits of
    lgamma that survive rounding."""
    return _lgamma_step(x, y, d)


@numba.njit(cache=True, error_model="numpy", nogil=True)
def lgamma_jensen(x, y, alpha, d):
    """(1 - alpha) lgamma(x) + alpha lgamma(y) - lgamma(m) >= 0, m = (1 - alpha) x + alpha y, as the equal
    (1 - alpha) B(x : m) + alpha B(y : m) (the tangent terms at m cancel): a sum of two accurate positive terms, where
    the direct sum loses the digits of lgamma to rounding when x ~ y or alpha is near 0 or 1. Given d = y - x without
    cancellation; x - m = -alpha d and y - m = (1 - alpha) d are passed as such, not as differences with the rounded
    m."""
    beta = 1.0 - alpha
    m = beta * x + alpha * y
    return beta * _lgamma_step(x, m, -alpha * d) + alpha * _lgamma_step(y, m, beta * d)


@numba.njit(cache=True, error_model="numpy", nogil=True)
def lgamma_skew_bregman(x, y, alpha, d):
    """(1 - alpha) B(m : x) + alpha B(m : y) >= 0, m = (1 - alpha) x + alpha y, B the Bregman divergence of lgamma:
    alpha (1 - alpha) (x - y) (psi(x) - psi(y)) - lgamma_jensen(x, y, alpha, d), a geometric JSD's lgamma part;
    d = y - x."""
    beta = 1.0 - alpha
    m = beta * x + alpha * y
    return beta * _lgamma_step(m, x, alpha * d) + alpha * _lgamma_step(m, y, -beta * d)


@numba.njit(cache=True, error_model="numpy", nogil=True)
def lgamma_jeffreys(x, y, d):
    """(x - y) (psi(x) - psi(y)) >= 0 (the Jeffreys part of lgamma), for x ~ y as (x - y)^2 int_0^1 psi'(y + t (x - y))
    dt, where the digamma difference would keep only the digits that survive its rounding; d = x - y."""
    if 0.5 * y <= x <= 2.0 * y:
        return _trigamma_moment(y, d, _GL_W)
    return d * (digamma(x) - digamma(y))


# -- gaps of Stirling's remainder r(a) = lgamma(a) - a log a + a (~ log(2 pi / a) / 2): the gamma law -----------------
# lgamma = (a log a - a) + r: a gamma divergence's a log a part joins its rate terms in cancellation-free pieces
# (Expm1mx and SkewLogGap of the log ratio of the means), and r, slowly varying, leaves gaps of size O(log) or less
# where lgamma's own gaps are ~a log a: far-apart laws with similar means no longer lose ~7 digits at shape 1e6.


@numba.njit(cache=True, error_model="numpy", nogil=True)
def stirling_remainder(a):
    """(r(a), r'(a)) for a > 0: r = lgamma(a) - a (log a - 1), r' = psi(a) - log a; beyond 10 from the asymptotic
    series (r = log(2 pi / a) / 2 + sum_k B_2k / (2k (2k - 1) a^(2k - 1))), where the differences would cancel."""
    if a < _ASYMPTOTIC_POLYGAMMA:
        return math.lgamma(a) - a * (math.log(a) - 1.0), digamma(a) - math.log(a)
    w = 1.0 / a
    z = w * w
    mu = 0.0
    for k in range(len(_BERNOULLI), 0, -1):
        mu = mu * z + _BERNOULLI[k - 1] / (2 * k * (2 * k - 1))
    return 0.5 * (_LOG_2PI - math.log(a)) + mu * w, -0.5 * w - _digamma_tail(z) * z


@numba.njit(cache=True, error_model="numpy", nogil=True)
def _stirling_curvature_scaled(p, y):
    """r''(p) y^2 = (psi'(p) - 1/p) y^2 > 0 for p, y > 0 with p / y in [1/2, 2]: scaled, since r'' ~ 1/(2 p^2)
    underflows for p > 1e154 and overflows below 1e-154."""
    q = y / p
    if p >= _ASYMPTOTIC_POLYGAMMA:
        w = 1.0 / p
        return q * q * (0.5 + _trigamma_tail(w * w) * w)  # psi'(p) - 1/p = 1/(2 p^2) + sum_k B_2k / p^(2k + 1)
    if p < 1.0:
        return q * q + y * (y * trigamma(p + 1.0) - q)  # psi'(p) = 1/p^2 + psi'(p + 1)
    return y * y * (trigamma(p) - 1.0 / p)


@numba.njit(cache=True, error_model="numpy", nogil=True)
def _stirling_step(x, y, h):
    """B_r(x : y) = r(x) - r(y) - (x - y) r'(y) >= 0 (r is convex: psi' > 1/a), given h = x - y to full relative
    accuracy: Taylor's remainder h^2 int_0^1 (1 - t) r''(y + t h) dt by the rule of the lgamma gaps for x / y in
    [1/2, 2], else the direct sum, whose terms are then O(log(x / y)) like the gap itself."""
    if 0.5 * y <= x <= 2.0 * y:
        total = 0.0
        for k in range(len(_GL_T)):
            total += _GL_W_TAYLOR[k] * _stirling_curvature_scaled(y + _GL_T[k] * h, y)
        q = h / y
        return q * (q * total)
    rx, _ = stirling_remainder(x)
    ry, slope = stirling_remainder(y)
    return max(rx - ry - h * slope, 0.0)


@numba.njit(cache=True, error_model="numpy", nogil=True)
def stirling_bregman(x, y, d):
    """B_r(x : y) of Stirling's remainder r = lgamma - a log a + a, d = x - y (see _stirling_step)."""
    return _stirling_step(x, y, d)


@numba.njit(cache=True, error_model="numpy", nogil=True)
def stirling_jensen(x, y, alpha, d):
    """(1 - alpha) r(x) + alpha r(y) - r(m) >= 0, m = (1 - alpha) x + alpha y, as (1 - alpha) B_r(x : m) +
    alpha B_r(y : m); d = y - x."""
    beta = 1.0 - alpha
    m = beta * x + alpha * y
    return beta * _stirling_step(x, m, -alpha * d) + alpha * _stirling_step(y, m, beta * d)


@numba.njit(cache=True, error_model="numpy", nogil=True)
def stirling_skew_bregman(x, y, alpha, d):
    """(1 - alpha) B_r(m : x) + alpha B_r(m : y) >= 0, m = (1 - alpha) x + alpha y; d = y - x."""
    beta = 1.0 - alpha
    m = beta * x + alpha * y
    return beta * _stirling_step(m, x, alpha * d) + alpha * _stirling_step(m, y, -beta * d)


# -- gaps of log B(a, b) = lgamma(a) + lgamma(b) - lgamma(a + b): the beta law -----------------------------------------
# Written as three lgamma gaps (of a, b and a + b), a gap of log B subtracts two of size ~ t log t to leave one of size
# ~ r log t, t the dominant shape and r the other: at r = 1e-6, t = 1e6 ten digits were lost; with both shapes large
# the gaps are ~ a log a for a divergence of O(1). Here lgamma = (a log a - a) + rem(a), Stirling's split of the gamma
# law, and with s = t + r
#     log B = E(t, r) + rem(r) - D(t, r),   E = t log(t / s) + r log(r / s),   D = rem(s) - rem(t).
# E is homogeneous of degree 1: its gap is a_x E1(-w_a) + b_x E1(-w_b), E1(w) = e^w - 1 - w, w_a = log((a_x / s_x) /
# (a_y / s_y)), all terms >= 0. rem's gap is stirling_bregman's. D is ~ -r / (2 t) for r << t: its gap is taken from
# D and its gradient, each summed without cancellation (up from t by the recurrence to y = t + n >= 10, then as the
# difference of the asymptotic series at y and y + r in terms of log1p(r / y)); near (each of t, r within a factor 2 in
# the two laws), as Taylor's remainder of D's second derivative along the segment, by the rule of the lgamma gaps.
_MODERATE = 1e100  # beyond [1e-100, 1e100] the three lgamma gaps (their scaled forms) in place of these


@numba.njit(cache=True, error_model="numpy", nogil=True)
def _rising_remainder(t, r):
    """(rem(t + r) - rem(t), rem'(t + r) - rem'(t)) for t, r > 0, rem(a) = lgamma(a) - a log a + a Stirling's
    remainder: from t >= 10 on the asymptotic series' difference, in which nothing cancels; below, through the
    recurrence lgamma(t) = lgamma(t + n) - sum_k log(t + k), less the elementary part (a few digits may cancel)."""
    n = int(math.ceil(max(_ASYMPTOTIC_POLYGAMMA - t, 0.0)))
    log_steps, steps = 0.0, 0.0
    for k in range(n):
        a = t + k
        log_steps += math.log1p(r / a)
        steps += (r / a) / (a + r)
    y = t + n
    z = y + r
    lz = math.log1p(r / y)  # log(z / y)
    w = 1.0 / y
    # rem(z) - rem(y) = -lz / 2 + sum_k c_k (z^(1 - 2k) - y^(1 - 2k)), c_k = B_2k / (2k (2k - 1)), and
    # rem'(z) - rem'(y) = r / (2 y z) - sum_k B_2k / (2k) (z^-2k - y^-2k), with z^-m - y^-m = y^-m expm1(-m lz)
    series_d, series_p = 0.0, 0.0
    for k in range(len(_BERNOULLI), 0, -1):  # smallest terms first
        b = _BERNOULLI[k - 1]
        series_d += b / (2 * k * (2 * k - 1)) * w ** (2 * k - 1) * math.expm1(-(2 * k - 1) * lz)
        series_p -= b / (2 * k) * w ** (2 * k) * math.expm1(-2 * k * lz)
    d = -0.5 * lz + series_d
    p = 0.5 * (r * w) / z + series_p
    if n == 0:
        return d, p
    # lgamma(t + r) - lgamma(t) and psi(t + r) - psi(t), less the elementary parts (s log s - t log t - r, log(s / t))
    rising = d + y * lz + r * (math.log(z) - 1.0) - log_steps
    digamma_rise = p + lz + steps
    ls = math.log1p(r / t)
    return rising - (t * ls + r * (math.log(t + r) - 1.0)), digamma_rise - ls


@numba.njit(cache=True, error_model="numpy", nogil=True)
def _remainder_curvature_fall(t, r, h):
    """(rem''(t) - rem''(t + r)) h^2 for t, r > 0, rem'' = psi' - 1/a: from t >= 10 on a difference of asymptotic
    series, each term > 0 but for the small Bernoulli tail; below, psi'(t) - psi'(t + r) by the recurrence (positive
    terms, scaled: psi'(t) ~ 1/t^2) less (1/t - 1/(t + r)) h^2, where at most a digit cancels."""
    n = int(math.ceil(max(_ASYMPTOTIC_POLYGAMMA - t, 0.0)))
    total = 0.0
    for k in range(n):  # 1/a^2 - 1/b^2 = r (a + b) / (a^2 b^2), a = t + k, b = a + r
        a = t + k
        b = a + r
        q = h / a
        total += q * q * (r * (a + b) / (b * b))
    y = t + n
    z = y + r
    lz = math.log1p(r / y)
    w = 1.0 / y
    # psi'(y) - psi'(z) - (1/y - 1/z) = r (y + z) / (2 y^2 z^2) - sum_k B_2k y^-(2k + 1) expm1(-(2k + 1) lz), times
    # h^2 = (h / y)^2 y^2
    series = 0.0
    for k in range(len(_BERNOULLI), 0, -1):
        series -= _BERNOULLI[k - 1] * w ** (2 * k - 1) * math.expm1(-(2 * k + 1) * lz)
    q = h / y
    total += q * q * (0.5 * r * (y + z) / (z * z) + series)
    if n == 0:
        return total
    q = h / t
    return total + q * q * (r * ((t / y) * (t / z) - t / (t + r)))  # + (1/y - 1/z) h^2 - (1/t - 1/(t + r)) h^2


@numba.njit(cache=True, error_model="numpy", nogil=True)
def _near_remainder_rising_step(ty, ry, ht, hr):
    """B(y + h : y) = D_rem(y + h) - D_rem(y) - h . grad D_rem(y), of either sign, for D_rem(t, r) = rem(t + r) -
    rem(t) and h = (ht, hr) exact, each of t, r within a factor 2 in y and y + h: Taylor's remainder of
    D_rem'' = rem''(s) (2 ht + hr) hr - (rem''(t) - rem''(s)) ht^2 along the segment."""
    sy = ty + ry
    total = 0.0
    for k in range(len(_GL_T)):
        t = ty + _GL_T[k] * ht
        r = ry + _GL_T[k] * hr
        bend = _stirling_curvature_scaled(t + r, sy) * ((hr / sy) * ((2.0 * ht + hr) / sy))
        total += _GL_W_TAYLOR[k] * (bend - _remainder_curvature_fall(t, r, ht))
    return total


@numba.njit(cache=True, error_model="numpy", nogil=True)
def _remainder_rising_step(tx, rx, ty, ry, ht, hr):
    """The same for D_rem(t, r) = rem(t + r) - rem(t), rem Stirling's remainder, whose gradient is
    (rem'(s) - rem'(t), rem'(s)): terms of size O(r / t) and O(log), for laws far apart."""
    dx, _ = _rising_remainder(tx, rx)
    dy, py = _rising_remainder(ty, ry)
    _, slope = stirling_remainder(ty + ry)
    return dx - dy - ht * py - hr * slope


@numba.njit(cache=True, error_model="numpy", nogil=True)
def _homogeneous_step(ax, bx, ay, by, ha, hb):
    """B_E(x : y) = a_x E1(-w_a) + b_x E1(-w_b) >= 0 for E(a, b) = a log(a / s) + b log(b / s), s = a + b, where
    w_a = log((a_x s_y) / (a_y s_x)), whose numerator less denominator is h_a b_y - a_y h_b exactly (likewise w_b)."""
    sx, sy = ax + bx, ay + by
    wa = log_ratio(ax * sy, ay * sx, ha * by - ay * hb)
    wb = log_ratio(bx * sy, by * sx, hb * ay - by * ha)
    return ax * expm1mx(-wa) + bx * expm1mx(-wb)


@numba.njit(cache=True, error_model="numpy", nogil=True)
def _near(ax, bx, ay, by):
    """Whether each shape of x is within a factor 2 of y's: where _log_beta_step takes Taylor's remainder."""
    return 0.5 * ay <= ax <= 2.0 * ay and 0.5 * by <= bx <= 2.0 * by


@numba.njit(cache=True, error_model="numpy", nogil=True)
def _log_beta_step(ax, bx, ay, by, ha, hb):
    """B(x : y) >= 0 of F(a, b) = log B(a, b) (convex), h = x - y exact, as the section's comment says: with b the
    shape larger in the two laws together (F is symmetric), E's and rem(a)'s gaps less D_rem(b, a)'s, the last by
    Taylor's remainder near and from D_rem's values apart."""
    if ax + ay > bx + by:
        ax, bx, ay, by, ha, hb = bx, ax, by, ay, hb, ha
    if not (1.0 / _MODERATE <= min(ax, ay) and max(bx, by) <= _MODERATE):
        return _lgamma_step(ax, ay, ha) + _lgamma_step(bx, by, hb) - _lgamma_step(ax + bx, ay + by, ha + hb)
    convex = _homogeneous_step(ax, bx, ay, by, ha, hb) + _stirling_step(ax, ay, ha)
    if _near(ax, bx, ay, by):
        return convex - _near_remainder_rising_step(by, ay, hb, ha)
    return convex - _remainder_rising_step(bx, ax, by, ay, hb, ha)


@numba.njit(cache=True, error_model="numpy", nogil=True)
def _jensen_step(a1, b1, a2, b2, am, bm, alpha, da, db):
    """(1 - alpha) B(x1 : m) + alpha B(x2 : m) >= 0 of F = log B, the Jensen gap, with m = (1 - alpha) x1 + alpha x2
    rounded to (am, bm) and (da, db) = x2 - x1 without cancellation. Given exact differences h = -alpha d, (1 - alpha) d,
    the step takes each term at m + h: near m (both laws within a factor 2 in each shape) that is a Jensen gap of both
    laws shifted by m's rounding, which moves it only in second order of their distance. Otherwise one term would
    be first-order sensitive to the shift (1e-12 relative with shapes 1e-6 and 1e6 at alpha = 1 - 1e-6), so h are then
    the differences of the rounded floats, which take the gap at the rounded m: off by B(m : m_rounded), of second
    order in the rounding."""
    beta = 1.0 - alpha
    h1a, h1b, h2a, h2b = -alpha * da, -alpha * db, beta * da, beta * db
    if not (_near(a1, b1, am, bm) and _near(a2, b2, am, bm)):
        h1a, h1b, h2a, h2b = a1 - am, b1 - bm, a2 - am, b2 - bm
    return beta * _log_beta_step(a1, b1, am, bm, h1a, h1b) + alpha * _log_beta_step(a2, b2, am, bm, h2a, h2b)


@numba.njit(cache=True, error_model="numpy", nogil=True)
def log_beta_bregman(ax, bx, ay, by, da, db):
    """F(x) - F(y) - (x - y) . grad F(y) >= 0 for F(a, b) = log B(a, b), x = (ax, bx), y = (ay, by), given
    (da, db) = x - y without cancellation: a beta KL."""
    return max(_log_beta_step(ax, bx, ay, by, da, db), 0.0)


@numba.njit(cache=True, error_model="numpy", nogil=True)
def log_beta_jensen(a1, b1, a2, b2, alpha, da, db):
    """(1 - alpha) F(x) + alpha F(y) - F(m) >= 0, F = log B, m = (1 - alpha) x + alpha y, as (1 - alpha) B(x : m) +
    alpha B(y : m) (lgamma_jensen's argument); (da, db) = y - x."""
    beta = 1.0 - alpha
    return max(_jensen_step(a1, b1, a2, b2, beta * a1 + alpha * a2, beta * b1 + alpha * b2, alpha, da, db), 0.0)


@numba.njit(cache=True, error_model="numpy", nogil=True)
def log_beta_skew_bregman(a1, b1, a2, b2, alpha, da, db):
    """(1 - alpha) B(m : x) + alpha B(m : y) >= 0, F = log B, m = (1 - alpha) x + alpha y: a geometric JSD;
    (da, db) = y - x."""
    beta = 1.0 - alpha
    am, bm = beta * a1 + alpha * a2, beta * b1 + alpha * b2
    return max(beta * _log_beta_step(am, bm, a1, b1, alpha * da, alpha * db)
               + alpha * _log_beta_step(am, bm, a2, b2, -beta * da, -beta * db), 0.0)


@numba.njit(cache=True, error_model="numpy", nogil=True)
def log_beta_jeffreys(a1, b1, a2, b2, da, db):
    """(x - y) . (grad F(x) - grad F(y)) = B(x : y) + B(y : x) >= 0, F = log B; (da, db) = x - y."""
    return max(_log_beta_step(a1, b1, a2, b2, da, db), 0.0) + max(_log_beta_step(a2, b2, a1, b1, -da, -db), 0.0)


# -- gaps of the Dirichlet log-normaliser F(c) = sum_i lgamma(c_i) - lgamma(c_0 + ... + c_(k-1)) ---------------------
# Breaking sticks from the end, F(c) = sum_(m < k - 1) log B(c_m, r_m), r_m = c_(m+1) + ... + c_(k-1): each term is the
# beta log-normaliser of a linear image of c, so each Bregman or Jensen gap of F is the sum of the beta gaps along the
# sticks (_log_beta_step), all >= 0. Written entry by entry instead, the gaps of Stirling's remainder at a dominant
# entry and at the total cancel (notebook 08).


@numba.njit(cache=True, error_model="numpy", nogil=True)
def _log_dirichlet_step(x, y, pa, pb, qa, qb, c):
    """B(p : q) >= 0 of F = log B(c) for p = pa x + pb y and q = qa x + qb y, given p - q = c (y - x)."""
    last = x.shape[0] - 1
    rp, rq, rd = pa * x[last] + pb * y[last], qa * x[last] + qb * y[last], y[last] - x[last]
    total = 0.0
    for m in range(last - 1, -1, -1):
        p, q, d = pa * x[m] + pb * y[m], qa * x[m] + qb * y[m], y[m] - x[m]
        total += _log_beta_step(p, rp, q, rq, c * d, c * rd)
        rp, rq, rd = rp + p, rq + q, rd + d
    return total


@numba.njit(cache=True, error_model="numpy", nogil=True)
def log_dirichlet_bregman(x, y):
    """F(x) - F(y) - (x - y) . grad F(y) >= 0 for F(c) = log B(c), the Dirichlet log-normaliser: a Dirichlet KL."""
    return max(_log_dirichlet_step(x, y, 1.0, 0.0, 0.0, 1.0, -1.0), 0.0)


@numba.njit(cache=True, error_model="numpy", nogil=True)
def log_dirichlet_jensen(x, y, alpha):
    """(1 - alpha) F(x) + alpha F(y) - F(m) >= 0, F = log B, m = (1 - alpha) x + alpha y, as (1 - alpha) B(x : m) +
    alpha B(y : m): a Dirichlet Bhattacharyya distance."""
    beta, last = 1.0 - alpha, x.shape[0] - 1
    rx, ry, rd = x[last], y[last], y[last] - x[last]
    total = 0.0
    for m in range(last - 1, -1, -1):  # the beta Jensen gap of each stick
        d = y[m] - x[m]
        total += _jensen_step(x[m], rx, y[m], ry, beta * x[m] + alpha * y[m], beta * rx + alpha * ry, alpha, d, rd)
        rx, ry, rd = rx + x[m], ry + y[m], rd + d
    return max(total, 0.0)


@numba.njit(cache=True, error_model="numpy", nogil=True)
def log_dirichlet_skew_bregman(x, y, alpha):
    """(1 - alpha) B(m : x) + alpha B(m : y) >= 0, F = log B, m = (1 - alpha) x + alpha y: a Dirichlet geometric JSD."""
    beta = 1.0 - alpha
    return max(beta * _log_dirichlet_step(x, y, beta, alpha, 1.0, 0.0, alpha)
               + alpha * _log_dirichlet_step(x, y, beta, alpha, 0.0, 1.0, -beta), 0.0)


@numba.njit(cache=True, error_model="numpy", nogil=True)
def log_dirichlet_jeffreys(x, y):
    """(x - y) . (grad F(x) - grad F(y)) = B(x : y) + B(y : x) >= 0, F = log B: a Dirichlet Jeffreys divergence."""
    return log_dirichlet_bregman(x, y) + log_dirichlet_bregman(y, x)


# -- gaps of G(theta) = log I0(|theta|) on the plane (von Mises): Bregman divergences and Jensen gaps -------------------
# B(y + h : y) = int_0^1 (1 - t) phi''(t) dt for phi(t) = G(|p|), p = y + t h, where
#     phi'' = G''(r) (p.h / r)^2 + (A(r) / r) ((y x h) / r)^2,   r = |p|, A = G' = I1 / I0,
# the radial and the tangential curvature, both >= 0 (y x h = p x h along the segment). For |h| <= |y| / 2, r stays
# >= |y| / 2 and phi'' is analytic within t-distance >= 1 of [0, 1] (the zeros of |p|^2 and of I0(|p|) included), so
# the 16-node rule of the lgamma gaps integrates it to ~1e-18. Farther apart, G(r) = r + g(r) with g = log I0 - r
# slowly varying: the linear part's divergence |x| - x.y / |y| >= 0 is taken exactly and g's terms are O(log r)
# (but for |x|, |y| <= 2, where G ~ r^2 / 4 is itself of the divergence's size).


_CURVATURE_TERMS = 45  # the series' smallest term is near k = 2x: at x = 20 it is ~4e-18, reached by k = 40


@numba.njit(cache=True, error_model="numpy", nogil=True)
def _bessel_curvature_asymptotic(x):
    """_bessel_asymptotic summed until the terms fall below 1e-17 of its last sum's size (1/(4 x^2)), for G''."""
    return _bessel_asymptotic(x, _SERIES_TOLERANCE * 0.25 / (x * x), _CURVATURE_TERMS)


@numba.njit(cache=True, error_model="numpy", nogil=True)
def _log_i0_curvatures(r):
    """(G''(r), A(r) / r) for r >= 0, G = log I0, A = G' = I1 / I0: the radial and the tangential curvature of
    log I0(|theta|) at |theta| = r, both > 0; G'' = 1 - A^2 - A / r is 1/2 at 0 and ~1/(2 r^2) far out."""
    if r < _ASYMPTOTIC_BESSEL:
        a_over_r = i1_over_i0_over_x(r)  # one continued fraction for both: A = r (A / r)
        a = r * a_over_r
        return 1.0 - a * a - a_over_r, a_over_r
    i0, gap, excess = _bessel_curvature_asymptotic(r)
    deficit = gap / i0  # 1 - A
    # (2 (1 - A) - 1/r) - (1 - A)^2 + (1 - A)/r, the first term summed without its cancelling leading terms
    return excess / i0 - deficit * deficit + deficit / r, (1.0 - deficit) / r


@numba.njit(cache=True, error_model="numpy", nogil=True)
def log_i0_curvature(r):
    """G''(r) = A'(r) = 1 - A^2 - A / r > 0 for r >= 0 (1/2 at 0, ~1/(2 r^2) far out), A = I1 / I0."""
    return _log_i0_curvatures(r)[0]


@numba.njit(cache=True, error_model="numpy", nogil=True)
def _log_i0_excess(r):
    """(g(r), 1 - A(r)) with g = log I0(r) - r, for r >= 0."""
    if r < _ASYMPTOTIC_BESSEL:
        return log_i0(r) - r, 1.0 - i1_over_i0(r)
    i0, gap, _ = _bessel_curvature_asymptotic(r)  # 1 - A ~ 1/(2r) to full relative accuracy
    return math.log(i0) - 0.5 * (_LOG_2PI + math.log(r)), gap / i0


@numba.njit(cache=True, error_model="numpy", nogil=True)
def _log_i0_step(xx, xy, yx, yy, hx, hy):
    """B(x : y) >= 0, the Bregman divergence of G(theta) = log I0(|theta|) (see above), given x, y and h = x - y, each
    to full relative accuracy (y + h, rounded, would lose the digits of a small x next to a large y)."""
    ry = math.hypot(yx, yy)
    if ry == 0.0:
        return log_i0(math.hypot(xx, xy))  # G(0) = 0 and A(0) = 0
    # y x h = y x x: from the shorter of h and x, else its products with y cancel
    cross = yx * hy - yy * hx if hx * hx + hy * hy <= xx * xx + xy * xy else yx * xy - yy * xx
    if hx * hx + hy * hy <= 0.25 * ry * ry:
        total = 0.0
        for k in range(len(_GL_T)):
            px, py = yx + _GL_T[k] * hx, yy + _GL_T[k] * hy
            r = math.hypot(px, py)
            radial, tangential = (px * hx + py * hy) / r, cross / r
            along_radius, across = _log_i0_curvatures(r)
            total += _GL_W_TAYLOR[k] * (along_radius * radial * radial + across * tangential * tangential)
        return total
    rx = math.hypot(xx, xy)
    along = (yx * hx + yy * hy) / ry  # y^.h = x.y^ - |y|
    if rx <= 2.0 and ry <= 2.0:  # G ~ r^2 / 4: its terms are the divergence's size, r + g(r) would cancel
        return max(log_i0(rx) - log_i0(ry) - i1_over_i0(ry) * along, 0.0)
    dot = (xx * yx + xy * yy) / ry  # x.y^, from x itself: along + |y| would keep only the digits above |y|'s rounding
    tangential = cross / ry
    linear = tangential * tangential / (rx + dot) if dot > 0.0 else rx - dot  # |x| - x.y^, the tangent's gap of r
    gx, _ = _log_i0_excess(rx)
    gy, deficit = _log_i0_excess(ry)
    return max(linear + gx - gy + deficit * along, 0.0)


@numba.njit(cache=True, error_model="numpy", nogil=True)
def _von_mises_pair(k1, k2, delta):
    """theta1 = (k1, 0), and d = theta2 - theta1 for theta2 = k2 (cos delta, sin delta), without cancellation."""
    s = math.sin(0.5 * delta)
    return (k2 - k1) - 2.0 * k2 * s * s, k2 * math.sin(delta)


@numba.njit(cache=True, error_model="numpy", nogil=True)
def log_i0_bregman(kx, ky, delta):
    """B(theta_x : theta_y) of G(theta) = log I0(|theta|) for |theta_x| = kx, |theta_y| = ky at angle delta: a von
    Mises KL, accurate when the laws are nearly identical, where the direct sum keeps only the digits of log I0 that
    survive rounding."""
    hx, hy = _von_mises_pair(ky, kx, delta)
    return _log_i0_step(kx * math.cos(delta), kx * math.sin(delta), ky, 0.0, hx, hy)


@numba.njit(cache=True, error_model="numpy", nogil=True)
def log_i0_jensen(k1, k2, delta, alpha):
    """(1 - alpha) G(theta1) + alpha G(theta2) - G(theta_alpha) >= 0, G = log I0(|.|), theta_alpha the mixture, as
    (1 - alpha) B(theta1 : theta_alpha) + alpha B(theta2 : theta_alpha) (the tangent terms cancel)."""
    beta = 1.0 - alpha
    dx, dy = _von_mises_pair(k1, k2, delta)
    x2, y2 = k2 * math.cos(delta), k2 * math.sin(delta)
    mx, my = beta * k1 + alpha * x2, alpha * y2
    return (beta * _log_i0_step(k1, 0.0, mx, my, -alpha * dx, -alpha * dy)
            + alpha * _log_i0_step(x2, y2, mx, my, beta * dx, beta * dy))


@numba.njit(cache=True, error_model="numpy", nogil=True)
def log_i0_skew_bregman(k1, k2, delta, alpha):
    """(1 - alpha) B(theta_alpha : theta1) + alpha B(theta_alpha : theta2) >= 0, G = log I0(|.|): a von Mises
    geometric JSD."""
    beta = 1.0 - alpha
    dx, dy = _von_mises_pair(k1, k2, delta)
    x2, y2 = k2 * math.cos(delta), k2 * math.sin(delta)
    mx, my = beta * k1 + alpha * x2, alpha * y2
    return (beta * _log_i0_step(mx, my, k1, 0.0, alpha * dx, alpha * dy)
            + alpha * _log_i0_step(mx, my, x2, y2, -beta * dx, -beta * dy))


@numba.njit(cache=True, error_model="numpy", nogil=True, inline=INLINE)
def log1p_minus(x):
    """log(1 + x) - x for x > -1, to a few ulp also near 0 (where it is ~ -x^2/2 and log1p(x) - x keeps no digits)."""
    half_f2, tail = _log1p_parts(min(max(x, _NEAR_LOW), _NEAR_HIGH))
    far = log1p(x) - x  # |log1p(x) - x| > |x| / 8 here: little cancels
    return tail - half_f2 if _NEAR_LOW < x < _NEAR_HIGH else far


# skew_log_gap: below this |t| the near form, whose log1p arguments stay <= e^0.34 - 1 < sqrt(2) - 1 (fdlibm's polynomial
# range); beyond, e^|t| is taken up to _GAP_EXP and e^-|t| above (e^|t| overflows from 709.8 on)
_GAP_NEAR = 0.34
_GAP_EXP = 700.0
# the same switch points for skew_log_gap_ratio, on e^s - 1; steps are capped below the float64 range
_GAP_NEAR_STEP, _GAP_EXP_STEP = math.expm1(_GAP_NEAR), math.expm1(_GAP_EXP)
_HUGE_STEP, _HUGE_ROOT = 1e306, 1e153


@numba.njit(cache=True, error_model="numpy", nogil=True, inline=INLINE)
def _log1p_minus_near(x):
    """log(1 + x) - x for sqrt(2)/2 - 1 < x < sqrt(2) - 1, from fdlibm's polynomial alone."""
    half_f2, tail = _log1p_parts(x)
    return tail - half_f2


@numba.njit(cache=True, error_model="numpy", nogil=True, inline=INLINE)
def skew_log_gap(a, t):
    """log(1 - a + a e^t) - a t >= 0 for 0 <= a <= 1 and real t: the gap of Jensen's inequality for log between 1 and
    e^t, weights 1 - a and a (a normal pair's skew divergences, t = log of their variance ratio). ~ a (1 - a) t^2 / 2.

    It is symmetric under (a, t) -> (1 - a, -t), which brings t >= 0, with the two weights kept as given (1 - (1 - a)
    would lose a tiny a). There, with u = e^t - 1, v = a u, w = (1 - a) u / (1 + v), it equals
    a v w + (1 - a) L(v) - a L(w), L(x) = log1p(x) - x: the first-order terms of the two logarithms cancel in this
    algebra, not in floating point, and the remaining terms, of size a (1 - a) u^2, add up with little cancellation.
    Farther from 0 one of three direct forms, by which term is small; one exp and one log in all (the forms are
    computed side by side and selected, without branches, so that LLVM vectorises a loop over pairs).
    """
    b = 1.0 - a
    p = a if t >= 0.0 else b
    q = b if t >= 0.0 else a
    s = abs(t)
    huge = s > _GAP_EXP
    e = exp(-s if huge else s)  # e^s, or e^-s where e^s would overflow
    u = expm1_series(min(s, EXPM1_NEAR)) if s < EXPM1_NEAR else e - 1.0  # e^s - 1 (s <= _GAP_EXP)
    v = p * u
    w = q * u / (1.0 + v)
    # log(1 - p + p e^s) - p s as log1p(p u) - p s (p < 1/2: the term subtracted has the smaller weight), as
    # q s + log1p(-q (1 - e^-s)) (p >= 1/2), or, e^s out of range, q s + log(p + q e^-s) (cancels only for p < e^(-s/2))
    direct = huge and p < 0.5
    z = -q * (1.0 if huge else u / (1.0 + u)) if p >= 0.5 else p * u
    x = p + q * e if direct else 1.0 + z
    # fdlibm's log(1 + f) polynomial once for L(v) (near) or log x (far), on the f selected: not both evaluated
    is_near = s < _GAP_NEAR
    k, f = log_reduce(x)
    half_f2, tail = _log1p_parts(min(v, _NEAR_HIGH) if is_near else f)
    near = p * v * w + q * (tail - half_f2) - p * _log1p_minus_near(min(w, _NEAR_HIGH))
    log_x = log_from_polynomial(k, f, half_f2, tail)
    log_x = log_x if 0.0 < x < math.inf else log_outside(x)
    far = (q * s if p >= 0.5 or direct else -p * s) + (log_x if direct else log1p_from_log(z, x, log_x))
    return near if is_near else far


@numba.njit(cache=True, error_model="numpy", nogil=True, inline=INLINE)
def skew_log_gap_ratio(a, x, y, d, power):
    """skew_log_gap(a, power log(x / y)) for x, y > 0, d = x - y and power 1 or 2 (a ratio of scales or of variances).

    e^t - 1 is then the fraction (x / y)^power - 1 = d / y, or (d / y)(2 + d / y): no exp and no cancellation (more
    accurate than e^t of a rounded t). Written for speed, as most of a normal geometric JSD's time: the near form's
    L(v), L(w) and the far form's two logarithms (of 1 + z and of x / y, for s) share two evaluations of fdlibm's
    polynomial on selected arguments, and four divisions remain (two of them the polynomials'), which on a vector
    unit cost more than the rest.
    """
    b = 1.0 - a
    up = x >= y  # the symmetry (a, t) -> (1 - a, -t), as in skew_log_gap: the larger over the smaller
    p = a if up else b
    q = b if up else a
    gap = d if up else -d
    step = gap / (y if up else x)
    root = min(step, _HUGE_ROOT)  # both sides are computed (selects): neither may overflow, or numpy warns
    u = min(step, _HUGE_STEP) if power == 1.0 else root * (2.0 + root)  # e^s - 1 = (big / small)^power - 1 >= 0
    huge = u > _GAP_EXP_STEP
    is_near = u < _GAP_NEAR_STEP
    # 1 / (1 + u) and 1 / (1 + v) from one division; v, w of the near form from u capped at 1 (finite products)
    u_near = min(u, 1.0)
    v = p * u_near
    both = 1.0 / ((1.0 + u) * (1.0 + v))
    shrink = (1.0 + v) * both  # e^-s
    w = q * u_near * ((1.0 + u) * both)
    # log(1 - p + p e^s) - p s as log1p(p u) - p s (p < 1/2: the term subtracted has the smaller weight), as
    # q s + log1p(-q (1 - e^-s)) (p >= 1/2), or, e^s out of range, q s + log(p + q e^-s) (cancels only for p < e^(-s/2))
    direct = huge and p < 0.5
    z = -q * (1.0 if huge else u * shrink) if p >= 0.5 else p * u
    x1 = p + q * shrink if direct else 1.0 + z
    small_z = _NEAR_LOW < z < _NEAR_HIGH and not direct  # log1p(z) from the polynomial on z itself, as in log_ratio
    k1, f1 = log_reduce(x1)
    k1, f1 = (0.0, z) if small_z else (k1, f1)
    k2, f2 = log_reduce(1.0 + step)  # e^(s / power), rounded: harmless where the far form takes its log
    half_f2, tail = _log1p_parts(min(v, _NEAR_HIGH) if is_near else f1)
    half_g2, tail_g = _log1p_parts(min(w, _NEAR_HIGH) if is_near else f2)
    near = p * v * w + q * (tail - half_f2) - p * (tail_g - half_g2)
    log_x = log_from_polynomial(k1, f1, half_f2, tail)
    log_x = log_x if small_z or 0.0 < x1 < math.inf else log_outside(x1)
    s = power * (log_from_polynomial(k2, f2, half_g2, tail_g) if step < math.inf else step)
    far = (q * s if p >= 0.5 or direct else -p * s) + log_x
    return near if is_near else far


@numba.njit(cache=True, error_model="numpy", nogil=True, inline=INLINE)
def skew_log_gap_slope(a, t):
    """(e^t - 1) / (1 - a + a e^t) for 0 <= a <= 1 and real t (skew_log_gap's partials), as
    +-(1 - e^-|t|) / (the weight of e^|t| + the other weight times e^-|t|): no overflow for any t."""
    b = 1.0 - a
    e = exp(-abs(t))
    rise = -expm1(-abs(t))
    return rise / (a + b * e) if t >= 0.0 else -rise / (b + a * e)


# -- the remainder of the exponential after its tangent ----------------------------------------------------------------
# 1/k! for k = 2..20: the Taylor series of e^w - 1 - w on |w| < 1, truncated below 2^-60 of its sum
_EXPM1MX = tuple(1.0 / math.factorial(k) for k in range(2, 21))


@numba.njit(cache=True, error_model="numpy", nogil=True, inline=INLINE)
def expm1mx(w):
    """e^w - 1 - w for any real w: < 4 ulp. Below |w| = 1 from the Taylor series (expm1(w) - w would cancel to the
    relative error of expm1 times 2/|w|), beyond as expm1(w) - w, whose terms no longer nearly cancel."""
    # both sides always computed (series on a clamped w), as in log_ratio: no branch for LLVM to vectorise into flags
    v = min(max(w, -1.0), 1.0)
    series = _EXPM1MX[-1]
    for c in _EXPM1MX[-2::-1]:
        series = c + v * series
    near = v * v * series
    far = expm1(w) - w
    return near if -1.0 < w < 1.0 else far


@numba.njit(cache=True, error_model="numpy", nogil=True, inline=INLINE)
def exp_bregman(ex, ey, d):
    """e^x - e^y - d e^y from ex = e^x, ey = e^y and d = x - y: e^y (e^d - 1 - d) below |d| = 1, the difference itself
    beyond (no cancellation there, and exact inputs stay exact where d's rounding, times |d|, would not)."""
    near = ey * expm1mx(d)
    far = ex - ey - d * ey
    return near if -1.0 < d < 1.0 else far
