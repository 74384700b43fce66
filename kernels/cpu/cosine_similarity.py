"""cosine_similarity along ``dim`` of the broadcast of x₁ and x₂, as torch 2.x computes it:

    nₖ = ‖xₖ‖₂     cₖ = max(nₖ, eps)     out = Σ (x₁/c₁)(x₂/c₂)

torch clamps the norms under no_grad on a clone, so the gradient flows through nₖ as if unclamped
(∂nₖ/∂xₖ = xₖ/nₖ, 0 where nₖ = 0):

    ∂out/∂x₁ = (x₂/c₂ − out·x₁/n₁) / c₁       ∂out/∂x₂ = (x₁/c₁ − out·x₂/n₂) / c₂

No reduction: the upstream gradient of each output scales its row. The kernel works on rows, so a
``dim`` that is not last is moved there (a copy) and the gradients moved back. Products and sums
in float64, so a one-element row's gradient cancels to 0 (up to float64 rounding) as torch's does.
"""
import numpy as np

from ._host import broadcast, float16_in_float32, row_buffer, rows
from ._parallel import split


@split
def _kernel(u0, u1, x1, x2, eps, out, g1, g2):
    need1, need2 = g1.size > 0, g2.size > 0
    for r in range(u0, u1):
        a, b = x1[r], x2[r]
        dot, s1, s2 = 0.0, 0.0, 0.0
        for i in range(a.size):
            ai, bi = np.float64(a[i]), np.float64(b[i])  # (Numba's float() keeps float32) float64 products:
            dot += ai * bi  # a float32 x² makes ‖x‖ ≠ |x| for D = 1, and the gradient's terms do not cancel
            s1 += ai * ai
            s2 += bi * bi
        n1, n2 = np.sqrt(s1), np.sqrt(s2)
        c1 = eps if n1 < eps else n1
        c2 = eps if n2 < eps else n2
        cos = dot / c1 / c2
        out[r] = cos
        if need1:
            k, k1 = 1.0 / (c1 * c2), 0.0 if n1 == 0 else cos / (c1 * n1)
            for i in range(a.size):
                g1[r, i] = k * b[i] - k1 * a[i]
        if need2:
            k, k2 = 1.0 / (c1 * c2), 0.0 if n2 == 0 else cos / (c2 * n2)
            for i in range(a.size):
                g2[r, i] = k * a[i] - k2 * b[i]


@float16_in_float32
def forward(x1, x2, *, need_grad, dim=1, eps=1e-8):
    """``dim`` is non-negative, in the broadcast shape (0 for 0-d inputs)."""
    shape, (x1, x2) = broadcast(x1, x2)
    last = not shape or dim == len(shape) - 1
    if not last:
        x1, x2 = (np.ascontiguousarray(np.moveaxis(x, dim, -1)) for x in (x1, x2))
    moved = x1.shape
    R, D = rows(moved)
    dt = x1.dtype
    out = np.empty(R, dt)
    g1, g2 = (row_buffer(R, D, dt, need) for need in need_grad)
    _kernel(R * D, R, x1.reshape(R, D), x2.reshape(R, D), float(eps), out, g1, g2)
    grads = [None if not need else g.reshape(moved) if last else
             np.ascontiguousarray(np.moveaxis(g.reshape(moved), -1, dim)) for g, need in zip((g1, g2), need_grad)]
    return (out.reshape(moved[:-1]), *grads)
