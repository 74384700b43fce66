"""multilabel_soft_margin_loss, as torch composes it: over the broadcast of x, the target t and the
weight w, summed along the class dim (the input's last dim) and divided by C = x.size(-1):

    logσ(x) = min(x, 0) − log1p(e^−|x|)        logσ(−x) = logσ(x) − x
    l = −(t·logσ(x) + (1 − t)·logσ(−x))·w      row = Σ_class l / C

    ∂l/∂x = w·(σ(x) − t)      ∂l/∂t = w·(logσ(−x) − logσ(x))      ∂l/∂w = l / w (the unweighted term)

each gradient also divided by C, and by the number of rows for 'mean'. Each element is computed in
float64 from one exp and one log1p, and the sums accumulate in float64. A weight that is one row
(the usual (C) class weight) is read in place instead of being expanded.
"""
import numpy as np

from ..jit import prange
from ._host import expand, float16_in_float32, result, rows, scale
from ._parallel import twin


@twin
def _kernel(x, t, w, w_step, inv_c, s, out, gx, gt, gw):
    keep, nx, nt, nw = out.size > 0, gx.size > 0, gt.size > 0, gw.size > 0
    sc = s * inv_c
    total = 0.0
    for r in prange(x.shape[0]):
        wr = w[r * w_step]
        row = 0.0
        for i in range(x.shape[1]):
            xi, ti, wi = float(x[r, i]), float(t[r, i]), float(wr[i])
            e = np.exp(-abs(xi))
            lp = np.log1p(e)
            ls_pos = min(xi, 0.0) - lp
            ls_neg = min(-xi, 0.0) - lp
            term = -(ti * ls_pos + (1.0 - ti) * ls_neg)
            row += term * wi
            if nx:
                sig = 1.0 / (1.0 + e) if xi >= 0 else e / (1.0 + e)
                gx[r, i] = wi * (sig - ti) * sc
            if nt:
                gt[r, i] = wi * (ls_neg - ls_pos) * sc
            if nw:
                gw[r, i] = term * sc
        row *= inv_c
        total += row
        if keep:
            out[r] = row
    return total


@float16_in_float32
def forward(x, t, *weight, need_grad, reduction="mean"):
    """``weight`` is () or (w,); the class dim is ``x.ndim − 1`` of the broadcast shape."""
    arrays = (x, t) + weight
    shape = np.broadcast_shapes(*(a.shape for a in arrays))
    axis = x.ndim - 1
    moved = shape[:axis] + shape[axis + 1:] + shape[axis:axis + 1]
    last = axis == len(shape) - 1

    def rowed(a):
        a = expand(a, shape)
        return a if last else np.ascontiguousarray(np.moveaxis(a, axis, -1))

    R, K = rows(moved)
    dt = x.dtype
    xr, tr = rowed(x).reshape(R, K), rowed(t).reshape(R, K)
    if not weight:
        w, w_step = np.ones((1, K), dt), 0
    elif last and weight[0].ndim <= 1:
        w, w_step = expand(weight[0], (K,)).reshape(1, K), 0
    else:
        w, w_step = rowed(weight[0]).reshape(R, K), 1
    s = scale(reduction, R)
    out = np.empty(R if reduction == "none" else 0, dt)
    grads = [np.empty((R, K) if need else (R, 0), dt) for need in need_grad]
    gw = grads[2] if weight else np.empty((R, 0), dt)
    inv_c = 1.0 / x.shape[-1] if x.shape[-1] else np.inf
    total = _kernel(R * K, xr, tr, w, w_step, inv_c, s, out, grads[0], grads[1], gw)

    def back(g):
        g = g.reshape(moved)
        return g if last else np.ascontiguousarray(np.moveaxis(g, -1, axis))

    loss = result(reduction, total, s, out.reshape(moved[:-1]) if reduction == "none" else out, dt)
    return (loss,) + tuple(back(g) if need else None for g, need in zip(grads, need_grad))
