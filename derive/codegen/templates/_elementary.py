"""Elementary functions written so that LLVM can vectorise the loops that call them: no call into libm.

numba compiles math.log to a call of libm's scalar log, which keeps every batch loop scalar (one pair at a time, about
10 ns each). The same algorithm in plain float and integer arithmetic is inlined into the loop, and LLVM evaluates it
on 4 or 8 pairs at once (AVX2, AVX-512): a closed-form kernel then runs near the memory-bandwidth floor.

log is fdlibm's e_log.c (Sun Microsystems, 1993): < 1 ulp on the whole float64 range, subnormals included; measured
against mpmath in tests/test_special.py.
"""
import math
import struct

import numba
from numba import types
from numba.extending import intrinsic, overload


def into_batch_loops(call, caller, callee):
    """numba's inline cost model for the vectorisable functions: inline them (at numba-IR level, recursively) into
    the batch loops (each family's _<kernel>_batch), where LLVM must see the whole loop body to vectorise it; call
    them everywhere else (ufunc loops, gradients, scalar calls), so that each is typed and compiled once, not once per
    caller (inlining everywhere made a cold precompile 10x slower)."""
    return caller.func_id.func_name.endswith("_batch")


INLINE = into_batch_loops  # the jit option, for the decorators below and the generated kernels


def _bits(x):
    """The IEEE 754 bits of a float64, as an int64 (a bit cast: no conversion)."""
    return struct.unpack("<q", struct.pack("<d", x))[0]


def _from_bits(i):
    """The float64 whose IEEE 754 bits are the int64 i."""
    return struct.unpack("<d", struct.pack("<q", i))[0]


# compiled, each is one LLVM bitcast; the Python bodies above serve NUMBA_DISABLE_JIT=1
@overload(_bits)
def _bits_compiled(x):
    return lambda x: _bitcast(x, types.int64)


@overload(_from_bits)
def _from_bits_compiled(i):
    return lambda i: _bitcast(i, types.float64)


@intrinsic
def _bitcast(typingctx, value, to):
    target = to.dtype if isinstance(to, types.NumberClass) else to

    def codegen(context, builder, signature, args):
        return builder.bitcast(args[0], context.get_value_type(target))
    return target(value, to), codegen


# fdlibm's e_log.c: the minimax coefficients of (log((1 + s) / (1 - s)) - 2 s) / s in s^2 on |s| <= 0.1716
# (error < 2^-58.45), s = f / (2 + f), which covers sqrt(2)/2 <= 1 + f <= sqrt(2); log 2 split so that k ln2_hi is exact
LG1, LG2, LG3 = 6.666666666666735130e-01, 3.999999999940941908e-01, 2.857142874366239149e-01
LG4, LG5 = 2.222219843214978396e-01, 1.818357216161805012e-01
LG6, LG7 = 1.531383769920937332e-01, 1.479819860511658591e-01
_LN2_HI, _LN2_LO = 6.93147180369123816490e-01, 1.90821492927058770002e-10
_SMALLEST_NORMAL, _TWO_54 = 2.2250738585072014e-308, 18014398509481984.0


@numba.njit(cache=True, error_model="numpy", nogil=True, inline=INLINE)
def _log1p_parts(f):
    """f^2 / 2 and s (f^2 / 2 + R(s^2)), s = f / (2 + f): log(1 + f) = f - f^2 / 2 + the second, for f in the reduced
    range; returned apart so that log can add its k log 2 terms in fdlibm's order (< 1 ulp; 1.1 ulp otherwise)."""
    half_f2 = 0.5 * f * f
    s = f / (2.0 + f)
    z = s * s
    w = z * z
    r = z * (LG1 + w * (LG3 + w * (LG5 + w * LG7))) + w * (LG2 + w * (LG4 + w * LG6))
    return half_f2, s * (half_f2 + r)


@numba.njit(cache=True, error_model="numpy", nogil=True, inline=INLINE)
def log1p_reduced(f):
    """log(1 + f) for sqrt(2)/2 - 1 <= f <= sqrt(2) - 1, from f itself (1 + f is never formed)."""
    half_f2, tail = _log1p_parts(f)
    return tail - half_f2 + f


@numba.njit(cache=True, error_model="numpy", nogil=True, inline=INLINE)
def log_reduce(x):
    """(k, f) with x = 2^k (1 + f) and 1 + f in [sqrt(2)/2, sqrt(2)), k as a float, for finite x > 0 (subnormals
    included); log(x) = log_from_parts(k, f). Apart, so that a caller can choose the f it evaluates (log_ratio)."""
    tiny = x < _SMALLEST_NORMAL  # subnormal (or not positive): scaled into the normal range first
    bits = _bits(x * (_TWO_54 if tiny else 1.0))  # select the factor, not the product: x 2^54 overflows for x > 2^970
    mantissa = bits & 0x000FFFFFFFFFFFFF
    # a mantissa above sqrt(2)'s carries into the exponent bit
    upper = (mantissa + 0x00095F6400000000) & 0x0010000000000000
    k = ((bits >> 52) & 0x7FF) - 1023 + (upper >> 52) - (54 if tiny else 0)
    return float(k), _from_bits(mantissa | (upper ^ 0x3FF0000000000000)) - 1.0


