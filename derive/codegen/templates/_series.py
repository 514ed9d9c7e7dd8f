"""The arithmetic JSD of two discrete laws as a finite sum, for families where it has no closed form.

JS_alpha(p:q) = sum over k of the same pointwise integrand as the quadrature (generated/_quadrature.py: each term
>= 0, so the sum never cancels). A family supplies, as numba functions of a parameter tuple, its two log-masses at an
integer k and windows (lo1, hi1, lo2, hi2): the integers outside them carry less than about 1e-30 of either law's mass,
so the sum over the union of the windows is exact to rounding. The cost is the windows' length: O(sqrt(mean)) for
Poisson and binomial laws, O(1/p) for a geometric law with small p.
"""
import math

import numba

from ._quadrature import jsd_density


def arithmetic_jsd(log_masses, windows):
    """Build jsd(params, alpha) for log_masses(k, params) -> (log p, log q), windows(params) -> (lo1, hi1, lo2, hi2)."""

    @numba.njit(cache=True, error_model="numpy", nogil=True)
    def window_sum(lo, hi, params, alpha):
        total = 0.0
        k = max(0.0, math.floor(lo))  # the counts start at 0
        while k <= math.ceil(hi):
            lp, lq = log_masses(k, params)
            total += jsd_density(lp, lq, alpha)
            k += 1.0
        return total

    @numba.njit(cache=True, error_model="numpy", nogil=True)
    def jsd(params, alpha):
        if alpha == 0.0 or alpha == 1.0:
            return 0.0
        lo1, hi1, lo2, hi2 = windows(params)
        if lo2 < lo1:
            lo1, hi1, lo2, hi2 = lo2, hi2, lo1, hi1
        if lo2 <= hi1 + 1.0:  # overlapping or adjacent: one window
            return window_sum(lo1, max(hi1, hi2), params, alpha)
        return window_sum(lo1, hi1, params, alpha) + window_sum(lo2, hi2, params, alpha)

    return jsd
