"""Independent numeric references for the exponential-family catalogue: divergences evaluated from their definitions.

Nothing here uses a closed form of a divergence. Each family is described by its log-density (or log-mass), typed
from the textbook definition and checked against scipy.stats in test_catalogue_references.py, its support, and where
its mass lies (a centre and a width, for breakpoints). The divergences are then summed or integrated as defined:

* discrete laws: exact summation (math.fsum) over the support; an infinite support is cut where both laws' remaining
  mass is provably < 1e-30 (a tail bound, not a heuristic);
* continuous laws: scipy.integrate.quad (epsrel 1e-13) over the support, split at ladders of breakpoints around every
  law. Positive laws are integrated in u = log x and laws on (0, 1) in t = logit x: a change of variable leaves every
  divergence unchanged (the log-ratio of two densities is invariant, the Jacobian moves into the measure), and in
  these coordinates every law here is a smooth, log-concave bump without endpoint singularities;
* von Mises laws over one period [loc1 - pi, loc1 + pi];
* Dirichlet laws: k = 2 by 1-D quadrature (logit coordinate), k = 3 by nested 2-D quadrature in logit stick-breaking
  coordinates, k >= 4 by Monte Carlo (numpy's Generator.dirichlet, scipy.stats.dirichlet.logpdf) with its standard
  error.

Integrands are written in log space and so that they never cancel: KL(p : q) integrates p log(p/q) - p + q >= 0
(equal to the KL integrand up to p - q, which integrates to 0), the arithmetic JSD the two such brackets against m,
the Bhattacharyya coefficient is computed as 1 - integral of (A - G) >= 0 when it is close to 1 (A and G the weighted
arithmetic and geometric means of the densities, A integrating to 1). The geometric mixture is normalised
numerically, in log space after a shift by its log-maximum, so nothing underflows.

quad calls its integrand one point at a time, so the log-densities are scalar functions on Python floats (math is an
order of magnitude faster than numpy on scalars); `Law.logpdf` vectorises them for the scipy checks.
"""
import math
from collections import namedtuple
from itertools import pairwise

import numpy as np
from scipy import integrate, special, stats

EPSREL = 1e-13          # quad, one dimension
PLANE_EPSREL = 1e-10    # nested quad for Dirichlet k = 3: outer integral (the inner one is asked for 1e-11)
PLANE_INNER_EPSREL = 1e-11
TAIL = 1e-30            # infinite discrete supports are summed until both laws' remaining mass is below this
LOG_TAIL = math.log(TAIL)
NEG_INF = -math.inf
LOG_2PI = math.log(2.0 * math.pi)
MC_SAMPLES = 200_000

Estimate = namedtuple("Estimate", "value se")  # a Monte Carlo reference: the estimate and its standard error


# ---------------------------------------------------------------------------------------------------------------------
# Scalar helpers
# ---------------------------------------------------------------------------------------------------------------------

def _exp(x):
    """exp that saturates to inf instead of raising OverflowError (quad probes far into infinite tails)."""
    return math.exp(x) if x < 709.0 else math.inf


def _softplus(t):
    """log(1 + e^t) without overflow."""
    return (t if t > 0.0 else 0.0) + math.log1p(math.exp(-abs(t)))


def _logaddexp(x, y):
    if x < y:
        x, y = y, x
    if y == NEG_INF:
        return x
    return x + math.log1p(math.exp(y - x))


_PHI_SERIES = [(n - 1) / math.factorial(n) for n in range(2, 17)]


def _phi(s):
    """phi(s) = s e^s - e^s + 1 >= 0 (the extended-KL kernel), accurate near s = 0 by its Taylor series."""
    if abs(s) < 0.1:
        total = 0.0
        for c in reversed(_PHI_SERIES):
            total = total * s + c
        return total * s * s
    return s * math.exp(s) - math.expm1(s)


def _ext_ratio(lp, lq, s):
    """p log(p/q) - p + q >= 0 from log p, log q and s = log(p/q) (passed separately: the caller computes it without
    cancellation): q phi(s), or p (s - 1) + q for s > 1. Integrates to KL(p : q) when p and q are both normalised,
    and (unlike p log(p/q)) never sums terms of both signs."""
    if s > 1.0:
        return _exp(lp) * (s - 1.0) + math.exp(lq)
    return math.exp(lq) * _phi(s)