@numba.njit(cache=True, error_model="numpy", nogil=True, inline=INLINE)
def log_from_parts(k, f):
    """k log 2 + log(1 + f) in fdlibm's order (< 1 ulp); with k = 0 it is log1p_reduced(f), bit for bit."""
    half_f2, tail = _log1p_parts(f)
    return log_from_polynomial(k, f, half_f2, tail)


@numba.njit(cache=True, error_model="numpy", nogil=True, inline=INLINE)
def log_from_polynomial(k, f, half_f2, tail):
    """log_from_parts(k, f) given _log1p_parts(f): for a caller that evaluates the polynomial on an f it shares."""
    return k * _LN2_HI - ((half_f2 - (tail + k * _LN2_LO)) - f)


@numba.njit(cache=True, error_model="numpy", nogil=True, inline=INLINE)
def log_outside(x):
    """log(x) where log_reduce does not apply: -inf at 0, inf at inf, NaN below 0 and for NaN."""
    return -math.inf if x == 0.0 else (x if x == math.inf else math.nan)


@numba.njit(cache=True, error_model="numpy", nogil=True, inline=INLINE)
def log(x):
    """The natural logarithm, as math.log: -inf at 0, NaN below 0 and for NaN, inf at inf."""
    k, f = log_reduce(x)
    value = log_from_parts(k, f)
    return value if 0.0 < x < math.inf else log_outside(x)


# fdlibm's e_exp.c: exp(r) = 1 + r + r c / (2 - c) on |r| <= ln(2)/2, c = r - r^2 (P1 + r^2 (P2 + ...)) (error
# < 2^-59); x = k ln 2 + r, ln 2 split as for log
_P1, _P2, _P3 = 1.66666666666666019037e-01, -2.77777777770155933842e-03, 6.61375632143793436117e-05
_P4, _P5 = -1.65339022054652515390e-06, 4.13813679705723846039e-08
_INV_LN2 = 1.44269504088896338700e+00
_EXP_OVERFLOW, _EXP_UNDERFLOW = 709.782712893383973096, -745.13321910194110842
_TWO_M54 = 5.551115123125783e-17


@numba.njit(cache=True, error_model="numpy", nogil=True, inline=INLINE)
def exp(x):
    """e^x, as math.exp: inf above 709.78, 0 below -745.13 (subnormal results on the way), NaN for NaN; < 1 ulp."""
    y = min(max(x, -746.0), 710.0)  # NaN stays NaN; beyond, the selects below decide
    k = math.floor(y * _INV_LN2 + 0.5)
    hi = y - k * _LN2_HI
    lo = k * _LN2_LO
    r = hi - lo
    r2 = r * r
    c = r - r2 * (_P1 + r2 * (_P2 + r2 * (_P3 + r2 * (_P4 + r2 * _P5))))
    mantissa = 1.0 - ((lo - (r * c) / (2.0 - c)) - hi)
    # 2^k as bits; near either end of the range in two steps (2^(k +- 54), then 2^-+54): 2^1024 is not a double
    n = int(k)
    shift = 54 if n < -1021 else (-54 if n > 1000 else 0)
    value = mantissa * _from_bits((n + shift + 1023) << 52) * (_TWO_M54 if shift > 0 else (_TWO_54 if shift < 0 else 1.0))
    return math.inf if x > _EXP_OVERFLOW else (0.0 if x < _EXP_UNDERFLOW else value)


# 1/k! for k = 2..17: e^x - 1 = x + x^2 (1/2 + x/6 + ... + x^15/17!) on |x| <= 0.7, the rest < 2^-61 of the sum
_EXPM1_TAYLOR = tuple(1.0 / math.factorial(k) for k in range(2, 18))
EXPM1_NEAR = 0.7


@numba.njit(cache=True, error_model="numpy", nogil=True, inline=INLINE)
def expm1_series(x):
    """e^x - 1 for |x| <= 0.7 from its Taylor series: < 1.5 ulp, no exp."""
    series = _EXPM1_TAYLOR[-1]
    for c in _EXPM1_TAYLOR[-2::-1]:
        series = c + x * series
    return x + x * (x * series)


@numba.njit(cache=True, error_model="numpy", nogil=True, inline=INLINE)
def expm1(x):
    """e^x - 1, accurate also near 0: the Taylor series below |x| = 0.7, e^x - 1 beyond (where the subtraction loses
    at most one bit); < 2.5 ulp, one exp (Kahan's (u - 1) x / log u needs an exp and a log)."""
    # both sides computed (the series on a clamped x), selected without a branch, as everywhere in this file
    near = expm1_series(min(max(x, -EXPM1_NEAR), EXPM1_NEAR))
    return near if abs(x) < EXPM1_NEAR else exp(x) - 1.0


@numba.njit(cache=True, error_model="numpy", nogil=True, inline=INLINE)
def log1p(x):
    """log(1 + x), accurate also near 0 (Goldberg's log(u) x / (u - 1), u = 1 + x, which cancels the rounding of u)."""
    u = 1.0 + x
    return u if u == math.inf else log1p_from_log(x, u, log(u))


@numba.njit(cache=True, error_model="numpy", nogil=True, inline=INLINE)
def log1p_from_log(x, u, log_u):
    """log1p(x) given u = 1 + x as rounded and log(u), finite: Goldberg's correction, x itself where u rounds to 1."""
    step = u - 1.0
    # the unused side is computed too (selects, no branch): keep its division finite, or its flags reach numpy
    goldberg = log_u * (x / (step if (step != 0.0) & (abs(step) < math.inf) else 1.0))
    return x if u == 1.0 else goldberg
