"""SGD's update of one parameter in place, in one compiled call (the rule in ``minigrad/optim/sgd.py``):

    d ← −g if maximize else g;   d ← d + λ·p
    b ← d (first step) or μ·b + (1 − τ)·d;   d ← d + μ·b if nesterov else b      (when μ ≠ 0)
    p ← p − γ·d

p and the momentum buffer b are overwritten element by element (each read before it is written), so
a step allocates nothing beyond the first step's buffer. The call ends by setting ``done[k]``; a
KeyboardInterrupt is delivered between Python bytecodes, never inside a compiled call, so a
parameter is either untouched with ``done[k]`` clear or updated with it set, and the optimizer's
``commit`` can re-run an interrupted step's writes without applying one twice. The arithmetic is in
the parameter's dtype, without fastmath (no fused multiply-adds), as numpy would compute it.
"""
import numpy as np

from ..jit import njit


@njit(fastmath=False, inline="always")
def _rule(p, g, b, lr, momentum, damp, decay, nesterov, maximize, first, use_momentum):
    """(new p, new b) of one element."""
    d = -g if maximize else g
    if decay != 0:
        d = d + decay * p
    if use_momentum:
        b = d if first else momentum * b + damp * d
        d = d + momentum * b if nesterov else b
    return p - lr * d, b


@njit(fastmath=False)
def _flat(p, g, b, lr, momentum, damp, decay, nesterov, maximize, first, use_momentum, done, k):
    for i in range(p.size):
        p[i], new_b = _rule(p[i], g[i], b[i], lr, momentum, damp, decay, nesterov, maximize, first, use_momentum)
        if use_momentum:
            b[i] = new_b
    done[k] = 1


@njit(fastmath=False)
def _strided(p, g, b, lr, momentum, damp, decay, nesterov, maximize, first, use_momentum, done, k):
    for i in np.ndindex(p.shape):
        p[i], new_b = _rule(p[i], g[i], b[i], lr, momentum, damp, decay, nesterov, maximize, first, use_momentum)
        if use_momentum:
            b[i] = new_b
    done[k] = 1


def sgd_step(p, g, buf, first, lr, momentum, dampening, weight_decay, nesterov, maximize, done, k):
    """Update ``p`` (and the momentum buffer ``buf``, written from scratch when ``first``) in place,
    then set ``done[k]``; nothing happens when ``done[k]`` is set already."""
    if done[k]:
        return
    t = p.dtype.type
    b = p if buf is None else buf  # without momentum b is read, never written
    args = (t(lr), t(momentum), t(1 - dampening), t(weight_decay), bool(nesterov), bool(maximize), bool(first),
            momentum != 0, done, k)
    if p.flags.c_contiguous and b.flags.c_contiguous:
        _flat(p.reshape(-1), np.ascontiguousarray(g).reshape(-1), b.reshape(-1), *args)
    else:
        _strided(p, np.broadcast_to(g, p.shape), b, *args)
