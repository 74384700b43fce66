"""cross_entropy on the device, fused: log-softmax, the loss and dL/dlogits in one pass (derivation
in ``kernels/cpu/cross_entropy.py``). Logits x are viewed as (N, C, S); per position p = (n, s):
m = max_c x_c, e_c = exp(x_c − m), Z = Σ_c e_c, −log p_c = log Z − (x_c − m).

Class targets t (weights w, label smoothing ε, C classes):

    ℓ_p = (1−ε)·w_t·(−log p_t) + (ε/C)·Σ_c w_c·(−log p_c)          (0 where t = ignore_index)
    dℓ_p/dx_c = [(1−ε)·w_t + (ε/C)·Σ_k w_k]·p_c − (1−ε)·w_t·[c = t] − (ε/C)·w_c

    'mean' divides by W = Σ_{p not ignored} w[t_p], reduced on the device (``nll_loss.target_weight_sum``)
    and read there; W = 0 gives NaN, as in torch.

Probability targets y, smoothed y' = (1−ε)·y + ε/C ('mean' divides by the position count):

    ℓ_p = −Σ_c w_c·y'_c·log p_c      dℓ_p/dx_c = p_c·Σ_k w_k·y'_k − w_c·y'_c
    dℓ_p/dy_c = −(1−ε)·w_c·log p_c   dℓ_p/dw_c = −y'_c·log p_c   (per position; the Op sums over p)

The pass per position: m (a max), e_c written straight into the gradient buffer when one is wanted,
Z and ℓ_p, then the gradient overwrites e_c. (N, C) logits run a row per block (threads over the
classes, block reductions); (N, C, S) logits a position per thread (``_launch``: one kernel body,
two layouts). Out-of-range class targets give NaN, as in ``nll_loss``.
"""
import math

import numpy as np
from numba import cuda, float64

from ..shared.shape import compute_dtype, layout, loss_shape
from ._host import buffer, empty, expand, narrowed, scale, widened
from ._launch import (MAX, SCRATCH, SUM, cast_like, lane_reduce, lanes, record, reduced, units,
                      write_partial)
from .nll_loss import class_weight, plan


@cuda.jit(device=True)
def _softmax(x, n, s, one, g, coop, scratch):
    """(m as x's dtype, Z, log Z) of position (n, s); e_c = exp(x_c − m) goes to g[n, c, s] when g is
    not empty. log Z is 0 when there are no classes (an empty sum)."""
    C = x.shape[1]
    lo, stride = lanes(coop)
    m = -math.inf
    for c in range(lo, C, stride):
        m = max(m, x[n, c, s])
    m = cast_like(lane_reduce(m, MAX, coop, scratch), one)
    z = 0.0
    for c in range(lo, C, stride):
        e = math.exp(x[n, c, s] - m)
        z += e
        if g.size > 0:
            g[n, c, s] = e
    z = lane_reduce(z, SUM, coop, scratch)
    return m, z, math.log(z) if C else 0.0


@cuda.jit
def _classes(x, t, w, one, ignore_index, eps, W, mean, coop, out, g, partial):
    scratch = cuda.shared.array(SCRATCH, float64)
    _, C, S = x.shape
    sc = 1.0 / W[()] if mean else 1.0
    keep, eps_c = 1.0 - eps, eps / C if C else 0.0
    lo, stride = lanes(coop)
    w_sum = 0.0
    if eps > 0:
        for c in range(lo, C, stride):
            w_sum += class_weight(w, c, one)
        w_sum = lane_reduce(w_sum, SUM, coop, scratch)
    acc = 0.0
    first, step = units(coop)
    for u in range(first, t.size, step):
        n, s = u // S, u % S
        m, z, log_z = _softmax(x, n, s, one, g, coop, scratch)
        tc = t[u]
        ignored = tc == ignore_index
        valid = not ignored and 0 <= tc < C
        wt = class_weight(w, tc, one) if valid else one - one
        k = sc if valid else (0.0 if ignored else math.nan)
        loss = keep * wt * (log_z - (x[n, tc, s] - m)) if valid else k
        if eps > 0 and not ignored:
            shifted = 0.0
            for c in range(lo, C, stride):
                shifted += class_weight(w, c, one) * (x[n, c, s] - m)
            loss += eps_c * (w_sum * log_z - lane_reduce(shifted, SUM, coop, scratch))
        acc = record(acc, loss, out, u, coop)
        if g.size > 0:
            a = cast_like((keep * wt + eps_c * w_sum) * k / z, one)
            b = cast_like(eps_c * k, one)
            for c in range(lo, C, stride):
                v = a * g[n, c, s] - b * class_weight(w, c, one) if eps > 0 else a * g[n, c, s]
                g[n, c, s] = v - keep * wt * k if c == tc else v
    write_partial(acc, partial, scratch)


