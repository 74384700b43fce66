"""triplet_margin_loss on the device, one row of the broadcast anchor a, positive p and negative n per
block, with the distances of ``_distance`` (derivation: ``kernels/cpu/triplet_margin_loss.py``):

    d⁺ = d(a, p)     d⁻ = d(a, n), or with swap min(d(a, n), d(p, n))     l = max(0, margin + d⁺ − d⁻)

h = [margin + d⁺ − d⁻ ≥ 0]·s scales each distance's gradient (the swap's minimum sends it to the
smaller distance, halves on a tie, both on a NaN); every distance's backward runs even where h = 0,
so a NaN row gives NaN gradients as in torch. p = 0 has no gradient; 'mean' divides by the rows.
"""
import math

from numba import cuda, float64

from ._distance import add_grad, norm, zero_row
from ._host import broadcast, buffer, empty, float16_in_float32, rows, scale
from ._launch import SCRATCH, record, reduced, units, write_partial


@cuda.jit
def _kernel(a, pos, neg, margin, eps, p, swap, s, out, ga, gp, gn, partial):
    scratch = cuda.shared.array(SCRATCH, float64)
    need = ga.size > 0 or gp.size > 0 or gn.size > 0
    acc = 0.0
    first, step = units(True)
    for r in range(first, a.shape[0], step):
        d_ap = norm(a, pos, r, eps, p, scratch)
        d_an = norm(a, neg, r, eps, p, scratch)
        d_neg, d_pn, w_an, w_pn = d_an, 0.0, 1.0, 0.0
        if swap:
            d_pn = norm(pos, neg, r, eps, p, scratch)
            d_neg = min(d_an, d_pn) if d_an == d_an and d_pn == d_pn else math.nan
            tie = d_an == d_pn
            w_an = 0.5 if tie else (0.0 if d_an > d_pn else 1.0)
            w_pn = 0.5 if tie else (0.0 if d_pn > d_an else 1.0)
        u = margin + d_ap - d_neg
        acc = record(acc, 0.0 if u < 0 else u, out, r, True)
        if need:
            h = s if u >= 0 else 0.0
            zero_row(ga, r)
            zero_row(gp, r)
            zero_row(gn, r)
            add_grad(a, pos, r, eps, p, d_ap, h, ga, gp, scratch)
            add_grad(a, neg, r, eps, p, d_an, -h * w_an, ga, gn, scratch)
            if swap:
                add_grad(pos, neg, r, eps, p, d_pn, -h * w_pn, gp, gn, scratch)
    write_partial(acc, partial, scratch)


@float16_in_float32
def forward(anchor, positive, negative, *, need_grad, margin=1.0, p=2.0, eps=1e-6, swap=False, reduction="mean"):
    dt = anchor.dtype
    shape, arrays = broadcast(anchor, positive, negative)
    R, D = rows(shape)
    wanted = need_grad if p != 0 else (False,) * 3
    s = scale(reduction, R)
    out = empty(R if reduction == "none" else 0, dt)
    grads = [buffer((R, D), dt, need) for need in wanted]
    args = (*(x.reshape(R, D) for x in arrays), float(margin), dt.type(eps), float(p), bool(swap), s, out, *grads)
    loss = reduced(_kernel, R, True, args, reduction, s, dt, out.reshape(shape[:-1]) if reduction == "none" else out)
    return (loss,) + tuple(g.reshape(shape) if need else None for g, need in zip(grads, wanted))
