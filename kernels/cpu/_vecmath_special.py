"""``sin``, ``cos``, ``tanh``, ``erf`` and ``atan2`` for scalars inside Numba kernels, vectorisable for float32
(as ``_vecmath``'s ``exp``/``log``: no libm call left in the loop, branches as selects), and
``like(c, x)``, the constant ``c`` in ``x``'s float type (so a float32 loop stays float32).

    sin, cos: y = round(x·2/π) and z = x − y·π/2 in float64 (π/2 in two parts, so z is exact for
              |x| < 2²⁰·π/2; beyond it the result loses accuracy gradually), then Cephes' sinf/cosf
              polynomials on z ∈ [−π/4, π/4] in float32, picked by the quadrant y mod 4
              (±inf, NaN → NaN; −0 → −0 for sin)
    tanh:     |x| < 0.625: Cephes' tanhf odd polynomial; else sign(x)·(1 − 2/(e^(2|x|) + 1))
    erf:      |x| < 1: Cephes' erff odd polynomial (relative error ~1e-9 before rounding);
              else sign(x)·(1 − erfc), erfc from Abramowitz–Stegun 7.1.26
              (t = 1/(1 + p|x|), erfc ≈ t·P(t)·e^(−x²), absolute error ≤ 1.5e-7, ~1 ulp near 1)

    atan2(a, b): t = min(|a|, |b|)/max(|a|, |b|) ∈ [0, 1] (0 for 0/0, 1 for inf/inf); above tan(π/8)
              t' = (t − 1)/(t + 1) and atan t = π/4 + atan t'; Cephes' atanf odd polynomial on
              |t'| ≤ tan(π/8); then in float64, rounded once: the octant (π/2 − r where |a| > |b|),
              the half plane (π − r where b's sign bit is set: b = −0 gives ±π) and a's sign
              (NaN in either → NaN)

Measured against float64 libm over the float32 tests' domains: ≤ 2 ulp (erf above 1: ≤ 3 ulp).
float64 calls libm's functions.
"""
import math

import numpy as np
from numba import types
from numba.extending import overload, register_jitable

from ._vecmath import _bits, _select, exp, stand_in

_TWO_OVER_PI = 2 / math.pi
_PIO2_HI, _PIO2_LO = 1.57079632673412561417e+00, 6.07710050650619224932e-11  # π/2 = hi + lo, hi of 33 bits
_S = tuple(np.float32(c) for c in (-1.9515295891e-4, 8.3321608736e-3, -1.6666654611e-1))
_C = tuple(np.float32(c) for c in (2.443315711809948e-5, -1.388731625493765e-3, 4.166664568298827e-2))
_T = tuple(np.float32(c) for c in (-5.70498872745e-3, 2.06390887954e-2, -5.37397155531e-2, 1.33314422036e-1,
                                   -3.33332819422e-1))
_E = tuple(np.float32(c) for c in (7.853861353153693e-5, -8.010193625184903e-4, 5.188327685732524e-3,
                                   -2.685381193529856e-2, 1.128358514861418e-1, -3.761262582423300e-1,
                                   1.128379165726710))
_P = np.float32(0.3275911)
_A = tuple(np.float32(c) for c in (0.254829592, -0.284496736, 1.421413741, -1.453152027, 1.061405429))
_ZERO, _HALF, _ONE, _TWO = np.float32(0), np.float32(0.5), np.float32(1), np.float32(2)
_TANH_SMALL = np.float32(0.625)
_ATAN = tuple(np.float32(c) for c in (8.05374449538e-2, -1.38776856032e-1, 1.99777106478e-1, -3.33329491539e-1))
_TAN_PI_8 = np.float32(0.41421356237309503)
_INF = np.float32(np.inf)


@register_jitable(inline="always")
def _reduce(v):
    """(z, q): v − q·π/2 as float32 and the quadrant q mod 4 (a float64 in {0, 1, 2, 3})."""
    x = np.float64(v)
    y = np.floor(x * _TWO_OVER_PI + 0.5)
    z = x - y * _PIO2_HI - y * _PIO2_LO
    return np.float32(z), y - 4.0 * np.floor(y * 0.25)


@register_jitable(inline="always")
def _sin_cos_parts(z):
    s0, s1, s2 = _S
    c0, c1, c2 = _C
    zz = z * z
    # z·(1 + z²·S(z²)) rather than z + z³·S(z²): the product keeps sin(−0) = −0
    return z * (_ONE + ((s0 * zz + s1) * zz + s2) * zz), ((c0 * zz + c1) * zz + c2) * zz * zz - _HALF * zz + _ONE


def _sin_f32(v):
    z, q = _reduce(v)
    s, c = _sin_cos_parts(z)
    return _select(q == 0.0, s, _select(q == 1.0, c, _select(q == 2.0, -s, -c)))


def _cos_f32(v):
    z, q = _reduce(v)
    s, c = _sin_cos_parts(z)
    return _select(q == 0.0, c, _select(q == 1.0, -s, _select(q == 2.0, -c, s)))


def _tanh_f32(v):
    t0, t1, t2, t3, t4 = _T
    a = abs(v)
    z = v * v
    small = v * (_ONE + ((((t0 * z + t1) * z + t2) * z + t3) * z + t4) * z)  # (a product: tanh(−0) = −0)
    big = _ONE - _TWO / (exp(a + a) + _ONE)
    return _select(a < _TANH_SMALL, small, _select(v < _ZERO, -big, big))


def _erf_f32(v):
    e0, e1, e2, e3, e4, e5, e6 = _E
    a1, a2, a3, a4, a5 = _A
    a = abs(v)
    z = v * v
    small = v * ((((((e0 * z + e1) * z + e2) * z + e3) * z + e4) * z + e5) * z + e6)
    t = _ONE / (_ONE + _P * a)
    tail = _ONE - t * (a1 + t * (a2 + t * (a3 + t * (a4 + t * a5)))) * exp(-z)
    return _select(a < _ONE, small, _select(v < _ZERO, -tail, tail))


def _atan2_f32(a, b):
    c0, c1, c2, c3 = _ATAN
    ay, ax = abs(a), abs(b)
    steep = ay > ax
    num, den = _select(steep, ax, ay), _select(steep, ay, ax)
    t = _select(den == _ZERO, _ZERO, _select(num == _INF, _ONE, num / den))
    high = t > _TAN_PI_8
    x = _select(high, (t - _ONE) / (t + _ONE), t)
    z = x * x
    r = np.float64(x + x * z * (((c0 * z + c1) * z + c2) * z + c3)) + _select(high, math.pi / 4, 0.0)
    r = _select(steep, math.pi / 2 - r, r)
    r = np.float32(_select(_bits(b) < np.int32(0), math.pi - r, r))
    return _select((a == a) & (b == b), _select(_bits(a) < np.int32(0), -r, r), a + b)


sin = stand_in(math.sin, _sin_f32)
cos = stand_in(math.cos, _cos_f32)
tanh = stand_in(math.tanh, _tanh_f32)
erf = stand_in(math.erf, _erf_f32)


def atan2(a, b):
    """The angle of (b, a) (Python stand-in)."""
    return math.atan2(a, b)


def like(c, x):
    """The constant ``c`` in ``x``'s float type (Python stand-in)."""
    return c


overload(atan2, inline="always")(
    lambda a, b: _atan2_f32 if a == types.float32 and b == types.float32 else (lambda a, b: math.atan2(a, b)))
overload(like, inline="always")(
    lambda c, x: (lambda c, x: np.float32(c)) if x == types.float32 else (lambda c, x: np.float64(c)))
