"""2-D convolution on NCHW device arrays: direct convolution kernels, the CUDA twin of
``kernels/cpu/conv2d.py`` (same functions, arguments and results; its geometry and checks).

Shapes: x (N, C, H, W), weight (OC, C/G, kh, kw), G = groups, out (N, OC, OH, OW); output channel o
reads the input channels of its group g(o) = o // (OC/G), c = g(o)·C/G + c'. With
ih(oh, i) = oh·sh − top + i·dh and iw(ow, j) = ow·sw − left + j·dw (taps outside the input read 0):

    out[n, o, oh, ow] = Σ_{c', i, j} W[o, c', i, j] · x[n, c, ih(oh, i), iw(ow, j)]  + b[o]
                                                     one thread per output element
    grad_x[n, c, ih, iw] = Σ_{o ∈ group of c} Σ_{i, j} grad_out[n, o, oh, ow] · W[o, c', i, j]
                           over the taps with oh = (ih + top − i·dh)/sh and ow = (iw + left − j·dw)/sw
                           whole and inside the output: the transposed convolution, one thread per
                           input element (a gather: no two threads write one element, no atomics)
    grad_W[o, c', i, j] = Σ_{n, oh, ow} grad_out[n, o, oh, ow] · x[n, c, ih(oh, i), iw(ow, j)]
                           one block per weight element, its threads over (n, oh, ow), summed in
                           float64 and reduced in shared memory (``_launch.block_reduce``)
    grad_b[o] = Σ_{n, oh, ow} grad_out[n, o, oh, ow]          one block per channel, likewise

The forward and grad_x accumulate in the data's dtype, as the CPU backend's BLAS does; the weight and
bias gradients, long sums over the batch and the image, in float64. ``padding`` is (ph, pw) or (top,
bottom, left, right), entries possibly negative (a crop). Every result is a new device array.
"""
from numba import cuda, float64

from ..cpu.conv2d import _Geometry, conv2d_output_size  # noqa: F401 - the backends share the geometry
from ._host import empty
from ._launch import SCRATCH, SUM, block_reduce, lanes, launch, units


@cuda.jit(device=True)
def _nchw(u, shape):
    """(n, c, h, w) of flat index u in a C-contiguous array of ``shape``."""
    w = u % shape[3]
    u //= shape[3]
    h = u % shape[2]
    u //= shape[2]
    return u // shape[1], u % shape[1], h, w


@cuda.jit
def _forward_kernel(x, w, b, out, sh, sw, top, left, dh, dw, zero):
    H, W = x.shape[2], x.shape[3]
    Cg, KH, KW = w.shape[1], w.shape[2], w.shape[3]
    OCg = w.shape[0] // (x.shape[1] // Cg)
    first, step = units(False)
    for u in range(first, out.size, step):
        n, o, oh, ow = _nchw(u, out.shape)
        c0 = o // OCg * Cg
        acc = zero
        for c in range(Cg):
            for i in range(KH):
                ih = oh * sh - top + i * dh
                if 0 <= ih < H:
                    for j in range(KW):
                        iw = ow * sw - left + j * dw
                        if 0 <= iw < W:
                            acc += w[o, c, i, j] * x[n, c0 + c, ih, iw]
        if b.size > 0:
            acc += b[o]
        out[n, o, oh, ow] = acc


@cuda.jit(device=True)
def _output_at(t, s, size):
    """(o, ok): the output position o with o·s = t (t = input position + pad − tap·d), ok when t is a
    non-negative multiple of s and o < size."""
    return t // s, t >= 0 and t % s == 0 and t // s < size


