"""``exp_into(y, out, bits)``: out[i] = exp(y[i]) for y <= 0 (shifted logits), in a loop LLVM vectorises.

numpy's and Numba's ``exp`` call libm once per element (no SVML here), which dominates a softmax.
For float32 this evaluates Cephes' ``expf`` inline:

    n = round(y / ln 2),   r = y - n ln 2  (ln 2 split hi + lo, so r is exact),   |r| <= ln2 / 2
    exp(r) ≈ 1 + r + r² P(r)           (degree-5 minimax P, ~1 ulp)
    exp(y) = exp(r) · 2ⁿ,   2ⁿ built from its bits: (n + 127) << 23, read back as float32 via ``bits``

For y < ln(FLT_MIN) ≈ -87.34 the result is 0 (2ⁿ would leave the normal range); NaN stays NaN.
float64 keeps numpy's correctly rounded ``exp`` (float64 runs are for accuracy, not speed).
``bits`` is int32 scratch at least as long as ``y``; ``out`` may be ``y``.
"""
import numpy as np
from numba import types
from numba.extending import overload

_LOG2E = np.float32(1.4426950408889634)
_LN2_HI = np.float32(0.693359375)
_LN2_LO = np.float32(-2.12194440e-4)
_MIN_ARG = np.float32(-87.33654)
_P = tuple(np.float32(p) for p in (1.9875691500e-4, 1.3981999507e-3, 8.3334519073e-3, 4.1665795894e-2,
                                   1.6666665459e-1, 5.0000001201e-1))


def exp_into(y, out, bits):
    """Python stand-in; Numba compiles the overload below."""
    out[:y.shape[0]] = np.exp(y)


def _exp_f32(y, out, bits):
    p0, p1, p2, p3, p4, p5 = _P
    one, half, zero = np.float32(1), np.float32(0.5), np.float32(0)
    n = y.shape[0]
    for i in range(n):
        v = y[i]
        clamped = _MIN_ARG if v < _MIN_ARG else v
        k = np.floor(clamped * _LOG2E + half)
        r = clamped - k * _LN2_HI - k * _LN2_LO
        poly = ((((p0 * r + p1) * r + p2) * r + p3) * r + p4) * r + p5
        out[i] = zero if v < _MIN_ARG else poly * r * r + r + one
        bits[i] = (np.int32(k) + np.int32(127)) << np.int32(23)
    scale = bits.view(np.float32)
    for i in range(n):
        out[i] *= scale[i]


def _exp_generic(y, out, bits):
    for i in range(y.shape[0]):
        out[i] = np.exp(y[i])


@overload(exp_into, inline="always")
def _exp_into(y, out, bits):
    return _exp_f32 if y.dtype == types.float32 else _exp_generic
