# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True, initializedcheck=False
"""im2col / col2im: the data movement of 2-D convolution (the arithmetic is a BLAS matmul).

For an input plane ``x[n, c]`` of size H x W, kernel (kh, kw), stride (sh, sw), top/left padding
(ph, pw), dilation (dh, dw) and output size (OH, OW), the column matrix is

    cols[n, (c*kh + i)*kw + j, oh*OW + ow] = x[n, c, oh*sh - ph + i*dh, ow*sw - pw + j*dw]

(zero where the index falls in the padding). Bottom/right padding only enters through OH and OW,
so asymmetric ('same' with an even kernel) padding needs nothing more here. ``col2im`` is the
adjoint: it sums every column entry back into the input position it was copied from.

Both loop over (n, c) planes, so a plane stays in L1/L2 while its kh*kw rows are produced or
consumed; the inner ``ow`` loop is a contiguous copy/add for stride 1. Both arrays are C-contiguous.
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


cdef struct Geometry:
    Py_ssize_t N, C, H, W, kh, kw, sh, sw, ph, pw, dh, dw, OH, OW


cdef Geometry _geometry(const Py_ssize_t* x_shape, const Py_ssize_t* cols_shape, kernel, stride, padding,
                        dilation, out_size) except *:
    cdef Geometry g
    g.N, g.C, g.H, g.W = x_shape[0], x_shape[1], x_shape[2], x_shape[3]
    g.kh, g.kw = kernel
    g.sh, g.sw = stride
    g.ph, g.pw = padding
    g.dh, g.dw = dilation
    g.OH, g.OW = out_size
    expected = (g.N, g.C * g.kh * g.kw, g.OH * g.OW)
    if (cols_shape[0], cols_shape[1], cols_shape[2]) != expected:
        raise ValueError(f"cols has shape {(cols_shape[0], cols_shape[1], cols_shape[2])}, expected {expected}")
    return g


cdef void _im2col_plane(const floating* src, floating* dst, const Geometry* g) noexcept nogil:
    cdef Py_ssize_t i, j, oh, ow, ih, lo, hi, off, oh_lo, oh_hi
    cdef Py_ssize_t H = g.H, W = g.W, sh = g.sh, sw = g.sw, OH = g.OH, OW = g.OW
    cdef const floating* srow
    cdef floating* row
    for i in range(g.kh):
        oh_lo = _span_start(i * g.dh - g.ph, sh, OH)
        oh_hi = _span_stop(i * g.dh - g.ph, sh, H, OH)
        if oh_hi < oh_lo:
            oh_hi = oh_lo
        for j in range(g.kw):
            row = dst + (i * g.kw + j) * OH * OW
            off = j * g.dw - g.pw
            lo = _span_start(off, sw, OW)
            hi = _span_stop(off, sw, W, OW)
            if hi < lo:
                hi = lo
            memset(row, 0, oh_lo * OW * sizeof(floating))
            for oh in range(oh_lo, oh_hi):
                ih = oh * sh + i * g.dh - g.ph
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


cdef void _col2im_plane(const floating* src, floating* dst, const Geometry* g) noexcept nogil:
    cdef Py_ssize_t i, j, oh, ow, ih, lo, hi, off, oh_lo, oh_hi
    cdef Py_ssize_t H = g.H, W = g.W, sh = g.sh, sw = g.sw, OH = g.OH, OW = g.OW
    cdef const floating* row
    cdef floating* drow
    memset(dst, 0, H * W * sizeof(floating))
    for i in range(g.kh):
        oh_lo = _span_start(i * g.dh - g.ph, sh, OH)
        oh_hi = _span_stop(i * g.dh - g.ph, sh, H, OH)
        for j in range(g.kw):
            row = src + (i * g.kw + j) * OH * OW
            off = j * g.dw - g.pw
            lo = _span_start(off, sw, OW)
            hi = _span_stop(off, sw, W, OW)
            for oh in range(oh_lo, oh_hi):
                drow = dst + (oh * sh + i * g.dh - g.ph) * W
                if sw == 1:
                    for ow in range(lo, hi):
                        drow[ow + off] += row[oh * OW + ow]
                else:
                    for ow in range(lo, hi):
                        drow[ow * sw + off] += row[oh * OW + ow]


def im2col(const floating[:, :, :, ::1] x, floating[:, :, ::1] cols, kernel, stride, padding, dilation,
           out_size):
    """Fill ``cols`` (N, C*kh*kw, OH*OW) from ``x`` (N, C, H, W); ``padding`` is (top, left)."""
    cdef Geometry g = _geometry(x.shape, cols.shape, kernel, stride, padding, dilation, out_size)
    cdef Py_ssize_t n, c, rows = g.kh * g.kw
    with nogil:
        for n in range(g.N):
            for c in range(g.C):
                _im2col_plane(&x[n, c, 0, 0], &cols[n, c * rows, 0], &g)


def col2im(const floating[:, :, ::1] cols, floating[:, :, :, ::1] x, kernel, stride, padding, dilation,
           out_size):
    """Overwrite ``x`` (N, C, H, W) with the adjoint of :func:`im2col` applied to ``cols``."""
    cdef Geometry g = _geometry(x.shape, cols.shape, kernel, stride, padding, dilation, out_size)
    cdef Py_ssize_t n, c, rows = g.kh * g.kw
    with nogil:
        for n in range(g.N):
            for c in range(g.C):
                _col2im_plane(&cols[n, c * rows, 0], &x[n, c, 0, 0], &g)
