"""Loop-based references for cross_entropy and nll_loss: plain Python over float64 numpy arrays,
written from the definitions (no torch, no minigrad, none of the kernels' algebra).

Inputs are (C,) or (N, C, d1, ..., dk). Each function returns (loss reduced per ``reduction``,
dloss/dinput for an upstream gradient of ones); the probability form also returns dloss/dtarget.
The gradients come from the chain rule written out term by term: d(−log p_k)/dx_c = p_c − [k = c].
"""
import math

import numpy as np


def _rows(a, n_classes):
    """The positions of ``a`` as rows of C classes (class dim moved last), and how to undo it."""
    if a.ndim == 1:
        return a.reshape(1, n_classes).astype(np.float64), lambda r: r.reshape(a.shape)
    moved = np.moveaxis(a, 1, -1)
    return moved.reshape(-1, n_classes).astype(np.float64), lambda r: np.moveaxis(r.reshape(moved.shape), -1, 1)


def _log_softmax(row):
    m = max(row)
    log_z = math.log(sum(math.exp(v - m) for v in row))
    return [v - m - log_z for v in row]


def _reduce(losses, grads, normaliser, reduction, shape):
    losses = np.array(losses, dtype=np.float64)
    if reduction == "none":
        return losses.reshape(shape), grads
    if reduction == "sum":
        return losses.sum(), grads
    return (losses.sum() / normaliser if normaliser else math.nan), grads / normaliser if normaliser else grads * 0


def _loss_shape(x):
    return x.shape[:1] + x.shape[2:] if x.ndim > 1 else ()


def cross_entropy(x, target, weight=None, ignore_index=-100, reduction="mean", label_smoothing=0.0):
    """Class-index targets."""
    n_classes = x.shape[1] if x.ndim > 1 else x.shape[0]
    rows, back = _rows(x, n_classes)
    w = np.ones(n_classes) if weight is None else np.asarray(weight, dtype=np.float64)
    eps = label_smoothing
    losses, grads, normaliser = [], np.zeros_like(rows), 0.0
    for r, (row, t) in enumerate(zip(rows, np.asarray(target).reshape(-1))):
        t = int(t)
        if t == ignore_index:
            losses.append(0.0)
            continue
        normaliser += w[t]
        logp = _log_softmax(row)
        # coefficient of (−log p_k) in this position's loss
        coef = [(1 - eps) * w[t] * (k == t) + eps / n_classes * w[k] for k in range(n_classes)]
        losses.append(sum(coef[k] * -logp[k] for k in range(n_classes)))
        for c in range(n_classes):
            grads[r, c] = sum(coef[k] * (math.exp(logp[c]) - (k == c)) for k in range(n_classes))
    loss, grads = _reduce(losses, grads, normaliser, reduction, _loss_shape(x))
    return loss, back(grads)


def cross_entropy_probs(x, y, weight=None, reduction="mean", label_smoothing=0.0):
    """Class-probability targets y (x's shape); returns (loss, dloss/dx, dloss/dy)."""
    n_classes = x.shape[1] if x.ndim > 1 else x.shape[0]
    rows, back = _rows(x, n_classes)
    targets, _ = _rows(y, n_classes)
    w = np.ones(n_classes) if weight is None else np.asarray(weight, dtype=np.float64)
    eps = label_smoothing
    losses, gx, gy = [], np.zeros_like(rows), np.zeros_like(rows)
    for r, (row, probs) in enumerate(zip(rows, targets)):
        logp = _log_softmax(row)
        coef = [w[k] * ((1 - eps) * probs[k] + eps / n_classes) for k in range(n_classes)]
        losses.append(sum(coef[k] * -logp[k] for k in range(n_classes)))
        for c in range(n_classes):
            gx[r, c] = sum(coef[k] * (math.exp(logp[c]) - (k == c)) for k in range(n_classes))
            gy[r, c] = -(1 - eps) * w[c] * logp[c]
    positions = len(losses) if x.size else 0
    loss, gx = _reduce(losses, gx, positions, reduction, _loss_shape(x))
    gy = gy / positions if reduction == "mean" and positions else gy
    return loss, back(gx), back(gy)


def nll_loss(x, target, weight=None, ignore_index=-100, reduction="mean"):
    n_classes = x.shape[1] if x.ndim > 1 else x.shape[0]
    rows, back = _rows(x, n_classes)
    w = np.ones(n_classes) if weight is None else np.asarray(weight, dtype=np.float64)
    losses, grads, normaliser = [], np.zeros_like(rows), 0.0
    for r, (row, t) in enumerate(zip(rows, np.asarray(target).reshape(-1))):
        t = int(t)
        if t == ignore_index:
            losses.append(0.0)
            continue
        normaliser += w[t]
        losses.append(-w[t] * row[t])
        grads[r, t] = -w[t]
    loss, grads = _reduce(losses, grads, normaliser, reduction, _loss_shape(x))
    return loss, back(grads)
