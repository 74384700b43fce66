"""log1p for the kernels: Numba's own ``np.log1p`` costs ~24 ns an element here, ``log`` ~7 ns,
and neither vectorises (no SVML).

``log1p(v)``, float64 scalar, Goldberg's trick: with u = 1 + v rounded,
log1p(v) = log(u)·v/(u − 1), and v itself when u = 1. The factor v/(u − 1) corrects the rounding
of u, so the result stays within a few ulps (measured 3e-16 relative over [1e-300, 1]).

``log1p_into(v, out)``: out[i] = log1p(v[i]) for 0 ≤ v[i] ≤ 1 (a softplus's e^−|x|). For float32
it is the same trick around Cephes' ``logf`` evaluated inline, so LLVM vectorises the loop:

    u = 1 + v ∈ [1, 2];  u > √2: m = u/2, k = 1, else m = u, k = 0   (m ∈ [1, √2])
    z = m − 1;  log u = z − z²/2 + z³·P(z) + k·ln 2   (degree-8 P, ln 2 split hi + lo)

u − 1 is exact for u ∈ [1, 2], so the correction holds; measured within 2.5e-7 relative of the
float64 log1p. float64 runs the scalar ``log1p`` (float64 runs are for accuracy, not speed).
Both are compiled without fast-math: re-association would fold (1 + v) − 1 back into v.
"""
import numpy as np
from numba import types
from numba.extending import overload

from ..jit import njit

_SQRT2 = np.float32(1.41421356)
_LN2_HI = np.float32(0.693359375)
_LN2_LO = np.float32(-2.12194440e-4)
_P = tuple(np.float32(p) for p in (7.0376836292e-2, -1.1514610310e-1, 1.1676998740e-1, -1.2420140846e-1,
                                   1.4249322787e-1, -1.6668057665e-1, 2.0000714765e-1, -2.4999993993e-1,
                                   3.3333331174e-1))


@njit(fastmath=False)
def log1p(v):
    u = 1.0 + v
    return v if u == 1.0 else np.log(u) * (v / (u - 1.0))


def log1p_into(v, out):
    """Python stand-in; Numba compiles the overload below."""
    out[:v.shape[0]] = np.log1p(v)


def _log1p_f32(v, out):
    p0, p1, p2, p3, p4, p5, p6, p7, p8 = _P
    one, half, zero = np.float32(1), np.float32(0.5), np.float32(0)
    for i in range(v.shape[0]):
        x = v[i]
        u = one + x
        big = u > _SQRT2
        k = one if big else zero
        z = (u * half if big else u) - one
        z2 = z * z
        poly = ((((((((p0 * z + p1) * z + p2) * z + p3) * z + p4) * z + p5) * z + p6) * z + p7) * z + p8)
        log_u = z + (z * z2 * poly + k * _LN2_LO - half * z2) + k * _LN2_HI
        d = u - one
        out[i] = x if d == zero else log_u * (x / d)


def _log1p_generic(v, out):
    for i in range(v.shape[0]):
        out[i] = log1p(v[i])


@overload(log1p_into, jit_options={"fastmath": False})
def _log1p_into(v, out):
    return _log1p_f32 if v.dtype == types.float32 else _log1p_generic
