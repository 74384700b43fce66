"""SGD's update of one parameter in place, in one kernel (the rule in ``minigrad/optim/sgd.py``;
the CPU twin is ``kernels/cpu/_sgd.py``):

    d ← −g if maximize else g;   d ← d + λ·p
    b ← d (first step) or μ·b + (1 − τ)·d;   d ← d + μ·b if nesterov else b      (when μ ≠ 0)
    p ← p − γ·d

Each thread reads an element of p and b before writing it, so p and b are updated in place. The
host marks ``done[k]`` right after the launch, so the optimizer's ``commit`` does not launch it
twice; the arithmetic is in the parameter's dtype, as on the CPU.
"""
from . import _launch
from ._launch import cuda
from ._strided import flat


@cuda.jit
def _update(p, g, b, lr, momentum, damp, decay, nesterov, maximize, first, use_momentum):
    for i in range(cuda.grid(1), p.size, cuda.gridsize(1)):
        d = -g[i] if maximize else g[i]
        if decay != 0:
            d = d + decay * p[i]
        if use_momentum:
            buf = d if first else momentum * b[i] + damp * d
            b[i] = buf
            d = d + momentum * buf if nesterov else buf
        p[i] = p[i] - lr * d


def sgd_step(p, g, buf, first, lr, momentum, dampening, weight_decay, nesterov, maximize, done, k):
    """Update device arrays ``p`` and ``buf`` (written from scratch when ``first``) in place, then set
    the host flag ``done[k]``; nothing happens when it is set already."""
    if done[k]:
        return
    t = p.dtype.type
    if p.size:
        _launch.launch(_update, p.size, False, flat(p), flat(g), flat(p if buf is None else buf), t(lr), t(momentum),
                       t(1 - dampening), t(weight_decay), bool(nesterov), bool(maximize), bool(first),
                       bool(momentum))
    done[k] = 1
