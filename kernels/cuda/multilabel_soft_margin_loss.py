"""multilabel_soft_margin_loss on the device, as torch composes it (derivation:
``kernels/cpu/multilabel_soft_margin_loss.py``): over the broadcast of x, the target t and the weight
w, summed along the class dim (x.ndim − 1 of the broadcast shape) and divided by C = x.size(−1):

    l = −(t·logσ(x) + (1 − t)·logσ(−x))·w = (log1p(e^−|x|) + ((1 − t) if x ≥ 0 else −t)·x)·w
    ∂l/∂x = w·(σ(x) − t)      ∂l/∂t = w·(logσ(−x) − logσ(x)) = −w·x      ∂l/∂w = l / w

each gradient also divided by C, and by the number of rows for 'mean'. The arrays are viewed as
(A, K, B) with K the class dim, one row (a, ·, b) per block, so no class dim is moved. e^−|x| and its
log1p are taken in the data's dtype, the rest in float64. A weight that is one class row is read
in place (``wmode`` 1) instead of being expanded (2); no weight reads as 1 (0).
"""
import math

from numba import cuda, float64

from ._host import broadcast_shape, buffer, empty, expand, float16_in_float32, scale
from ._launch import SCRATCH, SUM, block_reduce, lanes, record, reduced, units, write_partial


@cuda.jit
def _kernel(x, t, w, wmode, inv_c, s, out, gx, gt, gw, partial):
    scratch = cuda.shared.array(SCRATCH, float64)
    _, K, B = x.shape
    nx, nt, nw = gx.size > 0, gt.size > 0, gw.size > 0
    sc = s * inv_c
    step_w = 1 if wmode == 2 else 0
    acc = 0.0
    first, step = units(True)
    lo, stride = lanes(True)
    for r in range(first, x.shape[0] * B, step):
        a, b = r // B, r % B
        row = 0.0
        for i in range(lo, K, stride):
            xi, ti = x[a, i, b], float64(t[a, i, b])
            wi = float64(w[a * step_w, i, b * step_w]) if wmode else 1.0
            e = math.exp(-abs(xi))
            lp = float64(math.log1p(e))
            e = float64(e)
            pos = xi >= 0
            # one product on the infinite operand, as the CPU kernel: torch's inf/NaN at x = ±inf
            term = lp + ((1.0 - ti) if pos else -ti) * float64(xi)
            row += term * wi
            if nx:
                gx[a, i, b] = wi * ((1.0 if pos else e) / (1.0 + e) - ti) * sc
            if nt:
                gt[a, i, b] = -wi * float64(xi) * sc  # logσ(−x) − logσ(x) = −x
            if nw:
                gw[a, i, b] = term * sc
        row = block_reduce(row, SUM, scratch) * inv_c
        acc = record(acc, row, out, r, True)
    write_partial(acc, partial, scratch)


@float16_in_float32
def forward(x, t, *weight, need_grad, reduction="mean"):
    """``weight`` is () or (w,); the class dim is ``x.ndim − 1`` of the broadcast shape."""
    shape = tuple(broadcast_shape(x.shape, t.shape, *(w.shape for w in weight)))
    axis = x.ndim - 1
    view = (math.prod(shape[:axis]), shape[axis], math.prod(shape[axis + 1:]))
    R = view[0] * view[2]
    dt = x.dtype
    if not weight:
        w, wmode = empty((0, 0, 0), dt), 0
    elif axis == len(shape) - 1 and weight[0].ndim <= 1:
        w, wmode = expand(weight[0], (view[1],)).reshape(1, view[1], 1), 1
    else:
        w, wmode = expand(weight[0], shape).reshape(view), 2
    s = scale(reduction, R)
    out = empty(R if reduction == "none" else 0, dt)
    grads = [buffer(view, dt, need) for need in need_grad] + [buffer(view, dt, False)] * (3 - len(need_grad))
    C = x.shape[x.ndim - 1]
    inv_c = 1.0 / C if C else math.inf
    args = (expand(x, shape).reshape(view), expand(t, shape).reshape(view), w, wmode, inv_c, s, out, *grads)
    kept = shape[:axis] + shape[axis + 1:]
    loss = reduced(_kernel, R, True, args, reduction, s, dt, out.reshape(kept) if reduction == "none" else out)
    return (loss,) + tuple(g.reshape(shape) if need else None for g, need in zip(grads, need_grad))
