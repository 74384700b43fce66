"""Normalisation on device arrays, the CUDA twin of ``kernels/cpu/normalization.py`` (same functions,
arguments and results; its module docstring has the math).

* batch norm: one block per channel c of x (N, C, L), its threads striding over the channel's N·L
  values; the mean, the variance and backward's Σg and Σg·x̂ are float64 block reductions
  (``_launch.block_reduce``), the last two in one pass.
* row norm: one block per row of x (R, K) for the statistics and for dx; the parameter gradients
  (G, Cg) one thread per column, summing its rows in row order (deterministic, no atomics).
"""
import math

import numpy as np
from numba import float64

from ._launch import SCRATCH, SUM, block_reduce, cuda, launch
from ._shape import full, zeros  # noqa: F401 - ``zeros`` is part of this module's API


@cuda.jit
def _batch_norm_forward(x, w, b, mean, invstd, out, eps, training):
    scratch = cuda.shared.array(SCRATCH, float64)
    N, C, L = x.shape
    M = N * L
    for c in range(cuda.blockIdx.x, C, cuda.gridDim.x):
        if training:
            s = 0.0
            for j in range(cuda.threadIdx.x, M, cuda.blockDim.x):
                s += x[j // L, c, j % L]
            mu = block_reduce(s, SUM, scratch) / M
            s = 0.0
            for j in range(cuda.threadIdx.x, M, cuda.blockDim.x):
                d = x[j // L, c, j % L] - mu
                s += d * d
            var = block_reduce(s, SUM, scratch) / M
            if cuda.threadIdx.x == 0:
                mean[c], invstd[c] = mu, 1.0 / math.sqrt(var + eps)
            cuda.syncthreads()
        scale = w[c] * invstd[c]
        shift = b[c] - mean[c] * scale
        for j in range(cuda.threadIdx.x, M, cuda.blockDim.x):
            out[j // L, c, j % L] = x[j // L, c, j % L] * scale + shift


@cuda.jit
def _batch_norm_backward(g, x, w, mean, invstd, gx, dw, db, training, need_x):
    scratch = cuda.shared.array(SCRATCH, float64)
    N, C, L = x.shape
    M = N * L
    for c in range(cuda.blockIdx.x, C, cuda.gridDim.x):
        mu, r = mean[c], invstd[c]
        sg = 0.0
        sgx = 0.0
        for j in range(cuda.threadIdx.x, M, cuda.blockDim.x):
            gi = g[j // L, c, j % L] * 1.0
            sg += gi
            sgx += gi * (x[j // L, c, j % L] - mu)
        sg = block_reduce(sg, SUM, scratch)
        sgx = block_reduce(sgx, SUM, scratch)
        if cuda.threadIdx.x == 0:
            dw[c], db[c] = sgx * r, sg
        if need_x:
            scale = w[c] * r
            a = sg / M if training else 0.0
            k = sgx * r * r / M if training else 0.0
            for j in range(cuda.threadIdx.x, M, cuda.blockDim.x):
                n, i = j // L, j % L
                gx[n, c, i] = scale * (g[n, c, i] - a - (x[n, c, i] - mu) * k)


def batch_norm_forward(x, weight, bias, mean, invstd, training, eps):
    out = cuda.device_array(x.shape, x.dtype)
    if x.size:
        launch(_batch_norm_forward, x.shape[1], True, x, weight, bias, mean, invstd, out, eps, training)
    return out


def batch_norm_backward(g, x, weight, mean, invstd, training, need_x):
    C = x.shape[1]
    gx = cuda.device_array(x.shape if need_x else (0, C, 0), x.dtype)
    dw, db = cuda.device_array(C, np.float64), cuda.device_array(C, np.float64)
    launch(_batch_norm_backward, C, True, g, x, weight, mean, invstd, gx, dw, db, training, need_x)
    return (gx if need_x else None), dw, db


@cuda.jit
def _row_norm_forward(x, w, b, L, mean, rstd, out, eps):
    scratch = cuda.shared.array(SCRATCH, float64)
    R, K = x.shape
    G = w.shape[0]
    for r in range(cuda.blockIdx.x, R, cuda.gridDim.x):
        s = 0.0
        for k in range(cuda.threadIdx.x, K, cuda.blockDim.x):
            s += x[r, k]
        mu = block_reduce(s, SUM, scratch) / K
        s = 0.0
        for k in range(cuda.threadIdx.x, K, cuda.blockDim.x):
            d = x[r, k] - mu
            s += d * d
        rs = 1.0 / math.sqrt(block_reduce(s, SUM, scratch) / K + eps)
        if cuda.threadIdx.x == 0:
            mean[r], rstd[r] = mu, rs
        grp = r % G
        for k in range(cuda.threadIdx.x, K, cuda.blockDim.x):
            out[r, k] = (x[r, k] - mu) * rs * w[grp, k // L] + b[grp, k // L]


@cuda.jit
def _row_norm_backward(g, x, w, L, mean, rstd, gx):
    scratch = cuda.shared.array(SCRATCH, float64)
    R, K = x.shape
    G = w.shape[0]
    for r in range(cuda.blockIdx.x, R, cuda.gridDim.x):
        mu, rs = mean[r], rstd[r]
        grp = r % G
        s1 = 0.0
        s2 = 0.0
        for k in range(cuda.threadIdx.x, K, cuda.blockDim.x):
            gw = g[r, k] * w[grp, k // L] * 1.0
            s1 += gw
            s2 += gw * (x[r, k] - mu) * rs
        s1 = block_reduce(s1, SUM, scratch) / K
        s2 = block_reduce(s2, SUM, scratch) / K
        for k in range(cuda.threadIdx.x, K, cuda.blockDim.x):
            gx[r, k] = rs * (g[r, k] * w[grp, k // L] - s1 - (x[r, k] - mu) * rs * s2)


@cuda.jit
def _row_norm_param_grads(g, x, L, mean, rstd, dw, db):
    R = x.shape[0]
    G, Cg = dw.shape
    for u in range(cuda.grid(1), G * Cg, cuda.gridsize(1)):
        grp, c = u // Cg, u % Cg
        a = 0.0
        ax = 0.0
        for r in range(grp, R, G):
            for i in range(c * L, (c + 1) * L):
                gi = g[r, i] * 1.0
                a += gi
                ax += gi * (x[r, i] - mean[r]) * rstd[r]
        dw[grp, c], db[grp, c] = ax, a


def row_norm_forward(x, weight, bias, L, eps):
    R = x.shape[0]
    out = cuda.device_array(x.shape, x.dtype)
    mean, rstd = cuda.device_array(R, np.float64), cuda.device_array(R, np.float64)
    if x.size:
        launch(_row_norm_forward, R, True, x, weight, bias, L, mean, rstd, out, eps)
    return out, mean, rstd


def row_norm_backward(g, x, weight, L, mean, rstd):
    gx = cuda.device_array(x.shape, x.dtype)
    dw, db = cuda.device_array(weight.shape, np.float64), cuda.device_array(weight.shape, np.float64)
    if x.size:
        launch(_row_norm_backward, x.shape[0], True, g, x, weight, L, mean, rstd, gx)
    launch(_row_norm_param_grads, dw.size, False, g, x, L, mean, rstd, dw, db)
    return gx, dw, db


@cuda.jit
def _update_running_stats(running_mean, running_var, mean, invstd, eps, momentum, unbiased):
    C = running_mean.size
    rows = mean.size // C
    for c in range(cuda.grid(1), C, cuda.gridsize(1)):
        m = 0.0
        v = 0.0
        for r in range(rows):
            m += mean[r * C + c]
            v += (1.0 / (invstd[r * C + c] * invstd[r * C + c]) - eps) * unbiased
        running_mean[c] = running_mean[c] * (1 - momentum) + momentum * (m / rows)
        running_var[c] = running_var[c] * (1 - momentum) + momentum * (v / rows)


def update_running_stats(running_mean, running_var, mean, invstd, eps, momentum, unbiased):
    launch(_update_running_stats, running_mean.size, False, running_mean, running_var, mean, invstd, eps, momentum,
           unbiased)


@cuda.jit
def _eval_stats(running_mean, running_var, eps, mean, invstd):
    for c in range(cuda.grid(1), mean.size, cuda.gridsize(1)):
        mean[c] = running_mean[c]
        invstd[c] = 1.0 / math.sqrt(running_var[c] * 1.0 + eps)


def eval_stats(running_mean, running_var, eps):
    mean, invstd = cuda.device_array(running_mean.size, np.float64), cuda.device_array(running_mean.size, np.float64)
    launch(_eval_stats, mean.size, False, running_mean, running_var, eps, mean, invstd)
    return mean, invstd


def ones(shape, dtype):
    return full(shape, 1, dtype)


def empty(shape):
    return cuda.device_array(shape, np.float64)