def _ext(lp, lq):
    """p log(p/q) - p + q from log p and log q, where either may be -inf (a density that underflowed)."""
    if lp == NEG_INF:
        return math.exp(lq) if lq > NEG_INF else 0.0
    if lq == NEG_INF:
        return 0.0 if math.exp(lp) == 0.0 else math.inf
    return _ext_ratio(lp, lq, lp - lq)


def _arithmetic_log_ratios(lp, lq, alpha):
    """log A, log(p/A) and log(q/A) for A = (1-alpha) p + alpha q, the ratios computed from r = log(q/p) alone (no
    difference of two large log-densities: they are exactly 0 for identical laws and keep relative accuracy near)."""
    if lq <= lp:
        r = lq - lp  # <= 0
        s_p = -math.log1p(alpha * math.expm1(r))
        return lp - s_p, s_p, s_p + r
    r = lp - lq  # < 0
    s_q = -math.log1p((1.0 - alpha) * math.expm1(r))
    return lq - s_q, s_q + r, s_q


def _geometric_minus_arithmetic(lp, lq, alpha):
    """log G - log A <= 0 for G = p^(1-alpha) q^alpha and A = (1-alpha) p + alpha q, from the log-ratio of p and q
    alone (so it keeps relative accuracy when p and q are close), and log A."""
    if lp == NEG_INF and lq == NEG_INF:
        return 0.0, NEG_INF
    la, s_p, s_q = _arithmetic_log_ratios(lp, lq, alpha)
    # log G - log A = (1-alpha) log(p/A) + alpha log(q/A)
    return (1.0 - alpha) * s_p + alpha * s_q, la


def _agm_gap(lp, lq, alpha):
    """A - G >= 0 (weighted arithmetic minus geometric mean of the densities), without cancellation."""
    d, la = _geometric_minus_arithmetic(lp, lq, alpha)
    if la == NEG_INF:
        return 0.0
    return math.exp(la) * -math.expm1(d)


# ---------------------------------------------------------------------------------------------------------------------
# Laws
# ---------------------------------------------------------------------------------------------------------------------

class Mass:
    """A law on consecutive integers: scalar log-mass, and [lower, upper] holding all but < TAIL of its mass
    (the whole support when it is finite)."""

    discrete = True

    def __init__(self, name, logmass, lower, upper, params):
        self.name, self.logmass, self.lower, self.upper, self.params = name, logmass, lower, upper, params

    def logpmf(self, k):
        return np.vectorize(self.logmass, otypes=[float])(k)

    def __repr__(self):
        return f"{self.name}{self.params}"


class Law:
    """A continuous law, described in a working coordinate t in which it is integrated.

    logdensity(t): log of the density of t (the Jacobian of x -> t included); coordinate: 'real' (t = x),
    'log' (t = log x), 'logit' (t = log x - log(1 - x)) or 'circle' (t = x, one period around `centre`);
    landmark: (centre, width) in t, where the mass lies.
    """

    discrete = False

    def __init__(self, name, logdensity, coordinate, landmark, params):
        self.name, self.logdensity, self.coordinate, self.params = name, logdensity, coordinate, params
        self.landmark = (float(landmark[0]), float(landmark[1]))

    def to_working(self, x):
        return {"real": lambda x: x, "circle": lambda x: x, "log": math.log,
                "logit": lambda x: math.log(x) - math.log1p(-x)}[self.coordinate](x)

    def log_jacobian(self, t):
        """log |dx/dt| at t."""
        if self.coordinate == "log":
            return t
        if self.coordinate == "logit":
            return -_softplus(-t) - _softplus(t)
        return 0.0

    def natural_logdensity(self, t):
        """log of the density of x at x(t)."""
        return self.logdensity(t) - self.log_jacobian(t)

    def logpdf(self, x):
        """The textbook log-density of x (vectorised), for the checks against scipy.stats."""
        return np.vectorize(lambda x: self.natural_logdensity(self.to_working(x)), otypes=[float])(x)

    def __repr__(self):
        return f"{self.name}{self.params}"


def _log_bernoulli(p):
    lp, lq = math.log(p), math.log1p(-p)
    return lambda k: lp if k == 1 else lq


def bernoulli(p):
    """P(1) = p, P(0) = 1 - p."""
    return Mass("bernoulli", _log_bernoulli(p), 0, 1, (p,))


