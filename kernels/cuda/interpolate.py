"""Separable resampling along one axis on device arrays, the CUDA twin of
``kernels/cpu/interpolate.py`` (same functions, arguments and results). One thread per output
element. The backward is a gather: the (o, t) taps reading each input position i, in the CPU
scatter's order (o, then t), are listed once on the host from the small tap tables (geometry,
not data), so grad_x[a, i, b] sums them without atomics."""
import numpy as np

from ..cpu.interpolate import gather_lists
from ._host import empty
from ._launch import cuda, launch


@cuda.jit
def _forward(x, idx, w, out):
    A, O, B = out.shape
    T = idx.shape[0]
    for u in range(cuda.grid(1), out.size, cuda.gridsize(1)):
        a, o, b = u // (O * B), u // B % O, u % B
        acc = w[0, o] * x[a, idx[0, o], b]
        for t in range(1, T):
            acc += w[t, o] * x[a, idx[t, o], b]
        out[a, o, b] = acc


@cuda.jit
def _backward(g, starts, outs, weights, gx, zero):
    A, I, B = gx.shape
    for u in range(cuda.grid(1), gx.size, cuda.gridsize(1)):
        a, i, b = u // (I * B), u // B % I, u % B
        acc = zero
        for e in range(starts[i], starts[i + 1]):
            acc += weights[e] * g[a, outs[e], b]
        gx[a, i, b] = acc


def _view3(shape, axis):
    return int(np.prod(shape[:axis], dtype=np.int64)), shape[axis], int(np.prod(shape[axis + 1:], dtype=np.int64))


def resample_forward(x, axis, idx, w):
    A, _, B = _view3(x.shape, axis)
    O = idx.shape[1]
    out = empty(tuple(x.shape[:axis]) + (O,) + tuple(x.shape[axis + 1:]), x.dtype)
    if out.size:
        w = cuda.to_device(w.copy_to_host().astype(x.dtype))
        launch(_forward, out.size, False, x.reshape(A, x.shape[axis], B), idx, w, out.reshape(A, O, B))
    return out


def resample_backward(g, axis, size, idx, w):
    A, O, B = _view3(g.shape, axis)
    gx = empty(tuple(g.shape[:axis]) + (size,) + tuple(g.shape[axis + 1:]), g.dtype)
    if not gx.size:
        return gx
    starts, outs, weights = gather_lists(idx.copy_to_host(), w.copy_to_host(), size)
    if g.size:
        launch(_backward, gx.size, False, g.reshape(A, O, B), cuda.to_device(starts), cuda.to_device(outs),
               cuda.to_device(weights.astype(g.dtype)), gx.reshape(A, size, B), g.dtype.type(0))
    else:
        from ._shape import fill
        fill(gx, 0)
    return gx
