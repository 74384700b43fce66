"""cosine_embedding_loss over rows of x₁, x₂ (broadcast against each other and the target y), as
torch composes it with ε = 1e-12:

    P = Σ x₁x₂    M₁ = Σ x₁² + ε    M₂ = Σ x₂² + ε    cos = P / √(M₁M₂)
    l = ([y = 1] ? 1 − cos : 0) + ([y = −1] ? max(0, cos − margin) : 0)

With ∂l/∂cos = −[y = 1] + [y = −1]·[cos − margin ≥ 0] (clamp_min's rule; the target only selects):

    ∂cos/∂x₁ = x₂/√(M₁M₂) − cos·x₁/M₁        ∂cos/∂x₂ = x₁/√(M₁M₂) − cos·x₂/M₂

computed even where ∂l/∂cos = 0, so a NaN row gives NaN gradients as in torch. 'mean' divides by
the number of rows. Sums accumulate in float64; the row's scalar math is ``kernels/shared/rows.py``'s
(the CUDA kernel runs the same).
"""
import numpy as np

from ..shared.rows import cosine_embedding_row
from ._host import broadcast_shape, buffer, expand, float16_in_float32, result, row_buffer, rows, scale
from ._parallel import pieces, split

@split
def _kernel(p0, p1, partial, x1, x2, y, margin, s, out, g1, g2):
    keep, need1, need2 = out.size > 0, g1.size > 0, g2.size > 0
    n_pieces = partial.size
    for piece in range(p0, p1):
        part = 0.0
        for r in range(piece * x1.shape[0] // n_pieces, (piece + 1) * x1.shape[0] // n_pieces):
            a, b = x1[r], x2[r]
            dot, m1, m2 = 0.0, 0.0, 0.0
            for i in range(a.size):
                ai, bi = np.float64(a[i]), np.float64(b[i])  # float64 products, as in cosine_similarity
                dot += ai * bi
                m1 += ai * ai
                m2 += bi * bi
            loss, k, k1, k2 = cosine_embedding_row(dot, m1, m2, y[r], margin, s)
            part += loss
            if keep:
                out[r] = loss
            if need1:
                for i in range(a.size):
                    g1[r, i] = k * b[i] - k1 * a[i]
            if need2:
                for i in range(a.size):
                    g2[r, i] = k * a[i] - k2 * b[i]
        partial[piece] = part


@float16_in_float32
def forward(x1, x2, y, *, need_grad, margin=0.0, reduction="mean"):
    """x₁, x₂: (N, D) with y (N), or (D) with a 0-d y."""
    shape = broadcast_shape(x1.shape, x2.shape, y.shape + (1,))
    R, D = rows(shape)
    a, b = expand(x1, shape).reshape(R, D), expand(x2, shape).reshape(R, D)
    dt = a.dtype
    s = scale(reduction, R)
    out = buffer((R,), dt, reduction == "none")
    g1, g2 = (row_buffer(R, D, dt, need) for need in need_grad[:2])
    total = _kernel.sum(a.size, pieces(R, a.size), a, b, expand(y, shape[:-1]).reshape(R), float(margin), s, out,
                        g1, g2)
    loss = result(reduction, total, s, out.reshape(shape[:-1]) if reduction == "none" else out, dt)
    return loss, g1.reshape(shape) if need_grad[0] else None, g2.reshape(shape) if need_grad[1] else None, None