@cuda.jit
def _grad_input_kernel(grad_out, w, gx, sh, sw, top, left, dh, dw, zero):
    OC, Cg, KH, KW = w.shape[0], w.shape[1], w.shape[2], w.shape[3]
    OH, OW = grad_out.shape[2], grad_out.shape[3]
    OCg = OC // (gx.shape[1] // Cg)
    first, step = units(False)
    for u in range(first, gx.size, step):
        n, c, ih, iw = _nchw(u, gx.shape)
        g, cl = c // Cg, c % Cg
        acc = zero
        for o in range(g * OCg, (g + 1) * OCg):
            for i in range(KH):
                oh, row = _output_at(ih + top - i * dh, sh, OH)
                if row:
                    for j in range(KW):
                        ow, col = _output_at(iw + left - j * dw, sw, OW)
                        if col:
                            acc += grad_out[n, o, oh, ow] * w[o, cl, i, j]
        gx[n, c, ih, iw] = acc


@cuda.jit
def _grad_weight_kernel(grad_out, x, gw, sh, sw, top, left, dh, dw):
    scratch = cuda.shared.array(SCRATCH, float64)
    H, W = x.shape[2], x.shape[3]
    N, OC, OH, OW = grad_out.shape
    Cg = gw.shape[1]
    OCg = OC // (x.shape[1] // Cg)
    first, step = units(True)
    lo, stride = lanes(True)
    for u in range(first, gw.size, step):  # the same u for every thread of the block
        o, cl, i, j = _nchw(u, gw.shape)
        c = o // OCg * Cg + cl
        acc = 0.0
        for v in range(lo, N * OH * OW, stride):
            ow = v % OW
            oh = v // OW % OH
            n = v // (OW * OH)
            ih, iw = oh * sh - top + i * dh, ow * sw - left + j * dw
            if 0 <= ih < H and 0 <= iw < W:
                acc += float64(grad_out[n, o, oh, ow]) * x[n, c, ih, iw]
        total = block_reduce(acc, SUM, scratch)
        if cuda.threadIdx.x == 0:
            gw[o, cl, i, j] = total


@cuda.jit
def _grad_bias_kernel(grad_out, gb):
    scratch = cuda.shared.array(SCRATCH, float64)
    N, OC, OH, OW = grad_out.shape
    first, step = units(True)
    lo, stride = lanes(True)
    for o in range(first, OC, step):
        acc = 0.0
        for v in range(lo, N * OH * OW, stride):
            acc += grad_out[v // (OH * OW), o, v // OW % OH, v % OW]
        total = block_reduce(acc, SUM, scratch)
        if cuda.threadIdx.x == 0:
            gb[o] = total


def _taps(geo):
    """The kernels' geometry arguments: sh, sw, top, left, dh, dw."""
    return geo.stride + (geo.pads[0], geo.pads[2]) + geo.dilation


def conv2d_forward(x, weight, bias, stride, padding, dilation, groups):
    """Return ``(out, saved)``; ``saved`` is None (backward reads ``x`` and ``weight``)."""
    geo = _Geometry(x.shape, weight.shape, stride, padding, dilation, groups)
    out = empty((geo.N, geo.OC) + geo.out_hw, x.dtype)
    if out.size:
        b = empty(0, x.dtype) if bias is None else bias
        launch(_forward_kernel, out.size, False, x, weight, b, out, *_taps(geo), x.dtype.type(0))
    return out, None


def conv2d_backward(grad_out, x, weight, saved, stride, padding, dilation, groups, needs=(True, True, True)):
    """Return ``(grad_x, grad_w, grad_b)`` for the entries of ``needs`` that are true, else None."""
    geo = _Geometry(x.shape, weight.shape, stride, padding, dilation, groups)
    grad_x = grad_w = grad_b = None
    if needs[0]:
        grad_x = empty(x.shape, x.dtype)
        if grad_x.size:
            launch(_grad_input_kernel, grad_x.size, False, grad_out, weight, grad_x, *_taps(geo),
                   x.dtype.type(0))
    if needs[1]:
        grad_w = empty(weight.shape, x.dtype)
        if grad_w.size:
            launch(_grad_weight_kernel, grad_w.size, True, grad_out, x, grad_w, *_taps(geo))
    if needs[2]:
        grad_b = empty(geo.OC, x.dtype)
        if geo.OC:
            launch(_grad_bias_kernel, geo.OC, True, grad_out, grad_b)
    return grad_x, grad_w, grad_b
