"""Adam's and AdamW's update of one parameter in place, one element a thread: the twin of
``kernels/cpu/_adam.py`` (the rule and the rounding order are written there)."""
import math

from ._fused_update import lerp, run
from ._launch import cuda


@cuda.jit
def _adam(p, g, m, v, v_max, weight_decay, shrink, w1, rest1, beta2, w2, bc2_sqrt, eps, neg_step_size, amsgrad,
          maximize, decoupled):
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
        if amsgrad:
            if v_max[i] > vi or v_max[i] != v_max[i]:
                vi = v_max[i]
            v_max[i] = vi
        p[i] = x + neg_step_size * (mi / (math.sqrt(vi) / bc2_sqrt + eps))


def adam_step(p, g, buffers, scalars, done, k):
    """Update device arrays ``p`` and ``buffers`` = (exp_avg, exp_avg_sq, max_exp_avg_sq) in place; set ``done[k]``."""
    run(_adam, p, g, buffers, scalars, done, k)
