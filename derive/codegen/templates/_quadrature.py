"""Adaptive Gauss-Kronrod quadrature of the arithmetic JSD, for families where it has no closed form.

JS_alpha(p:q) = integral of (1 - alpha) [p log(p/m) - p + m] + alpha [q log(q/m) - q + m],  m = (1 - alpha) p + alpha q.
Both brackets are pointwise >= 0 (they add up to the usual integrand since (1 - alpha)(m - p) + alpha(m - q) = 0), so
the sum never cancels, and each is m * phi(log(p/m)) with phi(s) = s e^s - e^s + 1, evaluated without cancellation.

A family supplies, as numba functions of a parameter tuple, its two log-densities (split into their terms free of x,
computed once per pair, and the rest, computed at each node) and landmarks (centre and width of each law);
``arithmetic_jsd`` builds the integrator from them (a closure, so numba can cache it per family).

The initial segments follow the landmarks: each law has a core of CORE widths either side of its centre, integrated as
finite segments, and beyond it arms mapped onto bounded intervals of u with x = edge +- width u / (1 - u), so nodes
spread out geometrically with the distance from the law; where the two laws' needs cross, the law asking for the finer
mesh owns the line. Narrow, far-apart laws are thus always sampled at their own scale, and overlapping laws of similar
widths cost a few segments only.

Each segment starts with the 21-point Kronrod rule (error estimate: its difference to the embedded 10-point Gauss rule,
scaled as in QUADPACK). The segment with the largest error estimate is then refined until the estimates add up to
EPSREL of the integral: as in QUADPACK's qng, its rule is first extended to Patterson's nested 43- and 87-point rules,
which reuse all the values already computed and whose differences to the previous rule are much sharper estimates
than 21 vs 10 points (a smooth segment is thus accepted without bisecting it); a segment still too coarse at 87 points
is bisected into two 21-point segments.
"""
import math

import numba
import numpy as np

# Gauss-Kronrod-Patterson rules (QUADPACK qng; Fullerton's 101-digit coefficients): nested 10-, 21-, 43- and 87-point
# rules on [-1, 1]. Each adds nodes to the previous one: the 21-point rule's nodes are x1 (the 10-point Gauss nodes),
# x2 and 0; the 43-point rule adds x3, the 87-point rule x4. Nodes are positive, used as +- pairs.
_X1 = (0.973906528517171720077964012084452, 0.865063366688984510732096688423493, 0.679409568299024406234327365114874,
       0.433395394129247190799265943165784, 0.148874338981631210884826001129720)
_X2 = (0.995657163025808080735527280689003, 0.930157491355708226001207180059508, 0.780817726586416897063717578345042,
       0.562757134668604683339000099272694, 0.294392862701460198131126603103866)
_X3 = (0.999333360901932081394099323919911, 0.987433402908088869795961478381209, 0.954807934814266299257919200290473,
       0.900148695748328293625099494069092, 0.825198314983114150847066732588520, 0.732148388989304982612354848755461,
       0.622847970537725238641159120344323, 0.499479574071056499952214885499755, 0.364901661346580768043989548502644,
       0.222254919776601296498260928066212, 0.074650617461383322043914435796506)
_X4 = (0.999902977262729234490529830591582, 0.997989895986678745427496322365960, 0.992175497860687222808523352251425,
       0.981358163572712773571916941623894, 0.965057623858384619128284110607926, 0.943167613133670596816416634507426,
       0.915806414685507209591826430720050, 0.883221657771316501372117548744163, 0.845710748462415666605902011504855,
       0.803557658035230982788739474980964, 0.757005730685495558328942793432020, 0.706273209787321819824094274740840,
       0.651589466501177922534422205016736, 0.593223374057961088875273770349144, 0.531493605970831932285268948562671,
       0.466763623042022844871966781659270, 0.399424847859218804732101665817923, 0.329874877106188288265053371824597,
       0.258503559202161551802280975429025, 0.185695396568346652015917141167606, 0.111842213179907468172398359241362,
       0.037352123394619870814998165437704)
# weights, in the order centre, x1, x2, x3, x4 (each rule's nodes are a prefix of that list)
_W10 = (0.0, 0.066671344308688137593568809893332, 0.149451349150580593145776339657697,
        0.219086362515982043995534934228163, 0.269266719309996355091226921569469, 0.295524224714752870173892994651338)
