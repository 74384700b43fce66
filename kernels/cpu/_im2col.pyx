# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True, initializedcheck=False
"""im2col / col2im: the data movement of 2-D convolution (the arithmetic is a BLAS matmul).

For an input plane ``x[n, c]`` of size H x W, kernel (kh, kw), stride (sh, sw), top/left padding
(ph, pw), dilation (dh, dw) and output size (OH, OW), the column matrix is

    cols[n, (c*kh + i)*kw + j, oh*OW + ow] = x[n, c, oh*sh - ph + i*dh, ow*sw - pw + j*dw]

(zero where the index falls in the padding). Bottom/right padding only enters through OH and OW,
so asymmetric ('same' with an even kernel) padding needs nothing more here. ``col2im`` is the
adjoint: it sums every column entry back into the input position it was copied from.

Both loop over (n, c) planes, so a plane stays in L1/L2 while its kh*kw rows are produced or
consumed; the inner ``ow`` loop is a contiguous copy/add for stride 1. ``cols`` may be any
(N, C*kh*kw, OH*OW) view whose last axis is contiguous.
"""
from cython cimport floating
from libc.string cimport memset


cdef inline Py_ssize_t _span_start(Py_ssize_t off, Py_ssize_t s, Py_ssize_t n) noexcept nogil:
    """Smallest o in [0, n] with o*s + off >= 0."""
    if off >= 0:
        return 0
    cdef Py_ssize_t o = (-off + s - 1) // s
    return o if o < n else n


cdef inline Py_ssize_t _span_stop(Py_ssize_t off, Py_ssize_t s, Py_ssize_t size, Py_ssize_t n) noexcept nogil:
    """Smallest o in [0, n] with o*s + off >= size (one past the last in-range output)."""
    if off >= size:
        return 0
    cdef Py_ssize_t o = (size - off + s - 1) // s
    return o if o < n else n


cdef void _im2col_plane(const floating* src, floating* dst, Py_ssize_t row_stride,
                        Py_ssize_t H, Py_ssize_t W, Py_ssize_t kh, Py_ssize_t kw,
                        Py_ssize_t sh, Py_ssize_t sw, Py_ssize_t ph, Py_ssize_t pw,
                        Py_ssize_t dh, Py_ssize_t dw, Py_ssize_t OH, Py_ssize_t OW) noexcept nogil:
    cdef Py_ssize_t i, j, oh, ow, ih, lo, hi, off, oh_lo, oh_hi
    cdef const floating* srow
    cdef floating* row
    for i in range(kh):
        oh_lo = _span_start(i * dh - ph, sh, OH)
        oh_hi = _span_stop(i * dh - ph, sh, H, OH)
        if oh_hi < oh_lo:
            oh_hi = oh_lo
        for j in range(kw):
            row = dst + (i * kw + j) * row_stride
            off = j * dw - pw
            lo = _span_start(off, sw, OW)
            hi = _span_stop(off, sw, W, OW)
            if hi < lo:
                hi = lo
            memset(row, 0, oh_lo * OW * sizeof(floating))
            for oh in range(oh_lo, oh_hi):
                ih = oh * sh + i * dh - ph
                srow = src + ih * W
                for ow in range(lo):
                    row[oh * OW + ow] = 0
                if sw == 1:
                    for ow in range(lo, hi):
                        row[oh * OW + ow] = srow[ow + off]
                else:
                    for ow in range(lo, hi):
                        row[oh * OW + ow] = srow[ow * sw + off]
                for ow in range(hi, OW):
                    row[oh * OW + ow] = 0
            memset(row + oh_hi * OW, 0, (OH - oh_hi) * OW * sizeof(floating))


cdef void _col2im_plane(const floating* src, floating* dst, Py_ssize_t row_stride,
                        Py_ssize_t H, Py_ssize_t W, Py_ssize_t kh, Py_ssize_t kw,
                        Py_ssize_t sh, Py_ssize_t sw, Py_ssize_t ph, Py_ssize_t pw,
                        Py_ssize_t dh, Py_ssize_t dw, Py_ssize_t OH, Py_ssize_t OW) noexcept nogil:
    cdef Py_ssize_t i, j, oh, ow, ih, lo, hi, off, oh_lo, oh_hi
    cdef const floating* row
    cdef floating* drow
    memset(dst, 0, H * W * sizeof(floating))
    for i in range(kh):
        oh_lo = _span_start(i * dh - ph, sh, OH)
        oh_hi = _span_stop(i * dh - ph, sh, H, OH)
        for j in range(kw):
            row = src + (i * kw + j) * row_stride
            off = j * dw - pw
            lo = _span_start(off, sw, OW)
            hi = _span_stop(off, sw, W, OW)
            for oh in range(oh_lo, oh_hi):
                ih = oh * sh + i * dh - ph
                drow = dst + ih * W
                if sw == 1:
                    for ow in range(lo, hi):
                        drow[ow + off] += row[oh * OW + ow]
                else:
                    for ow in range(lo, hi):
                        drow[ow * sw + off] += row[oh * OW + ow]


def im2col(const floating[:, :, :, ::1] x, floating[:, :, ::1] cols, kernel, stride, padding, dilation,
           out_size):
    """Fill ``cols`` (N, C*kh*kw, OH*OW) from ``x`` (N, C, H, W); ``padding`` is (top, left)."""
    cdef Py_ssize_t N = x.shape[0], C = x.shape[1], H = x.shape[2], W = x.shape[3]
    cdef Py_ssize_t kh = kernel[0], kw = kernel[1], sh = stride[0], sw = stride[1]
    cdef Py_ssize_t ph = padding[0], pw = padding[1], dh = dilation[0], dw = dilation[1]
    cdef Py_ssize_t OH = out_size[0], OW = out_size[1]
    cdef Py_ssize_t n, c
    if cols.shape[0] != N or cols.shape[1] != C * kh * kw or cols.shape[2] != OH * OW:
        raise ValueError("im2col: cols has the wrong shape")
    with nogil:
        for n in range(N):
            for c in range(C):
                _im2col_plane(&x[n, c, 0, 0], &cols[n, c * kh * kw, 0], cols.strides[1] // sizeof(floating),
                              H, W, kh, kw, sh, sw, ph, pw, dh, dw, OH, OW)


def col2im(const floating[:, :, ::1] cols, floating[:, :, :, ::1] x, kernel, stride, padding, dilation,
           out_size):
    """Overwrite ``x`` (N, C, H, W) with the adjoint of :func:`im2col` applied to ``cols``."""
    cdef Py_ssize_t N = x.shape[0], C = x.shape[1], H = x.shape[2], W = x.shape[3]
    cdef Py_ssize_t kh = kernel[0], kw = kernel[1], sh = stride[0], sw = stride[1]
    cdef Py_ssize_t ph = padding[0], pw = padding[1], dh = dilation[0], dw = dilation[1]
    cdef Py_ssize_t OH = out_size[0], OW = out_size[1]
    cdef Py_ssize_t n, c
    if cols.shape[0] != N or cols.shape[1] != C * kh * kw or cols.shape[2] != OH * OW:
        raise ValueError("col2im: cols has the wrong shape")
    with nogil:
        for n in range(N):
            for c in range(C):
                _col2im_plane(&cols[n, c * kh * kw, 0], &x[n, c, 0, 0], cols.strides[1] // sizeof(floating),
                              H, W, kh, kw, sh, sw, ph, pw, dh, dw, OH, OW)
