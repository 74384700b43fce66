"""Adadelta's update of one parameter in place, in one compiled pass (the rule in
``minigrad/optim/adadelta.py``; how the arrays arrive: ``_fused_update.py``):

    d ← −g if maximize else g;   d ← d + λ·p
    s ← ρ·s + (1 − ρ)·d·d                          square_avg
    δ ← √(u + ε) / √(s + ε) · d                    u: acc_delta
    u ← ρ·u + (1 − ρ)·δ·δ
    p ← p − γ·δ

rounded in the parameter's dtype in torch's order.
"""
import math

from ..jit import njit
from ._fused_update import run


@njit(fastmath=False, error_model="numpy")
def _adadelta(p, g, s, u, weight_decay, rho, w, eps, neg_lr, maximize, done, k):
    for i in range(p.size):
        x = p[i]
        d = -g[i] if maximize else g[i]
        if weight_decay != 0:
            d = d + weight_decay * x
        si = s[i] * rho + w * d * d
        s[i] = si
        delta = math.sqrt(u[i] + eps) / math.sqrt(si + eps) * d
        u[i] = u[i] * rho + w * delta * delta
        p[i] = x + neg_lr * delta
    done[k] = 1


def adadelta_step(p, g, buffers, scalars, done, k):
    """Update ``p`` and ``buffers`` = (square_avg, acc_delta) in place, then set ``done[k]``."""
    run(_adadelta, p, g, buffers, scalars, done, k)
