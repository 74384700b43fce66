"""How every fused optimizer kernel on the CPU meets its arrays (``_adam.py``, ``_rmsprop.py``, ...).

An optimizer kernel is one compiled loop ``kernel(p, g, *buffers, *scalars, done, k)`` over 1-D
arrays that updates the parameter ``p`` and its state ``buffers`` element by element in place and
ends by setting ``done[k]`` (a KeyboardInterrupt lands between Python bytecodes, never inside a
compiled call, so the optimizer's ``commit`` can re-run an interrupted step without a second update).

``run`` gives it 1-D views in ``p``'s memory order: a C-contiguous or transposed parameter and buffers
made by ``full_like`` (which keeps the layout) are passed as they are, and only the gradient is
copied when its layout differs. A parameter with no flat view (a strided slice) or a buffer in
another layout is updated on contiguous copies that one compiled ``_write_back`` then copies back,
setting ``done[k]`` in the same call: still all or nothing.

Kernels compile with ``error_model="numpy"``: a division by zero gives inf/NaN as in torch instead of
a Python exception, and the loop without that check vectorises (10M-element Adam: 150 → 18 ms).

``lerp`` is torch's linear interpolation, which the running averages use. (Numba's cache keys a
kernel on its own file: after editing ``lerp``, clear the optimizer kernels' cache entries.)
"""
import numpy as np
from numba import literal_unroll

from ..jit import njit


def _memory_order(a):
    """The axes of ``a`` from the largest stride to the smallest."""
    return tuple(sorted(range(a.ndim), key=lambda axis: -abs(a.strides[axis])))


def _flat(a, order):
    """``a`` as a 1-D view in the axis order ``order``, or None when no such view exists."""
    t = a.transpose(order)
    return t.reshape(-1) if t.flags.c_contiguous else None


@njit(fastmath=False, inline="always")
def lerp(a, b, w, rest):
    """torch's lerp: a + w·(b − a) for |w| < 0.5, else b − (b − a)·(1 − w); ``rest`` is 1 − w (the
    weights here are 1 − β ≥ 0; comparing with the literal 0.5 would put float64 math in a float32 kernel)."""
    return a + w * (b - a) if w < rest else b - (b - a) * rest  # w < 1 − w: torch's |w| < 0.5 for w ≥ 0


@njit(fastmath=False)
def _write_back(pairs, done, k):
    for pair in literal_unroll(pairs):
        dst, src = pair
        for i in np.ndindex(dst.shape):
            dst[i] = src[i]
    done[k] = 1


def cast(scalars, dtype):
    """The float hyper-parameters in the parameter's dtype (the kernels compute in it, as torch does);
    flags stay bools."""
    return tuple(s if isinstance(s, (bool, np.bool_)) else dtype.type(s) for s in scalars)


def run(kernel, p, g, buffers, scalars, done, k):
    """``kernel(p, g, *buffers, *scalars, done, k)`` over flat views (or staged copies) of the arrays;
    nothing happens when ``done[k]`` is set already."""
    if done[k]:
        return
    scalars = cast(scalars, p.dtype)
    arrays = (p, g, *buffers)
    if all(a.flags.c_contiguous for a in arrays):  # the common case, without the layout search
        kernel(*(a.reshape(-1) for a in arrays), *scalars, done, k)
        return
    order = _memory_order(p)
    flat = [_flat(a, order) for a in (p, *buffers)]
    if all(a is not None for a in flat):
        grad = _flat(g, order)
        if grad is None:
            grad = np.ascontiguousarray(np.broadcast_to(g, p.shape).transpose(order)).reshape(-1)
        kernel(flat[0], grad, *flat[1:], *scalars, done, k)
        return
    copies = {}  # one staged copy per distinct array (a kernel may get one buffer twice, unused once)
    staged = [copies.setdefault(id(a), (a, np.array(a, order="C")))[1] for a in (p, *buffers)]
    grad = np.ascontiguousarray(np.broadcast_to(g, p.shape)).reshape(-1)
    kernel(staged[0].reshape(-1), grad, *(s.reshape(-1) for s in staged[1:]), *scalars, np.zeros(1, np.uint8), 0)
    _write_back(tuple(copies.values()), done, k)
