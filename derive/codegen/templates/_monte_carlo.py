"""Monte Carlo estimate of the arithmetic JSD, with its standard error, where quadrature is impractical.

The integrand of _quadrature divided by the mixture m gives
    JS_alpha(p:q) = (1 - alpha) E_p[g] + alpha E_q[g],   g = (1 - alpha) phi(log p/m) + alpha phi(log q/m),
phi(s) = s e^s - e^s + 1. Since p/m <= 1/(1 - alpha) and q/m <= 1/alpha, g is bounded, so the estimate has a finite
variance for every pair of laws (the textbook terms log p/m are not bounded below). Each law contributes ``samples``
draws, made CHUNK at a time (memory stays small whatever ``samples``; the chunks' moments are merged exactly); the
standard error combines the two sample variances.
"""
import math

import numba
import numpy as np

from ._quadrature import log_mixture, phi
from ._validate import as_float64, result

CHUNK = 1 << 16  # draws held in memory at once, per law
MAX_SAMPLES = 10**9  # about 10 minutes per pair of laws (k = 3); far beyond any useful standard error


def arithmetic_jsd(log_densities):
    """Build moments(draws, params, alpha) -> (mean, sum of squared deviations) of g over the rows of ``draws``."""

    @numba.njit(cache=True, error_model="numpy", nogil=True)
    def moments(draws, params, alpha):
        n = draws.shape[0]
        values = np.empty(n)
        for r in range(n):
            lp, lq = log_densities(draws[r], params)
            lm = log_mixture(lp, lq, alpha)
            values[r] = (1.0 - alpha) * phi(lp - lm) + alpha * phi(lq - lm)
        mean = values.mean()
        return mean, ((values - mean) ** 2).sum()

    return moments


def estimate(moments, sampler, arrays, samples, seed):
    """(estimate, standard error) for every pair of laws in the batch; ``arrays`` = (law 1, law 2, alpha), checked."""
    samples = _sample_count(samples)
    rng = _generator(seed)
    law1, law2, alpha = arrays
    batch = arrays.shape
    law1 = np.broadcast_to(law1, batch + law1.shape[-1:])
    law2 = np.broadcast_to(law2, batch + law2.shape[-1:])
    alpha = np.broadcast_to(alpha, batch)
    values, errors = np.empty(batch), np.empty(batch)
    for index in np.ndindex(*batch):
        a = float(alpha[index])
        if a == 0.0 or a == 1.0:  # the divergence is exactly 0 there
            values[index] = errors[index] = 0.0
            continue
        params = (np.ascontiguousarray(law1[index]), np.ascontiguousarray(law2[index]))
        mean1, variance1 = _chunked(moments, sampler, rng, params, 0, a, samples)
        mean2, variance2 = _chunked(moments, sampler, rng, params, 1, a, samples)
        values[index] = (1.0 - a) * mean1 + a * mean2
        errors[index] = math.sqrt(((1.0 - a) ** 2 * variance1 + a ** 2 * variance2) / samples)
    return result(values), result(errors)


def _chunked(moments, sampler, rng, params, law, alpha, samples):
    """(mean, sample variance) of g over ``samples`` draws of law 0 or 1, CHUNK draws at a time (Chan et al.'s exact
    merge of the chunks' means and sums of squared deviations)."""
    count, mean, squares = 0, 0.0, 0.0
    while count < samples:
        size = min(CHUNK, samples - count)
        chunk_mean, chunk_squares = moments(sampler(rng, params[law], size), params, alpha)
        total = count + size
        delta = chunk_mean - mean
        mean += delta * size / total
        squares += chunk_squares + delta * delta * count * size / total
        count = total
    return mean, squares / (samples - 1)


def _sample_count(samples):
    value = as_float64("samples", samples)
    if value.ndim != 0 or not np.isfinite(value) or value != np.round(value) or not 2 <= value <= MAX_SAMPLES:
        raise ValueError(f"samples must be an integer in [2, {MAX_SAMPLES:.0e}] (draws of each law), got {samples!r}")
    return int(value)


def _generator(seed):
    """np.random.default_rng(seed), or a ValueError/TypeError naming seed (numpy's own messages do not)."""
    if isinstance(seed, (float, complex, str, bytes)) or isinstance(seed, np.floating):
        raise TypeError(f"seed must be None, a non-negative int or a numpy Generator, got {type(seed).__name__} "
                        f"{seed!r}")
    try:
        return np.random.default_rng(seed)
    except (ValueError, TypeError) as error:
        raise type(error)(f"seed must be None, a non-negative int or a numpy Generator, got {seed!r} ({error})") from None


def log_dirichlet(rng, concentration, n):
    """n draws of a Dirichlet law as log-coordinates log x_j (shape (n, k)): exact even where x_j underflows.

    log G_j for G_j ~ Gamma(c_j) is drawn as log G'_j + log(U_j) / c_j with G'_j ~ Gamma(c_j + 1), U_j uniform
    (Marsaglia and Tsang's boost), so tiny concentrations stay finite; then log x_j = log G_j - log sum_l G_l.
    """
    k = concentration.shape[0]
    log_gamma = np.log(rng.standard_gamma(concentration + 1.0, size=(n, k)))
    log_gamma += np.log1p(-rng.random((n, k))) / concentration  # 1 - U is in (0, 1]: never log 0
    top = log_gamma.max(axis=1, keepdims=True)
    return log_gamma - (top + np.log(np.exp(log_gamma - top).sum(axis=1, keepdims=True)))
