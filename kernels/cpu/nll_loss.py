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
(N, C) inputs gather x[n, t_n]; (N, C, S) inputs run in blocks of BLOCK positions, class by class,
so the reads and writes stream through contiguous s instead of hopping between the C planes. The
gradient is dense, as torch's (N·C·S stores, the loss's main memory traffic). (N, C): numpy's fill
zeroes it (memset's streaming stores skip reading each line before writing it: 1.5 ms against 2.9 ms
for a kernel writing every element, 8192x1000 float32), then the kernel writes the N targets;
(N, C, S): the block kernel writes every element, class by class. It is allocated at the input's
shape and returned as is (no reshaped view for the engine to keep or copy).
Sums accumulate in float64; Numba has no float16 arithmetic, so float16 runs in float32.
"""
import functools

import numpy as np

from ..jit import njit
from ..shared.shape import compute_dtype, layout, loss_shape  # noqa: F401 - cross_entropy imports them here
from ._host import result, scale
from ._parallel import pieces, split

BLOCK = 512  # positions per block of the (N, C, S) kernels: C·BLOCK elements stay in cache


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


@split(error_model="numpy")
def _nll_rows(p0, p1, partial, x, t, w, g, out, ignore_index, sc):
    """(N, C) input: ℓ_p into ``out`` by gathering x[p, t_p], and -w[t_p]·sc into the pre-zeroed ``g``
    (when non-empty); Σ ℓ_p per piece into ``partial``."""
    has_grad = g.shape[0] > 0
    rows = x.shape[0]
    n_pieces = partial.size
    for piece in range(p0, p1):
        part = 0.0
        for p in range(piece * rows // n_pieces, (piece + 1) * rows // n_pieces):
            c = t[p]
            loss = 0.0
            if c != ignore_index:
                loss = -w[c] * x[p, c]
                if has_grad:
                    g[p, c] = -w[c] * sc
            out[p] = loss
            part += loss
        partial[piece] = part


@split(error_model="numpy")
def _nll_blocks(p0, p1, partial, x, t, w, g, out, ignore_index, sc):
    """(N, C, S) input in blocks of BLOCK positions of one sample, class by class over contiguous s
    instead of gathering across the C planes; every element of ``g`` (when non-empty) is written.
    ``t``/``out`` are (N, S)."""
    n_samples, n_classes, spatial = x.shape
    has_grad = g.shape[0] > 0
    per_sample = (spatial + BLOCK - 1) // BLOCK
    n_blocks = n_samples * per_sample
    n_pieces = partial.size
    for piece in range(p0, p1):
        loss, hit_class = np.empty(BLOCK, x.dtype), np.empty(BLOCK, np.int64)
        part = 0.0
        for b in range(piece * n_blocks // n_pieces, (piece + 1) * n_blocks // n_pieces):
            n, s0 = b // per_sample, (b % per_sample) * BLOCK
            width = min(BLOCK, spatial - s0)
            tn = t[n, s0:s0 + width]
            for j in range(width):
                hit_class[j] = -1 if tn[j] == ignore_index else tn[j]
                loss[j] = 0
            for c in range(n_classes):
                xs, wc = x[n, c, s0:s0 + width], w[c]
                for j in range(width):
                    loss[j] = -wc * xs[j] if hit_class[j] == c else loss[j]
                if has_grad:
                    gs, gc = g[n, c, s0:s0 + width], x.dtype.type(-wc * sc)
                    for j in range(width):
                        gs[j] = gc if hit_class[j] == c else 0
            on = out[n, s0:s0 + width]
            for j in range(width):
                on[j] = loss[j]
                part += loss[j]
        partial[piece] = part


def forward(x, target, weight=None, *, need_grad, ignore_index=-100, reduction="mean"):
    """(loss, dL/dx or None, None[, None]) for log-probabilities ``x`` and int64/uint8 class targets."""
    n, n_classes, spatial = layout(x.shape)
    dtype = compute_dtype(x.dtype)
    w, t = class_arrays(n_classes, weight, target, dtype)
    s = scale(reduction, target_weight_sum(t, w, ignore_index))
    out = np.empty(t.shape[0], dtype)
    xc = np.ascontiguousarray(x, dtype)
    # at x's shape, returned as is (see the module docstring)
    g = np.empty(x.shape if need_grad[0] else (0,), dtype)
    if spatial == 1:
        g.fill(0)
        total = _nll_rows.sum(x.size, pieces(n, x.size), xc.reshape(n, n_classes), t, w,
                              g.reshape(n if need_grad[0] else 0, n_classes), out, ignore_index, s)
    else:
        units = n * ((spatial + BLOCK - 1) // BLOCK)
        total = _nll_blocks.sum(x.size, pieces(units, x.size), xc.reshape(n, n_classes, spatial), t.reshape(n, spatial),
                                w, g.reshape((n if need_grad[0] else 0, n_classes, spatial)), out.reshape(n, spatial),
                                ignore_index, s)
    loss = result(reduction, total, s, out.reshape(loss_shape(x.shape)), x.dtype).astype(x.dtype, copy=False)
    grad = g.astype(x.dtype, copy=False) if need_grad[0] else None
    return (loss, grad) + (None,) * (len(need_grad) - 1)
