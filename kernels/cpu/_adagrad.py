"""Adagrad's update of one parameter in place, in one compiled pass (the rule in
``minigrad/optim/adagrad.py``; how the arrays arrive: ``_fused_update.py``):

    d ← −g if maximize else g;   d ← d + λ·p
    s ← s + d·d                                   sum
    p ← p − γₜ·d / (√s + ε),   γₜ = γ / (1 + (t − 1)·lr_decay)

rounded in the parameter's dtype in torch's order.
"""
import math

from ..jit import njit
from ._fused_update import run


@njit(fastmath=False, error_model="numpy")
def _adagrad(p, g, s, weight_decay, eps, neg_clr, maximize, done, k):
    for i in range(p.size):
        x = p[i]
        d = -g[i] if maximize else g[i]
        if weight_decay != 0:
            d = d + weight_decay * x
        si = s[i] + d * d
        s[i] = si
        p[i] = x + neg_clr * (d / (math.sqrt(si) + eps))
    done[k] = 1


def adagrad_step(p, g, buffers, scalars, done, k):
    """Update ``p`` and ``buffers`` = (sum,) in place, then set ``done[k]``."""
    run(_adagrad, p, g, buffers, scalars, done, k)
