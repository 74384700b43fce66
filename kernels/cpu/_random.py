"""torch's CPU random streams: the Mersenne Twister and the transforms torch applies to its words.

A generator's state is ``key`` (624 uint32 words) and ``pos = [left, next]``: a draw decrements
``left``; at 0 the key is twisted (``left = 624``, ``next = 0``); the draw is ``temper(key[next++])``.
Seeding sets ``left = 1``, so the first draw twists. (mt19937, Matsumoto & Nishimura 1998.)

Words to numbers, as torch 2.13 on CPU draws them (found by experiment, bit for bit):

    r32 = one draw; r64 = (first draw << 32) | second draw
    unit float32 = (r32 & (2²⁴ − 1))·2⁻²⁴        unit float64 = (r64 & (2⁵³ − 1))·2⁻⁵³
    uniform(a, b) = fma(unit, b − a, a)               in the tensor's dtype
    randint / random_(a, b): a + r32 mod (b − a), or a + r64 mod (b − a) when b − a ≥ 2³²

    normal, fewer than 16 elements (scalar Box–Muller in float64, one spare value cached in the
    generator for the next call): u1, u2 unit float64, r = √(−2·log1p(−u2)), θ = 2π·u1,
    value fma(r·cos θ, std, mean), cache r·sin θ (a cached value is used before drawing).
    normal, 16 or more: fill every element with a unit, transform blocks of 16 (u1 = 1 − x[j],
    u2 = x[j+8], j < 8: x[j] = fma(r·cos θ, std, mean), x[j+8] = fma(r·sin θ, std, mean),
    r = √(−2 ln u1), θ = 2π·u2); a tail of n mod 16 redraws the last 16 elements and transforms them.
    float64 uses libm; float32 uses the Cephes-style AVX polynomials (``_log_ps``, ``_sincos_ps``)
    with the FMAs the compiled torch uses.

The other distributions (bernoulli, exponential, geometric, Cauchy, log-normal, randperm, Poisson)
say their formulas in their kernels' docstrings. Kernels with a fixed number of words per element take
them in rounds of ``CHUNK`` (``_words``: the same words and state as one draw at a time); those with a
variable number (the scalar normal path, Poisson) draw one word at a time (``_next32``).

Every kernel compiles without fastmath: the roundings above are the point.

One set of formulas, two executors. Compiling these kernels cost a first run seconds (3 s of CPU for
the documents' MLP snippet's randn and Linear init, about what torch takes for the whole script),
while a first script's draws are few and small. So float32 rand/randn/uniform_/normal_,
randint/random_, bernoulli/dropout and the scalar normal path have numpy twins (``_twins`` says when
they run; up to ``NUMPY_MAX_WORDS`` words a draw). float64 transforms and the rarer draws always
compile. The helpers both share (``_words``, ``_twist``, ``_temper``, the units, ``_fma``, the float32
polynomials) are plain functions that numpy runs over whole arrays and that Numba compiles, through
the overloads beside them, into the kernels' element loops. numpy's ``_fma`` rounds once as the
hardware's: the float32 product is exact in float64 and the float64 sum is rounded again to float32,
which can differ from one rounding only when the sum lands on a float32 midpoint; such elements are
first moved off the midpoint towards the exact sum (its TwoSum error). (Results in float32's
subnormal range are not covered; no draw here produces one.) Scalar float64 fmas are exact through
fractions.
"""
import math
from fractions import Fraction

import numpy as np
from numba import types
from numba.extending import intrinsic, overload, register_jitable

from ..jit import njit
from ._twins import run as _run
from ._vecmath import _bits as _bits_ir, _float as _float_ir, _select as _select_ir

N, M = 624, 397
_MASK53 = (1 << 53) - 1
NUMPY_MAX_WORDS = 1 << 20  # a draw of more words compiles its kernel (numpy would take about as long)


@intrinsic
def _fma_ir(typingctx, a, b, c):
    """a·b + c rounded once (LLVM's fma, a hardware instruction where the CPU has one)."""
    return a(a, a, a), lambda context, builder, sig, args: builder.fma(*args)


