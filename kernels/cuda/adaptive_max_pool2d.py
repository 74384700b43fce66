"""Adaptive 2-D max pooling on device arrays, the CUDA twin of ``kernels/cpu/adaptive_max_pool2d.py``
(same functions, arguments and results): one thread per output forward (the CPU's loop: first
maximum in row-major order, a NaN wins and the last NaN is kept); backward one thread per input
position, gathering from the outputs whose window holds it and whose maximum it is, in (oh, ow)
order (the CPU scatter's)."""
from ._host import empty
from ._launch import cuda, launch


@cuda.jit
def _forward(x, out, arg):
    P, H, W = x.shape
    _, OH, OW = out.shape
    for u in range(cuda.grid(1), out.size, cuda.gridsize(1)):
        p, oh, ow = u // (OH * OW), u // OW % OH, u % OW
        h0, h1 = oh * H // OH, -((-(oh + 1) * H) // OH)
        w0, w1 = ow * W // OW, -((-(ow + 1) * W) // OW)
        best, at = x[p, h0, w0], h0 * W + w0
        for h in range(h0, h1):
            for w in range(w0, w1):
                v = x[p, h, w]
                if v > best or v != v:
                    best, at = v, h * W + w
        out[p, oh, ow] = best
        arg[p, oh, ow] = at


@cuda.jit
def _backward(g, arg, gx, zero):
    P, H, W = gx.shape
    _, OH, OW = g.shape
    for u in range(cuda.grid(1), gx.size, cuda.gridsize(1)):
        p, h, w = u // (H * W), u // W % H, u % W
        acc = zero
        for oh in range(h * OH // H, min(OH, ((h + 1) * OH + H - 1) // H)):
            for ow in range(w * OW // W, min(OW, ((w + 1) * OW + W - 1) // W)):
                if arg[p, oh, ow] == h * W + w:
                    acc += g[p, oh, ow]
        gx[p, h, w] = acc


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
