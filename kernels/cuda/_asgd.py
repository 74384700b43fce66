"""ASGD's update of one parameter in place, one element a thread: the twin of
``kernels/cpu/_asgd.py`` (the rule and the rounding order are written there)."""
from ._fused_update import run
from ._launch import cuda


@cuda.jit
def _asgd(p, g, a, weight_decay, shrink, neg_eta, mu, maximize, average):
    for i in range(cuda.grid(1), p.size, cuda.gridsize(1)):
        x = p[i]
        d = -g[i] if maximize else g[i]
        if weight_decay != 0:
            d = d + weight_decay * x
        x = x * shrink
        x = x + neg_eta * d
        p[i] = x
        a[i] = a[i] + (x - a[i]) * mu if average else x


def asgd_step(p, g, buffers, scalars, done, k):
    """Update device arrays ``p`` and ``buffers`` = (ax,) in place, then set ``done[k]``."""
    run(_asgd, p, g, buffers, scalars, done, k)
