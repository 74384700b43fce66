"""Adamax's update of one parameter in place, in one compiled pass (the rule in
``minigrad/optim/adamax.py``; how the arrays arrive: ``_fused_update.py``):

    d ← −g if maximize else g;   d ← d + λ·p
    m ← lerp(m, d, 1 − β₁)                         exp_avg
    u ← max(β₂·u, |d| + ε)                         exp_inf (NaN propagates)
    p ← p − γ/(1 − β₁ᵗ) · m/u

rounded in the parameter's dtype in torch's order.
"""
from ..jit import njit
from ._fused_update import lerp, run


@njit(fastmath=False, error_model="numpy")
def _adamax(p, g, m, u, weight_decay, w1, rest1, beta2, eps, neg_clr, maximize, done, k):
    for i in range(p.size):
        x = p[i]
        d = -g[i] if maximize else g[i]
        if weight_decay != 0:
            d = d + weight_decay * x
        mi = lerp(m[i], d, w1, rest1)
        m[i] = mi
        ui = u[i] * beta2
        bound = abs(d) + eps
        if bound > ui or bound != bound:
            ui = bound
        u[i] = ui
        p[i] = x + neg_clr * (mi / ui)
    done[k] = 1


def adamax_step(p, g, buffers, scalars, done, k):
    """Update ``p`` and ``buffers`` = (exp_avg, exp_inf) in place, then set ``done[k]``."""
    run(_adamax, p, g, buffers, scalars, done, k)
