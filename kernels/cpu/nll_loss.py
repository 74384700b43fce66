"""nll_loss over log-probabilities, and what the class-target losses share (layout, target check).

Layout: the input is viewed as x[n, c, s] of shape (N, C, S): a 1-D input (C,) is one position,
(N, C) has S = 1, (N, C, d1..dk) has S = d1···dk. A position p = (n, s) has target t_p; the
class weights are w (all 1 when none is given):

    ℓ_p = -w[t_p] · x[n, t_p, s]                      (0 where t_p == ignore_index)
    'mean': L = Σ_p ℓ_p / W,   W = Σ_{p not ignored} w[t_p]   (0·inf = NaN when every target is ignored)
    'sum':  L = Σ_p ℓ_p;       'none': ℓ, shaped like the target

    dL/dx[n, c, s] = -w[t_p] / W · [c == t_p]         ('sum'/'none': no / W; 0 at ignored positions)

With W = 0 the factor is w[t_p] · (1/W) = 0 · inf = NaN at non-ignored targets, as in torch.
``target_weight_sum`` range-checks the targets (and yields W) before any kernel indexes with them.
Sums accumulate in float64; Numba has no float16 arithmetic, so float16 runs in float32.
"""
import functools
import math

import numba
import numpy as np

from ..jit import njit, prange
from ._host import result, scale
from ._parallel import PARALLEL_MIN, twin

_CHUNKS_PER_THREAD = 4


def layout(shape):
    """(N, C, S) of an input shaped (C,), (N, C) or (N, C, d1, ..., dk)."""
    if len(shape) == 1:
        return 1, shape[0], 1
    return shape[0], shape[1], math.prod(shape[2:])


def compute_dtype(dtype):
    """The dtype the kernels run in: float16 as float32, the others as they are."""
    return np.dtype(np.float32) if dtype == np.float16 else dtype


def chunks(units, work):
    """Pieces to split ``units`` independent units into: 1 where ``twin`` runs the serial compile."""
    if work < PARALLEL_MIN:
        return 1
    return max(1, min(units, numba.get_num_threads() * _CHUNKS_PER_THREAD))


def loss_shape(shape):
    """The unreduced loss's shape: the input's without the class dim (a 1-D input gives a 0-d loss)."""
    return shape[:1] + shape[2:] if len(shape) > 1 else ()


@njit
def _target_weight_sum(t, w, ignore_index):
    """(flat position of the first target outside [0, C) that is not ``ignore_index``, or -1; W)."""
    n_classes = w.shape[0]
    total = 0.0
    for p in range(t.shape[0]):
        c = t[p]
        if c == ignore_index:
            continue
        if c < 0 or c >= n_classes:
            return p, total
        total += w[c]
    return -1, total


@functools.lru_cache(maxsize=64)
def ones(n_classes, dtype):
    """The weights of an unweighted loss (shared; the kernels only read them)."""
    return np.ones(n_classes, dtype)


def class_arrays(n_classes, weight, target, dtype):
    """The class weights (ones when None) in ``dtype`` and the targets as int64, flat and contiguous."""
    w = ones(n_classes, dtype) if weight is None else np.ascontiguousarray(weight, dtype).reshape(-1)
    return w, np.ascontiguousarray(target, np.int64).reshape(-1)


def target_weight_sum(t, w, ignore_index):
    """W = Σ w[t_p] over the non-ignored flat int64 targets; IndexError as torch for one out of range."""
    bad, total = _target_weight_sum(t, w, ignore_index)
    if bad >= 0:
        raise IndexError(f"Target {t[bad]} is out of bounds.")
    return total


@twin(error_model="numpy")
def _nll(x, t, w, g, out, n_chunks, n_classes, spatial, ignore_index, sc):
    """ℓ_p into ``out`` and -w[t_p]·sc into the pre-zeroed ``g`` (when non-empty); returns Σ ℓ_p.
    ``x``/``g`` are flat (N·C·S), ``t``/``out`` flat (N·S); p = n·S + s."""
    has_grad = g.shape[0] > 0
    positions = t.shape[0]
    partial = np.zeros(n_chunks)  # per-chunk sums (a scalar prange reduction trips Numba here)
    for chunk in prange(n_chunks):
        p0, p1 = chunk * positions // n_chunks, (chunk + 1) * positions // n_chunks
        base, s = (p0 // spatial) * n_classes * spatial, p0 % spatial  # x offset of (n, 0, 0), and s
        part = 0.0
        for p in range(p0, p1):
            c = t[p]
            loss = 0.0
            if c != ignore_index:
                at = base + c * spatial + s
                loss = -w[c] * x[at]
                if has_grad:
                    g[at] = -w[c] * sc
            out[p] = loss
            part += loss
            s += 1
            if s == spatial:
                base, s = base + n_classes * spatial, 0
        partial[chunk] = part
    return partial.sum()


def forward(x, target, weight=None, *, need_grad, ignore_index=-100, reduction="mean"):
    """(loss, dL/dx or None, None[, None]) for log-probabilities ``x`` and int64/uint8 class targets."""
    _, n_classes, spatial = layout(x.shape)
    dtype = compute_dtype(x.dtype)
    xf = np.ascontiguousarray(x, dtype).reshape(-1)
    w, t = class_arrays(n_classes, weight, target, dtype)
    s = scale(reduction, target_weight_sum(t, w, ignore_index))
    g = np.zeros(xf.shape[0] if need_grad[0] else 0, dtype)
    out = np.empty(t.shape[0], dtype)
    total = _nll(t.shape[0], xf, t, w, g, out, chunks(t.shape[0], t.shape[0]), n_classes, spatial, ignore_index, s)
    loss = result(reduction, total, s, out.reshape(loss_shape(x.shape)), x.dtype).astype(x.dtype, copy=False)
    grad = g.reshape(x.shape).astype(x.dtype, copy=False) if need_grad[0] else None
    return (loss, grad) + (None,) * (len(need_grad) - 1)
