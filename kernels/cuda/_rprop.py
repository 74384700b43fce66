"""Rprop's update of one parameter in place, one element a thread: the twin of
``kernels/cpu/_rprop.py`` (the rule and the rounding order are written there)."""
from ._fused_update import run
from ._launch import cuda


@cuda.jit
def _rprop(p, g, prev, s, eta_minus, eta_plus, step_min, step_max, one, maximize):
    for i in range(cuda.grid(1), p.size, cuda.gridsize(1)):
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


def rprop_step(p, g, buffers, scalars, done, k):
    """Update device arrays ``p`` and ``buffers`` = (prev, step_size) in place, then set ``done[k]``."""
    run(_rprop, p, g, buffers, scalars, done, k)
