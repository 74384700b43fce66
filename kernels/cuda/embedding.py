"""Embedding lookups and their gradients on device arrays, the CUDA twin of
``kernels/cpu/embedding.py`` for ``embedding`` (same functions, arguments and results).

The forward gathers rows, one thread per output element. The weight gradient is a gather too,
deterministic and free of atomics: the op has validated the indices on the host, so their stable
sort into segments of equal index is made there, and one thread per (row, d) of a segment sums
its g rows in index order (the CPU scatter's order), each times 1/count with scale_grad_by_freq.

``embedding_bag`` the same way: one thread per (bag, d) forward; backward one thread per (row, d)
over the positions naming that row ('sum'/'mean', each scaled by a_i or 1/n_b) or over the bags
holding it, adding g[b, d] where the forward's argmax is that row ('max'); the segments come from
the indices and offsets, which the op has on the host.
"""
import math

import numpy as np

from ._host import empty
from ._launch import cast_like, cuda, launch
from ._shape import fill


@cuda.jit
def _gather_rows(weight, idx, out):
    D = weight.shape[1]
    for u in range(cuda.grid(1), out.size, cuda.gridsize(1)):
        out[u // D, u % D] = weight[idx[u // D], u % D]


@cuda.jit
def _segment_sums(g, order, rows, starts, scale, grad):
    D = grad.shape[1]
    for u in range(cuda.grid(1), rows.size * D, cuda.gridsize(1)):
        s, d = u // D, u % D
        acc = grad[rows[s], d]  # zero
        for e in range(starts[s], starts[s + 1]):
            acc += g[order[e], d] * scale[s]
        grad[rows[s], d] = acc


def embedding_forward(weight, indices):
    idx = indices.reshape(indices.size)
    out = empty((idx.size, weight.shape[1]), weight.dtype)
    if out.size:
        launch(_gather_rows, out.size, False, weight, idx, out)
    return out.reshape(tuple(indices.shape) + (weight.shape[1],))


def embedding_backward(g, indices, num_weights, padding_idx, scale_grad_by_freq):
    D = g.shape[-1]
    grad = empty((num_weights, D), g.dtype)
    fill(grad, 0)
    idx = indices.copy_to_host().reshape(-1).astype(np.int64)
    keep = np.flatnonzero(idx != padding_idx)
    order = keep[np.argsort(idx[keep], kind="stable")]
    rows, starts = np.unique(idx[order], return_index=True)
    bounds = np.append(starts, order.size)
    # as the CPU kernel: g · (1/count) in g's dtype with scale_grad_by_freq (the count over all positions)
    scale = (1.0 / np.bincount(idx)[rows] if scale_grad_by_freq else np.ones(rows.size)).astype(g.dtype)
    if rows.size and D:
        launch(_segment_sums, rows.size * D, False, g.reshape(idx.size, D), cuda.to_device(order),
               cuda.to_device(rows), cuda.to_device(bounds), cuda.to_device(scale), grad)
    return grad


@cuda.jit
def _renorm_rows(weight, rows, max_norm, p):
    for s in range(cuda.grid(1), rows.size, cuda.gridsize(1)):
        r = rows[s]
        acc = 0.0
        for d in range(weight.shape[1]):
            v = abs(weight[r, d] * 1.0)
            if math.isinf(p):
                acc = max(acc, v)
            else:
                acc += v ** p
        norm = acc if math.isinf(p) else acc ** (1.0 / p)
        if norm > max_norm:
            f = max_norm / (norm + 1e-7)
            for d in range(weight.shape[1]):
                weight[r, d] = weight[r, d] * f


def embedding_renorm_(weight, indices, max_norm, norm_type):
    rows = np.unique(indices.copy_to_host())
    if rows.size:
        launch(_renorm_rows, rows.size, False, weight, cuda.to_device(rows.astype(np.int64)), float(max_norm),
               float(norm_type))


_MODES = {"sum": 0, "mean": 1, "max": 2}


@cuda.jit
def _bag_forward(weight, idx, starts, ends, a, out, arg, mode, padding_idx, zero):
    D = weight.shape[1]
    for u in range(cuda.grid(1), out.size, cuda.gridsize(1)):
        b, d = u // D, u % D
        acc, best, n = zero, -1, 0
        for i in range(starts[b], ends[b]):
            v = idx[i]
            if v == padding_idx:
                continue
            n += 1
            w = weight[v, d]
            if mode == 2:
                if best < 0 or w > acc:
                    acc, best = w, v
            else:
                acc += w * a[i]
        out[b, d] = acc / cast_like(n, zero) if mode == 1 and n > 0 else acc
        arg[b, d] = best


@cuda.jit
def _bag_backward(g, order, rows, bounds, bag_of, scale, arg, mode, grad):
    D = grad.shape[1]
    for u in range(cuda.grid(1), rows.size * D, cuda.gridsize(1)):
        s, d = u // D, u % D
        v = rows[s]
        acc = grad[v, d]  # zero
        for e in range(bounds[s], bounds[s + 1]):
            if mode == 2:  # order holds bags
                b = order[e]
                if arg[b, d] == v:
                    acc += g[b, d]
            else:
                i = order[e]
                acc += g[bag_of[i], d] * scale[i]
        grad[v, d] = acc


@cuda.jit
def _bag_weights_backward(g, weight, idx, bag_of, padding_idx, out, zero):
    D = weight.shape[1]
    for i in range(cuda.grid(1), out.size, cuda.gridsize(1)):
        acc = zero
        b = bag_of[i]
        if idx[i] != padding_idx and b >= 0:
            for d in range(D):
                acc += g[b, d] * weight[idx[i], d]
        out[i] = acc


def _host_bags(indices, starts, ends):
    """Host copies: the flat indices and each position's bag (-1 outside every bag)."""
    from ..cpu.embedding import _bag_of
    idx, starts, ends = indices.copy_to_host(), starts.copy_to_host(), ends.copy_to_host()
    return idx, _bag_of(idx.size, starts, ends)


def embedding_bag_forward(weight, indices, starts, ends, per_sample_weights, mode, padding_idx):
    B, D = starts.size, weight.shape[1]
    out, arg = empty((B, D), weight.dtype), empty((B, D), np.int64)
    a = per_sample_weights if per_sample_weights is not None else cuda.to_device(np.ones(max(indices.size, 1),
                                                                                         weight.dtype))
    if out.size:
        launch(_bag_forward, out.size, False, weight, indices, starts, ends, a, out, arg, _MODES[mode], padding_idx,
               weight.dtype.type(0))
    return out, arg


def embedding_bag_backward(g, indices, starts, ends, per_sample_weights, arg, num_weights, mode, padding_idx):
    D = g.shape[1]
    grad = empty((num_weights, D), g.dtype)
    fill(grad, 0)
    idx, bag_of = _host_bags(indices, starts, ends)
    keep = (idx != padding_idx) & (bag_of >= 0)
    if mode == "max":  # per row, the bags holding it (each once, in bag order)
        pairs = np.unique(np.stack([idx[keep], bag_of[keep]], axis=1), axis=0).reshape(-1, 2)
        rows, first = np.unique(pairs[:, 0], return_index=True)
        order, scale = pairs[:, 1].copy(), np.zeros(1, g.dtype)
    else:  # per row, its positions in index order, each weighted a_i (sum) or 1/n_b (mean)
        order = np.flatnonzero(keep)
        order = order[np.argsort(idx[order], kind="stable")]
        rows, first = np.unique(idx[order], return_index=True)
        a = np.ones(idx.size, g.dtype) if per_sample_weights is None else per_sample_weights.copy_to_host()
        if mode == "mean":
            counts = np.bincount(bag_of[keep], minlength=starts.size)
            a = a / np.maximum(counts[bag_of], 1)
        scale = a.astype(g.dtype)
    if rows.size and D:
        launch(_bag_backward, rows.size * D, False, g, cuda.to_device(order), cuda.to_device(rows),
               cuda.to_device(np.append(first, order.size)), cuda.to_device(bag_of), cuda.to_device(scale), arg,
               _MODES[mode], grad)
    return grad


def embedding_bag_per_sample_weights_backward(g, weight, indices, starts, ends, padding_idx):
    _, bag_of = _host_bags(indices, starts, ends)
    out = empty(indices.size, g.dtype)
    if out.size:
        launch(_bag_weights_backward, out.size, False, g, weight, indices, cuda.to_device(bag_of), padding_idx, out,
               g.dtype.type(0))
    return out
