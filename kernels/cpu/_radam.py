"""RAdam's update of one parameter in place, in one compiled pass (the rule in
``minigrad/optim/radam.py``; how the arrays arrive: ``_fused_update.py``):

    d ← −g if maximize else g
    p ← p·(1 − γλ)  (decoupled)   or   d ← d + λ·p
    m ← lerp(m, d, 1 − β₁);   v ← β₂·v + (1 − β₂)·d·d
    p ← p − m/(1 − β₁ᵗ)·γ · √(1 − β₂ᵗ)/(√v + ε) · rect     when ρₜ > 5 (``rectify``)
    p ← p − m/(1 − β₁ᵗ)·γ                                  otherwise

rounded in the parameter's dtype in torch's order (ρₜ and rect come from the host).
"""
import math

from ..jit import njit
from ._fused_update import lerp, run


@njit(fastmath=False, error_model="numpy")
def _radam(p, g, m, v, weight_decay, shrink, w1, rest1, beta2, w2, bc1, lr, bc2_sqrt, eps, rect, maximize, decoupled,
           rectify, done, k):
    for i in range(p.size):
        x = p[i]
        d = -g[i] if maximize else g[i]
        if decoupled:
            x = x * shrink
        elif weight_decay != 0:
            d = d + weight_decay * x
        mi = lerp(m[i], d, w1, rest1)
        vi = v[i] * beta2 + w2 * d * d
        m[i] = mi
        v[i] = vi
        step = mi / bc1 * lr
        if rectify:
            step = step * (bc2_sqrt / (math.sqrt(vi) + eps)) * rect
        p[i] = x - step
    done[k] = 1


def radam_step(p, g, buffers, scalars, done, k):
    """Update ``p`` and ``buffers`` = (exp_avg, exp_avg_sq) in place, then set ``done[k]``."""
    run(_radam, p, g, buffers, scalars, done, k)
