"""2-D convolution on NCHW numpy arrays: Cython data movement (im2col/col2im, Winograd tile
transforms) around BLAS matmuls.

Shapes: x (N, C, H, W), weight (OC, C/G, kh, kw), G = groups, out (N, OC, OH, OW) with

    OH = (H + pad_top + pad_bottom - dh*(kh-1) - 1) // sh + 1      (OW likewise)

im2col route. Per sample n and group g, with K = (C/G)*kh*kw rows and L = OH*OW columns,

    cols[n, g] = im2col(x[n, g])                 (K, L)
    out[n, g]  = W[g] @ cols[n, g] + b[g]        W[g]: (OC/G, K)

so a broadcast ``np.matmul`` writes the output in NCHW order without a transpose. Samples go in
chunks whose columns take about ``CHUNK_BYTES``, so the matmul reads them from cache. Backward:

    grad_b    = sum over n, oh, ow of grad_out
    grad_W[g] = sum_n grad_out[n, g] @ cols[n, g]^T
    grad_x    = col2im(W[g]^T @ grad_out[n, g])

With stride 1 and OC < C, grad_x is instead computed as what it equals: a stride-1 convolution of
grad_out with the kernel flipped in space and transposed in/out channels, padded d*(k-1) - pad on
each side. Same arithmetic, but its im2col buffer has OC*kh*kw rows where col2im's has C*kh*kw.

Winograd route, for 3x3 stride-1 undilated convs with >= 16 channels per group in and out (where the
matmuls dominate): F(2x2, 3x3) computes each 2x2 output tile from a 4x4 input tile d as
A^T [(G g G^T) * (B^T d B)] A; summed over input channels the 16 elementwise products are 16
matmuls (OC/G, C/G) @ (C/G, tiles), 2.25x fewer multiplies than im2col's. grad_x is the flipped
convolution above (Winograd again) and grad_W = G^T [sum over tiles (A dY A^T) * (B^T d B)] G.
Tiles are independent, so both run chunk by chunk of tiles (``CHUNK_BYTES``).

Scratch buffers (one chunk's columns or transformed tiles) live in per-thread workspaces that grow
to the largest chunk seen and are reused by every call: forward saves nothing and backward
recomputes what it needs (cheaper than keeping a fresh buffer several times the input's size alive,
and page-faulting it in, on every step).

``padding`` is (ph, pw) — symmetric — or (top, bottom, left, right); the latter is how the caller
passes torch's 'same' padding for an even effective kernel d*(k-1): total d*(k-1), top gets the floor
half, bottom the rest. Entries may be negative (crop), as the grad_x convolution above needs.
"""
import math
import threading

import numpy as np

from ._im2col import (
    col2im, im2col, winograd_grad_output, winograd_input, winograd_output, winograd_weight, winograd_weight_grad,
)

_scratch = threading.local()
# im2col and Winograd run data movement -> matmuls (-> data movement) on chunks of samples or tiles
# with about this much scratch, so the matmuls read their operands from cache (Winograd: 1 MiB was
# the fastest of 256 KiB-4 MiB and unchunked, 15-30% over unchunked for the segmentation net's
# conv2), and the workspaces stay about that size
CHUNK_BYTES = 1 << 20


def _workspace(shape, dtype, slot=0):
    """A per-thread scratch array of ``shape``, valid until the next call for ``slot`` in this thread."""
    n = math.prod(shape) * np.dtype(dtype).itemsize
    bufs = _scratch.__dict__.setdefault("bufs", {})
    if slot not in bufs or bufs[slot].nbytes < n:
        bufs[slot] = np.empty(n, np.uint8)
    return bufs[slot][:n].view(dtype).reshape(shape)


def _pads(padding):
    """(top, bottom, left, right) from (ph, pw) or a 4-tuple."""
    if len(padding) == 4:
        return tuple(padding)
    return padding[0], padding[0], padding[1], padding[1]


def conv2d_output_size(in_size, kernel, stride, pad_lo, pad_hi, dilation):
    """Output length along one axis: (in + pad_lo + pad_hi - dilation*(kernel-1) - 1) // stride + 1."""
    return (in_size + pad_lo + pad_hi - dilation * (kernel - 1) - 1) // stride + 1


