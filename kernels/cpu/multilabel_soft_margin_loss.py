"""multilabel_soft_margin_loss, as torch composes it: over the broadcast of x, the target t and the
weight w, summed along the class dim (the input's last dim) and divided by C = x.size(-1):

    logσ(±x) = min(±x, 0) − log1p(e^−|x|)        σ(x) = (x ≥ 0 ? 1 : e^−|x|) / (1 + e^−|x|)
    l = −(t·logσ(x) + (1 − t)·logσ(−x))·w      row = Σ_class l / C

    ∂l/∂x = w·(σ(x) − t)      ∂l/∂t = w·(logσ(−x) − logσ(x)) = −w·x      ∂l/∂w = l / w

each gradient also divided by C, and by the number of rows for 'mean'. e^−|x| and its log1p come
from ``_vecmath`` (inline polynomials that vectorise for float32, libm for float64); the rest is
computed in float64 and the sums accumulate in float64. A weight that is
one row (the usual (C) class weight) is read in place instead of being expanded.

The kernel computes the term as l/w = log1p(e^−|x|) + (x ≥ 0 ? (1 − t)·x : −t·x), one product on
the infinite operand, so x = ±inf gives what torch's weighted sum gives (+inf: (1 − t)·inf, inf for
t < 1 and NaN for t = 1; −inf: t·inf) however the fastmath flags re-associate; t·a + (1 − t)·b itself
may become b + t·(a − b), NaN at x = +inf, t = 0.
"""
import numpy as np

from ..jit import njit
from . import _vecmath
from ._vecmath import exp, log1p
from ._host import broadcast_shape, buffer, expand, float16_in_float32, result, row_buffer, rows, scale
from ._parallel import pieces, split


@njit(error_model="numpy")
def _row(xr, tr, wr, e, lp, gxr, gtr, gwr, sc):
    """One row: e = e^−|x| and log1p(e) in a vectorised pass, then Σ l/C's terms (float64) and the
    gradients that are wanted (non-empty). Its own function, so LLVM optimises the loop on its own
    1-D arguments: inlined into the row loop of ``_kernel`` it did not vectorise (3.5× slower)."""
    for i in range(xr.size):
        ei = exp(-abs(xr[i]))
        e[i] = ei
        lp[i] = log1p(ei)
    nx, nt, nw = gxr.size > 0, gtr.size > 0, gwr.size > 0
    row = 0.0
    for i in range(xr.size):
        f64 = np.float64  # float() would keep float32 in Numba
        xi, ti, wi, ei, lpi = f64(xr[i]), f64(tr[i]), f64(wr[i]), f64(e[i]), f64(lp[i])
        pos = xi >= 0  # selects, not branches: the sign of random logits is unpredictable
        term = lpi + (1.0 - ti if pos else -ti) * xi
        row += term * wi
        if nx:
            gxr[i] = wi * ((1.0 if pos else ei) / (1.0 + ei) - ti) * sc
        if nt:
            gtr[i] = -wi * xi * sc
        if nw:
            gwr[i] = term * sc
    return row


@split(depends=(_vecmath,))
def _kernel(p0, p1, partial, x, t, w, w_step, inv_c, s, out, gx, gt, gw):
    """Rows in ``n_pieces`` pieces (one scratch set each), each row by ``_row``."""
    R, K = x.shape
    keep, nx, nt, nw = out.size > 0, gx.size > 0, gt.size > 0, gw.size > 0
    sc = s * inv_c
    n_pieces = partial.size
    for piece in range(p0, p1):
        e, lp, none = np.empty(K, x.dtype), np.empty(K, x.dtype), np.empty(0, x.dtype)
        part = 0.0
        for r in range(piece * R // n_pieces, (piece + 1) * R // n_pieces):
            row = _row(x[r], t[r], w[r * w_step], e, lp, gx[r] if nx else none, gt[r] if nt else none,
                       gw[r] if nw else none, sc) * inv_c
            part += row
            if keep:
                out[r] = row
        partial[piece] = part


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
    total = _kernel.sum(R * K, pieces(R, R * K), xr, tr, w, w_step, inv_c, s, out, grads[0], grads[1], gw)

    def back(g):
        g = g.reshape(moved)
        return g if last else np.ascontiguousarray(np.moveaxis(g, -1, axis))

    loss = result(reduction, total, s, out.reshape(moved[:-1]) if reduction == "none" else out, dt)
    return (loss,) + tuple(back(g) if need else None for g, need in zip(grads, need_grad))