def binomial(n, p):
    """C(n, k) p^k (1 - p)^(n - k), k = 0..n."""
    n = int(n)
    lp, lq, lf = math.log(p), math.log1p(-p), math.lgamma(n + 1)
    return Mass("binomial", lambda k: lf - math.lgamma(k + 1) - math.lgamma(n - k + 1) + k * lp + (n - k) * lq,
                0, n, (n, p))


def categorical(probs):
    """P(i) = probs[i], i = 0..k-1."""
    logs = [math.log(v) for v in np.asarray(probs, dtype=float)]
    return Mass("categorical", logs.__getitem__, 0, len(logs) - 1, (tuple(logs),))


def poisson(rate):
    """rate^k e^(-rate) / k!, k >= 0. Cut at the first K >= 2 rate with 2 P(K) < TAIL: beyond 2 rate each term is at
    most half the previous one, so the mass from K on is below 2 P(K)."""
    log_rate = math.log(rate)
    logmass = lambda k: k * log_rate - rate - math.lgamma(k + 1)  # noqa: E731
    upper = math.ceil(2 * rate)
    while logmass(upper) + math.log(2.0) >= LOG_TAIL:
        upper += 1
    return Mass("poisson", logmass, 0, upper, (rate,))


def geometric(p):
    """(1 - p)^k p, k >= 0 failures before the first success. The mass from K on is (1 - p)^K exactly."""
    log_fail, log_p = math.log1p(-p), math.log(p)
    upper = math.ceil(LOG_TAIL / log_fail)
    return Mass("geometric", lambda k: k * log_fail + log_p, 0, upper, (p,))


def _log_landmark_gamma(shape, rate):
    """log X for X ~ Gamma(shape, rate): mean digamma(shape) - log rate, sd sqrt(trigamma(shape))."""
    return special.digamma(shape) - math.log(rate), math.sqrt(special.polygamma(1, shape))


def exponential(rate):
    """rate e^(-rate x), x > 0; in u = log x: rate e^u exp(-rate e^u)."""
    log_rate = math.log(rate)
    return Law("exponential", lambda u: log_rate + u - rate * _exp(u), "log", _log_landmark_gamma(1.0, rate), (rate,))


def gamma(shape, rate):
    """rate^shape x^(shape-1) e^(-rate x) / Gamma(shape), x > 0; in u = log x: times the Jacobian x = e^u."""
    const = shape * math.log(rate) - math.lgamma(shape)
    return Law("gamma", lambda u: const + shape * u - rate * _exp(u), "log", _log_landmark_gamma(shape, rate),
               (shape, rate))


def _log_beta_parts(a, b):
    const = math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b)
    # x^(a-1) (1-x)^(b-1) / B(a, b) times the Jacobian x (1 - x), with log x = -softplus(-t), log(1-x) = -softplus(t)
    return lambda t: const - a * _softplus(-t) - b * _softplus(t)


def _logit_landmark(a, b):
    """logit X for X ~ Beta(a, b): mean digamma(a) - digamma(b), sd sqrt(trigamma(a) + trigamma(b))."""
    return special.digamma(a) - special.digamma(b), math.sqrt(special.polygamma(1, a) + special.polygamma(1, b))


def beta(a, b):
    """x^(a-1) (1-x)^(b-1) / B(a, b) on (0, 1), integrated in t = logit x."""
    return Law("beta", _log_beta_parts(a, b), "logit", _logit_landmark(a, b), (a, b))


def lognormal(loc, scale):
    """exp(-(log x - loc)^2 / (2 scale^2)) / (x scale sqrt(2 pi)), x > 0; in u = log x the Jacobian x cancels the
    1/x."""
    const = -math.log(scale) - 0.5 * LOG_2PI
    return Law("lognormal", lambda u: const - 0.5 * ((u - loc) / scale) ** 2, "log", (loc, scale), (loc, scale))


