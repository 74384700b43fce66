"""The per-element derivative of a row p-norm distance n = ‖a − b + eps‖ₚ, written once for the CPU's
``kernels/cpu/_distance.py`` and the GPU's ``kernels/cuda/_distance.py`` (each loops over a row its
own way; the derivation is in the CPU module). Plain Numba functions, inlined on either target.
"""
import math

import numba


@numba.njit(inline="always")
def sgn(d):
    """sign(d), with sgn(0) = sgn(NaN) = 0 (torch's norm_backward)."""
    return 1.0 if d > 0 else (-1.0 if d < 0 else 0.0)


@numba.njit(inline="always")
def norm_grad(d, p, n, c, ties):
    """c·∂n/∂dᵢ for the difference dᵢ = d of a row whose norm is n (p ≠ 0); ``ties``: for p = ±inf,
    the number of elements at the extreme, which share the gradient."""
    ad = abs(d)
    if p == 2.0:
        return 0.0 if n == 0 else d * (c / n)
    if p == 1.0:
        return sgn(d) * c
    if math.isinf(p):
        return sgn(d) * (c / ties) if ad == n or d != d else 0.0
    if p < 1.0:
        return sgn(d) * (0.0 if d == 0 else ad ** (p - 1.0)) * c * n ** (1.0 - p)
    if p < 2.0:
        return sgn(d) * ad ** (p - 1.0) * (0.0 if n == 0 else c / n ** (p - 1.0))
    return d * ad ** (p - 2.0) * (0.0 if n == 0 else c / n ** (p - 1.0))
