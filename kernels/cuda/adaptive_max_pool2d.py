"""Adaptive 2-D max pooling on device arrays, the CUDA twin of ``kernels/cpu/adaptive_max_pool2d.py``
(same functions, arguments and results), over ``pooling.py``'s adaptive windows and max scan: one
thread per output forward (the CPU's loop: first maximum in row-major order, a NaN wins and the last
NaN is kept); backward one thread per input position, gathering from the outputs whose window holds
it and whose maximum it is, in (oh, ow) order (the CPU scatter's)."""
from ._host import empty
from ._launch import cuda, launch
from .pooling import ADAPTIVE, candidates, phw, span, first_max, gather_max


@cuda.jit
def _forward(x, out, arg):
    H, W = x.shape[1], x.shape[2]
    OH, OW = out.shape[1], out.shape[2]
    for u in range(cuda.grid(1), out.size, cuda.gridsize(1)):
        p, oh, ow = phw(u, out.shape)
        h0, h1, _ = span(oh, H, OH, 0, 0, 0, ADAPTIVE)
        w0, w1, _ = span(ow, W, OW, 0, 0, 0, ADAPTIVE)
        out[p, oh, ow], arg[p, oh, ow] = first_max(x, p, h0, h1 - h0, 1, w0, w1 - w0, 1, x[p, h0, w0], h0 * W + w0)


@cuda.jit
def _backward(g, arg, gx, zero):
    H, W = gx.shape[1], gx.shape[2]
    OH, OW = g.shape[1], g.shape[2]
    for u in range(cuda.grid(1), gx.size, cuda.gridsize(1)):
        p, h, w = phw(u, gx.shape)
        oh_lo, oh_hi = candidates(h, H, OH, 0, 0, 0, ADAPTIVE)
        ow_lo, ow_hi = candidates(w, W, OW, 0, 0, 0, ADAPTIVE)
        gx[p, h, w] = gather_max(g, arg, p, h * W + w, oh_lo, oh_hi, ow_lo, ow_hi, zero)


def adaptive_max_pool2d_forward(x, output_size):
    N, C, H, W = x.shape
    out = empty((N, C) + tuple(output_size), x.dtype)
    arg = empty(out.shape, "int64")
    if out.size:
        launch(_forward, out.size, False, x.reshape(N * C, H, W), out.reshape((N * C,) + tuple(output_size)),
               arg.reshape((N * C,) + tuple(output_size)))
    return out, arg


def adaptive_max_pool2d_backward(g, arg, input_shape):
    N, C, H, W = input_shape
    gx = empty(tuple(input_shape), g.dtype)
    if gx.size:
        OH, OW = g.shape[2:]
        launch(_backward, gx.size, False, g.reshape(N * C, OH, OW), arg.reshape(N * C, OH, OW),
               gx.reshape(N * C, H, W), g.dtype.type(0))
    return gx
