"""multi_margin_loss over rows x (N, C) with int64 class targets y (N) and class weights w (C).

With z_i = margin − x[y] + x[i] and only z > 0 counting (a NaN z adds nothing, as in torch's kernel):

    l_n = Σ_{i≠y} w[y]·max(0, z_i)ᵖ / C                         p ∈ {1, 2}
    ∂l_n/∂x[i] = w[y]·p·z_iᵖ⁻¹ / C   (i ≠ y, z_i > 0)       ∂l_n/∂x[y] = −Σ_{i≠y} ∂l_n/∂x[i]

'mean' divides by N (the loss and every gradient). Without a weight, w = 1. The targets were
range-checked on the host.
"""
import numpy as np

from ._host import buffer, result, scale
from ._parallel import pieces, split


@split
def _kernel(p0, p1, partial, x, y, w, p, margin, sc, out, gx):
    """Σ l_n per piece of rows (float64) into ``partial``; ``sc`` = (mean ? 1/N : 1)/C scales the gradient."""
    N, C = x.shape
    zero = margin - margin
    keep, need = out.size > 0, gx.size > 0
    n_pieces = partial.size
    for piece in range(p0, p1):
        part = 0.0
        for n in range(piece * N // n_pieces, (piece + 1) * N // n_pieces):
            t = y[n]
            xt = x[n, t]
            wt = w[t]
            row = 0.0
            gt = zero
            for i in range(C):
                z = margin - xt + x[n, i]
                g = zero
                if i != t and z > zero:
                    row += z if p == 1 else z * z
                    g = wt * sc if p == 1 else wt * sc * (z + z)
                    gt -= g
                if need:
                    gx[n, i] = g
            if need:
                gx[n, t] = gt
            row = row * wt / C
            part += row
            if keep:
                out[n] = row
        partial[piece] = part


def forward(x, y, *, need_grad, p=1, margin=1.0, weight=None, reduction="mean"):
    """x: (C) or (N, C) (0-d counts as one class), y: (N) or 0-d; the 'none' loss has y's shape."""
    x2 = np.ascontiguousarray(x).reshape(-1, x.shape[-1] if x.ndim else 1)
    N, C = x2.shape
    dt = x.dtype
    w = np.ones(C, dt) if weight is None else np.ascontiguousarray(weight)
    s = scale(reduction, N)
    out = buffer((N,), dt, reduction == "none")
    gx = buffer(x2.shape, dt, need_grad[0])
    y1 = np.ascontiguousarray(y).reshape(-1)
    total = _kernel.sum(x2.size, pieces(N, x2.size), x2, y1, w, int(p), dt.type(margin), dt.type(s / C), out, gx)
    if reduction == "none":
        out = out.reshape(y.shape)
    return result(reduction, total, s, out, dt), gx.reshape(x.shape) if need_grad[0] else None, None
