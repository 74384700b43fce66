"""RMSprop's update of one parameter in place, in one compiled pass (the rule in
``minigrad/optim/rmsprop.py``; how the arrays arrive: ``_fused_update.py``):

    d ← −g if maximize else g;   d ← d + λ·p
    s ← α·s + (1 − α)·d·d                         square_avg
    a ← lerp(a, d, 1 − α);  r ← √(s − a·a) + ε    grad_avg, if centered (else r ← √s + ε)
    b ← μ·b + d/r;  p ← p − γ·b                   momentum_buffer, if μ > 0 (else p ← p − γ·d/r)

rounded in the parameter's dtype in torch's order.
"""
import math

from ..jit import njit
from ._fused_update import lerp, run


@njit(fastmath=False, error_model="numpy")
def _rmsprop(p, g, s, a, b, weight_decay, alpha, w, rest, eps, momentum, neg_lr, centered, maximize, done, k):
    for i in range(p.size):
        x = p[i]
        d = -g[i] if maximize else g[i]
        if weight_decay != 0:
            d = d + weight_decay * x
        si = s[i] * alpha + w * d * d
        s[i] = si
        if centered:
            ai = lerp(a[i], d, w, rest)
            a[i] = ai
            r = math.sqrt(si + -ai * ai) + eps
        else:
            r = math.sqrt(si) + eps
        if momentum > 0:
            bi = b[i] * momentum + d / r
            b[i] = bi
            p[i] = x + neg_lr * bi
        else:
            p[i] = x + neg_lr * (d / r)
    done[k] = 1


def rmsprop_step(p, g, buffers, scalars, done, k):
    """Update ``p`` and ``buffers`` = (square_avg, grad_avg, momentum_buffer) in place, then set ``done[k]``."""
    run(_rmsprop, p, g, buffers, scalars, done, k)
