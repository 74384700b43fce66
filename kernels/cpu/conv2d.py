"""2-D convolution on NCHW numpy arrays: Cython im2col/col2im for the data movement, BLAS for the math.

Shapes: x (N, C, H, W), weight (OC, C/G, kh, kw), G = groups, out (N, OC, OH, OW) with

    OH = (H + pad_top + pad_bottom - dh*(kh-1) - 1) // sh + 1      (OW likewise)

Per sample n and group g, with K = (C/G)*kh*kw rows and L = OH*OW columns,

    cols[n, g] = im2col(x[n, g])                 (K, L)
    out[n, g]  = W[g] @ cols[n, g] + b[g]        W[g]: (OC/G, K)

so one broadcast ``np.matmul`` writes the output in NCHW order without a transpose. Backward:

    grad_b    = sum over n, oh, ow of grad_out
    grad_W[g] = sum_n grad_out[n, g] @ cols[n, g]^T
    grad_x    = col2im(W[g]^T @ grad_out[n, g])

A 1x1 kernel with stride 1 and no padding needs no im2col: ``cols`` is a view of ``x``. Otherwise
``cols`` (kh*kw times the input) lives in a per-thread workspace that grows to the largest conv seen
and is reused by every call: forward saves nothing and backward recomputes ``cols`` (one im2col,
cheaper than keeping a fresh buffer of that size alive, and page-faulting it in, on every step), then
overwrites them with ``W^T @ grad_out`` for col2im.

``padding`` is (ph, pw) — symmetric — or (top, bottom, left, right); the latter is how the caller
passes torch's 'same' padding for an even effective kernel d*(k-1): total d*(k-1), top gets the floor
half, bottom the rest.
"""
import threading

import numpy as np

from ._im2col import col2im, im2col

_scratch = threading.local()


def _workspace(shape, dtype):
    """A per-thread scratch array of ``shape``, valid until the next call in this thread."""
    n = int(np.prod(shape)) * np.dtype(dtype).itemsize
    buf = getattr(_scratch, "buf", None)
    if buf is None or buf.nbytes < n:
        buf = _scratch.buf = np.empty(n, np.uint8)
    return buf[:n].view(dtype).reshape(shape)


def _pads(padding):
    """(top, bottom, left, right) from (ph, pw) or a 4-tuple."""
    if len(padding) == 4:
        return tuple(padding)
    return padding[0], padding[0], padding[1], padding[1]


def conv2d_output_size(in_size, kernel, stride, pad_lo, pad_hi, dilation):
    """Output length along one axis: (in + pad_lo + pad_hi - dilation*(kernel-1) - 1) // stride + 1."""
    return (in_size + pad_lo + pad_hi - dilation * (kernel - 1) - 1) // stride + 1


class _Geometry:
    __slots__ = ("N", "C", "H", "W", "OC", "G", "kernel", "stride", "pad", "dilation", "out_hw",
                 "K", "L", "pointwise")

    def __init__(self, x_shape, w_shape, stride, padding, dilation, groups):
        self.N, self.C, self.H, self.W = x_shape
        self.OC, cg, kh, kw = w_shape
        if self.C != cg * groups or self.OC % groups:
            raise RuntimeError(f"conv2d: input {x_shape} and weight {w_shape} do not match groups={groups}")
        top, bottom, left, right = _pads(padding)
        self.G, self.kernel, self.stride, self.dilation = groups, (kh, kw), tuple(stride), tuple(dilation)
        self.pad = (top, left)
        self.out_hw = (conv2d_output_size(self.H, kh, stride[0], top, bottom, dilation[0]),
                       conv2d_output_size(self.W, kw, stride[1], left, right, dilation[1]))
        if min(self.out_hw) <= 0:
            raise RuntimeError(f"conv2d: input {x_shape} is smaller than the (dilated, padded) kernel")
        self.K = cg * kh * kw
        self.L = self.out_hw[0] * self.out_hw[1]
        self.pointwise = (kh, kw) == (1, 1) and self.stride == (1, 1) and (top, bottom, left, right) == (0,) * 4

    def im2col_args(self):
        return self.kernel, self.stride, self.pad, self.dilation, self.out_hw

    def grouped(self, a, rows):
        """View a (N, G*rows, ...) array as (N, G, rows, L)."""
        return a.reshape(self.N, self.G, rows, self.L)


def _columns(x, geo):
    """``cols`` as (N, G, K, L): a view of ``x`` for a pointwise conv, else im2col into the workspace."""
    if geo.pointwise:
        return geo.grouped(x, geo.K)
    cols = _workspace((geo.N, geo.C * geo.kernel[0] * geo.kernel[1], geo.L), x.dtype)
    im2col(x, cols, *geo.im2col_args())
    return geo.grouped(cols, geo.K)


def conv2d_forward(x, weight, bias, stride, padding, dilation, groups):
    """Return ``(out, saved)``; ``saved`` is None (backward recomputes the columns from ``x``)."""
    x = np.ascontiguousarray(x)
    geo = _Geometry(x.shape, weight.shape, stride, padding, dilation, groups)
    out = np.empty((geo.N, geo.OC) + geo.out_hw, x.dtype)
    np.matmul(weight.reshape(geo.G, geo.OC // geo.G, geo.K), _columns(x, geo), out=geo.grouped(out, geo.OC // geo.G))
    if bias is not None:
        out += bias.reshape(geo.OC, 1, 1)
    return out, None


def conv2d_backward(grad_out, x, weight, saved, stride, padding, dilation, groups, needs=(True, True, True)):
    """Return ``(grad_x, grad_w, grad_b)`` for the entries of ``needs`` that are true, else None."""
    x = np.ascontiguousarray(x)
    geo = _Geometry(x.shape, weight.shape, stride, padding, dilation, groups)
    ocg = geo.OC // geo.G
    grad_out = np.ascontiguousarray(grad_out)
    go = geo.grouped(grad_out, ocg)
    grad_x = grad_w = grad_b = None
    if needs[2]:
        grad_b = grad_out.reshape(geo.N, geo.OC, geo.L).sum(axis=2).sum(axis=0)
    if needs[1]:
        per_sample = np.matmul(go, _columns(x, geo).swapaxes(2, 3))       # (N, G, OC/G, K)
        grad_w = per_sample.sum(axis=0).reshape(weight.shape)
    if needs[0]:
        w_t = weight.reshape(geo.G, ocg, geo.K).swapaxes(1, 2)              # (G, K, OC/G)
        grad_x = np.empty(x.shape, x.dtype)
        if geo.pointwise:
            np.matmul(w_t, go, out=geo.grouped(grad_x, geo.K))
        else:  # the workspace's columns are consumed: reuse it for their gradient
            grad_cols = _workspace((geo.N, geo.C * geo.kernel[0] * geo.kernel[1], geo.L), x.dtype)
            np.matmul(w_t, go, out=geo.grouped(grad_cols, geo.K))
            col2im(grad_cols, grad_x, *geo.im2col_args())
    return grad_x, grad_w, grad_b
