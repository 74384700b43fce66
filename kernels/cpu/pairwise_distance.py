"""pairwise_distance: n_r = ‖x₁[r] − x₂[r] + eps‖ₚ over the last dim of the broadcast of x₁ and x₂.

Derivation (see ``_distance``, d = x₁ − x₂ + eps):  ∂n/∂x₁ = ∂n/∂d,  ∂n/∂x₂ = −∂n/∂d;
p = 0 (a count) has no gradient. No reduction: the upstream gradient of n_r scales row r.
"""
import numpy as np

from . import _distance
from ._host import broadcast, float16_in_float32, row_buffer, rows
from ._parallel import split


@split(depends=(_distance,))
def _kernel(u0, u1, x1, x2, eps, p, out, g1, g2):
    both = p == 2.0 and g1.size > 0 and g2.size > 0  # the common call: both rows written at once
    for r in range(u0, u1):
        n = _distance.norm(x1[r], x2[r], eps, p)
        out[r] = n
        if both:
            _distance.pair_grad2(x1[r], x2[r], eps, n, g1[r], g2[r])
        elif g1.size or g2.size:
            g1[r, :] = 0
            g2[r, :] = 0
            _distance.add_grad(x1[r], x2[r], eps, p, n, 1.0, g1[r], g2[r])


@float16_in_float32
def forward(x1, x2, *, need_grad, p=2.0, eps=1e-6, keepdim=False):
    shape, (x1, x2) = broadcast(x1, x2)
    R, D = rows(shape)
    a, b = x1.reshape(R, D), x2.reshape(R, D)
    dt = x1.dtype
    need1, need2 = need_grad if p != 0 else (False, False)
    out = np.empty(R, dt)
    g1, g2 = (row_buffer(R, D, dt, need) for need in (need1, need2))
    _kernel(a.size, R, a, b, dt.type(eps), float(p), out, g1, g2)
    out_shape = shape[:-1] + (1,) if keepdim and shape else shape[:-1]
    return out.reshape(out_shape), g1.reshape(shape) if need1 else None, g2.reshape(shape) if need2 else None