def _fma(a, b, c):
    """a·b + c rounded once: float32 arrays or scalars, or float64 scalars (the module docstring says how)."""
    if np.result_type(a, b, c) != np.float32:
        return _fma64(float(a), float(b), float(c))
    a, b, c = np.float64(a), np.float64(b), np.float64(c)
    s = np.asarray(a * b + c)  # the product is exact; the sum rounds once
    mid = (s.view(np.uint64) & np.uint64(0x1FFFFFFF)) == np.uint64(0x10000000)  # a float32 midpoint
    if mid.any():
        p = a * b
        t = s - p
        err = (p - (s - t)) + (c - t)  # exact sum − s
        s = np.where(mid & (err != 0), np.nextafter(s, np.copysign(np.inf, err)), s)
    return s.astype(np.float32)[()]


def _fma64(a, b, c):
    if not (math.isfinite(a) and math.isfinite(b) and math.isfinite(c)):
        return a * b + c
    try:
        r = float(Fraction(a) * Fraction(b) + Fraction(c))  # int / int: correctly rounded
    except OverflowError:
        return a * b + c
    return r if r else a * b + c  # a zero keeps IEEE's sign


@overload(_fma)
def _fma_overload(a, b, c):
    return lambda a, b, c: _fma_ir(a, b, c)


def _bits(x):
    """The bits of float32 ``x`` as int32."""
    return np.asarray(x, np.float32).view(np.int32)


def _float(b):
    """The float32 whose bits are the int32 ``b``."""
    return np.asarray(b, np.int32).view(np.float32)


def _select(cond, a, b):
    return np.where(cond, a, b)


@overload(_bits)
def _bits_overload(x):
    return lambda x: _bits_ir(x)


@overload(_float)
def _float_overload(b):
    return lambda b: _float_ir(b)


@overload(_select)
def _select_overload(cond, a, b):
    return lambda cond, a, b: _select_ir(cond, a, b)


# numpy's twist: four slices, none reading a word it writes (each word reads the next one and the one
# 397 ahead, wrapping round, those before it already twisted)
_TWIST_SLICES = ((slice(0, N - M), slice(1, N - M + 1), slice(M, N)),
                 (slice(N - M, 2 * (N - M)), slice(N - M + 1, 2 * (N - M) + 1), slice(0, N - M)),
                 (slice(2 * (N - M), N - 1), slice(2 * (N - M) + 1, N), slice(N - M, M - 1)),
                 (slice(N - 1, N), slice(0, 1), slice(M - 1, M)))


def _twist(key):
    """The next 624 words of the twister's state, in place."""
    for i, after, far in _TWIST_SLICES:
        _twist_one(key, i, after, far)


@overload(_twist)
def _twist_overload(key):
    def loops(key):
        for i in range(N - M):  # three loops without wrap-around tests, so each vectorises
            _twist_one(key, i, i + 1, i + M)
        for i in range(N - M, N - 1):
            _twist_one(key, i, i + 1, i + M - N)
        _twist_one(key, N - 1, 0, M - 1)
    return loops


@register_jitable
def _twist_one(key, i, after, far):
    y = (key[i] & np.uint32(0x80000000)) | (key[after] & np.uint32(0x7FFFFFFF))
    key[i] = key[far] ^ (y >> np.uint32(1)) ^ ((np.uint32(0) - (y & np.uint32(1))) & np.uint32(0x9908B0DF))


@register_jitable
def _temper(y):
    y = y ^ (y >> np.uint32(11))  # not in place: numpy's y is a view of the key
    y = y ^ ((y << np.uint32(7)) & np.uint32(0x9D2C5680))
    y = y ^ ((y << np.uint32(15)) & np.uint32(0xEFC60000))
    return y ^ (y >> np.uint32(18))


def _temper_into(dst, src):
    dst[:] = _temper(src)


@overload(_temper_into)
def _temper_into_overload(dst, src):
    def loop(dst, src):
        for k in range(src.size):
            dst[k] = _temper(src[k])
    return loop


@register_jitable
def _next32(key, pos):
    """One 32-bit draw (as uint64)."""
    left = pos[0] - 1
    if left == 0:
        _twist(key)
        left = N
        pos[1] = 0
    pos[0] = left
    i = pos[1]
    pos[1] = i + 1
    return np.uint64(_temper(key[i]))