_W21 = (0.149445554002916905664936468389821,
        0.032558162307964727478818972459390, 0.075039674810919952767043140916190, 0.109387158802297641899210590325805,
        0.134709217311473325928054001771707, 0.147739104901338491374841515972068,
        0.011694638867371874278064396062192, 0.054755896574351996031381300244580, 0.093125454583697605535065465083366,
        0.123491976262065851077958109831074, 0.142775938577060080797094273138717)
_W43 = (0.074722147517403005594425168280423,
        0.016296734289666564924281974617663, 0.037522876120869501461613795898115, 0.054694902058255442147212685465005,
        0.067355414609478086075553166302174, 0.073870199632393953432140695251367,
        0.005768556059769796184184327908655, 0.027371890593248842081276069289151, 0.046560826910428830743339154433824,
        0.061744995201442564496240336030883, 0.071387267268693397768559114425516,
        0.001844477640212414100389106552965, 0.010798689585891651740465406741293, 0.021895363867795428102523123075149,
        0.032597463975345689443882222526137, 0.042163137935191811847627924327955, 0.050741939600184577780189020092084,
        0.058379395542619248375475369330206, 0.064746404951445885544689259517511, 0.069566197912356484528633315038405,
        0.072824441471833208150939535192842, 0.074507751014175118273571813842889)
_W87 = (0.037361073762679023410321241766599,
        0.008148377384149172900002878448190, 0.018761438201562822243935059003794, 0.027347451050052286161582829741283,
        0.033677707311637930046581056957588, 0.036935099820427907614589586742499,
        0.002884872430211530501334156248695, 0.013685946022712701888950035273128, 0.023280413502888311123409291030404,
        0.030872497611713358675466394126442, 0.035693633639418770719351355457044,
        0.000915283345202241360843392549948, 0.005399280219300471367738743391053, 0.010947679601118931134327826856808,
        0.016298731696787335262665703223280, 0.021081568889203835112433060188190, 0.025370969769253827243467999831710,
        0.029189697756475752501446154084920, 0.032373202467202789685788194889595, 0.034783098950365142750781997949596,
        0.036412220731351787562801163687577, 0.037253875503047708539592001191226,
        0.000274145563762072350016527092881, 0.001807124155057942948341311753254, 0.004096869282759164864458070683480,
        0.006758290051847378699816577897424, 0.009549957672201646536053581325377, 0.012329447652244853694626639963780,
        0.015010447346388952376697286041943, 0.017548967986243191099665352925900, 0.019938037786440888202278192730714,
        0.022194935961012286796332102959499, 0.024339147126000805470360647041454, 0.026374505414839207241503786552615,
        0.028286910788771200659968002987960, 0.030052581128092695322521110347341, 0.031646751371439929404586051078883,
        0.033050413419978503290785944862689, 0.034255099704226061787082821046821, 0.035262412660156681033782717998428,
        0.036076989622888701185500318003895, 0.036698604498456094498018047441094, 0.037120549269832576114119958413599,
        0.037334228751935040321235449094698)


def _pairs(half_nodes, half_weights):
    """Nodes and weights on [-1, 1] from the centre's weight and positive nodes: centre, then -x, +x for each x."""
    nodes = np.concatenate(([0.0], np.repeat(half_nodes, 2) * np.tile([-1.0, 1.0], len(half_nodes))))
    weights = np.zeros(87)
    weights[0] = half_weights[0]
    weights[1:2 * len(half_weights) - 1] = np.repeat(half_weights[1:], 2)
    return nodes, weights


_NODES = _pairs(np.array(_X1 + _X2 + _X3 + _X4), (0.0,))[0]  # 87 nodes; the first 21, 43 or 87 make each rule
_RULES = np.array([_pairs(np.zeros(1), w)[1] for w in (_W10, _W21, _W43, _W87)])  # weights, zero past each rule
_SIZES = (21, 43, 87)  # nodes of the rule at each level; each level's estimate compares it with the level below
# phi(s) = sum_{n >= 2} (n - 1) s^n / n!: coefficients (n - 1) / n! for n = 12 down to 2 (Horner order)
_PHI_SERIES = tuple((n - 1) / math.factorial(n) for n in range(12, 1, -1))

