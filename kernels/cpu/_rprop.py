"""Rprop's update of one parameter in place, in one compiled pass (the rule in
``minigrad/optim/rprop.py``; how the arrays arrive: ``_fused_update.py``):

    d ← −g if maximize else g
    f ← η₊ if d·prev > 0, η₋ if d·prev < 0, 1 if it is 0        (NaN stays NaN)
    s ← clamp(s·f, step_min, step_max)                          step_size
    d ← 0 where f = η₋
    p ← p − sign(d)·s;   prev ← d

rounded in the parameter's dtype in torch's order.
"""
from ..jit import njit
from ._fused_update import run


@njit(fastmath=False, error_model="numpy")
def _rprop(p, g, prev, s, eta_minus, eta_plus, step_min, step_max, one, maximize, done, k):
    for i in range(p.size):
        d = -g[i] if maximize else g[i]
        f = d * prev[i]
        if f > 0:
            f = eta_plus
        elif f < 0:
            f = eta_minus
        elif f == 0:
            f = one
        si = s[i] * f
        if si < step_min:
            si = step_min
        if si > step_max:
            si = step_max
        s[i] = si
        if f == eta_minus:
            d = one - one
        x = p[i]
        if d > 0:
            x = x - si
        elif d < 0:
            x = x + si
        elif d != d:
            x = x + d
        p[i] = x
        prev[i] = d
    done[k] = 1


def rprop_step(p, g, buffers, scalars, done, k):
    """Update ``p`` and ``buffers`` = (prev, step_size) in place, then set ``done[k]``."""
    run(_rprop, p, g, buffers, scalars, done, k)