def inverse_gaussian(mean, shape):
    """sqrt(shape / (2 pi x^3)) exp(-shape (x - mean)^2 / (2 mean^2 x)), x > 0.

    In u = log x (Jacobian x): x - mean = 2 sqrt(x mean) sinh((u - log mean) / 2), so the exponent is
    -(2 shape / mean) sinh^2((u - log mean) / 2): the same expression, free of cancellation near x = mean and of
    overflow in the tails."""
    const, log_mean, c = 0.5 * (math.log(shape) - LOG_2PI), math.log(mean), 2.0 * shape / mean

    def logdensity(u):
        h = 0.5 * (u - log_mean)
        if abs(h) > 350.0:
            return NEG_INF
        return const - 0.5 * u - c * math.sinh(h) ** 2

    # the mode of the density of u: shape y^2 + mean^2 y - shape mean^2 = 0, y = e^u
    mode = (-mean * mean + math.sqrt(mean**4 + 4 * shape * shape * mean * mean)) / (2 * shape)
    return Law("inverse_gaussian", logdensity, "log", (math.log(mode), min(math.sqrt(mean / shape), 1.0)),
               (mean, shape))


def laplace(loc, scale):
    """exp(-|x - loc| / scale) / (2 scale) on the real line (breakpoints always include loc, its kink)."""
    const = -math.log(2.0 * scale)
    return Law("laplace", lambda x: const - abs(x - loc) / scale, "real", (loc, scale), (loc, scale))


def rayleigh(scale):
    """x / scale^2 exp(-x^2 / (2 scale^2)), x > 0; in u = log x (Jacobian x), with w = u - log scale: 2w - e^(2w)/2."""
    log_scale = math.log(scale)

    def logdensity(u):
        w = u - log_scale
        return 2.0 * w - 0.5 * _exp(2.0 * w)

    # log X = log scale + log(2E)/2 with E ~ Exp(1): mode log scale + log(2)/2, sd pi / (2 sqrt 6)
    return Law("rayleigh", logdensity, "log", (log_scale + 0.5 * math.log(2.0), math.pi / (2 * math.sqrt(6))),
               (scale,))


def weibull(shape, scale):
    """(k/s) (x/s)^(k-1) exp(-(x/s)^k), x > 0; in u = log x (Jacobian x), with w = u - log s: log k + k w - e^(k w)."""
    log_shape, log_scale = math.log(shape), math.log(scale)

    def logdensity(u):
        kw = shape * (u - log_scale)
        return log_shape + kw - _exp(kw)

    # log X = log s + log(E) / k with E ~ Exp(1): mean log s - euler_gamma / k, sd pi / (k sqrt 6)
    return Law("weibull", logdensity, "log", (log_scale - np.euler_gamma / shape, math.pi / (shape * math.sqrt(6))),
               (shape, scale))


def von_mises(loc, kappa):
    """exp(kappa cos(x - loc)) / (2 pi I0(kappa)) on the circle; log I0(kappa) = log i0e(kappa) + kappa."""
    const = -LOG_2PI - (math.log(special.i0e(kappa)) + kappa)
    width = min(1.0, 1.0 / math.sqrt(kappa)) if kappa > 0 else 1.0
    return Law("von_mises", lambda x: const + kappa * math.cos(x - loc), "circle", (loc, width), (loc, kappa))


class Dirichlet(Law):
    """Dirichlet(concentration) on the simplex: Gamma(sum c) / prod Gamma(c_i) prod x_i^(c_i - 1).

    Coordinates: logit stick-breaking, x_i = sigmoid(t_i) prod_{j<i} (1 - sigmoid(t_j)) for i < k, x_k the rest;
    the Jacobian of this map is prod x_i, so the density of t is Gamma(sum c) / prod Gamma(c_i) prod x_i^(c_i).
    k = 2 is a 1-D law in t_1 = logit x_1 (coordinate 'logit'); k = 3 a law on the plane; k >= 4 is only sampled.
    """

    def __init__(self, concentration):
        c = [float(v) for v in np.asarray(concentration, dtype=float)]
        self.concentration, self.k = c, len(c)
        self.const = math.lgamma(math.fsum(c)) - math.fsum(math.lgamma(v) for v in c)
        # t_i = logit of x_i / (remaining stick) ~ logit Beta(c_i, c_{i+1} + ... + c_k)
        self.landmarks = [_logit_landmark(c[i], math.fsum(c[i + 1:])) for i in range(self.k - 1)]
        logdensity = {2: self._logdensity2, 3: self._logdensity3}.get(self.k)
        super().__init__("dirichlet", logdensity, "logit" if self.k == 2 else "simplex", self.landmarks[0], (c,))

    def log_x(self, t):
        """log x_1 .. log x_k at stick-breaking logits t (k - 1 of them)."""
        logs, rest = [], 0.0
        for ti in t:
            logs.append(rest - _softplus(-ti))
            rest -= _softplus(ti)
        return logs + [rest]

    def _logdensity2(self, t):
        c1, c2 = self.concentration
        return self.const - c1 * _softplus(-t) - c2 * _softplus(t)

    def _logdensity3(self, t1, t2):
        c1, c2, c3 = self.concentration
        rest = -_softplus(t1)
        return self.const - c1 * _softplus(-t1) + c2 * (rest - _softplus(-t2)) + c3 * (rest - _softplus(t2))

    def logpdf(self, x):
        """The textbook log-density at points x (..., k) of the simplex, for the check against scipy.stats."""
        x = np.asarray(x, dtype=float)
        return self.const + np.sum((np.asarray(self.concentration) - 1.0) * np.log(x), axis=-1)


