"""triplet_margin_loss over rows of the broadcast anchor a, positive p and negative n, with the
distances of ``_distance`` (d(x, y) = ‖x − y + eps‖ₚ along the last dim):

    d⁺ = d(a, p)     d⁻ = d(a, n), or with swap min(d(a, n), d(p, n))
    l = max(0, margin + d⁺ − d⁻)        (a NaN stays NaN, as torch's clamp_min)

With h = [margin + d⁺ − d⁻ ≥ 0] (clamp_min's rule) and torch's minimum rule for the swap (the smaller
distance takes the gradient, a tie splits it in halves, a NaN sends it to both), w_an + w_pn = 1:

    ∂l/∂a = h·(∂d(a,p)/∂a − w_an·∂d(a,n)/∂a)
    ∂l/∂p = h·(−∂d(a,p)/∂a − w_pn·∂d(p,n)/∂p)
    ∂l/∂n = h·(w_an·∂d(a,n)/∂a + w_pn·∂d(p,n)/∂p)

Every distance's backward runs even where h = 0, so a NaN row gives NaN gradients as in torch; p = 0
has no gradient. 'mean' divides by the number of rows (the loss and every gradient).
"""
import numpy as np

from . import _distance
from ._host import broadcast, buffer, float16_in_float32, result, row_buffer, rows, scale
from ._parallel import pieces, split


@split(depends=(_distance,))
def _kernel(p0, p1, partial, a, pos, neg, margin, eps, p, swap, s, out, ga, gp, gn):
    keep, need = out.size > 0, ga.size > 0 or gp.size > 0 or gn.size > 0
    direct = p == 2.0 and not swap and ga.size > 0 and gp.size > 0 and gn.size > 0  # the common call
    n_pieces = partial.size
    for piece in range(p0, p1):
        part = 0.0
        for r in range(piece * a.shape[0] // n_pieces, (piece + 1) * a.shape[0] // n_pieces):
            d_ap = _distance.norm(a[r], pos[r], eps, p)
            d_an = _distance.norm(a[r], neg[r], eps, p)
            d_neg, d_pn, w_an, w_pn = d_an, 0.0, 1.0, 0.0
            if swap:
                d_pn = _distance.norm(pos[r], neg[r], eps, p)
                d_neg = min(d_an, d_pn) if d_an == d_an and d_pn == d_pn else np.nan
                w_an = 0.0 if d_an > d_pn else (0.5 if d_an == d_pn else 1.0)
                w_pn = 0.0 if d_pn > d_an else (0.5 if d_an == d_pn else 1.0)
            u = margin + d_ap - d_neg
            loss = 0.0 if u < 0 else u
            part += loss
            if keep:
                out[r] = loss
            if need:
                h = s if u >= 0 else 0.0
                if direct:
                    _distance.triplet_grad2(a[r], pos[r], neg[r], eps, d_ap, d_an, h, ga[r], gp[r], gn[r])
                else:
                    ga[r, :] = 0
                    gp[r, :] = 0
                    gn[r, :] = 0
                    _distance.add_grad(a[r], pos[r], eps, p, d_ap, h, ga[r], gp[r])
                    _distance.add_grad(a[r], neg[r], eps, p, d_an, -h * w_an, ga[r], gn[r])
                    if swap:
                        _distance.add_grad(pos[r], neg[r], eps, p, d_pn, -h * w_pn, gp[r], gn[r])
        partial[piece] = part


@float16_in_float32
def forward(anchor, positive, negative, *, need_grad, margin=1.0, p=2.0, eps=1e-6, swap=False, reduction="mean"):
    shape, arrays = broadcast(anchor, positive, negative)
    R, D = rows(shape)
    a, pos, neg = (x.reshape(R, D) for x in arrays)
    dt = anchor.dtype
    need_grad = need_grad if p != 0 else (False,) * 3
    s = scale(reduction, R)
    out = buffer((R,), dt, reduction == "none")
    grads = [row_buffer(R, D, dt, need) for need in need_grad]
    total = _kernel.sum(R * D, pieces(R, R * D), a, pos, neg, float(margin), dt.type(eps), float(p), bool(swap), s,
                        out, *grads)
    return (result(reduction, total, s, out.reshape(shape[:-1]) if reduction == "none" else out, dt),) + \
        tuple(g.reshape(shape) if need else None for g, need in zip(grads, need_grad))
