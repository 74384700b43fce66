"""RMSprop's update of one parameter in place, one element a thread: the twin of
``kernels/cpu/_rmsprop.py`` (the rule and the rounding order are written there)."""
import math

from ._fused_update import lerp, run
from ._launch import cuda


@cuda.jit
def _rmsprop(p, g, s, a, b, weight_decay, alpha, w, rest, eps, momentum, neg_lr, centered, maximize):
    for i in range(cuda.grid(1), p.size, cuda.gridsize(1)):
        x = p[i]
        d = -g[i] if maximize else g[i]
        if weight_decay != 0:
            d = d + weight_decay * x
        si = s[i] * alpha + w * d * d
        s[i] = si
        if centered:
            ai = lerp(a[i], d, w, rest)
            a[i] = ai
            r = math.sqrt(si + -ai * ai) + eps
        else:
            r = math.sqrt(si) + eps
        if momentum > 0:
            bi = b[i] * momentum + d / r
            b[i] = bi
            p[i] = x + neg_lr * bi
        else:
            p[i] = x + neg_lr * (d / r)


def rmsprop_step(p, g, buffers, scalars, done, k):
    """Update device arrays ``p`` and ``buffers`` = (square_avg, grad_avg, momentum_buffer) in place; mark done[k]."""
    run(_rmsprop, p, g, buffers, scalars, done, k)
