"""The arithmetic JSD of two discrete laws as a finite sum, for families where it has no closed form.

JS_alpha(p:q) = sum over k of the same pointwise integrand as the quadrature (generated/_quadrature.py: each term
>= 0, so the sum never cancels). A family supplies, as numba functions of a parameter tuple, its two log-masses at an
integer k and windows (lo1, hi1, lo2, hi2): the integers outside them carry less than about 1e-30 of either law's mass,
so the sum over the union of the windows is exact to rounding. The cost is the windows' length: O(sqrt(mean)) for
Poisson and binomial laws, O(1/p) for a geometric law with small p. Beyond MAX_COUNTS counts the kernel returns NaN
and the wrapper raises the ValueError ``too_many_counts`` words (naming the parameters and the limit): such a sum
would take minutes, and its float64 log-masses (lgamma of counts near 2^53, k log(1 - p) for p near 0) no longer hold
the accuracy the sum promises.
"""
import math

import numba

from ._quadrature import jsd_density

MAX_COUNTS = 1e7  # about 1.5 s of summing (a lgamma and a few logs per count)
LAST_INTEGER = 2.0**53  # float64 holds every integer below it


@numba.njit(cache=True, error_model="numpy", nogil=True)
def _spans(lo1, hi1, lo2, hi2):
    """The windows as integer ranges [start, stop] (counts start at 0), in order; one range if they meet."""
    if lo2 < lo1:
        lo1, hi1, lo2, hi2 = lo2, hi2, lo1, hi1
    a1, b1, a2, b2 = max(0.0, math.floor(lo1)), math.ceil(hi1), max(0.0, math.floor(lo2)), math.ceil(hi2)
    if a2 <= b1 + 1.0:  # overlapping or adjacent: one window
        return a1, max(b1, b2), 1.0, 0.0
    return a1, b1, a2, b2


@numba.njit(cache=True, error_model="numpy", nogil=True)
def counts(lo1, hi1, lo2, hi2):
    """How many counts the sum visits (an empty second range has start > stop); infinite when a window is not finite
    or reaches 2^53, where float64 no longer holds every integer (k + 1 == k: a window there would be summed as one
    count, or forever)."""
    if not max(abs(lo1), abs(hi1), abs(lo2), abs(hi2)) < LAST_INTEGER:  # NaN too
        return math.inf
    a1, b1, a2, b2 = _spans(lo1, hi1, lo2, hi2)
    return (b1 - a1 + 1.0) + max(0.0, b2 - a2 + 1.0)


def arithmetic_jsd(log_masses, windows):
    """Build jsd(params, alpha) for log_masses(k, params) -> (log p, log q), windows(params) -> (lo1, hi1, lo2, hi2)."""

    @numba.njit(cache=True, error_model="numpy", nogil=True)
    def window_sum(start, stop, params, alpha):
        total = 0.0
        k = start
        while k <= stop:
            lp, lq = log_masses(k, params)
            total += jsd_density(lp, lq, alpha)
            k += 1.0
        return total

    @numba.njit(cache=True, error_model="numpy", nogil=True)
    def jsd(params, alpha):
        if alpha == 0.0 or alpha == 1.0:
            return 0.0
        lo1, hi1, lo2, hi2 = windows(params)
        if not counts(lo1, hi1, lo2, hi2) <= MAX_COUNTS:
            return math.nan  # the wrapper raises too_many_counts' error
        a1, b1, a2, b2 = _spans(lo1, hi1, lo2, hi2)
        return window_sum(a1, b1, params, alpha) + window_sum(a2, b2, params, alpha)

    return jsd


def too_many_counts(windows, names):
    """explain(scalars) for _validate.apply: the error for arguments whose sum would exceed MAX_COUNTS, else None.
    ``names`` are the parameter tuple's names, in the order ``windows`` takes them."""

    def explain(scalars):
        params = tuple(scalars[name] for name in names)
        marks = windows(params)
        total = counts(*marks)
        if total <= MAX_COUNTS:
            return None
        shown = ", ".join(f"{name}={value!r}" for name, value in zip(names, params))
        if total == math.inf:
            return (f"{shown}: the laws' mass lies at counts near {max(abs(m) for m in marks):.3g}, beyond 2^53 "
                    f"(where float64 no longer holds every integer), so {', '.join(names)} must keep it below 2^53 "
                    f"and within {MAX_COUNTS:.0e} counts")
        return (f"{shown}: the two laws' mass spreads over {total:.3g} counts; jsd_arithmetic sums at most "
                f"{MAX_COUNTS:.0e} (one count at a time; beyond that the sum takes minutes and its float64 log-masses "
                f"lose their accuracy), so {', '.join(names)} must keep the laws' mass within {MAX_COUNTS:.0e} counts")

    return explain
