"""multilabel_margin_loss over rows x (N, C) with int64 targets t (N, C).

Row n's targets are t[n, 0..k) (k = position of the first −1, or C); T is their set. With
z_ji = 1 − x[y_j] + x[i] and only z > 0 counting (a NaN z adds nothing, as in torch's kernel):

    l_n = Σ_{j<k} Σ_{i∉T} max(0, z_ji) / C
    ∂l_n/∂x[i]   = +#{j : z_ji > 0} / C          (i ∉ T)
    ∂l_n/∂x[y_j] −= #{i ∉ T : z_ji > 0} / C      (for each j; a repeated target counts each time)

'mean' divides by N (the loss and every gradient). The targets were range-checked on the host.
"""
import numpy as np

from ._host import buffer, result, scale
from ._parallel import pieces, split


@split
def _kernel(p0, p1, partial, x, t, one, sc, out, gx):
    """Σ l_n per piece of rows (float64) into ``partial``; ``sc`` = (mean ? 1/N : 1)/C scales each gradient step."""
    N, C = x.shape
    target = np.zeros(C, np.bool_)  # row n's target set, cleared again after the row
    zero = one - one
    keep, need = out.size > 0, gx.size > 0
    n_pieces = partial.size
    for piece in range(p0, p1):
        part = 0.0
        for n in range(piece * N // n_pieces, (piece + 1) * N // n_pieces):
            k = 0
            while k < C and t[n, k] >= 0:
                target[t[n, k]] = True
                k += 1
            if need:
                gx[n, :] = zero
            row = 0.0
            for j in range(k):
                y = t[n, j]
                xy = x[n, y]
                hits = 0
                for i in range(C):
                    if not target[i]:
                        z = one - xy + x[n, i]
                        if z > zero:
                            row += z
                            hits += 1
                            if need:
                                gx[n, i] += sc
                if need:
                    gx[n, y] -= hits * sc
            for j in range(k):
                target[t[n, j]] = False
            row /= C
            part += row
            if keep:
                out[n] = row
        partial[piece] = part


def forward(x, t, *, need_grad, reduction="mean"):
    """x: (C) or (N, C) (0-d counts as one class); the 'none' loss is (N) or 0-d."""
    shape = x.shape
    x2, t2 = (np.ascontiguousarray(a).reshape(-1, shape[-1] if x.ndim else 1) for a in (x, t))
    N, C = x2.shape
    dt = x.dtype
    s = scale(reduction, N)
    out = buffer((N,), dt, reduction == "none")
    gx = buffer(x2.shape, dt, need_grad[0])
    total = _kernel.sum(x2.size, pieces(N, x2.size), x2, t2, dt.type(1), dt.type(s / C), out, gx)
    if reduction == "none" and x.ndim < 2:
        out = out.reshape(())
    return result(reduction, total, s, out, dt), gx.reshape(shape) if need_grad[0] else None, None
