"""Embedding lookups and their gradients (Numba), for ``embedding`` and ``embedding_bag``.

    embedding:      out[i] = W[idx[i]]
                    dW[v] = Σ_{i: idx[i] = v, v ≠ padding_idx} g[i] · s_v,   s_v = 1/count(v) with
                    scale_grad_by_freq, else 1
    embedding_bag:  bag b holds positions [start_b, end_b) of idx; with per-sample weights a_i (sum only)
                    sum:  out[b] = Σ_i a_i W[idx[i]]      mean: Σ_i W[idx[i]] / n_b      max: max_i W[idx[i]]
                    (positions at padding_idx are skipped and not counted; an empty bag gives 0)
                    dW[idx[i]] += a_i g[b] (sum), g[b]/n_b (mean), g[b] at the argmax (max)

The gradient kernels split the vocabulary over threads: each thread scans every index and adds only
the rows of its own range, so each row's sum runs in index order on any thread count. Indices are
validated by the caller (``minigrad.ops.embedding``): these kernels do no bounds checks.
"""
import numpy as np

from ._parallel import split


@split
def _scatter_rows(lo, hi, g, rows, idx, scale, grad, padding_idx):
    """grad[idx[i]] += g[rows[i]]·scale[i] over the positions i in order, where idx[i] is in [lo, hi)
    and not padding_idx and rows[i] ≥ 0."""
    D = grad.shape[1]
    for i in range(idx.size):
        v, r = idx[i], rows[i]
        if lo <= v < hi and v != padding_idx and r >= 0:
            s = scale[i]
            for d in range(D):
                grad[v, d] += g[r, d] * s


def embedding_forward(weight, indices):
    return np.take(weight, indices, axis=0)


def embedding_backward(g, indices, num_weights, padding_idx, scale_grad_by_freq):
    """dW (num_weights, D) for the flat ``indices`` and ``g`` (len(indices), D)."""
    idx = np.ascontiguousarray(indices, np.int64).reshape(-1)
    g = np.ascontiguousarray(g).reshape(idx.size, g.shape[-1])
    if scale_grad_by_freq:
        scale = (1.0 / np.bincount(idx, minlength=num_weights)[idx]).astype(g.dtype)
    else:
        scale = np.ones(idx.size, g.dtype)
    return _scattered(g, np.arange(idx.size), idx, scale, num_weights, padding_idx)


def _scattered(g, rows, idx, scale, num_weights, padding_idx):
    """dW (num_weights, D) of ``_scatter_rows``."""
    # np.zeros maps fresh zero pages: only the rows the indices name are written (and faulted in) here
    grad = np.zeros((num_weights, g.shape[1]), g.dtype)
    _scatter_rows(grad.size + idx.size, num_weights, g, rows, idx, scale, grad, padding_idx)
    return grad


def embedding_renorm_(weight, indices, max_norm, norm_type):
    """Scale in place each row of ``weight`` that ``indices`` names and whose p-norm exceeds
    ``max_norm`` to norm max_norm (by max_norm / (norm + 1e-7), as torch)."""
    rows = np.unique(indices)
    w = weight[rows].astype(np.float64)
    norms = np.linalg.norm(w, ord=norm_type, axis=1)
    big = norms > max_norm
    weight[rows[big]] = (w[big] * (max_norm / (norms[big] + 1e-7))[:, None]).astype(weight.dtype)


@split
def _bag_forward(lo, hi, weight, idx, starts, ends, a, out, arg, mode, padding_idx):
    D = weight.shape[1]
    for b in range(lo, hi):
        for d in range(D):
            out[b, d] = 0
            arg[b, d] = -1
        n = 0
        for i in range(starts[b], ends[b]):
            v = idx[i]
            if v == padding_idx:
                continue
            n += 1
            for d in range(D):
                w = weight[v, d]
                if mode == 2:
                    if arg[b, d] < 0 or w > out[b, d]:
                        out[b, d] = w
                        arg[b, d] = v
                else:
                    out[b, d] += w * a[i]
        if mode == 1 and n > 0:
            for d in range(D):
                out[b, d] /= n


@split
def _bag_max_backward(lo, hi, g, arg, grad):
    """grad[arg[b, d], d] += g[b, d] where arg[b, d] is in [lo, hi), in bag order."""
    for b in range(arg.shape[0]):
        for d in range(grad.shape[1]):
            v = arg[b, d]
            if lo <= v < hi:
                grad[v, d] += g[b, d]


_MODES = {"sum": 0, "mean": 1, "max": 2}


def _positions(indices, per_sample_weights, dtype):
    """The flat int64 indices and each position's weight a_i (1 without per-sample weights)."""
    idx = np.ascontiguousarray(indices, np.int64)
    return idx, np.ones(idx.size, dtype) if per_sample_weights is None else np.ascontiguousarray(per_sample_weights)


def embedding_bag_forward(weight, indices, starts, ends, per_sample_weights, mode, padding_idx):
    """(out (B, D), argmax (B, D) int64, for max; else empty) over the bags [starts[b], ends[b])."""
    idx, a = _positions(indices, per_sample_weights, weight.dtype)
    B = starts.size
    out = np.empty((B, weight.shape[1]), weight.dtype)
    arg = np.empty((B, weight.shape[1]), np.int64)
    _bag_forward(out.size + idx.size, B, weight, idx, starts, ends, a, out, arg, _MODES[mode], padding_idx)
    return out, arg


def embedding_bag_backward(g, indices, starts, ends, per_sample_weights, arg, num_weights, mode, padding_idx):
    """dW (num_weights, D) of ``embedding_bag_forward``."""
    g = np.ascontiguousarray(g)
    if mode == "max":
        grad = np.zeros((num_weights, g.shape[1]), g.dtype)
        _bag_max_backward(grad.size, num_weights, g, arg, grad)
        return grad
    idx, a = _positions(indices, per_sample_weights, g.dtype)
    bag_of = _bag_of(idx.size, starts, ends)
    scale = a.astype(np.float64)  # a_i (sum) or a_i / n_b (mean) in float64: g[b]·scale is formed in float64
    if mode == "mean":
        counts = np.bincount(bag_of[(bag_of >= 0) & (idx != padding_idx)], minlength=starts.size)
        scale /= np.maximum(counts, 1)[np.maximum(bag_of, 0)]  # (a bag with no counted position adds nothing)
    return _scattered(g, bag_of, idx, scale, num_weights, padding_idx)


def embedding_bag_per_sample_weights_backward(g, weight, indices, starts, ends, padding_idx):
    """d/da_i of the 'sum' bag: g[b] · W[idx[i]] (0 at padding_idx)."""
    idx = np.ascontiguousarray(indices, np.int64)
    bag_of = _bag_of(idx.size, starts, ends)
    out = np.einsum("id,id->i", g[bag_of], weight[idx])
    out[(idx == padding_idx) | (bag_of < 0)] = 0
    return out


def _bag_of(n, starts, ends):
    """The bag of each of the n positions (-1 outside every bag); bags are consecutive ranges."""
    bag_of = np.full(n, -1, np.int64)
    if starts.size:
        bag_of[starts[0]:ends[-1]] = np.repeat(np.arange(starts.size), ends - starts)
    return bag_of
