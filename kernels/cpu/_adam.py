"""Adam's and AdamW's update of one parameter in place, in one compiled pass (the rule in
``minigrad/optim/adam.py``; how the arrays arrive: ``_fused_update.py``):

    d ← −g if maximize else g
    p ← p·(1 − γλ)                         (AdamW: decoupled)       or   d ← d + λ·p   (Adam)
    m ← lerp(m, d, 1 − β₁)                 (torch's lerp: m + (1 − β₁)·(d − m) for β₁ > 0.5)
    v ← β₂·v + (1 − β₂)·d·d
    v̂ ← max(v̂, v)                          (amsgrad, NaN propagates; v̂ is read in place of v)
    p ← p − s·m / (√v / √(1 − β₂ᵗ) + ε),   s = γ / (1 − β₁ᵗ)

Every operation is rounded in the parameter's dtype in torch's order (no fastmath, no fused
multiply-adds); the host computes s and √(1 − β₂ᵗ) in float64 as torch does.
"""
import math

from ..jit import njit
from ._fused_update import lerp, run


@njit(fastmath=False, error_model="numpy")
def _adam(p, g, m, v, v_max, weight_decay, shrink, w1, rest1, beta2, w2, bc2_sqrt, eps, neg_step_size, amsgrad,
          maximize, decoupled, done, k):
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
        if amsgrad:
            if v_max[i] > vi or v_max[i] != v_max[i]:
                vi = v_max[i]
            v_max[i] = vi
        p[i] = x + neg_step_size * (mi / (math.sqrt(vi) / bc2_sqrt + eps))
    done[k] = 1


def adam_step(p, g, buffers, scalars, done, k):
    """Update ``p`` and ``buffers`` = (exp_avg, exp_avg_sq, max_exp_avg_sq) in place, then set ``done[k]``."""
    run(_adam, p, g, buffers, scalars, done, k)
