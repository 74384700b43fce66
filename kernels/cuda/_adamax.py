"""Adamax's update of one parameter in place, one element a thread: the twin of
``kernels/cpu/_adamax.py`` (the rule and the rounding order are written there)."""
from ._fused_update import lerp, run
from ._launch import cuda


@cuda.jit
def _adamax(p, g, m, u, weight_decay, w1, rest1, beta2, eps, neg_clr, maximize):
    for i in range(cuda.grid(1), p.size, cuda.gridsize(1)):
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


def adamax_step(p, g, buffers, scalars, done, k):
    """Update device arrays ``p`` and ``buffers`` = (exp_avg, exp_inf) in place, then set ``done[k]``."""
    run(_adamax, p, g, buffers, scalars, done, k)
