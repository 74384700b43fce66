"""Loop-based references for every loss: plain Python ``math`` over float64 numpy arrays, written from
the formulas in each kernel's derivation block and the definitions (no torch, no minigrad, no Numba).

Each public function is named after its loss and takes ``F.<loss>``'s arguments (numpy arrays); it
returns ``[loss, *gradients]``: the loss reduced per ``reduction``, then dLoss/dInput for an upstream
gradient of ones where the reference derives it (the elementwise and class-target losses).
The private helpers hold the per-element (``_mse``), per-row (``_multi_margin``) math."""
import math

import numpy as np


# --- elementwise losses: per-element (l, ∂l/∂x, ∂l/∂y[, ∂l/∂z])

def _log(v):
    """ln v with ln 0 = −inf and NaN below 0, as IEEE arithmetic gives (math.log raises)."""
    return -math.inf if v == 0 else (math.log(v) if v > 0 else math.nan)


def _exp(v):
    return math.inf if v > 709 else math.exp(v)


def _sign(d):
    return 1.0 if d > 0 else (-1.0 if d < 0 else 0.0)


def _mse(x, y):
    d = x - y
    return d * d, 2 * d, -2 * d


def _l1(x, y):
    d = x - y
    return abs(d), _sign(d), -_sign(d)


def _smooth_l1(x, y, beta):
    d = x - y
    g = -1.0 if d <= -beta else (1.0 if d >= beta else d / beta)
    return (0.5 * d * d / beta if abs(d) < beta else abs(d) - 0.5 * beta), g, -g


def _huber(x, y, delta):
    d = x - y
    g = -delta if d <= -delta else (delta if d >= delta else d)
    return (0.5 * d * d if abs(d) < delta else delta * (abs(d) - 0.5 * delta)), g, -g


def _bce(x, y, w=1.0):
    l = -w * (y * max(_log(x), -100.0) + (1 - y) * max(_log(1 - x), -100.0))
    return l, w * (x - y) / max(x * (1 - x), 1e-12), -w * (_log(x) - _log(1 - x))


def _bce_logits(x, y, w=1.0, pw=1.0):
    sig = 1 / (1 + _exp(-x)) if x >= 0 else _exp(x) / (1 + _exp(x))
    log_sig = min(x, 0.0) - math.log1p(_exp(-abs(x)))
    lw = 1 + (pw - 1) * y
    return (w * ((1 - y) * x - lw * log_sig), w * (lw * sig - pw * y), w * ((log_sig - x) - pw * log_sig))


def _kl(x, y, log_target=False):
    if log_target:
        e = _exp(y)
        return e * (y - x), -e, e * (y - x + 1)
    log_y = _log(y) if y != 0 else 0.0
    return y * log_y - y * x, -y, log_y + (1.0 if y != 0 else math.nan) - x


def _soft_margin(x, y):
    e = _exp(-y * x)
    return math.log1p(e), -y * e / (1 + e), 0.0


def _poisson(x, y, log_input=True, full=False, eps=1e-8):
    if log_input:
        l, gx, gy = _exp(x) - y * x, _exp(x) - y, -x
    else:
        l, gx, gy = x - y * _log(x + eps), 1 - y / (x + eps), -_log(x + eps)
    if full and y > 1:
        l += y * math.log(y) - y + 0.5 * math.log(2 * math.pi * y)
        gy += math.log(y) + 0.5 / y
    elif full and y <= 0:  # torch masks the term's gradient by multiplying it with 0: (ln 0)·0 = NaN
        gy = math.nan
    return l, gx, gy


def _gaussian(x, y, v, eps=1e-6, full=False):
    v = max(v, eps)
    d = x - y
    l = 0.5 * (math.log(v) + d * d / v) + (0.5 * math.log(2 * math.pi) if full else 0.0)
    return l, d / v, -d / v, 0.5 * (1 / v - d * d / (v * v))


def _elementwise(fn, *arrays, **options):
    """``fn`` on every element of the broadcast of ``arrays``: a list of arrays (loss, gradients)."""
    arrays = np.broadcast_arrays(*[np.asarray(a, np.float64) for a in arrays])
    shape = arrays[0].shape
    results = [fn(*[float(a[i]) for a in arrays], **options) for i in np.ndindex(shape)]
    return [np.array([r[k] for r in results], np.float64).reshape(shape) for k in range(len(results[0]))] \
        if results else [np.empty(shape)] * 4


