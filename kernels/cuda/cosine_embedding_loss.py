"""cosine_embedding_loss on the device, one row of x₁, x₂ (broadcast against each other and the
target y) per block (derivation: ``kernels/cpu/cosine_embedding_loss.py``), ε = 1e-12:

    P = Σ x₁x₂    M₁ = Σ x₁² + ε    M₂ = Σ x₂² + ε    cos = P / √(M₁M₂)
    l = ([y = 1] ? 1 − cos : 0) + ([y = −1] ? max(0, cos − margin) : 0)
    ∂cos/∂x₁ = x₂/√(M₁M₂) − cos·x₁/M₁    (likewise x₂), times ∂l/∂cos = −[y = 1] + [y = −1]·[cos ≥ margin]

'mean' divides by the number of rows. Sums in float64.
"""
from numba import cuda, float64

from ..shared.rows import cosine_embedding_row
from ._host import broadcast_shape, buffer, empty, expand, float16_in_float32, rows, scale
from ._launch import SCRATCH, record, reduced, units, write_partial
from .cosine_similarity import products, write_gradients


@cuda.jit
def _kernel(x1, x2, y, margin, s, out, g1, g2, partial):
    scratch = cuda.shared.array(SCRATCH, float64)
    acc = 0.0
    first, step = units(True)
    for r in range(first, y.size, step):
        dot, m1, m2 = products(x1, x2, r, 0, scratch)
        loss, k, k1, k2 = cosine_embedding_row(dot, m1, m2, y[r], margin, s)
        acc = record(acc, loss, out, r, True)
        write_gradients(x1, x2, r, 0, k, k1, k2, g1, g2)
    write_partial(acc, partial, scratch)


@float16_in_float32
def forward(x1, x2, y, *, need_grad, margin=0.0, reduction="mean"):
    """x₁, x₂: (N, D) with y (N), or (D) with a 0-d y."""
    shape = tuple(broadcast_shape(x1.shape, x2.shape, y.shape + (1,)))
    R, D = rows(shape)
    dt = x1.dtype
    s = scale(reduction, R)
    out = empty(R if reduction == "none" else 0, dt)
    g1, g2 = (buffer((R, D, 1), dt, need) for need in need_grad[:2])
    a, b = (expand(x, shape).reshape(R, D, 1) for x in (x1, x2))
    args = (a, b, expand(y, shape[:-1]).reshape(R), float(margin), s, out, g1, g2)
    loss = reduced(_kernel, R, True, args, reduction, s, dt, out.reshape(shape[:-1]) if reduction == "none" else out)
    return loss, g1.reshape(shape) if need_grad[0] else None, g2.reshape(shape) if need_grad[1] else None, None
