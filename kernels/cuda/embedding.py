"""Embedding lookups and their gradients on device arrays, the CUDA twin of
``kernels/cpu/embedding.py`` for ``embedding`` (same functions, arguments and results).

The forward gathers rows, one thread per output element. The weight gradient is a gather too,
deterministic and free of atomics: the op has validated the indices on the host, so their stable
sort into segments of equal index is made there, and one thread per (row, d) of a segment sums
its g rows in index order (the CPU scatter's order), each times 1/count with scale_grad_by_freq.
``embedding_bag`` has no CUDA kernels yet (NotImplementedError).
"""
import math

import numpy as np

from ._host import empty
from ._launch import cuda, launch
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


def embedding_bag_forward(*args):
    raise NotImplementedError("embedding_bag has no CUDA kernel in minigrad yet; run it on the CPU (tensor.cpu())")


embedding_bag_backward = embedding_bag_per_sample_weights_backward = embedding_bag_forward