@cuda.jit
def _probabilities(x, y, w, one, eps, sc, coop, out, g, gy, gw, partial):
    scratch = cuda.shared.array(SCRATCH, float64)
    _, C, S = x.shape
    keep, eps_c = 1.0 - eps, eps / C if C else 0.0
    lo, stride = lanes(coop)
    acc = 0.0
    first, step = units(coop)
    for u in range(first, out.size, step):
        n, s = u // S, u % S
        m, z, log_z = _softmax(x, n, s, one, g, coop, scratch)
        wy, loss = 0.0, 0.0
        for c in range(lo, C, stride):
            wyc = class_weight(w, c, one) * (keep * y[n, c, s] + eps_c)
            wy += wyc
            loss += wyc * (log_z - (x[n, c, s] - m))
        wy, loss = lane_reduce(wy, SUM, coop, scratch), lane_reduce(loss, SUM, coop, scratch)
        acc = record(acc, loss, out, u, coop)
        a = cast_like(wy * sc / z, one) if g.size > 0 else one
        for c in range(lo, C, stride):
            wc, yc, nlp = class_weight(w, c, one), y[n, c, s], log_z - (x[n, c, s] - m)
            if g.size > 0:
                g[n, c, s] = a * g[n, c, s] - sc * wc * (keep * yc + eps_c)
            if gy.size > 0:
                gy[n, c, s] = sc * keep * wc * nlp
            if gw.size > 0:
                gw[n, c, s] = sc * (keep * yc + eps_c) * nlp
    write_partial(acc, partial, scratch)


def _classes_forward(x, target, weight, need_grad, ignore_index, reduction, eps):
    dt, view, t, w, W, coop, out = plan(x, target, weight, reduction, ignore_index)
    g = buffer(view, dt, need_grad[0])
    args = (x.reshape(view), t, w, dt.type(1), ignore_index, eps, W, reduction == "mean", coop, out, g)
    loss = reduced(_classes, t.size, coop, args, reduction, 1.0, dt,
                   out.reshape(loss_shape(x.shape)), W, 2)
    return (loss, g.reshape(x.shape) if need_grad[0] else None) + (None,) * (len(need_grad) - 1)


def _probabilities_forward(x, y, weight, need_grad, reduction, eps):
    arrays = (x, y) if weight is None else (x, y, weight)
    dt = compute_dtype(np.result_type(*(a.dtype for a in arrays)))
    view = layout(x.shape)
    x3, y3 = (expand(a, a.shape, dt).reshape(view) for a in (x, y))
    w = empty(0, dt) if weight is None else expand(weight, weight.shape, dt).reshape(-1)
    positions = view[0] * view[2]
    s = scale(reduction, positions if x.size else 0)  # torch: an empty input's mean is NaN
    out = empty(positions, dt)
    wants = tuple(need_grad) + (False,) * (3 - len(need_grad))
    grads = [buffer(view, dt, wanted) for wanted in wants]
    coop = view[2] == 1
    args = (x3, y3, w, dt.type(1), eps, s, coop, out, *grads)
    loss = reduced(_probabilities, positions, coop, args, reduction, s, dt,
                   out.reshape(loss_shape(x.shape)))
    return (loss,) + tuple(g.reshape(x.shape) if wanted else None for g, wanted in zip(grads, need_grad))


def forward(x, target, weight=None, *, need_grad, ignore_index=-100, reduction="mean", label_smoothing=0.0):
    """(loss, dL/dx, dL/dtarget[, dL/dweight per position, x's shape]) for logits ``x`` and class targets
    (int64/uint8) or class probabilities (floating, x's shape). ``label_smoothing`` <= 0 is none."""
    eps = float(label_smoothing) if label_smoothing > 0 else 0.0
    if target.dtype.kind == "f":
        dtypes = [a.dtype for a in (x, target, weight) if a is not None]
        results = _probabilities_forward(x, target, weight, need_grad, reduction, eps)
        return (expand(results[0], results[0].shape, np.result_type(*dtypes)),) + tuple(
            None if g is None else expand(g, g.shape, d) for g, d in zip(results[1:], dtypes))
    half = compute_dtype(x.dtype) != x.dtype
    x, weight = widened((x, weight))
    results = _classes_forward(x, target, weight, need_grad, ignore_index, reduction, eps)
    return (*narrowed(results[:2]), *results[2:]) if half else results
