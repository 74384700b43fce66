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
Every layout gathers x[n, t_p, s] per position (reading no other element of x). The gradient is
dense, as torch's (N·C·S stores, the loss's main memory traffic): numpy's fill zeroes it (memset's
streaming stores skip reading each line before writing it: 1.5 ms against 2.9 ms for a kernel writing
every element, 8192x1000 float32; 16x21x128x128: fill and gather 3.9 ms against 6.0 ms for a
kernel reading every x and writing every gradient element class by class), then the kernel writes
the targets' entries. It is allocated at the input's shape and returned as is (no reshaped view for
the engine to keep or copy). The work is bound by that fill: torch zeroes its gradient too.
Sums accumulate in float64; Numba has no float16 arithmetic, so float16 runs in float32.
"""
import functools

import numpy as np

from ..jit import njit
from ..shared.shape import compute_dtype, layout, loss_shape  # noqa: F401 - cross_entropy imports them here
from ._host import result, scale
from ._parallel import pieces, split
from ._twins import run, run_sum

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


def _target_weight_sum_numpy(t, w, ignore_index):
    """``_target_weight_sum``'s numpy twin (kernels/cpu/_twins.py): the same float64 sum, in order."""
    kept = t != ignore_index
    bad = np.flatnonzero(kept & ((t < 0) | (t >= w.shape[0])))
    end = bad[0] if bad.size else t.shape[0]
    used = w[t[:end][kept[:end]]]
    return (int(bad[0]) if bad.size else -1), (float(np.cumsum(used, dtype=np.float64)[-1]) if used.size else 0.0)


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
    bad, total = run(_target_weight_sum, _target_weight_sum_numpy, True, t, w, ignore_index)
    if bad >= 0:
        raise IndexError(f"Target {t[bad]} is out of bounds.")
    return total


@split(error_model="numpy")
def _nll(p0, p1, partial, x, t, w, g, out, ignore_index, sc):
    """Positions of pieces p0 to p1 (flat, sample-major) of the (N, C, S) input: ℓ_p into ``out`` by
    gathering x[n, t_p, s], and -w[t_p]·sc into the pre-zeroed ``g`` (unless its last dim is empty); Σ ℓ_p
    per piece into ``partial``. ``t``/``out`` are flat."""
    spatial = x.shape[2]
    has_grad = g.shape[2] > 0
    positions = t.shape[0]
    n_pieces = partial.size
    for piece in range(p0, p1):
        lo, hi = piece * positions // n_pieces, (piece + 1) * positions // n_pieces
        part = 0.0
        for n in range(lo // spatial if hi > lo else 0, (hi + spatial - 1) // spatial if hi > lo else 0):
            s0, s1 = max(lo - n * spatial, 0), min(hi - n * spatial, spatial)  # this sample's positions
            base = n * spatial
            xn, gn, tn, on = x[n], g[n], t[base + s0:base + s1], out[base + s0:base + s1]
            for j in range(s1 - s0):
                c = tn[j]
                loss = 0.0
                if c != ignore_index:
                    loss = -w[c] * xn[c, s0 + j]
                    if has_grad:
                        gn[c, s0 + j] = -w[c] * sc
                on[j] = loss
                part += loss
        partial[piece] = part


def _nll_numpy(work, n_pieces, partial, x, t, w, g, out, ignore_index, sc):
    """``_nll``'s numpy twin for (N, C) inputs (kernels/cpu/_twins.py): ℓ = −w[t]·x[n, t] in the
    data's dtype, widened; each piece's partial sum in float64, in order."""
    rows = np.flatnonzero(t != ignore_index)
    c = t[rows]
    loss = np.zeros(t.shape[0])
    loss[rows] = -w[c] * x[rows, c, 0]
    if g.shape[2]:
        g[rows, c, 0] = -w[c].astype(np.float64) * sc
    out[...] = loss
    for piece in range(n_pieces):
        lo, hi = piece * t.shape[0] // n_pieces, (piece + 1) * t.shape[0] // n_pieces
        partial[piece] = np.cumsum(loss[lo:hi])[-1] if hi > lo else 0.0


def forward(x, target, weight=None, *, need_grad, ignore_index=-100, reduction="mean"):
    """(loss, dL/dx or None, None[, None]) for log-probabilities ``x`` and int64/uint8 class targets."""
    n, n_classes, spatial = layout(x.shape)
    dtype = compute_dtype(x.dtype)
    w, t = class_arrays(n_classes, weight, target, dtype)
    s = scale(reduction, target_weight_sum(t, w, ignore_index))
    out = np.empty(t.shape[0], dtype)
    xc = np.ascontiguousarray(x, dtype).reshape(n, n_classes, spatial)
    # at x's shape, returned as is (see the module docstring); numpy's fill zeroes it
    g = np.empty(x.shape if need_grad[0] else (n, n_classes, 0), dtype)
    g.fill(0)
    total = run_sum(_nll, _nll_numpy, spatial == 1, x.size, pieces(t.shape[0], x.size), xc, t, w,
                    g.reshape(n, n_classes, spatial if need_grad[0] else 0), out, ignore_index, s)
    loss = result(reduction, total, s, out.reshape(loss_shape(x.shape)), x.dtype).astype(x.dtype, copy=False)
    grad = g.astype(x.dtype, copy=False) if need_grad[0] else None
    return (loss, grad) + (None,) * (len(need_grad) - 1)