def _reduce_parts(parts, reduction, divisor=None):
    """(loss, *grads) reduced: the loss summed or averaged, the gradients divided to match."""
    loss, *grads = parts
    if reduction == "none":
        return [loss, *grads]
    n = loss.size if divisor is None else divisor
    d = 1.0 if reduction == "sum" else n
    total = loss.sum() / d if d else math.nan
    return [np.float64(total), *[g / d for g in grads]]


# --- margin and distance losses: unreduced losses

def _reduce_losses(losses, reduction):
    losses = np.asarray(losses, dtype=np.float64)
    if reduction == "none":
        return losses
    return losses.sum() if reduction == "sum" else (losses.mean() if losses.size else math.nan)


def _clamp_min0(u):
    return u if math.isnan(u) or u > 0 else 0.0


def _margin_ranking(x1, x2, y, margin):
    x1, x2, y = np.broadcast_arrays(x1, x2, y)
    out = np.empty(x1.shape)
    for i in np.ndindex(x1.shape):
        out[i] = _clamp_min0(-float(y[i]) * (float(x1[i]) - float(x2[i])) + margin)
    return out


def _hinge_embedding(x, y, margin):
    x, y = np.broadcast_arrays(x, y)
    out = np.empty(x.shape)
    for i in np.ndindex(x.shape):
        v, t = float(x[i]), float(y[i])
        out[i] = (_clamp_min0(margin - v) if t != 1 else 0.0) + (v if t != -1 else 0.0)
    return out


def _multilabel_margin(x, t):
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


def _multilabel_soft_margin(x, t, w=None):
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


def _multi_margin(x, y, p=1, margin=1.0, w=None):
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


def _pairwise_distance(x1, x2, p=2.0, eps=1e-6):
    x1, x2 = np.broadcast_arrays(np.atleast_1d(x1), np.atleast_1d(x2))
    out = np.empty(x1.shape[:-1])
    for r in np.ndindex(out.shape):
        out[r] = pnorm([a - b + eps for a, b in zip(x1[r], x2[r])], p)
    return out


def _triplet_margin(a, pos, neg, margin=1.0, p=2.0, eps=1e-6, swap=False):
    d_ap, d_an = _pairwise_distance(a, pos, p, eps), _pairwise_distance(a, neg, p, eps)
    if swap:
        d_an = np.minimum(d_an, _pairwise_distance(pos, neg, p, eps))
    out = np.empty(d_ap.shape)
    for r in np.ndindex(out.shape):
        out[r] = _clamp_min0(margin + d_ap[r] - d_an[r])
    return out


def _cosine_embedding(x1, x2, y, margin=0.0):
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


def _cosine_similarity(x1, x2, eps=1e-8):
    """Along the last dim."""
    x1, x2 = np.broadcast_arrays(x1, x2)
    out = np.empty(x1.shape[:-1])
    for r in np.ndindex(out.shape):
        n1 = max(math.sqrt(sum(float(a) ** 2 for a in x1[r])), eps)
        n2 = max(math.sqrt(sum(float(b) ** 2 for b in x2[r])), eps)
        out[r] = sum(float(a) / n1 * float(b) / n2 for a, b in zip(x1[r], x2[r]))
    return out


# --- class targets: (loss, dloss/dinput[, dloss/dtarget])

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


def _reduce_rows(losses, grads, normaliser, reduction, shape):
    losses = np.array(losses, dtype=np.float64)
    if reduction == "none":
        return losses.reshape(shape), grads
    if reduction == "sum":
        return losses.sum(), grads
    return (losses.sum() / normaliser if normaliser else math.nan), grads / normaliser if normaliser else grads * 0


def _loss_shape(x):
    return x.shape[:1] + x.shape[2:] if x.ndim > 1 else ()


def _class_rows(x, weight):
    """(the positions as rows of classes, how to undo it, the class weights, C) of a class-target input."""
    n_classes = x.shape[1] if x.ndim > 1 else x.shape[0]
    rows, back = _rows(x, n_classes)
    return rows, back, np.ones(n_classes) if weight is None else np.asarray(weight, dtype=np.float64), n_classes


