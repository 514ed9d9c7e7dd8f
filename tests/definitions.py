"""Independent numeric references: the divergences evaluated from their definitions by scipy quadrature.

Nothing here uses a closed form. Integrands are written in log space (the log-densities typed from their textbook
definitions, checked against scipy.stats in test_definitions.py), mixtures are
normalised by quadrature, and the real line is split at breakpoints around every law so narrow, far-apart laws are
integrated accurately. Non-arithmetic mixtures are normalised in log space (shifted by their log-maximum on the
breakpoints), so the references hold even where the normaliser underflows.
"""
import math

import numpy as np
from scipy import integrate, optimize

EPSREL = 1e-13


class Law:
    """A location-scale law: its location, scale and log-density (numpy-vectorised)."""

    def __init__(self, standard_logpdf, loc, scale):
        self.standard_logpdf = standard_logpdf
        self.loc, self.scale = float(loc), float(scale)
        self.logpdf = lambda x: standard_logpdf((x - self.loc) / self.scale) - math.log(self.scale)

    def shifted(self, origin):
        """The same law in the coordinate x - origin: divergences do not change, and near the origin x carries
        full relative precision (a narrow mixture far from 0 is otherwise sampled on a coarse float grid)."""
        return Law(self.standard_logpdf, self.loc - origin, self.scale)


def normal(loc, scale):
    return Law(lambda z: -0.5 * z * z - 0.5 * math.log(2 * math.pi), loc, scale)


def cauchy(loc, scale):
    return Law(lambda z: -math.log(math.pi) - np.log1p(z * z), loc, scale)


def ladder(centre, width, span):
    """centre and centre -/+ 4^j width, j = 0, 1, ..., until the span (lo, hi) is covered on both sides.

    A geometric ladder keeps every piece at most a few times wider than its distance to the peak, so quad cannot
    step over a narrow peak (or the shoulder of one) sitting at the edge of a long piece.
    """
    lo, hi = span
    points, k = [centre], 1.0
    while centre - k * width > lo - width or centre + k * width < hi + width:
        points += [centre - k * width, centre + k * width]
        k *= 4.0
    return points + [centre - k * width, centre + k * width]


def breakpoints(*laws, extra=()):
    """Ladders around every law (and the given extra (centre, width) peaks), covering all of them."""
    peaks = [(law.loc, law.scale) for law in laws] + list(extra)
    span = (min(c - 64 * w for c, w in peaks), max(c + 64 * w for c, w in peaks))
    return sorted({x for c, w in peaks for x in ladder(c, w, span)})


def integrate_real(f, points):
    """Integral of f over the real line, split at the given points (quad on each piece, infinite tails included)."""
    edges = [-np.inf, *points, np.inf]
    total = 0.0
    for a, b in zip(edges[:-1], edges[1:]):
        if b > a:
            total += integrate.quad(f, a, b, epsabs=0.0, epsrel=EPSREL, limit=1000)[0]
    return total


def log_normaliser(log_unnormalised, points):
    """log Z = log integral of exp(log_unnormalised), by quadrature after a log-max shift (Z may underflow)."""
    shift = np.max(log_unnormalised(np.asarray(points)))
    return shift + np.log(integrate_real(lambda x: np.exp(log_unnormalised(x) - shift), points))


def kl_logs(log_p, log_q, points):
    """KL(p : q) = integral of p (log p - log q), from two log-densities."""
    return integrate_real(lambda x: np.exp(log_p(x)) * (log_p(x) - log_q(x)), points)


def kl(p, q):
    return kl_logs(p.logpdf, q.logpdf, breakpoints(p, q))


def jeffreys(p, q):
    return kl(p, q) + kl(q, p)


def _jsd(p, q, log_m, alpha, points, dual):
    if dual:
        return (1 - alpha) * kl_logs(log_m, p.logpdf, points) + alpha * kl_logs(log_m, q.logpdf, points)
    return (1 - alpha) * kl_logs(p.logpdf, log_m, points) + alpha * kl_logs(q.logpdf, log_m, points)