EPSREL = 1e-11  # target on QUADPACK's (pessimistic) error estimate; the promised accuracy is 1e-10 relative
# Absolute floor: for identical laws the integrand is rounding noise (phi of a one-ulp log ratio, ~1e-32 times the
# density) and no relative target is reachable; without the floor every segment would be bisected to MAX_SEGMENTS.
EPSABS = 1e-30
MAX_SEGMENTS = 2000
CORE = 4.0  # half-width of each law's core, in widths
REACH = 64.0  # beyond this many widths from its centre a law's density is negligible (e^-64 for exponential tails)
# a segment's row: its ends a, b (in x if scale == 0, else in u), origin and signed scale of the map, value, error and
# the level of its rule (0, 1, 2: 21, 43, 87 points)
_A, _B, _ORIGIN, _SCALE, _VALUE, _ERROR, _LEVEL = range(7)
MAX_LEVEL = 3  # rules tried before bisecting


@numba.njit(cache=True, error_model="numpy", nogil=True)
def phi(s):
    """s e^s - e^s + 1 >= 0; a Taylor series where the direct form would cancel."""
    return phi_known_exp(s, math.exp(s))


@numba.njit(cache=True, error_model="numpy", nogil=True)
def phi_known_exp(s, exp_s):
    """phi(s) given e^s (computed without exp when e^s is a ratio of densities already at hand)."""
    if abs(s) < 0.1:  # Taylor series to n = 12: error < 1e-17 relative
        total = 0.0
        for c in _PHI_SERIES:
            total = total * s + c
        return total * s * s
    if exp_s == 0.0:  # s = -inf
        return 1.0
    return s * exp_s - (exp_s - 1.0)  # |s| >= 0.1: e^s - 1 is at least 0.095, without cancellation


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
def _log1p(x):
    """log(1 + x) to a few ulps from one log (Goldberg's correction): math.log1p costs three times as much."""
    u = 1.0 + x
    if u == 1.0:
        return x
    return math.log(u) * x / (u - 1.0)


@numba.njit(cache=True, error_model="numpy", nogil=True)
def jsd_density(lp, lq, alpha):
    """The pointwise arithmetic-JSD integrand from the two log-densities, from three exp/log calls.

    With p the larger density (swapping the laws and their weights if needed), q's weight b: r = log(q/p) <= 0,
    m/p = 1 + b (e^r - 1), and one of the log ratios log(p/m) = -log1p(b (e^r - 1)),
    log(q/m) = log1p((1 - b)(e^r - 1) p/m) gives the other by adding or subtracting r; each is taken so that this
    loses at most a few ulps relative to r (near r = 0 the one of the smaller weight is computed directly).
    """
    weight_p, weight_q = 1.0 - alpha, alpha  # kept apart: 1 - (1 - alpha) loses digits of a small alpha
    if lp < lq:
        lp, lq, weight_p, weight_q = lq, lp, weight_q, weight_p
    if lp == -math.inf:
        return 0.0
    r = lq - lp
    if r > -0.5:
        g = math.expm1(r)
        q_over_p = 1.0 + g
    else:
        q_over_p = math.exp(r)
        g = q_over_p - 1.0
    m_over_p = weight_p + weight_q * q_over_p  # in [weight_p, 1]; a sum of positive terms
    q_over_m = q_over_p / m_over_p
    if weight_q > 0.5 and q_over_m >= 0.5:
        s_q = _log1p(weight_p * g / m_over_p)
        s_p = s_q - r
    else:
        s_p = -_log1p(weight_q * g) if m_over_p >= 0.5 else -math.log(m_over_p)
        s_q = r + s_p
    bracket = weight_p * phi_known_exp(s_p, 1.0 / m_over_p) + weight_q * phi_known_exp(s_q, q_over_m)
    return math.exp(lp) * m_over_p * bracket


