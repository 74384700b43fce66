"""ASGD's update of one parameter in place, in one compiled pass (the rule in
``minigrad/optim/asgd.py``; how the arrays arrive: ``_fused_update.py``):

    d ← −g if maximize else g;   d ← d + λ·p
    p ← p·(1 − λ_d·η) − η·d                         (η, μ: the state's values before this step)
    a ← a + (p − a)·μ  if μ ≠ 1,  else a ← p         ax, the average

rounded in the parameter's dtype in torch's order.
"""
from ..jit import njit
from ._fused_update import run


@njit(fastmath=False, error_model="numpy")
def _asgd(p, g, a, weight_decay, shrink, neg_eta, mu, maximize, average, done, k):
    for i in range(p.size):
        x = p[i]
        d = -g[i] if maximize else g[i]
        if weight_decay != 0:
            d = d + weight_decay * x
        x = x * shrink
        x = x + neg_eta * d
        p[i] = x
        a[i] = a[i] + (x - a[i]) * mu if average else x
    done[k] = 1


def asgd_step(p, g, buffers, scalars, done, k):
    """Update ``p`` and ``buffers`` = (ax,) in place, then set ``done[k]``."""
    run(_asgd, p, g, buffers, scalars, done, k)