def dirichlet(concentration):
    return Dirichlet(concentration)


# ---------------------------------------------------------------------------------------------------------------------
# Domains: how a function of (log p, log q) at each point is summed or integrated
# ---------------------------------------------------------------------------------------------------------------------

def _ladder(centre, width, lo, hi):
    """centre and centre -/+ 4^j width, j = 0, 1, ..., until (lo, hi) is covered on both sides: every piece is at
    most a few times wider than its distance to the bump, so quad cannot step over it."""
    points, k = [centre], 1.0
    while centre - k * width > lo - width or centre + k * width < hi + width:
        points += [centre - k * width, centre + k * width]
        k *= 4.0
    return points + [centre - k * width, centre + k * width]


def _breakpoints(landmarks, interval, periodic):
    lo, hi = interval
    if periodic:
        points = set()
        for centre, width in landmarks:
            k, raw = 1.0, [centre, centre + math.pi]
            while k * width < math.pi:
                raw += [centre - k * width, centre + k * width]
                k *= 4.0
            points.update(lo + (x - lo) % (2 * math.pi) for x in raw)
        return sorted(x for x in points if lo + 1e-9 < x < hi - 1e-9)
    span = (min(c - 64 * w for c, w in landmarks), max(c + 64 * w for c, w in landmarks))
    return sorted({x for c, w in landmarks for x in _ladder(c, w, *span) if lo < x < hi})


def _quad(f, edges, epsrel):
    return math.fsum(integrate.quad(f, a, b, epsabs=0.0, epsrel=epsrel, limit=1000)[0]
                     for a, b in pairwise(edges) if b > a)


class _Sum:
    """A discrete pair: exact summation over the union of the two laws' (tail-cut) supports."""

    def __init__(self, p, q):
        points = range(min(p.lower, q.lower), max(p.upper, q.upper) + 1)
        self.lp, self.lq = [p.logmass(k) for k in points], [q.logmass(k) for k in points]

    def total(self, f):
        return math.fsum(map(f, self.lp, self.lq))

    def peak(self, f):
        return max(map(f, self.lp, self.lq)), None

    def refined(self, at):
        return self


class _Line:
    """A continuous pair on the line (or one period of the circle) in the laws' working coordinate: quad on every
    piece between ladders of breakpoints around each law (and around any extra landmark, e.g. a mixture's peak)."""

    def __init__(self, p, q, extra=()):
        self.p, self.q, self.extra = p, q, list(extra)
        self.periodic = p.coordinate == "circle"
        if self.periodic:
            self.interval = (p.landmark[0] - math.pi, p.landmark[0] + math.pi)
        else:
            self.interval = (-math.inf, math.inf)
        self.points = _breakpoints([p.landmark, q.landmark, *self.extra], self.interval, self.periodic)
        self.edges = [self.interval[0], *self.points, self.interval[1]]

    def total(self, f):
        lp, lq = self.p.logdensity, self.q.logdensity
        return _quad(lambda t: f(lp(t), lq(t)), self.edges, EPSREL)

    def _grid(self):
        finite = [x for x in self.edges if math.isfinite(x)]
        return np.concatenate([np.linspace(a, b, 9)[:-1] for a, b in pairwise(finite)] + [finite[-1:]])

    def peak(self, f):
        """The largest f on a grid (8 cells between consecutive breakpoints), and where."""
        lp, lq = self.p.logdensity, self.q.logdensity
        grid = self._grid()
        values = [f(lp(t), lq(t)) for t in grid]
        i = int(np.argmax(values))
        return values[i], float(grid[i])

    def refined(self, at):
        width = min(self.p.landmark[1], self.q.landmark[1])
        return _Line(self.p, self.q, extra=[*self.extra, (at, width)])


