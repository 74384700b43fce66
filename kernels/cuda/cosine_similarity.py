"""cosine_similarity on the device along ``dim`` of the broadcast of x₁ and x₂ (derivation:
``kernels/cpu/cosine_similarity.py``): with nₖ = ‖xₖ‖₂ and cₖ = max(nₖ, eps),

    out = Σ x₁x₂ / (c₁c₂)      ∂out/∂x₁ = (x₂/c₂ − out·x₁/n₁) / c₁      (likewise x₂; 0 terms where nₖ = 0)

The arrays are viewed as (A, D, B) with D the reduced dim, so a row (a, ·, b) is reduced in place by
one block (no transpose for a dim that is not last). Sums in float64. No reduction.
"""
import math

from numba import cuda, float64

from ._host import broadcast, buffer, empty, float16_in_float32
from ._launch import SCRATCH, SUM, block_reduce, lanes, launch, units


@cuda.jit(device=True)
def products(x1, x2, a, b, scratch):
    """(Σ x₁x₂, Σ x₁², Σ x₂²) over row (a, ·, b) of two (A, D, B) arrays, in float64, to every thread."""
    lo, stride = lanes(True)
    dot, s1, s2 = 0.0, 0.0, 0.0
    for i in range(lo, x1.shape[1], stride):
        u, v = x1[a, i, b], x2[a, i, b]
        dot += u * v
        s1 += u * u
        s2 += v * v
    return block_reduce(dot, SUM, scratch), block_reduce(s1, SUM, scratch), block_reduce(s2, SUM, scratch)


@cuda.jit(device=True)
def write_gradients(x1, x2, a, b, k, k1, k2, g1, g2):
    """g₁ = k·x₂ − k₁·x₁ and g₂ = k·x₁ − k₂·x₂ over this thread's elements of row (a, ·, b), the form
    of every cosine's gradient (an empty g is skipped)."""
    lo, stride = lanes(True)
    for i in range(lo, x1.shape[1], stride):
        u, v = x1[a, i, b], x2[a, i, b]
        if g1.size > 0:
            g1[a, i, b] = k * v - k1 * u
        if g2.size > 0:
            g2[a, i, b] = k * u - k2 * v


@cuda.jit
def _kernel(x1, x2, eps, out, g1, g2):
    scratch = cuda.shared.array(SCRATCH, float64)
    B = x1.shape[2]
    first, step = units(True)
    for r in range(first, out.size, step):
        a, b = r // B, r % B
        dot, s1, s2 = products(x1, x2, a, b, scratch)
        n1, n2 = math.sqrt(s1), math.sqrt(s2)
        c1 = eps if n1 < eps else n1
        c2 = eps if n2 < eps else n2
        cos = dot / c1 / c2
        if cuda.threadIdx.x == 0:
            out[r] = cos
        if g1.size > 0 or g2.size > 0:
            k1 = 0.0 if n1 == 0 else cos / (c1 * n1)
            k2 = 0.0 if n2 == 0 else cos / (c2 * n2)
            write_gradients(x1, x2, a, b, 1.0 / (c1 * c2), k1, k2, g1, g2)


@float16_in_float32
def forward(x1, x2, *, need_grad, dim=1, eps=1e-8):
    """``dim`` is non-negative, in the broadcast shape (0 for 0-d inputs)."""
    shape, (x1, x2) = broadcast(x1, x2)
    view = (math.prod(shape[:dim]), shape[dim] if shape else 1, math.prod(shape[dim + 1:]))
    dt = x1.dtype
    out = empty(view[0] * view[2], dt)
    g1, g2 = (buffer(view, dt, need) for need in need_grad)
    launch(_kernel, out.size, True, x1.reshape(view), x2.reshape(view), float(eps), out, g1, g2)
    return (out.reshape(shape[:dim] + shape[dim + 1:]),) + tuple(g.reshape(shape) if need else None
                                                                 for g, need in zip((g1, g2), need_grad))
