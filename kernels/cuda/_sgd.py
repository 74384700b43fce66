"""SGD's update of one parameter in one kernel (the rule in ``minigrad/optim/sgd.py``):

    d ← −g if maximize else g;   d ← d + λ·p
    b ← d (first step) or μ·b + (1 − τ)·d;   d ← d + μ·b if nesterov else b      (when μ ≠ 0)
    p ← p − γ·d

It writes the new p and b to new arrays (the optimizer commits them into the parameter's and the
buffer's storage together); the arithmetic is in the parameter's dtype, as the CPU's numpy ops.
"""
from . import _launch
from ._launch import cuda
from ._strided import flat


@cuda.jit
def _update(p, g, b, lr, momentum, damp, decay, nesterov, maximize, first, use_momentum, p_out, b_out):
    for i in range(cuda.grid(1), p.size, cuda.gridsize(1)):
        d = -g[i] if maximize else g[i]
        if decay != 0:
            d = d + decay * p[i]
        if use_momentum:
            buf = d if first else momentum * b[i] + damp * d
            b_out[i] = buf
            d = d + momentum * buf if nesterov else buf
        p_out[i] = p[i] - lr * d


def sgd_update(p, g, buf, lr, momentum, dampening, weight_decay, nesterov, maximize):
    """(new p, new momentum buffer or None); ``buf`` None on the first momentum step."""
    t = p.dtype.type
    p_out = cuda.device_array(tuple(p.shape), p.dtype)
    b_out = cuda.device_array(tuple(p.shape) if momentum else (0,), p.dtype)
    if p.size:
        _launch.launch(_update, p.size, False, flat(p), flat(g), flat(p if buf is None else buf), t(lr), t(momentum),
                       t(1 - dampening), t(weight_decay), bool(nesterov), bool(maximize), buf is None,
                       bool(momentum), flat(p_out), flat(b_out))
    return p_out, (b_out if momentum else None)