class _Geometry:
    __slots__ = ("N", "C", "H", "W", "OC", "G", "OCg", "kernel", "stride", "pads", "dilation", "out_hw",
                 "K", "L", "pointwise")

    def __init__(self, x_shape, w_shape, stride, padding, dilation, groups):
        self.N, self.C, self.H, self.W = x_shape
        self.OC, cg, kh, kw = w_shape
        if self.C != cg * groups or self.OC % groups:
            raise RuntimeError(f"conv2d: input {x_shape} and weight {w_shape} do not match groups={groups}")
        self.pads = top, bottom, left, right = _pads(padding)
        self.G, self.OCg = groups, self.OC // groups
        self.kernel, self.stride, self.dilation = (kh, kw), tuple(stride), tuple(dilation)
        self.out_hw = (conv2d_output_size(self.H, kh, stride[0], top, bottom, dilation[0]),
                       conv2d_output_size(self.W, kw, stride[1], left, right, dilation[1]))
        if min(self.out_hw) <= 0:
            raise RuntimeError(f"conv2d: input {x_shape} is smaller than the (dilated, padded) kernel")
        self.K = cg * kh * kw
        self.L = self.out_hw[0] * self.out_hw[1]
        self.pointwise = (kh, kw) == (1, 1) and self.stride == (1, 1) and self.pads == (0,) * 4

    def im2col_args(self):
        return self.kernel, self.stride, (self.pads[0], self.pads[2]), self.dilation, self.out_hw

    def grouped(self, a, rows):
        """View a (n, G*rows, ...) array as (n, G, rows, L)."""
        return a.reshape(-1, self.G, rows, self.L)

    def samples(self, dtype):
        """Sample ranges [n0, n1) whose im2col columns take about ``CHUNK_BYTES`` (at least one sample)."""
        per = max(1, CHUNK_BYTES // (self.G * self.K * self.L * np.dtype(dtype).itemsize))
        return [(n0, min(n0 + per, self.N)) for n0 in range(0, self.N, per)]

    def cols(self, n, dtype):
        """Workspace for the columns of ``n`` samples, as im2col/col2im take them: (n, C*kh*kw, L)."""
        return _workspace((n, self.G * self.K, self.L), dtype)


def _columns(x, geo):
    """(n0, n1, cols) per chunk of samples, cols (n1 - n0, G, K, L): a view of ``x`` for a pointwise
    conv, else im2col into the workspace (valid until the next chunk)."""
    if geo.pointwise:
        yield 0, geo.N, geo.grouped(x, geo.K)
        return
    for n0, n1 in geo.samples(x.dtype):
        cols = geo.cols(n1 - n0, x.dtype)
        im2col(x[n0:n1], cols, *geo.im2col_args())
        yield n0, n1, geo.grouped(cols, geo.K)


def _winograd(geo):
    """Use Winograd F(2x2, 3x3): 3x3, stride 1, no dilation, and matmuls big enough to dominate its
    transforms (at least 16 channels per group in and out)."""
    return (geo.kernel == (3, 3) and geo.stride == (1, 1) and geo.dilation == (1, 1)
            and min(geo.C, geo.OC) // geo.G >= 16)


def _components(rows, cols, dtype, slot):
    """A (16, rows, cols) workspace view whose matrices lie rows*cols + 64 bytes apart: the transforms
    stream into (or out of) all 16 at once, and streams a large power of two apart (rows*cols usually
    is) share cache sets and evict each other (the kernel transforms ran 6x slower)."""
    n = rows * cols + 64 // np.dtype(dtype).itemsize
    return _workspace((16, n), dtype, slot)[:, :rows * cols].reshape(16, rows, cols)


def _winograd_chunks(geo, dtype, nbytes):
    """(t0, v, m) per chunk of tiles [t0, t0 + T), the chunks covering all N*TH*TW tiles: workspace
    views v (16, C, T) for the transformed input and m (16, OC, T) for the products, about ``nbytes``
    together (16*(C + OC) values a tile)."""
    total = geo.N * ((geo.out_hw[0] + 1) // 2) * ((geo.out_hw[1] + 1) // 2)
    per = max(1, nbytes // (16 * (geo.C + geo.OC) * np.dtype(dtype).itemsize))
    views = {}  # by chunk length: all but the last chunk share one pair
    for t0 in range(0, total, per):
        n = min(per, total - t0)
        if n not in views:
            views[n] = _components(geo.C, n, dtype, slot=0), _components(geo.OC, n, dtype, slot=1)
        yield (t0,) + views[n]


def _winograd_forward(x, weight, bias, geo):
    """out = A^T [U * V] A per tile, U = G g G^T: the 16 products summed over channels are matmuls."""
    u = _components(geo.OC, geo.C // geo.G, x.dtype, slot=3)
    winograd_weight(np.ascontiguousarray(weight), u)
    u = u.reshape(16, geo.G, geo.OCg, -1)
    out = np.empty((geo.N, geo.OC) + geo.out_hw, x.dtype)
    bias = None if bias is None else np.ascontiguousarray(bias, x.dtype)
    pads, tiles = (geo.pads[0], geo.pads[2]), ((geo.out_hw[0] + 1) // 2, (geo.out_hw[1] + 1) // 2)
    for t0, v, m in _winograd_chunks(geo, x.dtype, CHUNK_BYTES):
        winograd_input(x, v, pads, tiles, t0)
        np.matmul(u, v.reshape(16, geo.G, geo.C // geo.G, -1), out=m.reshape(16, geo.G, geo.OCg, -1))
        winograd_output(m, out, bias, t0)
    return out


def _winograd_grad_weight(grad_out, x, geo):
    """grad_g = G^T [sum over tiles of (A dy A^T) * V] G, the sum over tiles again 16 matmuls,
    accumulated over chunks 4x the forward's: the tiles are these matmuls' inner dimension."""
    du = _components(geo.OC, geo.C // geo.G, x.dtype, slot=3)
    du[...] = 0  # what an empty batch gets; the first chunk overwrites it
    part = _workspace((16, geo.G, geo.OCg, geo.C // geo.G), x.dtype, slot=2)
    pads, tiles = (geo.pads[0], geo.pads[2]), ((geo.out_hw[0] + 1) // 2, (geo.out_hw[1] + 1) // 2)
    for t0, v, dm in _winograd_chunks(geo, x.dtype, 4 * CHUNK_BYTES):
        winograd_input(x, v, pads, tiles, t0)
        winograd_grad_output(grad_out, dm, t0)
        np.matmul(dm.reshape(16, geo.G, geo.OCg, -1), v.reshape(16, geo.G, geo.C // geo.G, -1).swapaxes(2, 3),
                  out=part if t0 else du.reshape(part.shape))
        if t0:
            du += part.reshape(du.shape)
    grad_w = np.empty((geo.OC, geo.C // geo.G, 3, 3), x.dtype)
    winograd_weight_grad(du, grad_w)
    return grad_w


def conv2d_forward(x, weight, bias, stride, padding, dilation, groups):
    """Return ``(out, saved)``; ``saved`` is None (backward recomputes the columns from ``x``)."""
    x = np.ascontiguousarray(x)
    geo = _Geometry(x.shape, weight.shape, stride, padding, dilation, groups)
    if _winograd(geo):
        return _winograd_forward(x, weight, bias, geo), None
    out = np.empty((geo.N, geo.OC) + geo.out_hw, x.dtype)
    w = weight.reshape(geo.G, geo.OCg, geo.K)
    for n0, n1, cols in _columns(x, geo):
        np.matmul(w, cols, out=geo.grouped(out[n0:n1], geo.OCg))
    if bias is not None:
        out += bias.reshape(geo.OC, 1, 1)
    return out, None


def conv2d_backward(grad_out, x, weight, saved, stride, padding, dilation, groups, needs=(True, True, True)):
    """Return ``(grad_x, grad_w, grad_b)`` for the entries of ``needs`` that are true, else None."""
    x = np.ascontiguousarray(x)
    geo = _Geometry(x.shape, weight.shape, stride, padding, dilation, groups)
    grad_out = np.ascontiguousarray(grad_out)
    grad_x = grad_w = grad_b = None
    if needs[2]:
        grad_b = grad_out.reshape(geo.N, geo.OC, geo.L).sum(axis=2).sum(axis=0)
    if needs[1] and _winograd(geo):
        grad_w = _winograd_grad_weight(grad_out, x, geo)
    elif needs[1]:
        grad_w = np.zeros((geo.G, geo.OCg, geo.K), x.dtype)
        for n0, n1, cols in _columns(x, geo):
            go = geo.grouped(grad_out[n0:n1], geo.OCg)
            if geo.OCg >= geo.K:                                           # (G, OC/G, K)
                grad_w += np.matmul(go, cols.swapaxes(2, 3)).sum(axis=0)
            else:  # OpenBLAS is several times slower with a thin left operand: make the long side M
                grad_w += np.matmul(cols, go.swapaxes(2, 3)).sum(axis=0).swapaxes(1, 2)
        grad_w = grad_w.reshape(weight.shape)
    if needs[0]:
        grad_x = _grad_input(grad_out, weight, geo)
    return grad_x, grad_w, grad_b


def _grad_input(grad_out, weight, geo):
    """grad_x by the cheapest of three routes (same arithmetic, different memory traffic)."""
    if geo.stride == (1, 1) and (geo.OC < geo.C or _winograd(geo)) and not geo.pointwise:
        # grad_out correlated with the spatially flipped, in/out-swapped kernel, padded by d*(k-1) - pad
        # on each side: Winograd again, or an im2col with OC/C times the rows of col2im's buffer
        kh, kw = geo.kernel
        dh, dw = geo.dilation
        top, bottom, left, right = geo.pads
        flipped = weight.reshape(geo.G, geo.OCg, geo.C // geo.G, kh, kw).swapaxes(1, 2)[..., ::-1, ::-1]
        pads = (dh * (kh - 1) - top, dh * (kh - 1) - bottom, dw * (kw - 1) - left, dw * (kw - 1) - right)
        return conv2d_forward(grad_out, flipped.reshape(geo.C, geo.OCg, kh, kw), None, (1, 1), pads,
                              geo.dilation, geo.G)[0]
    w_t = weight.reshape(geo.G, geo.OCg, geo.K).swapaxes(1, 2)              # (G, K, OC/G)
    grad_x = np.empty((geo.N, geo.C, geo.H, geo.W), grad_out.dtype)
    if geo.pointwise:
        np.matmul(w_t, geo.grouped(grad_out, geo.OCg), out=geo.grouped(grad_x, geo.K))
        return grad_x
    for n0, n1 in geo.samples(grad_out.dtype):  # col2im(W^T @ grad_out), a chunk of samples at a time
        grad_cols = geo.cols(n1 - n0, grad_out.dtype)
        np.matmul(w_t, geo.grouped(grad_out[n0:n1], geo.OCg), out=geo.grouped(grad_cols, geo.K))
        col2im(grad_cols, grad_x[n0:n1], *geo.im2col_args())
    return grad_x
