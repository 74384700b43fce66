"""Loop-based references for the elementwise losses: plain Python ``math`` over float64 numpy arrays,
written from the formulas in each kernel's derivation block (no torch, no minigrad, no Numba).

Each per-element function returns (l, ∂l/∂x, ∂l/∂y[, ∂l/∂z]); ``elementwise`` maps one over the
broadcast of its array arguments, and ``reduce`` applies a reduction to the losses and gradients."""
import math

import numpy as np


def _log(v):
    """ln v with ln 0 = −inf and NaN below 0, as IEEE arithmetic gives (math.log raises)."""
    return -math.inf if v == 0 else (math.log(v) if v > 0 else math.nan)


def _exp(v):
    return math.inf if v > 709 else math.exp(v)


def _sign(d):
    return 1.0 if d > 0 else (-1.0 if d < 0 else 0.0)


def mse(x, y):
    d = x - y
    return d * d, 2 * d, -2 * d


def l1(x, y):
    d = x - y
    return abs(d), _sign(d), -_sign(d)


def smooth_l1(x, y, beta):
    d = x - y
    g = -1.0 if d <= -beta else (1.0 if d >= beta else d / beta)
    return (0.5 * d * d / beta if abs(d) < beta else abs(d) - 0.5 * beta), g, -g


def huber(x, y, delta):
    d = x - y
    g = -delta if d <= -delta else (delta if d >= delta else d)
    return (0.5 * d * d if abs(d) < delta else delta * (abs(d) - 0.5 * delta)), g, -g


def bce(x, y, w=1.0):
    l = -w * (y * max(_log(x), -100.0) + (1 - y) * max(_log(1 - x), -100.0))
    return l, w * (x - y) / max(x * (1 - x), 1e-12), -w * (_log(x) - _log(1 - x))


def bce_logits(x, y, w=1.0, pw=1.0):
    sig = 1 / (1 + _exp(-x)) if x >= 0 else _exp(x) / (1 + _exp(x))
    log_sig = min(x, 0.0) - math.log1p(_exp(-abs(x)))
    lw = 1 + (pw - 1) * y
    return (w * ((1 - y) * x - lw * log_sig), w * (lw * sig - pw * y), w * ((log_sig - x) - pw * log_sig))


def kl(x, y, log_target=False):
    if log_target:
        e = _exp(y)
        return e * (y - x), -e, e * (y - x + 1)
    log_y = _log(y) if y != 0 else 0.0
    return y * log_y - y * x, -y, log_y + (1.0 if y != 0 else math.nan) - x


def soft_margin(x, y):
    e = _exp(-y * x)
    return math.log1p(e), -y * e / (1 + e), 0.0


def poisson(x, y, log_input=True, full=False, eps=1e-8):
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


def gaussian(x, y, v, eps=1e-6, full=False):
    v = max(v, eps)
    d = x - y
    l = 0.5 * (math.log(v) + d * d / v) + (0.5 * math.log(2 * math.pi) if full else 0.0)
    return l, d / v, -d / v, 0.5 * (1 / v - d * d / (v * v))


def elementwise(fn, *arrays, **options):
    """``fn`` on every element of the broadcast of ``arrays``: a list of arrays (loss, gradients)."""
    arrays = np.broadcast_arrays(*[np.asarray(a, np.float64) for a in arrays])
    shape = arrays[0].shape
    results = [fn(*[float(a[i]) for a in arrays], **options) for i in np.ndindex(shape)]
    return [np.array([r[k] for r in results], np.float64).reshape(shape) for k in range(len(results[0]))] \
        if results else [np.empty(shape)] * 4


def reduce(parts, reduction, divisor=None):
    """(loss, *grads) reduced: the loss summed or averaged, the gradients divided to match."""
    loss, *grads = parts
    if reduction == "none":
        return [loss, *grads]
    n = loss.size if divisor is None else divisor
    d = 1.0 if reduction == "sum" else n
    total = loss.sum() / d if d else math.nan
    return [np.float64(total), *[g / d for g in grads]]
