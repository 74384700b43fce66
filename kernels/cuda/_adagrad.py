"""Adagrad's update of one parameter in place, one element a thread: the twin of
``kernels/cpu/_adagrad.py`` (the rule and the rounding order are written there)."""
import math

from ._fused_update import run
from ._launch import cuda


@cuda.jit
def _adagrad(p, g, s, weight_decay, eps, neg_clr, maximize):
    for i in range(cuda.grid(1), p.size, cuda.gridsize(1)):
        x = p[i]
        d = -g[i] if maximize else g[i]
        if weight_decay != 0:
            d = d + weight_decay * x
        si = s[i] + d * d
        s[i] = si
        p[i] = x + neg_clr * (d / (math.sqrt(si) + eps))


def adagrad_step(p, g, buffers, scalars, done, k):
    """Update device arrays ``p`` and ``buffers`` = (sum,) in place, then set ``done[k]``."""
    run(_adagrad, p, g, buffers, scalars, done, k)
