"""Adadelta's update of one parameter in place, one element a thread: the twin of
``kernels/cpu/_adadelta.py`` (the rule and the rounding order are written there)."""
import math

from ._fused_update import run
from ._launch import cuda


@cuda.jit
def _adadelta(p, g, s, u, weight_decay, rho, w, eps, neg_lr, maximize):
    for i in range(cuda.grid(1), p.size, cuda.gridsize(1)):
        x = p[i]
        d = -g[i] if maximize else g[i]
        if weight_decay != 0:
            d = d + weight_decay * x
        si = s[i] * rho + w * d * d
        s[i] = si
        delta = math.sqrt(u[i] + eps) / math.sqrt(si + eps) * d
        u[i] = u[i] * rho + w * delta * delta
        p[i] = x + neg_lr * delta


def adadelta_step(p, g, buffers, scalars, done, k):
    """Update device arrays ``p`` and ``buffers`` = (square_avg, acc_delta) in place, then set ``done[k]``."""
    run(_adadelta, p, g, buffers, scalars, done, k)