def adaptive(integrand):
    """Build integrate(segments, n, args, epsrel): the integral of integrand(x, args) over the n initial segments.

    ``segments`` holds one row per segment (see _A.._LEVEL): finite if its scale is 0, else mapped by
    x = origin + scale u / (1 - u) over u in [a, b] (b <= 1). The segment with the largest error estimate is refined
    until the total estimate is within ``epsrel`` (relative) or EPSABS: its rule is extended to the next Patterson
    rule, reusing its values, or at the last rule it is bisected.
    """

    @numba.njit(cache=True, error_model="numpy", nogil=True)
    def at(u, args, origin, scale):
        if scale == 0.0:
            return integrand(u, args)
        v = 1.0 - u
        if v == 0.0:
            return 0.0
        return integrand(origin + scale * (u / v), args) * (abs(scale) / (v * v))

    @numba.njit(cache=True, error_model="numpy", nogil=True)
    def rule(segment, args, values, level):
        """Evaluate the nodes the rule of this level adds and set the segment's value and error (as qng does)."""
        a, b, origin, scale = segment[_A], segment[_B], segment[_ORIGIN], segment[_SCALE]
        centre, half = 0.5 * (a + b), 0.5 * (b - a)
        size = _SIZES[level]
        for j in range(_SIZES[level - 1] if level > 0 else 0, size):  # a plain loop, so evaluations overlap
            values[j] = at(centre + half * _NODES[j], args, origin, scale)
        finer, coarser, mean = 0.0, 0.0, 0.0
        for j in range(size):
            finer += _RULES[level + 1, j] * values[j]
            coarser += _RULES[level, j] * values[j]
        for j in range(21):
            mean += 0.5 * _RULES[1, j] * values[j]
        spread = 0.0  # QUADPACK's resasc: the 21-point integral of |f - its mean|
        for j in range(21):
            spread += _RULES[1, j] * abs(values[j] - mean)
        finer, error, spread = finer * half, abs((finer - coarser) * half), spread * abs(half)
        if spread != 0.0 and error != 0.0:
            error = spread * min(1.0, (200.0 * error / spread) ** 1.5)
        segment[_VALUE], segment[_ERROR] = finer, max(error, 50.0 * 2.220446049250313e-16 * abs(finer))
        segment[_LEVEL] = level

    @numba.njit(cache=True, error_model="numpy", nogil=True)
    def integrate(segments, n, args, epsrel):
        values = np.empty((len(segments), 87))  # each segment's integrand values at the nodes, for extending its rule
        for i in range(n):
            rule(segments[i], args, values[i], 0)
        while n < MAX_SEGMENTS:
            total, total_error, worst = 0.0, 0.0, 0
            for i in range(n):
                total += segments[i, _VALUE]
                total_error += segments[i, _ERROR]
                if segments[i, _ERROR] > segments[worst, _ERROR]:
                    worst = i
            if total_error <= max(epsrel * abs(total), EPSABS):
                break
            level = int(segments[worst, _LEVEL])
            if level + 1 < MAX_LEVEL:
                rule(segments[worst], args, values[worst], level + 1)
                continue
            if n == len(segments):  # grow the tables on demand: most integrals need a few dozen segments
                segments = np.concatenate((segments, np.empty_like(segments)))
                values = np.concatenate((values, np.empty_like(values)))
            segments[n] = segments[worst]
            middle = 0.5 * (segments[worst, _A] + segments[worst, _B])
            segments[worst, _B] = segments[n, _A] = middle
            rule(segments[worst], args, values[worst], 0)
            rule(segments[n], args, values[n], 0)
            n += 1
        total = 0.0
        for i in range(n):
            total += segments[i, _VALUE]
        return total

    return integrate


@numba.njit(cache=True, error_model="numpy", nogil=True)
def _resolution(x, centre, width):
    """The mesh spacing a law asks for at x: its width in its core, growing linearly beyond, up to REACH widths
    from its centre; inf beyond (its density is negligible there)."""
    distance = abs(x - centre)
    return width + max(0.0, distance - CORE * width) if distance <= REACH * width else math.inf


@numba.njit(cache=True, error_model="numpy", nogil=True)
def _add(segments, n, lo, hi, centre, width):
    """Append [lo, hi] owned by the law (centre, width): finite in its core (or if shorter than its width), else
    mapped from its core's edge on that side; width 0 (no owner): finite. Merges into the previous segment when it
    continues the same map, or when both are finite and fit in 2 CORE of the finer width."""
    edge_left, edge_right = centre - CORE * width, centre + CORE * width
    if width == 0.0 or lo >= edge_left and hi <= edge_right or hi - lo <= width:
        fine = width if width > 0.0 else hi - lo
        if n > 0 and segments[n - 1, _SCALE] == 0.0:
            fine = min(fine, segments[n - 1, _ORIGIN])  # a finite row keeps its finest width in _ORIGIN
            if hi - segments[n - 1, _A] <= 2.0 * CORE * fine:
                segments[n - 1, _B], segments[n - 1, _ORIGIN] = hi, fine
                return n
        segments[n, _A], segments[n, _B], segments[n, _ORIGIN], segments[n, _SCALE] = lo, hi, fine, 0.0
        return n + 1
    if lo >= edge_right:  # right arm: u = t / (1 + t), t = (x - edge) / width
        t_lo, t_hi, origin, scale = (lo - edge_right) / width, (hi - edge_right) / width, edge_right, width
    else:  # left arm
        t_lo, t_hi, origin, scale = (edge_left - hi) / width, (edge_left - lo) / width, edge_left, -width
    u_lo, u_hi = t_lo / (1.0 + t_lo), 1.0 if t_hi == math.inf else t_hi / (1.0 + t_hi)
    if n > 0 and segments[n - 1, _ORIGIN] == origin and segments[n - 1, _SCALE] == scale:
        segments[n - 1, _A], segments[n - 1, _B] = min(u_lo, segments[n - 1, _A]), max(u_hi, segments[n - 1, _B])
        return n
    segments[n, _A], segments[n, _B], segments[n, _ORIGIN], segments[n, _SCALE] = u_lo, u_hi, origin, scale
    return n + 1


