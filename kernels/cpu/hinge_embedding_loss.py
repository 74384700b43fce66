"""hinge_embedding_loss, elementwise over the broadcast of x and the target y (torch's composition):

    l = ([y ≠ 1] ? max(0, margin − x) : 0) + ([y ≠ −1] ? x : 0)

so y = 1 gives x, y = −1 gives max(0, margin − x), any other y both terms; a NaN in the selected
term stays NaN. clamp_min passes the gradient where margin − x ≥ 0 (a NaN x gets none), the target
only selects (no gradient):

    ∂l/∂x = −[y ≠ 1]·[margin − x ≥ 0] + [y ≠ −1]

'mean' divides the sum and the gradient by n, the number of broadcast elements. Integer inputs run
the same loop in their own dtype (margin truncated to it), as torch does.
"""
from ._host import broadcast, buffer, float16_in_float32, result, scale
from ._parallel import pieces, split


@split
def _kernel(p0, p1, partial, x, y, margin, s, out, gx):
    zero = s - s
    keep, need = out.size > 0, gx.size > 0
    n_pieces = partial.size
    for piece in range(p0, p1):
        lo, hi = piece * x.size // n_pieces, (piece + 1) * x.size // n_pieces
        # slices indexed from 0, so Numba's negative-index wraparound folds away and the loop vectorises
        xp, yp, op, gp = x[lo:hi], y[lo:hi], out[lo:hi], gx[lo:hi]
        part = 0.0
        for i in range(hi - lo):
            c = margin - xp[i]
            hinge = yp[i] != 1
            ident = yp[i] != -1
            loss = (zero if c < zero else c) if hinge else zero
            if ident:
                loss += xp[i]
            part += loss
            if keep:
                op[i] = loss
            if need:
                g = -s if hinge and c >= zero else zero
                gp[i] = g + s if ident else g
        partial[piece] = part


@float16_in_float32
def forward(x, y, *, need_grad, margin=1.0, reduction="mean"):
    shape, (x, y) = broadcast(x, y)
    dt = x.dtype
    s = scale(reduction, x.size)
    out = buffer(shape, dt, reduction == "none")
    gx = buffer(shape, dt, need_grad[0])
    total = _kernel.sum(x.size, pieces(x.size, x.size), x.reshape(-1), y.reshape(-1), dt.type(margin), dt.type(s),
                        out.reshape(-1), gx.reshape(-1))
    return result(reduction, total, s, out, dt), gx if need_grad[0] else None, None
