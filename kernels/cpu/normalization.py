"""Normalisation kernels: batch norm over (N, C, L) and row norm (layer, group and instance norm).

**Batch norm** (statistics per channel c over the M = N·L values x[n, c, l]):

    mean_c = Σ x / M        var_c = Σ (x − mean_c)² / M        invstd_c = 1 / √(var_c + eps)
    y = (x − mean_c) · invstd_c · w_c + b_c

(eval mode: the running mean and variance instead). Backward, with x̂ = (x − mean)·invstd and the two
sums Σg and Σg·x̂ taken in one pass over the channel:

    dw_c = Σ g·x̂        db_c = Σ g
    dx = w_c·invstd_c · (g − Σg/M − x̂·Σg·x̂/M)      (training)        dx = w_c·invstd_c · g   (eval)

**Row norm**: x seen as (R, K) rows, statistics per row over its K values, the same algebra with M = K:

    dx = rstd_r · (ĝ − Σĝ/K − x̂·Σĝ·x̂/K),   ĝ = g·w

The affine parameters are (G, Cg) with row r in group r % G and element k in column k // L, which
covers layer_norm (G = 1, Cg = K, L = 1: one weight per element), group_norm (rows (n, g), Cg
channels of L values each) and instance_norm (G = C, Cg = 1). Their gradients are summed per piece
of rows (fixed by the shape) in the backward pass itself and the pieces added in order.

Statistics and sums accumulate in float64, in one pass: Σd and Σd² of d = x − x₀ (x₀ the first
value: the shift keeps Σd²/n − (Σd/n)² free of cancellation when the mean dwarfs the spread); the
mean and the inverse standard deviation are kept in float64 for backward. The elementwise passes
then run in the data's dtype, y = x·a + c with a, c per row/channel (as torch's kernels compute).
Batch norm splits channels over threads, row norm rows.
"""
import numpy as np

from ..jit import njit
from ._parallel import pieces, split


@njit(inline="always")
def _shifted_sums(v, x0, s, q):
    """(s + Σ(v − x0), q + Σ(v − x0)²) over the 1-D ``v``, in float64."""
    for k in range(v.size):
        d = np.float64(v[k] - x0)
        s += d
        q += d * d
    return s, q


@njit(inline="always")
def _stats(s, q, n, eps, x0):
    """(mean, 1/√(var + eps)) from the shifted sums of n values."""
    m = s / n
    return x0 + m, 1.0 / np.sqrt(max(q / n - m * m, 0.0) + eps)


@split
def _batch_norm_forward(lo, hi, x, w, b, mean, invstd, out, eps, training):
    N, _, L = x.shape
    ac = np.empty(2, x.dtype)  # a, c in the data's dtype
    for c in range(lo, hi):
        if training:
            x0 = x[0, c, 0] if L else x.dtype.type(0)
            s, q = 0.0, 0.0
            for n in range(N):
                s, q = _shifted_sums(x[n, c], x0, s, q)
            mean[c], invstd[c] = _stats(s, q, N * L, eps, x0)
        ac[0] = w[c] * invstd[c]
        ac[1] = b[c] - mean[c] * w[c] * invstd[c]
        a, sh = ac[0], ac[1]
        for n in range(N):
            xr, orow = x[n, c], out[n, c]
            for i in range(L):
                orow[i] = xr[i] * a + sh


@split
def _batch_norm_backward(lo, hi, g, x, w, mean, invstd, gx, dw, db, training, need_x):
    N, _, L = x.shape
    M = N * L
    for c in range(lo, hi):
        mu, r = mean[c], invstd[c]
        sg = 0.0
        sgx = 0.0
        for n in range(N):
            for i in range(L):
                gi = g[n, c, i]
                sg += gi
                sgx += gi * (x[n, c, i] - mu)
        dw[c] = sgx * r
        db[c] = sg
        if need_x:
            scale = w[c] * r
            if training:
                a = sg / M
                k = sgx * r * r / M
                for n in range(N):
                    for i in range(L):
                        gx[n, c, i] = scale * (g[n, c, i] - a - (x[n, c, i] - mu) * k)
            else:
                for n in range(N):
                    for i in range(L):
                        gx[n, c, i] = scale * g[n, c, i]


def batch_norm_forward(x, weight, bias, mean, invstd, training, eps):
    """y for x (N, C, L). ``training``: fills ``mean``/``invstd`` (float64, (C,)) with the batch's
    statistics; else reads them (from the running statistics). Returns y."""
    x = np.ascontiguousarray(x)
    out = np.empty_like(x)
    _batch_norm_forward(x.size, x.shape[1], x, weight, bias, mean, invstd, out, eps, training)
    return out


def batch_norm_backward(g, x, weight, mean, invstd, training, need_x):
    """(dx or None, dw, db) for x (N, C, L); dw and db in float64, (C,)."""
    g, x = np.ascontiguousarray(g), np.ascontiguousarray(x)
    C = x.shape[1]
    gx = np.empty_like(x) if need_x else np.empty((0, C, 0), x.dtype)
    dw, db = np.empty(C), np.empty(C)
    _batch_norm_backward(x.size, C, g, x, weight, mean, invstd, gx, dw, db, training, need_x)
    return (gx if need_x else None), dw, db


