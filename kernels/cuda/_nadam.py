"""NAdam's update of one parameter in place, one element a thread: the twin of
``kernels/cpu/_nadam.py`` (the rule and the rounding order are written there)."""
import math

from ._fused_update import lerp, run
from ._launch import cuda


@cuda.jit
def _nadam(p, g, m, v, weight_decay, shrink, w1, rest1, beta2, w2, bc2, eps, c_grad, c_avg, maximize, decoupled):
    for i in range(cuda.grid(1), p.size, cuda.gridsize(1)):
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


def nadam_step(p, g, buffers, scalars, done, k):
    """Update device arrays ``p`` and ``buffers`` = (exp_avg, exp_avg_sq) in place, then set ``done[k]``."""
    run(_nadam, p, g, buffers, scalars, done, k)