class _Plane:
    """A Dirichlet pair with k = 3: nested quad over the plane of stick-breaking logits (t1 outer, t2 inner).

    In these coordinates each law is a product of two smooth log-concave bumps (t1 and t2 are independent logit-beta
    variables), so each axis is split only at the laws' centres (and the geometric mixture's peak) and quad's own
    adaptivity does the rest; the accuracy this reaches is certified against known values in
    test_catalogue_references.py (about 1e-13 at the tolerances below; the tests ask 1e-7 of the kernels)."""

    def __init__(self, p, q, extra=None):
        self.p, self.q, self.extra = p, q, extra
        centres = [{p.landmarks[i][0], q.landmarks[i][0]} for i in range(2)]
        if extra is not None:
            centres = [centres[i] | {extra[i]} for i in range(2)]
        self.edges = [[-math.inf, *sorted(c), math.inf] for c in centres]

    def total(self, f):
        (p1, p2, p3), (q1, q2, q3) = self.p.concentration, self.q.concentration
        cp, cq = self.p.const, self.q.const
        inner_edges = self.edges[1]

        def inner(t1):
            # the log-density is A(t1) - c2 softplus(-t2) - c3 softplus(t2) (see Dirichlet._logdensity3)
            minus, plus = _softplus(-t1), _softplus(t1)
            ap, aq = cp - p1 * minus - (p2 + p3) * plus, cq - q1 * minus - (q2 + q3) * plus

            def integrand(t2):
                m, s = _softplus(-t2), _softplus(t2)
                return f(ap - p2 * m - p3 * s, aq - q2 * m - q3 * s)

            return _quad(integrand, inner_edges, PLANE_INNER_EPSREL)

        return _quad(inner, self.edges[0], PLANE_EPSREL)

    def peak(self, f):
        """The largest f on a grid around the laws' centres (widths -3..3 in quarter steps), and where."""
        lp, lq = self.p.logdensity, self.q.logdensity
        grids = []
        for i in range(2):
            (cp, wp), (cq, wq) = self.p.landmarks[i], self.q.landmarks[i]
            lo, hi = min(cp - 3 * wp, cq - 3 * wq), max(cp + 3 * wp, cq + 3 * wq)
            grids.append(np.linspace(lo, hi, 1 + int(math.ceil(4 * (hi - lo) / min(wp, wq)))))
        best = (-math.inf, None)
        for t1 in grids[0]:
            for t2 in grids[1]:
                value = f(lp(t1, t2), lq(t1, t2))
                if value > best[0]:
                    best = (value, (float(t1), float(t2)))
        return best

    def refined(self, at):
        return _Plane(self.p, self.q, extra=at)


def _domain(p, q):
    if p.discrete != q.discrete or p.name != q.name:
        raise ValueError(f"laws of different kinds: {p}, {q}")
    if p.discrete:
        if p.name == "categorical" and p.upper != q.upper:
            raise ValueError("categorical laws with different numbers of categories")
        return _Sum(p, q)
    if isinstance(p, Dirichlet):
        if p.k != q.k:
            raise ValueError("Dirichlet laws of different dimensions")
        if p.k == 3:
            return _Plane(p, q)
        if p.k != 2:
            raise ValueError("Dirichlet laws with k >= 4 have Monte Carlo references only")
    return _Line(p, q)


def _monte_carlo(p, q):
    return isinstance(p, Dirichlet) and p.k >= 4


# ---------------------------------------------------------------------------------------------------------------------
# The references
# ---------------------------------------------------------------------------------------------------------------------

def total_mass(p):
    """Sum or integral of the law's mass (should be 1)."""
    return _domain(p, p).total(lambda lp, lq: math.exp(lp))


def entropy(p):
    """Shannon entropy (discrete) or differential entropy of x (continuous, the Jacobian of the working coordinate
    put back), in nats, for the checks against scipy.stats.<law>.entropy."""
    if p.discrete:
        return _domain(p, p).total(lambda lp, lq: -math.exp(lp) * lp if lp > NEG_INF else 0.0)
    natural = Law(p.name, p.natural_logdensity, p.coordinate, p.landmark, p.params)
    return _Line(p, natural).total(lambda lp, ln: -math.exp(lp) * ln if lp > NEG_INF else 0.0)


