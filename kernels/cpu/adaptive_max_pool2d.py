"""Adaptive 2-D max pooling on NCHW arrays (Numba): output (oh, ow) takes the maximum over rows
[⌊oh·H/OH⌋, ⌈(oh+1)·H/OH⌉) and columns [⌊ow·W/OW⌋, ⌈(ow+1)·W/OW⌉), with the flat index h·W + w of
the first maximum in row-major order (a NaN wins; the last NaN is kept, as torch). Backward adds each
output's gradient at its index. Planes (n, c) are split over threads.
"""
import numpy as np

from ._parallel import split


@split
def _forward(lo, hi, x, out, arg):
    _, H, W = x.shape
    _, OH, OW = out.shape
    for p in range(lo, hi):
        for oh in range(OH):
            h0, h1 = (oh * H) // OH, -((-(oh + 1) * H) // OH)
            for ow in range(OW):
                w0, w1 = (ow * W) // OW, -((-(ow + 1) * W) // OW)
                best = x[p, h0, w0]
                at = h0 * W + w0
                for h in range(h0, h1):
                    for w in range(w0, w1):
                        v = x[p, h, w]
                        if v > best or v != v:
                            best = v
                            at = h * W + w
                out[p, oh, ow] = best
                arg[p, oh, ow] = at


@split
def _backward(lo, hi, g, arg, gx):
    n = g.shape[1]
    for p in range(lo, hi):
        for i in range(gx.shape[1]):
            gx[p, i] = 0
        for i in range(n):
            gx[p, arg[p, i]] += g[p, i]


def adaptive_max_pool2d_forward(x, output_size):
    """(out, indices) for x (N, C, H, W)."""
    x = np.ascontiguousarray(x)
    N, C, H, W = x.shape
    out = np.empty((N, C) + tuple(output_size), x.dtype)
    arg = np.empty(out.shape, np.int64)
    _forward(x.size + out.size, N * C, x.reshape(N * C, H, W), out.reshape((N * C,) + out.shape[2:]),
             arg.reshape((N * C,) + out.shape[2:]))
    return out, arg


def adaptive_max_pool2d_backward(g, arg, input_shape):
    N, C, H, W = input_shape
    gx = np.empty(input_shape, g.dtype)
    _backward(gx.size + g.size, N * C, np.ascontiguousarray(g).reshape(N * C, -1), arg.reshape(N * C, -1),
              gx.reshape(N * C, H * W))
    return gx