@numba.njit(cache=True, error_model="numpy", nogil=True)
def layout(c1, w1, c2, w2):
    """The initial segments (rows, see adaptive) for two laws of centres c and widths w, and their count.

    The line is cut at both centres, the cores' edges, the reaches and where the two laws' resolutions cross (linear
    between consecutive kinks); each piece goes to the law asking for the finer mesh there, each infinite tail to the
    law reaching furthest on that side."""
    kinks = np.sort(np.array([c1 - REACH * w1, c1 - CORE * w1, c1 + CORE * w1, c1 + REACH * w1,
                              c2 - REACH * w2, c2 - CORE * w2, c2 + CORE * w2, c2 + REACH * w2]))
    points = np.empty(17)
    points[:8] = kinks
    points[8], points[9] = c1, c2
    count = 10
    for i in range(7):
        a, b = kinks[i], kinks[i + 1]
        middle = 0.5 * (a + b)
        if abs(middle - c1) < REACH * w1 and abs(middle - c2) < REACH * w2:
            da = (w1 + max(0.0, abs(a - c1) - CORE * w1)) - (w2 + max(0.0, abs(a - c2) - CORE * w2))
            db = (w1 + max(0.0, abs(b - c1) - CORE * w1)) - (w2 + max(0.0, abs(b - c2) - CORE * w2))
            if da * db < 0.0:
                points[count] = a + (b - a) * da / (da - db)
                count += 1
    points = np.sort(points[:count])
    segments = np.empty((32, 7))
    left = (c1, w1) if c1 - REACH * w1 <= c2 - REACH * w2 else (c2, w2)
    n = _add(segments, 0, -math.inf, points[0], left[0], left[1])
    for i in range(count - 1):
        if points[i + 1] > points[i]:
            middle = 0.5 * (points[i] + points[i + 1])
            r1, r2 = _resolution(middle, c1, w1), _resolution(middle, c2, w2)
            centre, width = (c1, w1) if r1 <= r2 else (c2, w2)
            n = _add(segments, n, points[i], points[i + 1], centre, width if min(r1, r2) < math.inf else 0.0)
    right = (c1, w1) if c1 + REACH * w1 >= c2 + REACH * w2 else (c2, w2)
    n = _add(segments, n, points[-1], math.inf, right[0], right[1])
    for i in range(n):  # finite rows held their finest width in _ORIGIN while merging
        if segments[i, _SCALE] == 0.0:
            segments[i, _ORIGIN] = 0.0
    return segments, n


def arithmetic_jsd(log_kernels, log_normalisers, landmarks):
    """Build jsd(params, alpha) for log-densities log p = n1 + k1, log q = n2 + k2 given by log_kernels(x, params)
    -> (k1, k2) and their terms free of x, log_normalisers(params) -> (n1, n2), computed once rather than at each
    node; landmarks(params) -> (c1, w1, c2, w2)."""

    @numba.njit(cache=True, error_model="numpy", nogil=True)
    def density(x, args):
        params, alpha, n1, n2 = args
        k1, k2 = log_kernels(x, params)
        return jsd_density(n1 + k1, n2 + k2, alpha)

    integrate = adaptive(density)

    @numba.njit(cache=True, error_model="numpy", nogil=True)
    def jsd(params, alpha):
        if alpha == 0.0 or alpha == 1.0:
            return 0.0
        segments, n = layout(*landmarks(params))
        n1, n2 = log_normalisers(params)
        return integrate(segments, n, (params, alpha, n1, n2), EPSREL)

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
        segments, n = layout(*inner_landmarks(x, params))
        return inner(segments, n, (params, alpha, x), EPSREL)

    outer = adaptive(section)

    @numba.njit(cache=True, error_model="numpy", nogil=True)
    def jsd(params, alpha):
        if alpha == 0.0 or alpha == 1.0:
            return 0.0
        segments, n = layout(*landmarks(params))
        return outer(segments, n, (params, alpha), EPSREL)

    return jsd