def kl(p, q):
    """KL(p : q) = E_p[log p/q], integrated as p log(p/q) - p + q >= 0."""
    if _monte_carlo(p, q):
        return _mc_kl(p, q)
    return _domain(p, q).total(_ext)


def jeffreys(p, q):
    """KL(p : q) + KL(q : p) = integral of both extended-KL brackets."""
    if _monte_carlo(p, q):
        return _mc_jeffreys(p, q)
    return _domain(p, q).total(lambda lp, lq: _ext(lp, lq) + _ext(lq, lp))


def log_geometric_normaliser(p, q, alpha):
    """log Z, Z = integral of p^(1-alpha) q^alpha; and the domain refined around the geometric mixture's peak.

    Z is integrated after a shift by the log-maximum of p^(1-alpha) q^alpha (so nothing underflows); where Z > 1/2,
    1 - Z is instead integrated as A - G >= 0 (A, G the weighted arithmetic and geometric means of the densities,
    A integrating to 1), which keeps the relative accuracy of -log Z as it approaches 0."""
    dom = _domain(p, q)
    lg = lambda lp, lq: (1.0 - alpha) * lp + alpha * lq  # noqa: E731
    shift, at = dom.peak(lg)
    dom = dom.refined(at)
    log_z = shift + math.log(dom.total(lambda lp, lq: _exp(lg(lp, lq) - shift)))
    if log_z > -math.log(2.0):
        log_z = math.log1p(-dom.total(lambda lp, lq: _agm_gap(lp, lq, alpha)))
    return log_z, dom


def _check_alpha(alpha):
    if not 0.0 <= alpha <= 1.0:
        raise ValueError(f"alpha must lie in [0, 1], got {alpha}")
    return float(alpha)


def jsd_geometric(p, q, alpha=0.5, dual=False):
    """JS^G_alpha = (1-alpha) KL(p : g) + alpha KL(q : g), g = p^(1-alpha) q^alpha / Z; or its dual
    (1-alpha) KL(g : p) + alpha KL(g : q).

    The dual's integrand g [(1-alpha) log(g/p) + alpha log(g/q)] is, pointwise and by the definition of g alone,
    g (-log Z): it is integrated as such, -log Z times the integral of g (1, by the definition of Z) -- integrating it
    as written would subtract large log-densities for the difference -log Z. The primal integrates the two
    extended-KL brackets against the numerically normalised g (first-order insensitive to an error in log Z)."""
    alpha = _check_alpha(alpha)
    if alpha in (0.0, 1.0):
        return 0.0
    if _monte_carlo(p, q):
        return _mc_bhattacharyya(p, q, alpha) if dual else _mc_jsd_geometric(p, q, alpha)
    log_z, dom = log_geometric_normaliser(p, q, alpha)
    if dual:
        return -log_z

    def density(lp, lq):
        lg = (1.0 - alpha) * lp + alpha * lq - log_z
        if lp == NEG_INF or lq == NEG_INF:
            return (1.0 - alpha) * _ext(lp, lg) + alpha * _ext(lq, lg)
        d = lp - lq  # log(p/g) = alpha d + log Z, log(q/g) = -(1-alpha) d + log Z
        return ((1.0 - alpha) * _ext_ratio(lp, lg, alpha * d + log_z)
                + alpha * _ext_ratio(lq, lg, log_z - (1.0 - alpha) * d))

    return dom.total(density)


def bhattacharyya(p, q, alpha=0.5):
    """-log integral p^(1-alpha) q^alpha."""
    alpha = _check_alpha(alpha)
    if alpha in (0.0, 1.0):
        return 0.0
    if _monte_carlo(p, q):
        return _mc_bhattacharyya(p, q, alpha)
    return -log_geometric_normaliser(p, q, alpha)[0]