@register_jitable
def _r64(hi, lo):
    """The 64-bit draw of the word pair ``hi``, ``lo``."""
    return (np.uint64(hi) << np.uint64(32)) | np.uint64(lo)


@register_jitable
def _unit53(r):
    """The float64 unit of the 64-bit draw ``r``."""
    return np.float64(r & np.uint64(_MASK53)) * 1.1102230246251565e-16  # 2⁻⁵³


@register_jitable
def _unit32(w):
    """The float32 unit of the word ``w``."""
    return np.float32(w & np.uint32(0xFFFFFF)) * np.float32(5.9604645e-08)  # 2⁻²⁴


@register_jitable
def _offset(r, low, span):
    """``low + r mod span``: an integer draw."""
    return low + np.int64(r % span)


@register_jitable
def _next64(key, pos):
    hi = _next32(key, pos)
    return _r64(hi, _next32(key, pos))


@register_jitable
def _unit64(key, pos):
    return _unit53(_next64(key, pos))


@register_jitable
def _words(key, pos, buf):
    """``buf.size`` draws at once: the same words and state as that many ``_next32`` calls (the
    ``left − 1`` words before the next twist are read in one tight loop)."""
    i = 0
    while i < buf.size:
        if pos[0] == 1:
            _twist(key)
            pos[0] = N + 1
            pos[1] = 0
        take = min(pos[0] - 1, buf.size - i)
        at = pos[1]
        _temper_into(buf[i:i + take], key[at:at + take])
        i += take
        pos[0] -= take
        pos[1] = at + take


CHUNK = 4096  # words drawn per round of a bulk kernel


@register_jitable
def _unit64_at(buf, k):
    """The float64 unit of the word pair buf[2k], buf[2k+1]."""
    return _unit53(_r64(buf[2 * k], buf[2 * k + 1]))


def _draw(key, pos, n):
    """The next ``n`` words (numpy)."""
    buf = np.empty(n, np.uint32)
    _words(key, pos, buf)
    return buf


def _units(words, dtype):
    """The units of ``words`` in ``dtype`` (numpy): one word each for float32, a pair for float64."""
    return _unit32(words) if dtype == np.float32 else _unit53(_r64(words[0::2], words[1::2]))


def _unit_at(buf, k, like):
    """Unit number k of ``buf`` in ``like``'s float type (Python stand-in; Numba compiles the overload)."""


@overload(_unit_at)
def _unit_at_overload(buf, k, like):
    if like == types.float32:
        return lambda buf, k, like: _unit32(buf[k])
    return lambda buf, k, like: _unit64_at(buf, k)


def _width(like):
    """Words per unit of ``like``'s float type: 1 for float32, 2 for float64."""


@overload(_width)
def _width_overload(like):
    w = 1 if like == types.float32 else 2
    return lambda like: w


def uniform(key, pos, out, low, span):
    """``out[i] = fma(unit, span, low)`` in ``out``'s dtype (``low``, ``span`` of that dtype)."""
    if out.dtype == np.float32:
        _run(_uniform, _uniform_numpy, out.size <= NUMPY_MAX_WORDS, key, pos, out, low, span)
    else:
        _uniform(key, pos, out, low, span)


def _uniform_numpy(key, pos, out, low, span):
    out[:] = _fma(_unit32(_draw(key, pos, out.size)), span, low)


