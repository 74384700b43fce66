"""nll_loss on the device over log-probabilities x viewed as (N, C, S) (``shared.shape.layout``;
derivation in ``kernels/cpu/nll_loss.py``): at position p = (n, s) with target t_p and class weight w,

    ℓ_p = −w[t_p]·x[n, t_p, s]   (0 where t_p = ignore_index)      dL/dx[n, c, s] = −w[t_p]·[c = t_p]·sc

'mean' divides the sum and sc by W = Σ_{p not ignored} w[t_p], reduced on the device first
(``target_weight_sum``) and read there, so nothing comes back to the host; 'sum'/'none' use sc = 1.

Layouts (``_launch``): (N, C) inputs run a row per block, its threads over the classes; (N, C, S)
inputs a position per thread, looping over the classes (reads and writes contiguous along s).

A target outside [0, C) that is not ignore_index raises the CPU's IndexError (torch's on the CPU)
before any loss kernel runs: ``check_targets`` finds the first one on the device and reads back one
int64, once per target array (a training loop that reuses its target tensor pays it once; a new
batch pays one 8-byte copy). The kernels still guard their reads: such a position would give NaN,
and nothing outside the class dim is read.
"""
import math
import weakref

import numpy as np
from numba import cuda, float64

from ..shared.shape import compute_dtype, layout, loss_shape
from ._host import buffer, empty, narrowed, widened
from ._launch import SCRATCH, lanes, launch, record, reduced, units, write_partial


@cuda.jit(device=True)
def class_weight(w, c, one):
    """w[c], or 1 without weights (an empty ``w``)."""
    return w[c] if w.size > 0 else one


@cuda.jit
def _weight_sum(t, w, one, n_classes, ignore_index, partial):
    scratch = cuda.shared.array(SCRATCH, float64)
    acc = 0.0
    for p in range(cuda.grid(1), t.size, cuda.gridsize(1)):
        c = t[p]
        if c != ignore_index:
            acc += class_weight(w, c, one) if 0 <= c < n_classes else math.nan
    write_partial(acc, partial, scratch)


def target_weight_sum(t, w, one, n_classes, ignore_index):
    """W = Σ w[t_p] over the non-ignored flat targets, as a 0-d float64 device array."""
    return reduced(_weight_sum, t.size, False, (t, w, one, n_classes, ignore_index), "sum", 1.0,
                   np.float64, None)


@cuda.jit
def _first_bad(t, n_classes, ignore_index, first):
    for p in range(cuda.grid(1), t.size, cuda.gridsize(1)):
        c = t[p]
        if c != ignore_index and not 0 <= c < n_classes:
            cuda.atomic.min(first, 0, p)


_checked = {}  # id(target array) -> (weak reference to it, (n_classes, ignore_index) it was checked for)


def checked(target):
    """The (n_classes, ignore_index) the target array ``target`` was found valid for, or None."""
    entry = _checked.get(id(target))
    return entry[1] if entry is not None and entry[0]() is target else None


def class_arrays(n_classes, weight, target, dtype):
    """The class weights in ``dtype`` (empty for none: the kernels read 1) and the targets, flat."""
    return (empty(0, dtype) if weight is None else weight.reshape(-1)), target.reshape(-1)


def check_targets(target, n_classes, ignore_index):
    """Raise the CPU's IndexError for the first target outside [0, C) that is not ``ignore_index``."""
    if target.size == 0 or checked(target) == (n_classes, ignore_index):
        return
    t = target.reshape(-1)
    first = cuda.to_device(np.array([t.size], np.int64))
    launch(_first_bad, t.size, False, t, n_classes, ignore_index, first)
    p = int(first.copy_to_host()[0])
    if p < t.size:
        raise IndexError(f"Target {int(t[p:p + 1].copy_to_host()[0])} is out of bounds.")
    key = id(target)
    _checked[key] = (weakref.ref(target, lambda _: _checked.pop(key, None)), (n_classes, ignore_index))


def plan(x, target, weight, reduction, ignore_index):
    """What nll_loss and cross_entropy with class targets share on the host: (dtype, the (N, C, S)
    view, flat targets, weights (empty for none), the normaliser W (a placeholder unless 'mean'),
    whether the row layout applies, the per-position loss buffer)."""
    n, n_classes, spatial = layout(x.shape)
    dt = x.dtype
    check_targets(target, n_classes, ignore_index)
    w, t = class_arrays(n_classes, weight, target, dt)
    mean = reduction == "mean"
    W = target_weight_sum(t, w, dt.type(1), n_classes, ignore_index) if mean else empty((), np.float64)
    return dt, (n, n_classes, spatial), t, w, W, spatial == 1, empty(t.size, dt)


@cuda.jit
def _kernel(x, t, w, one, ignore_index, W, mean, coop, out, g, partial):
    scratch = cuda.shared.array(SCRATCH, float64)
    _, C, S = x.shape
    sc = 1.0 / W[()] if mean else 1.0
    has_grad = g.size > 0
    acc = 0.0
    first, step = units(coop)
    lo, stride = lanes(coop)
    for u in range(first, t.size, step):
        n, s = u // S, u % S
        c = t[u]
        ignored = c == ignore_index
        valid = not ignored and 0 <= c < C
        loss = -class_weight(w, c, one) * x[n, c, s] if valid else (one - one if ignored else math.nan)
        acc = record(acc, loss, out, u, coop)
        if has_grad:
            gc = -class_weight(w, c, one) * sc if valid else (0.0 if ignored else math.nan)
            for k in range(lo, C, stride):
                g[n, k, s] = gc if k == c or not (valid or ignored) else 0.0
    write_partial(acc, partial, scratch)


def forward(x, target, weight=None, *, need_grad, ignore_index=-100, reduction="mean"):
    """(loss, dL/dx or None, None[, None]) for log-probabilities ``x`` and int64/uint8 class targets."""
    half = compute_dtype(x.dtype) != x.dtype
    x, weight = widened((x, weight))
    dt, view, t, w, W, coop, out = plan(x, target, weight, reduction, ignore_index)
    g = buffer(view, dt, need_grad[0])
    args = (x.reshape(view), t, w, dt.type(1), ignore_index, W, reduction == "mean", coop, out, g)
    loss = reduced(_kernel, t.size, coop, args, reduction, 1.0, dt,
                   out.reshape(loss_shape(x.shape)), W, 1)
    results = (loss, g.reshape(x.shape) if need_grad[0] else None)
    return (narrowed(results) if half else results) + (None,) * (len(need_grad) - 1)
