"""NAdam's update of one parameter in place, in one compiled pass (the rule in
``minigrad/optim/nadam.py``; how the arrays arrive: ``_fused_update.py``):

    d ← −g if maximize else g
    p ← p·(1 − γλ)  (decoupled)   or   d ← d + λ·p
    m ← lerp(m, d, 1 − β₁);   v ← β₂·v + (1 − β₂)·d·d
    r ← √(v / (1 − β₂ᵗ)) + ε
    p ← p + c_g·d/r,  then  p ← p + c_m·m/r         (c_g, c_m from the host: torch's two addcdiv)

rounded in the parameter's dtype in torch's order.
"""
import math

from ..jit import njit
from ._fused_update import lerp, run


@njit(fastmath=False, error_model="numpy")
def _nadam(p, g, m, v, weight_decay, shrink, w1, rest1, beta2, w2, bc2, eps, c_grad, c_avg, maximize, decoupled,
           done, k):
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
        r = math.sqrt(vi / bc2) + eps
        x = x + c_grad * (d / r)
        p[i] = x + c_avg * (mi / r)
    done[k] = 1


def nadam_step(p, g, buffers, scalars, done, k):
    """Update ``p`` and ``buffers`` = (exp_avg, exp_avg_sq) in place, then set ``done[k]``."""
    run(_nadam, p, g, buffers, scalars, done, k)
