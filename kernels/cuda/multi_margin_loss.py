"""multi_margin_loss on the device, one row of x (N, C) per block, int64 class targets y (N), class
weights w (C) (derivation: ``kernels/cpu/multi_margin_loss.py``). With z_i = margin − x[y] + x[i]:

    l_n = Σ_{i≠y, z_i>0} w[y]·z_iᵖ / C        ∂l_n/∂x[i] = w[y]·p·z_iᵖ⁻¹ / C  (i ≠ y, z_i > 0)
    ∂l_n/∂x[y] = −Σ_{i≠y} ∂l_n/∂x[i]          (a block sum, written after the row's other classes)

'mean' divides by N. Without a weight, w = 1. The targets were range-checked on the host; a target
outside [0, C) makes its row's loss and gradient NaN instead of reading outside the row.
"""
import math

from numba import cuda, float64

from ._host import buffer, class_rows, empty, scale
from ._launch import SCRATCH, SUM, block_reduce, lanes, record, reduced, units, write_partial


@cuda.jit
def _kernel(x, y, w, p, margin, one, sc, out, gx, partial):
    """``sc`` = (mean ? 1/N : 1)/C scales the gradient."""
    scratch = cuda.shared.array(SCRATCH, float64)
    need = gx.size > 0
    N, C = x.shape
    zero = one - one
    acc = 0.0
    first, step = units(True)
    lo, stride = lanes(True)
    for n in range(first, N, step):
        t = y[n]
        valid = 0 <= t < C
        t = t if valid else 0
        xt, wt = x[n, t], w[t] if w.size > 0 else one
        row, gt = 0.0, 0.0
        for i in range(lo, C, stride):
            z = margin - xt + x[n, i]
            counted = i != t and z > zero
            if counted:
                row += z if p == 1 else z * z
            g = (wt * sc if p == 1 else wt * sc * (z + z)) if counted else zero
            gt -= g
            if need:
                gx[n, i] = g if valid else math.nan
        row = block_reduce(row, SUM, scratch) * wt / C if valid else math.nan
        if need:
            gt = block_reduce(gt, SUM, scratch)
            if cuda.threadIdx.x == 0 and valid:
                gx[n, t] = gt
        acc = record(acc, row, out, n, True)
    write_partial(acc, partial, scratch)


def forward(x, y, *, need_grad, p=1, margin=1.0, weight=None, reduction="mean"):
    """x: (C) or (N, C) (0-d counts as one class), y: (N) or 0-d; the 'none' loss has y's shape."""
    N, C = class_rows(x)
    dt = x.dtype
    s = scale(reduction, N)
    out = empty(N if reduction == "none" else 0, dt)
    gx = buffer((N, C), dt, need_grad[0])
    w = empty(0, dt) if weight is None else weight
    args = (x.reshape(N, C), y.reshape(N), w, int(p), dt.type(margin), dt.type(1), dt.type(s / C), out, gx)
    loss = reduced(_kernel, N, True, args, reduction, s, dt, out.reshape(y.shape) if reduction == "none" else out)
    return loss, gx.reshape(x.shape) if need_grad[0] else None, None
