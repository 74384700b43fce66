"""multilabel_soft_margin_loss, as torch composes it: over the broadcast of x, the target t and the
weight w, summed along the class dim (the input's last dim) and divided by C = x.size(-1):

    logσ(±x) = min(±x, 0) − log1p(e^−|x|)        σ(x) = (x ≥ 0 ? 1 : e^−|x|) / (1 + e^−|x|)
    l = −(t·logσ(x) + (1 − t)·logσ(−x))·w      row = Σ_class l / C

    ∂l/∂x = w·(σ(x) − t)      ∂l/∂t = w·(logσ(−x) − logσ(x))      ∂l/∂w = l / w (the unweighted term)

each gradient also divided by C, and by the number of rows for 'mean'. e^−|x| and its log1p come
from the vectorised ``_exp.exp_into`` and ``_log1p.log1p_into`` (float32; libm-accurate scalar calls
for float64); the rest is computed in float64 and the sums accumulate in float64. A weight that is
one row (the usual (C) class weight) is read in place instead of being expanded.
"""
import numpy as np

from ..jit import prange
from . import _exp, _log1p
from ._host import broadcast_shape, buffer, expand, float16_in_float32, result, row_buffer, rows, scale
from ._parallel import twin


@twin(depends=(_exp, _log1p))
def _kernel(x, t, w, w_step, inv_c, s, out, gx, gt, gw, per_chunk):
    """Rows in chunks of ``per_chunk`` (one scratch set per chunk): per row, e = e^−|x| and
    log1p(e) first in vectorised passes, then the loss and gradients with float64 sums."""
    R, K = x.shape
    keep, nx, nt, nw = out.size > 0, gx.size > 0, gt.size > 0, gw.size > 0
    sc = s * inv_c
    total = 0.0
    for c in prange((R + per_chunk - 1) // per_chunk):
        e, lp, bits = np.empty(K, x.dtype), np.empty(K, x.dtype), np.empty(K, np.int32)
        part = 0.0
        for r in range(c * per_chunk, min(R, (c + 1) * per_chunk)):
            for i in range(K):
                e[i] = -abs(x[r, i])
            _exp.exp_into(e, e, bits)
            _log1p.log1p_into(e, lp)
            wr = w[r * w_step]
            row = 0.0
            for i in range(K):
                xi, ti, wi, ei, lpi = float(x[r, i]), float(t[r, i]), float(wr[i]), float(e[i]), float(lp[i])
                pos = xi >= 0  # selects, not branches: the sign of random logits is unpredictable
                ls_pos = (0.0 if pos else xi) - lpi
                ls_neg = (-xi if pos else 0.0) - lpi
                term = -(ti * ls_pos + (1.0 - ti) * ls_neg)
                row += term * wi
                if nx:
                    gx[r, i] = wi * ((1.0 if pos else ei) / (1.0 + ei) - ti) * sc
                if nt:
                    gt[r, i] = wi * (ls_neg - ls_pos) * sc
                if nw:
                    gw[r, i] = term * sc
            row *= inv_c
            part += row
            if keep:
                out[r] = row
        total += part
    return total


@float16_in_float32
def forward(x, t, *weight, need_grad, reduction="mean"):
    """``weight`` is () or (w,); the class dim is ``x.ndim − 1`` of the broadcast shape."""
    arrays = (x, t) + weight
    shape = broadcast_shape(*(a.shape for a in arrays))
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
    out = buffer((R,), dt, reduction == "none")
    grads = [row_buffer(R, K, dt, need) for need in need_grad]
    gw = grads[2] if weight else row_buffer(R, K, dt, False)
    inv_c = 1.0 / x.shape[-1] if x.shape[-1] else np.inf
    total = _kernel(R * K, xr, tr, w, w_step, inv_c, s, out, grads[0], grads[1], gw, max(1, -(-R // 64)))

    def back(g):
        g = g.reshape(moved)
        return g if last else np.ascontiguousarray(np.moveaxis(g, -1, axis))

    loss = result(reduction, total, s, out.reshape(moved[:-1]) if reduction == "none" else out, dt)
    return (loss,) + tuple(back(g) if need else None for g, need in zip(grads, need_grad))