def _targets(target, ignore_index, losses):
    """(position, class) of each non-ignored target; an ignored one adds a 0 loss to ``losses``."""
    for r, t in enumerate(np.asarray(target).reshape(-1)):
        if int(t) == ignore_index:
            losses.append(0.0)
        else:
            yield r, int(t)


def _cross_entropy(x, target, weight=None, ignore_index=-100, reduction="mean", label_smoothing=0.0):
    """Class-index targets."""
    rows, back, w, n_classes = _class_rows(x, weight)
    eps = label_smoothing
    losses, grads, normaliser = [], np.zeros_like(rows), 0.0
    for r, t in _targets(target, ignore_index, losses):
        row = rows[r]
        normaliser += w[t]
        logp = _log_softmax(row)
        # coefficient of (−log p_k) in this position's loss
        coef = [(1 - eps) * w[t] * (k == t) + eps / n_classes * w[k] for k in range(n_classes)]
        losses.append(sum(coef[k] * -logp[k] for k in range(n_classes)))
        for c in range(n_classes):
            grads[r, c] = sum(coef[k] * (math.exp(logp[c]) - (k == c)) for k in range(n_classes))
    loss, grads = _reduce_rows(losses, grads, normaliser, reduction, _loss_shape(x))
    return loss, back(grads)


def _cross_entropy_probs(x, y, weight=None, reduction="mean", label_smoothing=0.0):
    """Class-probability targets y (x's shape); returns (loss, dloss/dx, dloss/dy)."""
    rows, back, w, n_classes = _class_rows(x, weight)
    targets, _ = _rows(y, n_classes)
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
    loss, gx = _reduce_rows(losses, gx, positions, reduction, _loss_shape(x))
    gy = gy / positions if reduction == "mean" and positions else gy
    return loss, back(gx), back(gy)


def _nll_loss(x, target, weight=None, ignore_index=-100, reduction="mean"):
    rows, back, w, _ = _class_rows(x, weight)
    losses, grads, normaliser = [], np.zeros_like(rows), 0.0
    for r, t in _targets(target, ignore_index, losses):
        normaliser += w[t]
        losses.append(-w[t] * rows[r][t])
        grads[r, t] = -w[t]
    loss, grads = _reduce_rows(losses, grads, normaliser, reduction, _loss_shape(x))
    return loss, back(grads)


# --- the references, one per loss, with F.<loss>'s arguments

def _weighted(parts, weight, reduction, by_weight):
    """torch's weighted mse/l1/huber: loss·weight, summed, or for 'mean' over Σweight (``by_weight``)
    or averaged; the loss only."""
    losses = parts[0] * np.asarray(weight, np.float64)
    if reduction == "none":
        return [losses]
    total = losses.sum()
    return [total if reduction == "sum" else total / (np.sum(weight) if by_weight else losses.size)]


def _pointwise(fn, arrays, reduction, weight=None, by_weight=True, **options):
    parts = _elementwise(fn, *arrays, **options)
    return _reduce_parts(parts, reduction) if weight is None else _weighted(parts, weight, reduction, by_weight)


def mse_loss(input, target, reduction="mean", weight=None):  # noqa: A002 - torch's names
    return _pointwise(_mse, (input, target), reduction, weight)


def l1_loss(input, target, reduction="mean", weight=None):  # noqa: A002
    return _pointwise(_l1, (input, target), reduction, weight)


def smooth_l1_loss(input, target, reduction="mean", beta=1.0):  # noqa: A002
    return _pointwise(_smooth_l1, (input, target), reduction, beta=beta)


def huber_loss(input, target, reduction="mean", delta=1.0, weight=None):  # noqa: A002
    return _pointwise(_huber, (input, target), reduction, weight, by_weight=False, delta=delta)


def binary_cross_entropy(input, target, weight=None, reduction="mean"):  # noqa: A002
    return _reduce_parts(_elementwise(_bce, input, target, 1.0 if weight is None else weight), reduction)