def jsd_arithmetic(p, q, alpha=0.5):
    """(1-alpha) KL(p : m) + alpha KL(q : m), m = (1-alpha) p + alpha q: the extended-KL brackets against m."""
    alpha = _check_alpha(alpha)
    if alpha in (0.0, 1.0):
        return 0.0
    if _monte_carlo(p, q):
        return _mc_jsd_arithmetic(p, q, alpha)
    log_a, log_b = math.log1p(-alpha), math.log(alpha)

    def density(lp, lq):
        if lp == NEG_INF or lq == NEG_INF:
            lm = _logaddexp(log_a + lp, log_b + lq)
            return (1.0 - alpha) * _ext(lp, lm) + alpha * _ext(lq, lm)
        lm, s_p, s_q = _arithmetic_log_ratios(lp, lq, alpha)
        return (1.0 - alpha) * _ext_ratio(lp, lm, s_p) + alpha * _ext_ratio(lq, lm, s_q)

    return _domain(p, q).total(density)


# ---------------------------------------------------------------------------------------------------------------------
# Monte Carlo, Dirichlet k >= 4: independent samples X_i ~ p, Y_i ~ q; each estimator is a mean of i.i.d. terms h_i
# built from the pair (X_i, Y_i), its standard error std(h) / sqrt(n) (delta method for the logarithms).
# ---------------------------------------------------------------------------------------------------------------------

def _mc_logs(p, q, samples=MC_SAMPLES, seed=0):
    rng = np.random.default_rng(seed)
    cp, cq = np.asarray(p.concentration), np.asarray(q.concentration)
    x, y = rng.dirichlet(cp, size=samples), rng.dirichlet(cq, size=samples)
    logpdf = stats.dirichlet.logpdf
    return logpdf(x.T, cp), logpdf(x.T, cq), logpdf(y.T, cp), logpdf(y.T, cq)


def _mean(h):
    return Estimate(float(np.mean(h)), float(np.std(h, ddof=1) / math.sqrt(len(h))))


def _mc_kl(p, q, **kw):
    lpx, lqx, _, _ = _mc_logs(p, q, **kw)
    return _mean(lpx - lqx)


def _mc_jeffreys(p, q, **kw):
    lpx, lqx, lpy, lqy = _mc_logs(p, q, **kw)
    return _mean((lpx - lqx) + (lqy - lpy))


def _mc_weights(lp, lq, alpha):
    """log G - log A at sample points: the weight G/A of the geometric against the arithmetic mixture, <= 1."""
    lg = (1 - alpha) * lp + alpha * lq
    la = np.logaddexp(np.log1p(-alpha) + lp, np.log(alpha) + lq)
    return lg, la


def _mc_normaliser(p, q, alpha, **kw):
    """Z = E_A[G/A] with A = (1-alpha) p + alpha q sampled by strata: v_i = (1-alpha) w(X_i) + alpha w(Y_i),
    w = G/A in (0, 1] (bounded weights, so the variance is finite)."""
    lpx, lqx, lpy, lqy = _mc_logs(p, q, **kw)
    lgx, lax = _mc_weights(lpx, lqx, alpha)
    lgy, lay = _mc_weights(lpy, lqy, alpha)
    v = (1 - alpha) * np.exp(lgx - lax) + alpha * np.exp(lgy - lay)
    return v, (lpx, lqx, lpy, lqy, lgx, lgy)


def _mc_bhattacharyya(p, q, alpha, **kw):
    v, _ = _mc_normaliser(p, q, alpha, **kw)
    z = float(np.mean(v))
    return Estimate(-math.log(z), float(np.std(v, ddof=1) / math.sqrt(len(v)) / z))


def _mc_jsd_geometric(p, q, alpha, **kw):
    """(1-alpha) E_p[log p - log g] + alpha E_q[log q - log g], log g = log G - log Z, log Z by the estimate above."""
    v, (lpx, _, _, lqy, lgx, lgy) = _mc_normaliser(p, q, alpha, **kw)
    z = float(np.mean(v))
    plain = (1 - alpha) * (lpx - lgx) + alpha * (lqy - lgy)
    return Estimate(float(np.mean(plain)) + math.log(z), _mean(plain + v / z).se)


def _mc_jsd_arithmetic(p, q, alpha, **kw):
    lpx, lqx, lpy, lqy = _mc_logs(p, q, **kw)
    lmx = np.logaddexp(np.log1p(-alpha) + lpx, np.log(alpha) + lqx)
    lmy = np.logaddexp(np.log1p(-alpha) + lpy, np.log(alpha) + lqy)
    return _mean((1 - alpha) * (lpx - lmx) + alpha * (lqy - lmy))
