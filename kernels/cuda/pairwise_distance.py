"""pairwise_distance on the device: n_r = ‖x₁[r] − x₂[r] + eps‖ₚ over the last dim of the broadcast of
x₁ and x₂, one row per block (derivation: ``kernels/cpu/pairwise_distance.py`` and ``_distance``):
∂n/∂x₁ = ∂n/∂d, ∂n/∂x₂ = −∂n/∂d; p = 0 (a count) has no gradient. No reduction.
"""
from numba import cuda, float64

from ._distance import add_grad, norm, zero_row
from ._host import broadcast, buffer, empty, float16_in_float32, rows
from ._launch import SCRATCH, launch, units


@cuda.jit
def _kernel(x1, x2, eps, p, out, g1, g2):
    scratch = cuda.shared.array(SCRATCH, float64)
    first, step = units(True)
    for r in range(first, x1.shape[0], step):
        n = norm(x1, x2, r, eps, p, scratch)
        if cuda.threadIdx.x == 0:
            out[r] = n
        if g1.size > 0 or g2.size > 0:
            zero_row(g1, r)
            zero_row(g2, r)
            add_grad(x1, x2, r, eps, p, n, 1.0, g1, g2, scratch)


@float16_in_float32
def forward(x1, x2, *, need_grad, p=2.0, eps=1e-6, keepdim=False):
    dt = x1.dtype
    shape, (x1, x2) = broadcast(x1, x2)
    R, D = rows(shape)
    wanted = need_grad if p != 0 else (False, False)
    g1, g2 = (buffer((R, D), dt, need) for need in wanted)
    out = empty(R, dt)
    launch(_kernel, R, True, x1.reshape(R, D), x2.reshape(R, D), dt.type(eps), float(p), out, g1, g2)
    kept = shape[:-1] + (1,) if keepdim and shape else shape[:-1]
    return (out.reshape(kept),) + tuple(g.reshape(shape) if need else None for g, need in zip((g1, g2), wanted))
