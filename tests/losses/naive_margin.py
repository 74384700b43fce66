"""Loop-based references for the margin and distance losses: plain Python over float64 numpy
arrays, written from the formulas in each kernel's derivation block (no torch, no minigrad).

Each returns the unreduced losses; ``reduce`` applies the reduction."""
import math

import numpy as np


def reduce(losses, reduction):
    losses = np.asarray(losses, dtype=np.float64)
    if reduction == "none":
        return losses
    return losses.sum() if reduction == "sum" else (losses.mean() if losses.size else math.nan)


def _clamp_min0(u):
    return u if math.isnan(u) or u > 0 else 0.0


def margin_ranking(x1, x2, y, margin):
    x1, x2, y = np.broadcast_arrays(x1, x2, y)
    out = np.empty(x1.shape)
    for i in np.ndindex(x1.shape):
        out[i] = _clamp_min0(-float(y[i]) * (float(x1[i]) - float(x2[i])) + margin)
    return out


def hinge_embedding(x, y, margin):
    x, y = np.broadcast_arrays(x, y)
    out = np.empty(x.shape)
    for i in np.ndindex(x.shape):
        v, t = float(x[i]), float(y[i])
        out[i] = (_clamp_min0(margin - v) if t != 1 else 0.0) + (v if t != -1 else 0.0)
    return out


def multilabel_margin(x, t):
    x2, t2 = np.atleast_2d(x), np.atleast_2d(t)
    out = []
    for row, labels in zip(x2, t2):
        C = len(row)
        ys = []
        for y in labels:
            if y < 0:
                break
            ys.append(int(y))
        total = 0.0
        for y in ys:
            for i in range(C):
                if i not in ys:
                    z = 1.0 - float(row[y]) + float(row[i])
                    if z > 0:
                        total += z
        out.append(total / C)
    return np.array(out) if x.ndim == 2 else np.array(out[0])


def _log_sigmoid(v):
    return min(v, 0.0) - math.log1p(math.exp(-abs(v)))


def multilabel_soft_margin(x, t, w=None):
    """Class dim last; rows are the broadcast shape's other dims."""
    w = np.ones(x.shape[-1]) if w is None else w
    x, t, w = np.broadcast_arrays(x, t, w)
    C = x.shape[-1]
    out = np.empty(x.shape[:-1])
    for r in np.ndindex(x.shape[:-1]):
        total = 0.0
        for i in range(C):
            v, y = float(x[r + (i,)]), float(t[r + (i,)])
            total += -(y * _log_sigmoid(v) + (1 - y) * _log_sigmoid(-v)) * float(w[r + (i,)])
        out[r] = total / C
    return out


def multi_margin(x, y, p=1, margin=1.0, w=None):
    x2 = np.atleast_2d(x)
    y1 = np.atleast_1d(y)
    C = x2.shape[1]
    out = []
    for row, t in zip(x2, y1):
        total = 0.0
        for i in range(C):
            z = margin - float(row[t]) + float(row[i])
            if i != t and z > 0:
                total += (z if p == 1 else z * z) * (1.0 if w is None else float(w[t]))
        out.append(total / C)
    return np.array(out).reshape(np.shape(y))


def pnorm(d, p):
    d = [abs(float(v)) for v in d]
    if p == 0:
        return float(sum(v != 0 for v in d))
    if p == math.inf:
        return max(d)
    if p == -math.inf:
        return min(d)
    with np.errstate(divide="ignore"):
        return float(sum(np.float64(v) ** p for v in d) ** (1.0 / p))


def pairwise_distance(x1, x2, p=2.0, eps=1e-6):
    x1, x2 = np.broadcast_arrays(np.atleast_1d(x1), np.atleast_1d(x2))
    out = np.empty(x1.shape[:-1])
    for r in np.ndindex(out.shape):
        out[r] = pnorm([a - b + eps for a, b in zip(x1[r], x2[r])], p)
    return out


def triplet_margin(a, pos, neg, margin=1.0, p=2.0, eps=1e-6, swap=False):
    d_ap, d_an = pairwise_distance(a, pos, p, eps), pairwise_distance(a, neg, p, eps)
    if swap:
        d_an = np.minimum(d_an, pairwise_distance(pos, neg, p, eps))
    out = np.empty(d_ap.shape)
    for r in np.ndindex(out.shape):
        out[r] = _clamp_min0(margin + d_ap[r] - d_an[r])
    return out


def cosine_embedding(x1, x2, y, margin=0.0):
    x1, x2 = np.broadcast_arrays(x1, x2)
    rows = x1.shape[:-1]
    y = np.broadcast_to(y, rows)
    out = np.empty(rows)
    for r in np.ndindex(rows):
        dot = sum(float(a) * float(b) for a, b in zip(x1[r], x2[r]))
        m1 = sum(float(a) ** 2 for a in x1[r]) + 1e-12
        m2 = sum(float(b) ** 2 for b in x2[r]) + 1e-12
        cos = dot / math.sqrt(m1 * m2)
        out[r] = (1 - cos if y[r] == 1 else 0.0) + (_clamp_min0(cos - margin) if y[r] == -1 else 0.0)
    return out


def cosine_similarity(x1, x2, eps=1e-8):
    """Along the last dim."""
    x1, x2 = np.broadcast_arrays(x1, x2)
    out = np.empty(x1.shape[:-1])
    for r in np.ndindex(out.shape):
        n1 = max(math.sqrt(sum(float(a) ** 2 for a in x1[r])), eps)
        n2 = max(math.sqrt(sum(float(b) ** 2 for b in x2[r])), eps)
        out[r] = sum(float(a) / n1 * float(b) / n2 for a, b in zip(x1[r], x2[r]))
    return out