def _centre(log_m, p, q):
    """The mixture's centre: its grid arg-max, refined by a bounded search."""
    points = breakpoints(p, q)
    grid = np.concatenate([np.linspace(a, b, 200) for a, b in zip(points[:-1], points[1:])])
    i = int(np.argmax(log_m(grid)))
    lower, upper = grid[max(i - 1, 0)], grid[min(i + 1, len(grid) - 1)]
    return optimize.minimize_scalar(lambda x: -log_m(x), bounds=(lower, upper), method="bounded",
                                    options={"xatol": 1e-12 * max(1.0, abs(grid[i]))}).x


def extended_kl_density(log_p, log_m):
    """p log(p/m) - p + m = m phi(log(p/m)), phi(s) = s e^s - e^s + 1 >= 0: integrates to KL(p:m) when both are
    normalised, and does not cancel when p is close to m (the plain p log(p/m) sums terms of both signs)."""
    s = log_p - log_m
    return np.exp(log_m) * (s * np.exp(s) - np.expm1(s))


def jsd_arithmetic(p, q, alpha=0.5):
    """The classic skew JSD; its mixture is normalised exactly, so the cancellation-free extended-KL form applies."""
    def density(x):
        log_p, log_q = p.logpdf(x), q.logpdf(x)
        log_m = np.logaddexp(np.log1p(-alpha) + log_p, np.log(alpha) + log_q)
        return (1 - alpha) * extended_kl_density(log_p, log_m) + alpha * extended_kl_density(log_q, log_m)
    return integrate_real(density, breakpoints(p, q))


def _centred(mean, p, q):
    """p, q shifted so the mixture mean(p, q) (an unnormalised log-density) peaks at 0; with its log-normaliser and
    breakpoints that include a ladder around that peak."""
    centre = _centre(mean(p, q), p, q)
    p, q = p.shifted(centre), q.shifted(centre)
    points = breakpoints(p, q, extra=[(0.0, min(p.scale, q.scale))])
    return p, q, log_normaliser(mean(p, q), points), points


def _geometric(alpha):
    return lambda p, q: lambda x: (1 - alpha) * p.logpdf(x) + alpha * q.logpdf(x)


def jsd_geometric(p, q, alpha=0.5, dual=False):
    """JS^G_alpha, or its dual. The dual's integrand g [(1 - alpha) log(g/p) + alpha log(g/q)] is, pointwise and by the
    definition of g = p^(1 - alpha) q^alpha / Z alone, g * (-log Z): integrating it as written would subtract
    log-densities of size (distance / width)^2 and lose digits for far-apart narrow laws, so it is integrated as such:
    -log Z times the integral of g, which is 1 by the definition of Z (itself by quadrature)."""
    mean = _geometric(alpha)
    p, q, log_z, points = _centred(mean, p, q)
    if dual:
        return -log_z
    return _jsd(p, q, lambda x: mean(p, q)(x) - log_z, alpha, points, dual=False)


def jsd_harmonic(p, q, alpha=0.5, dual=False):
    mean = lambda p, q: lambda x: -np.logaddexp(np.log1p(-alpha) - p.logpdf(x), np.log(alpha) - q.logpdf(x))  # noqa: E731
    p, q, log_z, points = _centred(mean, p, q)
    return _jsd(p, q, lambda x: mean(p, q)(x) - log_z, alpha, points, dual)


def bhattacharyya(p, q, alpha=0.5):
    """-log integral p^(1 - alpha) q^alpha, in log space."""
    return -_centred(_geometric(alpha), p, q)[2]


def random_parameters(seed, n, scale_exponents=(-3, 3), loc_exponents=(-3, 3)):
    """n parameter sets (loc1, scale1, loc2, scale2, alpha): log-uniform scales in 10^scale_exponents, locations of
    either sign up to 10^loc_exponents (so laws can be far apart relative to their scales), one in five pairs sharing
    a location, and skews in (0.01, 0.99)."""
    rng = np.random.default_rng(seed)
    scales = 10.0 ** rng.uniform(*scale_exponents, size=(n, 2))
    locs = rng.choice([-1.0, 1.0], size=(n, 2)) * 10.0 ** rng.uniform(*loc_exponents, size=(n, 2))
    shared = rng.uniform(size=n) < 0.2
    locs[shared, 1] = locs[shared, 0]
    alphas = rng.uniform(0.01, 0.99, size=n)
    return locs[:, 0], scales[:, 0], locs[:, 1], scales[:, 1], alphas