@njit(fastmath=False)
def _uniform(key, pos, out, low, span):
    w = _width(low)
    buf = np.empty(CHUNK, np.uint32)
    for at in range(0, out.size, CHUNK // w):
        m = min(CHUNK // w, out.size - at)
        _words(key, pos, buf[:m * w])
        for k in range(m):
            out[at + k] = _fma(_unit_at(buf, k, low), span, low)


def integers(key, pos, out, low, span, wide):
    """``out[i] = low + draw mod span``: 32-bit draws, or 64-bit ones when ``wide`` (span ≥ 2³²,
    and ``random_()`` of int64/float64)."""
    _run(_integers, _integers_numpy, out.size * (2 if wide else 1) <= NUMPY_MAX_WORDS,
         key, pos, out, low, span, wide)


def _integers_numpy(key, pos, out, low, span, wide):
    words = _draw(key, pos, out.size * (2 if wide else 1))
    out[:] = _offset(_r64(words[0::2], words[1::2]) if wide else np.uint64(words), low, span)


@njit(fastmath=False)
def _integers(key, pos, out, low, span, wide):
    w = 2 if wide else 1
    s = np.uint64(span)
    buf = np.empty(CHUNK, np.uint32)
    for at in range(0, out.size, CHUNK // w):
        m = min(CHUNK // w, out.size - at)
        _words(key, pos, buf[:m * w])
        for k in range(m):
            out[at + k] = _offset(_r64(buf[2 * k], buf[2 * k + 1]) if wide else np.uint64(buf[k]), low, s)


def bernoulli(key, pos, out, p):
    """``out[i] = unit < p[i]``, the unit in ``p``'s float type (a scalar p arrives as a float64 array of one)."""
    _run(_bernoulli, _bernoulli_numpy, out.size * 2 <= NUMPY_MAX_WORDS, key, pos, out, p)


def _bernoulli_numpy(key, pos, out, p):
    out[:] = _units(_draw(key, pos, out.size * (1 if p.dtype == np.float32 else 2)), p.dtype) < p


@njit(fastmath=False)
def _bernoulli(key, pos, out, p):
    w = _width(p[0])
    step = 0 if p.size == 1 else 1
    buf = np.empty(CHUNK, np.uint32)
    for at in range(0, out.size, CHUNK // w):
        m = min(CHUNK // w, out.size - at)
        _words(key, pos, buf[:m * w])
        for k in range(m):
            out[at + k] = _unit_at(buf, k, p[0]) < p[(at + k) * step]


# ---- normal ----------------------------------------------------------------------------------
def normal_scalar(key, pos, cache, out, mean, std, exp):
    """Scalar Box–Muller in float64 with the generator's cached spare (``cache = [value, valid]``);
    ``exp``: store e^value (log-normal). Its twin is the kernel's own code run by Python, for up to 64 values."""
    _run(_normal_scalar, _normal_scalar.py_func, out.size <= 64, key, pos, cache, out, mean, std, exp)


@njit(fastmath=False)
def _normal_scalar(key, pos, cache, out, mean, std, exp):
    for i in range(out.size):
        if cache[1] != 0.0:
            z = cache[0]
            cache[1] = 0.0
        else:
            u1 = _unit64(key, pos)
            u2 = _unit64(key, pos)
            r = math.sqrt(-2.0 * math.log1p(-u2))
            theta = 2.0 * math.pi * u1
            cache[0] = r * math.sin(theta)
            cache[1] = 1.0
            z = r * math.cos(theta)
        v = _fma(z, std, mean)
        out[i] = math.exp(v) if exp else v


_F = np.float32
_LOG_P = tuple(_F(p) for p in (7.0376836292e-2, -1.1514610310e-1, 1.1676998740e-1, -1.2420140846e-1,
                               1.4249322787e-1, -1.6668057665e-1, 2.0000714765e-1, -2.4999993993e-1,
                               3.3333331174e-1))


@register_jitable
def _log_ps(x):
    """ln x for x in (0, 1] (Cephes logf as vectorised in avx_mathfun, FMAs where torch's build fuses)."""
    b = _bits(x)
    e = _F((b >> np.int32(23)) - np.int32(0x7F)) + _F(1)
    m = _float((b & np.int32(~0x7F800000)) | np.int32(0x3F000000))  # mantissa in [0.5, 1)
    low = m < _F(0.707106781186547524)
    e = _select(low, e - _F(1), e)
    m = _select(low, m - _F(1) + m, m - _F(1))
    z = m * m
    p0, p1, p2, p3, p4, p5, p6, p7, p8 = _LOG_P
    y = p0
    for p in (p1, p2, p3, p4, p5, p6, p7, p8):
        y = _fma(y, m, p)
    y = _fma(y * m, z, e * _F(-2.12194440e-4))
    y = y - z * _F(0.5)
    return m + y + e * _F(0.693359375)


@register_jitable
def _sincos_ps(x):
    """(sin x, cos x) for x in [0, 2π) (Cephes sinf/cosf as vectorised in avx_mathfun)."""
    j = np.int32(x * _F(1.27323954473516))  # 4/π, truncated
    j = (j + np.int32(1)) & np.int32(~1)
    y = _F(j)
    x = _fma(y, _F(-0.78515625), x)
    x = _fma(y, _F(-2.4187564849853515625e-4), x)
    x = _fma(y, _F(-3.77489497744594108e-8), x)
    z = x * x
    c = _fma(_fma(_F(2.443315711809948e-5), z, _F(-1.388731625493765e-3)), z, _F(4.166664568298827e-2))
    c = _fma(c * z, z, -(z * _F(0.5))) + _F(1)
    s = _fma(_fma(_F(-1.9515295891e-4), z, _F(8.3321608736e-3)), z, _F(-1.6666654611e-1))
    s = _fma(s * z, x, x)
    swap = (j & np.int32(2)) != 0
    s, c = _select(swap, c, s), _select(swap, s, c)
    s = _select((j & np.int32(4)) != 0, -s, s)
    return s, _select(((j - np.int32(2)) & np.int32(4)) == 0, -c, c)


@register_jitable
def _box_muller32(u1, u2, mean, std):
    """The float32 pair of units ``u1``, ``u2`` to two normals."""
    r = np.sqrt(_F(-2) * _log_ps(_F(1) - u1))
    s, c = _sincos_ps(_F(6.2831855) * u2)  # 2π in float32
    return _fma(r * c, std, mean), _fma(r * s, std, mean)


def _box_muller(x, blocks, mean, std):
    """Transform the first ``blocks`` blocks of 16 of ``x`` in place (numpy: float32)."""
    v = x[:16 * blocks].reshape(blocks, 2, 8)
    v[:, 0], v[:, 1] = _box_muller32(v[:, 0], v[:, 1], mean, std)


_PAIRS = 4096  # float32 pairs transformed per round (contiguous copies, so the math vectorises)


@overload(_box_muller)
def _box_muller_overload(x, blocks, mean, std):
    if x.dtype == types.float32:
        def f32(x, blocks, mean, std):
            u1 = np.empty(_PAIRS, np.float32)
            u2 = np.empty(_PAIRS, np.float32)
            for first in range(0, blocks, _PAIRS // 8):
                nb = min(_PAIRS // 8, blocks - first)
                for b in range(nb):
                    for j in range(8):
                        u1[8 * b + j] = x[16 * (first + b) + j]
                        u2[8 * b + j] = x[16 * (first + b) + 8 + j]
                for p in range(8 * nb):
                    u1[p], u2[p] = _box_muller32(u1[p], u2[p], mean, std)
                for b in range(nb):
                    for j in range(8):
                        x[16 * (first + b) + j] = u1[8 * b + j]
                        x[16 * (first + b) + 8 + j] = u2[8 * b + j]
        return f32

    def f64(x, blocks, mean, std):
        for b in range(blocks):
            for j in range(16 * b, 16 * b + 8):
                r = math.sqrt(-2.0 * math.log(1.0 - x[j]))
                theta = 2.0 * math.pi * x[j + 8]
                x[j] = _fma(r * math.cos(theta), std, mean)
                x[j + 8] = _fma(r * math.sin(theta), std, mean)
    return f64


def normal_blocks(key, pos, out, mean, std):
    """torch's normal fill for 16 or more contiguous elements (see the module docstring)."""
    if out.dtype == np.float32:
        _run(_normal_blocks, _normal_blocks_numpy, out.size + 16 <= NUMPY_MAX_WORDS, key, pos, out, mean, std)
    else:
        _normal_blocks(key, pos, out, mean, std)


def _normal_blocks_numpy(key, pos, out, mean, std):
    n = out.size
    out[:] = _unit32(_draw(key, pos, n))
    _box_muller(out, n // 16, mean, std)
    if n % 16:
        tail = out[n - 16:]
        tail[:] = _unit32(_draw(key, pos, 16))
        _box_muller(tail, 1, mean, std)


@njit(fastmath=False)
def _normal_blocks(key, pos, out, mean, std):
    n = out.size
    zero = mean - mean
    one = zero + np.float32(1)  # in out's dtype: the float32 uniform kernel a Linear's init compiles
    _uniform(key, pos, out, zero, one)
    _box_muller(out, n // 16, mean, std)
    if n % 16:
        tail = out[n - 16:]
        _uniform(key, pos, tail, zero, one)
        _box_muller(tail, 1, mean, std)


# ---- draws from one float64 unit each ---------------------------------------------------------
EXPONENTIAL, GEOMETRIC, CAUCHY = 0, 1, 2


@njit(fastmath=False)
def from_unit(key, pos, out, kind, a, b):
    """A float64 unit u per element: EXPONENTIAL (−1/a)·log1p(−u), GEOMETRIC ⌈ln u / log1p(−a)⌉,
    CAUCHY a + b·tan(π(u − ½))."""
    buf = np.empty(CHUNK, np.uint32)
    for at in range(0, out.size, CHUNK // 2):
        m = min(CHUNK // 2, out.size - at)
        _words(key, pos, buf[:2 * m])
        for k in range(m):
            u = _unit64_at(buf, k)
            if kind == EXPONENTIAL:
                out[at + k] = -1.0 / a * math.log1p(-u)
            elif kind == GEOMETRIC:
                out[at + k] = math.ceil(math.log(u) / math.log1p(-a))
            else:
                out[at + k] = a + b * math.tan(math.pi * (u - 0.5))


# ---- permutations and Poisson ------------------------------------------------------------------
@njit(fastmath=False)
def randperm_swap(key, pos, out):
    """Below 2³²/20 elements: out = 0..n−1, then for i < n−1 swap out[i] with out[i + r32 mod (n − i)]."""
    n = out.size
    for i in range(n):
        out[i] = i
    buf = np.empty(CHUNK, np.uint32)
    for at in range(0, n - 1, CHUNK):
        m = min(CHUNK, n - 1 - at)
        _words(key, pos, buf[:m])
        for k in range(m):
            i = at + k
            z = i + np.int64(np.uint64(buf[k]) % np.uint64(n - i))
            t = out[i]
            out[i] = out[z]
            out[z] = t


@njit(fastmath=False)
def randperm_inside_out(key, pos, out):
    """From 2³²/20 elements: the inside-out shuffle, for i < n: z = r64 mod (i + 1), out[i] = out[z], out[z] = i."""
    for i in range(out.size):
        z = np.int64(_next64(key, pos) % np.uint64(i + 1))
        out[i] = out[z]
        out[z] = i


@njit(fastmath=False)
def poisson(key, pos, rate, out):
    """Poisson counts: λ ≥ 10 by Hörmann's transformed rejection (PTRS, 1993), else by multiplying
    float64 units until the product falls to e^−λ; λ = 0 gives 0."""
    for i in range(out.size):
        lam = rate[i]
        if lam >= 10.0:
            slam = math.sqrt(lam)
            loglam = math.log(lam)
            b = _fma(2.53, slam, 0.931)
            a = _fma(0.02483, b, -0.059)
            invalpha = 1.1239 + 1.1328 / (b - 3.4)
            vr = 0.9277 - 3.6224 / (b - 2.0)
            while True:
                u = _unit64(key, pos) - 0.5
                v = _unit64(key, pos)
                us = 0.5 - abs(u)
                k = np.floor(_fma(2.0 * a / us + b, u, lam) + 0.43)
                if us >= 0.07 and v <= vr:
                    break
                if k < 0 or (us < 0.013 and v > us):
                    continue
                if (math.log(v) + math.log(invalpha) - math.log(a / (us * us) + b)
                        <= _fma(k, loglam, -lam) - math.lgamma(k + 1.0)):
                    break
            out[i] = k
        elif lam == 0.0:
            out[i] = 0.0
        else:
            enlam = math.exp(-lam)
            k = 0.0
            prod = 1.0
            while True:
                prod *= _unit64(key, pos)
                if prod > enlam:
                    k += 1.0
                else:
                    break
            out[i] = k