def binary_cross_entropy_with_logits(input, target, weight=None, reduction="mean", pos_weight=None):  # noqa: A002
    w, pw = 1.0 if weight is None else weight, 1.0 if pos_weight is None else pos_weight
    return _reduce_parts(_elementwise(_bce_logits, input, target, w, pw), reduction)


def kl_div(input, target, reduction="mean", log_target=False):  # noqa: A002
    parts = _elementwise(_kl, input, target, log_target=log_target)
    if reduction == "batchmean":
        return _reduce_parts(parts, "mean", divisor=input.shape[0] if input.ndim else 1)
    return _reduce_parts(parts, reduction)


def soft_margin_loss(input, target, reduction="mean"):  # noqa: A002
    return _reduce_parts(_elementwise(_soft_margin, input, target), reduction)


def poisson_nll_loss(input, target, log_input=True, full=False, eps=1e-8, reduction="mean"):  # noqa: A002
    return _reduce_parts(_elementwise(_poisson, input, target, log_input=log_input, full=full, eps=eps), reduction)


def gaussian_nll_loss(input, target, var, full=False, eps=1e-6, reduction="mean"):  # noqa: A002
    var = var[..., None] if np.ndim(var) == np.ndim(input) - 1 else var  # torch's unsqueeze(-1)
    return _reduce_parts(_elementwise(_gaussian, input, target, var, eps=eps, full=full), reduction)


def margin_ranking_loss(input1, input2, target, margin=0.0, reduction="mean"):
    return [_reduce_losses(_margin_ranking(input1, input2, target, margin), reduction)]


def hinge_embedding_loss(input, target, margin=1.0, reduction="mean"):  # noqa: A002
    return [_reduce_losses(_hinge_embedding(input, target, margin), reduction)]


def multilabel_margin_loss(input, target, reduction="mean"):  # noqa: A002
    return [_reduce_losses(_multilabel_margin(input, target), reduction)]


def multilabel_soft_margin_loss(input, target, weight=None, reduction="mean"):  # noqa: A002
    return [_reduce_losses(_multilabel_soft_margin(input, target, weight), reduction)]


def multi_margin_loss(input, target, p=1, margin=1.0, weight=None, reduction="mean"):  # noqa: A002
    return [_reduce_losses(_multi_margin(input, target, p, margin, weight), reduction)]


def pairwise_distance(x1, x2, p=2.0, eps=1e-6, keepdim=False):
    out = _pairwise_distance(x1, x2, p, eps)
    return [out[..., None] if keepdim else out]


def cosine_similarity(x1, x2, dim=1, eps=1e-8):
    x1, x2 = np.broadcast_arrays(x1, x2)
    return [_cosine_similarity(np.moveaxis(x1, dim, -1), np.moveaxis(x2, dim, -1), eps)]


def triplet_margin_loss(anchor, positive, negative, margin=1.0, p=2.0, eps=1e-6, swap=False, reduction="mean"):
    return [_reduce_losses(_triplet_margin(anchor, positive, negative, margin, p, eps, swap), reduction)]


def triplet_margin_with_distance_loss(anchor, positive, negative, distance_function=None, margin=1.0, swap=False,
                                      reduction="mean"):
    """With the default distance (``pairwise_distance``, p=2)."""
    assert distance_function is None, "the reference knows only the default distance"
    return triplet_margin_loss(anchor, positive, negative, margin, 2.0, 1e-6, swap, reduction)


def cosine_embedding_loss(input1, input2, target, margin=0.0, reduction="mean"):
    return [_reduce_losses(_cosine_embedding(input1, input2, target, margin), reduction)]


def nll_loss(input, target, weight=None, ignore_index=-100, reduction="mean"):  # noqa: A002
    return list(_nll_loss(input, target, weight, ignore_index, reduction))


def cross_entropy(input, target, weight=None, ignore_index=-100, reduction="mean", label_smoothing=0.0):  # noqa: A002
    """Class-index targets, or class probabilities (a float target of the input's shape: then the
    gradients are dloss/dinput and dloss/dtarget)."""
    if np.asarray(target).dtype.kind == "f":
        return list(_cross_entropy_probs(input, target, weight, reduction, label_smoothing))
    return list(_cross_entropy(input, target, weight, ignore_index, reduction, label_smoothing))