@split
def _row_norm_forward(lo, hi, x, w, b, L, mean, rstd, out, eps):
    R, K = x.shape
    G, Cg = w.shape
    ac = np.empty(2, x.dtype)
    for r in range(lo, hi):  # 2-D indexing: 15% quicker than per-row views on rows of 64
        x0 = x[r, 0] if K else x.dtype.type(0)
        s, q = 0.0, 0.0
        for k in range(K):
            d = np.float64(x[r, k] - x0)
            s += d
            q += d * d
        mu, rs = _stats(s, q, K, eps, x0)
        mean[r], rstd[r] = mu, rs
        grp = r % G
        if L == 1:
            ac[0], ac[1] = rs, -mu * rs
            a, sh = ac[0], ac[1]
            for k in range(K):
                out[r, k] = (x[r, k] * a + sh) * w[grp, k] + b[grp, k]
        else:
            for c in range(Cg):
                ac[0], ac[1] = w[grp, c] * rs, b[grp, c] - mu * rs * w[grp, c]
                scale, shift = ac[0], ac[1]
                for i in range(c * L, (c + 1) * L):
                    out[r, i] = x[r, i] * scale + shift


@split
def _row_norm_backward(lo, hi, g, x, w, L, mean, rstd, gx, dw, db):
    R, K = x.shape
    G, Cg = w.shape
    n_pieces = dw.shape[0]
    ac = np.empty(3, x.dtype)
    for piece in range(lo, hi):
        for r in range(piece * R // n_pieces, (piece + 1) * R // n_pieces):
            mu, rs = mean[r], rstd[r]
            grp = r % G
            s1 = 0.0
            s2 = 0.0
            if L == 1:  # one weight per element (layer_norm): flat loops that vectorise
                for k in range(K):
                    gi = g[r, k]
                    d = np.float64(x[r, k]) - mu
                    gw = gi * w[grp, k]
                    s1 += gw
                    s2 += gw * d
                    dw[piece, grp, k] += gi * d * rs
                    db[piece, grp, k] += gi
                # dx = rs·ĝ + x·c1 + c0 (torch's form), c1 = −rs³·Σĝ(x−μ)/K, c0 = −rs·Σĝ/K − μ·c1
                c1 = -rs * rs * rs * s2 / K
                ac[0], ac[1], ac[2] = rs, c1, -rs * s1 / K - mu * c1
                a, b1, b0 = ac[0], ac[1], ac[2]
                for k in range(K):
                    gx[r, k] = g[r, k] * w[grp, k] * a + x[r, k] * b1 + b0
                continue
            for c in range(Cg):
                a = 0.0
                ax = 0.0
                for i in range(c * L, (c + 1) * L):
                    gi = g[r, i]
                    a += gi
                    ax += gi * (x[r, i] - mu)
                ax *= rs
                db[piece, grp, c] += a
                dw[piece, grp, c] += ax
                s1 += a * w[grp, c]
                s2 += ax * w[grp, c]
            s1 /= K
            s2 /= K
            for c in range(Cg):
                wc = w[grp, c]
                for i in range(c * L, (c + 1) * L):
                    gx[r, i] = rs * (g[r, i] * wc - s1 - (x[r, i] - mu) * rs * s2)


def row_norm_forward(x, weight, bias, L, eps):
    """y, mean, rstd for x (R, K) and affine (G, Cg) parameters with Cg·L = K (module docstring)."""
    x = np.ascontiguousarray(x)
    R = x.shape[0]
    out, mean, rstd = np.empty_like(x), np.empty(R), np.empty(R)
    _row_norm_forward(x.size, R, x, weight, bias, L, mean, rstd, out, eps)
    return out, mean, rstd


def row_norm_backward(g, x, weight, L, mean, rstd):
    """(dx, dw, db) for ``row_norm_forward``; dw and db (G, Cg) in float64."""
    g, x = np.ascontiguousarray(g), np.ascontiguousarray(x)
    R = x.shape[0]
    n = pieces(R, x.size)
    gx = np.empty_like(x)
    dw, db = np.zeros((n,) + weight.shape), np.zeros((n,) + weight.shape)
    _row_norm_backward(x.size, n, g, x, weight, L, mean, rstd, gx, dw, db)
    return gx, _ordered(dw), _ordered(db)


def _ordered(partial):
    """Σ over the first axis in index order (the same on any thread count)."""
    total = partial[0].copy()
    for p in partial[1:]:
        total += p
    return total


def update_running_stats(running_mean, running_var, mean, invstd, eps, momentum, unbiased):
    """r ← (1 − m)·r + m·s in place, s the batch mean and the unbiased variance (var·``unbiased``,
    var = 1/invstd² − eps); ``mean``/``invstd`` of (rows, C) instances are averaged over the rows."""
    C = running_mean.size
    mean = mean.reshape(-1, C)
    var = (1.0 / (invstd * invstd) - eps).reshape(-1, C) * unbiased
    running_mean *= 1 - momentum
    running_mean += (momentum * mean.mean(axis=0)).astype(running_mean.dtype)
    running_var *= 1 - momentum
    running_var += (momentum * var.mean(axis=0)).astype(running_var.dtype)


def eval_stats(running_mean, running_var, eps):
    """(mean, invstd) in float64 from the running statistics."""
    return running_mean.astype(np.float64), 1.0 / np.sqrt(running_var.astype(np.float64) + eps)


def ones(shape, dtype):
    return np.ones(shape, dtype)


def zeros(shape, dtype):
    return np.zeros(shape, dtype)


def empty(shape):
    """A float64 statistics buffer."""
    return np.empty(shape)
