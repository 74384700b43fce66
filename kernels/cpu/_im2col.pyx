# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True, initializedcheck=False
# distutils: extra_compile_args = -fno-tree-loop-distribute-patterns
"""The data movement of 2-D convolution (the arithmetic is BLAS matmuls): im2col / col2im, and the
tile transforms of Winograd F(2x2, 3x3) at the end of this file.

For an input plane ``x[n, c]`` of size H x W, kernel (kh, kw), stride (sh, sw), top/left padding
(ph, pw), dilation (dh, dw) and output size (OH, OW), the column matrix is

    cols[n, (c*kh + i)*kw + j, oh*OW + ow] = x[n, c, oh*sh - ph + i*dh, ow*sw - pw + j*dw]

(zero where the index falls in the padding). Bottom/right padding only enters through OH and OW,
so asymmetric ('same' with an even kernel) padding needs nothing more here. ``col2im`` is the
adjoint: it sums every column entry back into the input position it was copied from.

Both loop over (n, c) planes, so a plane stays in L1/L2 while its kh*kw rows are produced or
consumed. With stride 1 and OW == W (every 'same' convolution) a column row is the input plane
shifted by a constant offset, so each (i, j) row is one long copy (or add) plus zeroing the |pw - j*dw|
columns per output row that wrapped around from the neighbouring input row. Otherwise rows go one
output row at a time.

The copy/add loops stay loops (``-fno-tree-loop-distribute-patterns``): GCC would turn the copy into
``memcpy``, and glibc's ``memcpy`` switches to ``rep movsb`` from ~4 KiB, which runs at half speed on
AMD Zen here. Serial, no OpenMP: the loops are memory-bound, and on a 2-core machine OpenMP workers
spinning after a parallel region (libgomp's default) compete with the BLAS threads of the matmul that
follows every one of these calls.
"""
from cython cimport floating
from libc.string cimport memset


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


cdef inline Py_ssize_t _ceil_div(Py_ssize_t a, Py_ssize_t s) noexcept nogil:
    """ceil(a / s) for a >= 0, s >= 1 (no division for s == 1: these run for every plane and tap)."""
    return a if s == 1 else (a + s - 1) // s


cdef inline Py_ssize_t _span_start(Py_ssize_t off, Py_ssize_t s, Py_ssize_t n) noexcept nogil:
    """Smallest o in [0, n] with o*s + off >= 0."""
    return 0 if off >= 0 else min(_ceil_div(-off, s), n)


cdef inline Py_ssize_t _span_stop(Py_ssize_t off, Py_ssize_t s, Py_ssize_t size, Py_ssize_t n) noexcept nogil:
    """Smallest o in [0, n] with o*s + off >= size (one past the last in-range output), or 0."""
    return 0 if off >= size else min(_ceil_div(size - off, s), n)


cdef inline void _copy(floating* dst, const floating* src, Py_ssize_t n) noexcept nogil:
    cdef Py_ssize_t k
    for k in range(n):
        dst[k] = src[k]


cdef inline void _add(floating* dst, const floating* src, Py_ssize_t n) noexcept nogil:
    cdef Py_ssize_t k
    for k in range(n):
        dst[k] += src[k]


cdef inline void _zero_wrapped(floating* row, Py_ssize_t oh_lo, Py_ssize_t oh_hi, Py_ssize_t lo,
                               Py_ssize_t hi, Py_ssize_t OW) noexcept nogil:
    """Zero columns [0, lo) and [hi, OW) of output rows [oh_lo, oh_hi)."""
    cdef Py_ssize_t oh, ow
    for oh in range(oh_lo, oh_hi):
        for ow in range(lo):
            row[oh * OW + ow] = 0
        for ow in range(hi, OW):
            row[oh * OW + ow] = 0


cdef void _im2col_plane(const floating* src, floating* dst, const Geometry* g) noexcept nogil:
    cdef Py_ssize_t i, j, oh, ow, lo, hi, off, oh_lo, oh_hi, first
    cdef Py_ssize_t W = g.W, sw = g.sw, OH = g.OH, OW = g.OW
    cdef bint shifted = g.sh == 1 and sw == 1 and OW == W
    cdef const floating* srow
    cdef floating* row
    for i in range(g.kh):
        oh_lo = _span_start(i * g.dh - g.ph, g.sh, OH)
        oh_hi = max(oh_lo, _span_stop(i * g.dh - g.ph, g.sh, g.H, OH))
        for j in range(g.kw):
            row = dst + (i * g.kw + j) * OH * OW
            off = j * g.dw - g.pw
            lo = _span_start(off, sw, OW)
            hi = max(lo, _span_stop(off, sw, W, OW))
            memset(row, 0, oh_lo * OW * sizeof(floating))
            memset(row + oh_hi * OW, 0, (OH - oh_hi) * OW * sizeof(floating))
            if shifted and lo < hi:  # one copy from the first in-range tap to the last
                first = oh_lo * OW + lo
                _copy(row + first, src + first + (i * g.dh - g.ph) * W + off, (oh_hi - 1) * OW + hi - first)
                _zero_wrapped(row, oh_lo, oh_hi, lo, hi, OW)
            else:
                for oh in range(oh_lo, oh_hi):
                    srow = src + (oh * g.sh + i * g.dh - g.ph) * W
                    if sw == 1:
                        for ow in range(lo, hi):
                            row[oh * OW + ow] = srow[ow + off]
                    else:
                        for ow in range(lo, hi):
                            row[oh * OW + ow] = srow[ow * sw + off]
                _zero_wrapped(row, oh_lo, oh_hi, lo, hi, OW)


cdef void _col2im_plane(floating* src, floating* dst, const Geometry* g) noexcept nogil:
    cdef Py_ssize_t i, j, oh, ow, lo, hi, off, oh_lo, oh_hi, first
    cdef Py_ssize_t H = g.H, W = g.W, sh = g.sh, sw = g.sw, OH = g.OH, OW = g.OW
    cdef bint shifted = sh == 1 and sw == 1 and OW == W
    cdef floating* row
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
            if shifted and oh_lo < oh_hi and lo < hi:  # zero the padding taps, then one long add
                _zero_wrapped(row, oh_lo, oh_hi, lo, hi, OW)
                first = oh_lo * OW + lo
                _add(dst + first + (i * g.dh - g.ph) * W + off, row + first, (oh_hi - 1) * OW + hi - first)
            else:
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


def col2im(floating[:, :, ::1] cols, floating[:, :, :, ::1] x, kernel, stride, padding, dilation, out_size):
    """Overwrite ``x`` (N, C, H, W) with the adjoint of :func:`im2col` applied to ``cols``.

    ``cols`` is scratch: its entries for padding taps may be zeroed.
    """
    cdef Geometry g = _geometry(x.shape, cols.shape, kernel, stride, padding, dilation, out_size)
    cdef Py_ssize_t n, c, rows = g.kh * g.kw
    with nogil:
        for n in range(g.N):
            for c in range(g.C):
                _col2im_plane(&cols[n, c * rows, 0], &x[n, c, 0, 0], &g)


# ------------------------------------------------------------------------------ Winograd F(2x2, 3x3)
# For a 3x3 kernel g, stride 1, a 2x2 output tile y comes from the 4x4 input tile d starting at the
# same (padded) position: y = A^T [(G g G^T) * (B^T d B)] A, with * elementwise and
#     B^T = [1 0 -1 0; 0 1 1 0; 0 -1 1 0; 0 1 0 -1],  G = [1 0 0; .5 .5 .5; .5 -.5 .5; 0 0 1],
#     A^T = [1 1 1 0; 0 1 -1 -1].
# Summed over input channels, the 16 elementwise products become 16 matmuls (out, in) @ (in, tiles):
# 16 multiplies per 2x2 output tile and channel pair instead of 9*4 = 36. Below are the kernel
# transform G g G^T with its adjoint (for grad_w), and the tile transforms around those matmuls;
# tile t = (n*TH + ty)*TW + tx, transformed arrays are (16, channels, tiles) with any stride between
# the 16 matrices. Each tile transform covers the tiles [t0, t0 + tiles) of its array, so the caller
# can run the whole pipeline one cache-sized chunk of tiles at a time.


cdef struct TileCursor:
    Py_ssize_t n, ty, tx, TH, TW


cdef inline TileCursor _cursor(Py_ssize_t t0, Py_ssize_t TH, Py_ssize_t TW) noexcept nogil:
    """(n, ty, tx) of tile t0."""
    cdef TileCursor k
    k.TH, k.TW = TH, TW
    k.n = t0 // (TH * TW)
    k.ty = (t0 - k.n * TH * TW) // TW
    k.tx = t0 - (k.n * TH + k.ty) * TW
    return k


cdef inline void _advance(TileCursor* k) noexcept nogil:
    """Step to the next tile in (n, ty, tx) order."""
    k.tx += 1
    if k.tx == k.TW:
        k.tx = 0
        k.ty += 1
        if k.ty == k.TH:
            k.ty = 0
            k.n += 1


cdef _check_tiles(name, arr, Py_ssize_t channels, Py_ssize_t t0, Py_ssize_t total):
    """``arr`` must be (16, channels, T) with tiles [t0, t0 + T) inside [0, total)."""
    if arr.shape[0] != 16 or arr.shape[1] != channels or t0 < 0 or t0 + arr.shape[2] > total:
        raise ValueError(f"{name} has shape {tuple(arr.shape)} at tile {t0}, expected (16, {channels}, T) "
                         f"with {t0} + T <= {total}")


cdef _check_weights(u_name, u, w_name, w):
    """``w`` must hold 3x3 kernels (O, C, 3, 3) and ``u`` their transforms (16, O, C)."""
    if (w.shape[2], w.shape[3]) != (3, 3) or (u.shape[0], u.shape[1], u.shape[2]) != (16, w.shape[0], w.shape[1]):
        raise ValueError(f"{u_name} has shape {tuple(u.shape)[:3]} for {w_name} {tuple(w.shape)[:4]}, expected "
                         f"(16, {w.shape[0]}, {w.shape[1]})")


def winograd_weight(const floating[:, :, :, ::1] w, floating[:, :, :] u):
    """u[:, o, c] = G g G^T (a row-major 4x4) of each 3x3 kernel g = w[o, c]."""
    cdef Py_ssize_t O = w.shape[0], C = w.shape[1], o, c, a, j, kstride = u.strides[0] // sizeof(floating)
    cdef floating t[12]
    cdef floating half = 0.5
    cdef const floating* g
    cdef floating* dst
    _check_weights("u", u, "w", w)
    with nogil:
        for o in range(O):
            for c in range(C):
                g = &w[o, c, 0, 0]
                for j in range(3):  # t = G g (rows of G: (1,0,0), (1,1,1)/2, (1,-1,1)/2, (0,0,1))
                    t[j] = g[j]
                    t[3 + j] = (g[j] + g[3 + j] + g[6 + j]) * half
                    t[6 + j] = (g[j] - g[3 + j] + g[6 + j]) * half
                    t[9 + j] = g[6 + j]
                dst = &u[0, o, c]
                for a in range(4):  # (G g) G^T
                    dst[(4 * a) * kstride] = t[3 * a]
                    dst[(4 * a + 1) * kstride] = (t[3 * a] + t[3 * a + 1] + t[3 * a + 2]) * half
                    dst[(4 * a + 2) * kstride] = (t[3 * a] - t[3 * a + 1] + t[3 * a + 2]) * half
                    dst[(4 * a + 3) * kstride] = t[3 * a + 2]


def winograd_weight_grad(const floating[:, :, :] du, floating[:, :, :, ::1] grad_w):
    """grad_w[o, c] = G^T du[:, o, c] G: the adjoint of :func:`winograd_weight`."""
    cdef Py_ssize_t O = grad_w.shape[0], C = grad_w.shape[1], o, c, i, b, kstride = du.strides[0] // sizeof(floating)
    cdef floating r[12]
    cdef floating half = 0.5
    cdef const floating* d
    cdef floating* dst
    _check_weights("du", du, "grad_w", grad_w)
    with nogil:
        for o in range(O):
            for c in range(C):
                d = &du[0, o, c]
                for b in range(4):  # r = G^T d (rows of G^T: (1,1/2,1/2,0), (0,1/2,-1/2,0), (0,1/2,1/2,1))
                    r[b] = d[b * kstride] + (d[(4 + b) * kstride] + d[(8 + b) * kstride]) * half
                    r[4 + b] = (d[(4 + b) * kstride] - d[(8 + b) * kstride]) * half
                    r[8 + b] = (d[(4 + b) * kstride] + d[(8 + b) * kstride]) * half + d[(12 + b) * kstride]
                dst = &grad_w[o, c, 0, 0]
                for i in range(3):  # (G^T d) G
                    dst[3 * i] = r[4 * i] + (r[4 * i + 1] + r[4 * i + 2]) * half
                    dst[3 * i + 1] = (r[4 * i + 1] - r[4 * i + 2]) * half
                    dst[3 * i + 2] = (r[4 * i + 1] + r[4 * i + 2]) * half + r[4 * i + 3]


cdef inline void _load_tile(const floating* src, Py_ssize_t H, Py_ssize_t W, Py_ssize_t r0, Py_ssize_t c0,
                            floating* d) noexcept nogil:
    """d = the 4x4 block of the H x W plane at (r0, c0), zero outside."""
    cdef Py_ssize_t a, b, r, c
    if r0 >= 0 and c0 >= 0 and r0 + 4 <= H and c0 + 4 <= W:
        for a in range(4):
            for b in range(4):
                d[4 * a + b] = src[(r0 + a) * W + c0 + b]
        return
    for a in range(4):
        r = r0 + a
        for b in range(4):
            c = c0 + b
            d[4 * a + b] = src[r * W + c] if 0 <= r < H and 0 <= c < W else 0


def winograd_input(const floating[:, :, :, ::1] x, floating[:, :, :] v, padding, tiles, Py_ssize_t t0=0):
    """v[:, c, t - t0] = B^T d B for the 4x4 tile d of x[n, c] at (2*ty - top, 2*tx - left)."""
    cdef Py_ssize_t C = x.shape[1], H = x.shape[2], W = x.shape[3]
    cdef Py_ssize_t top = padding[0], left = padding[1], TH = tiles[0], TW = tiles[1]
    cdef Py_ssize_t c, t, a, T = v.shape[2], kstride = v.strides[0] // sizeof(floating)
    cdef TileCursor k
    cdef floating d[16]
    cdef floating s[16]
    cdef floating* dst
    _check_tiles("v", v, C, t0, x.shape[0] * TH * TW)
    with nogil:
        for c in range(C):
            k = _cursor(t0, TH, TW)
            for t in range(T):
                _load_tile(&x[k.n, c, 0, 0], H, W, 2 * k.ty - top, 2 * k.tx - left, d)
                _advance(&k)
                for a in range(4):  # s = B^T d (columns a), then (B^T d) B (rows a)
                    s[a] = d[a] - d[8 + a]
                    s[4 + a] = d[4 + a] + d[8 + a]
                    s[8 + a] = d[8 + a] - d[4 + a]
                    s[12 + a] = d[4 + a] - d[12 + a]
                dst = &v[0, c, t]
                for a in range(4):
                    dst[(4 * a) * kstride] = s[4 * a] - s[4 * a + 2]
                    dst[(4 * a + 1) * kstride] = s[4 * a + 1] + s[4 * a + 2]
                    dst[(4 * a + 2) * kstride] = s[4 * a + 2] - s[4 * a + 1]
                    dst[(4 * a + 3) * kstride] = s[4 * a + 1] - s[4 * a + 3]


def winograd_output(const floating[:, :, :] m, floating[:, :, :, ::1] out, const floating[::1] bias=None,
                    Py_ssize_t t0=0):
    """out[n, o] tile (ty, tx) = A^T m[:, o, t - t0] A (+ bias[o]), cropped to out's size."""
    cdef Py_ssize_t O = out.shape[1], OH = out.shape[2], OW = out.shape[3]
    cdef Py_ssize_t TH = (OH + 1) // 2, TW = (OW + 1) // 2, T = m.shape[2]
    cdef Py_ssize_t o, t, a, kstride = m.strides[0] // sizeof(floating)
    cdef TileCursor k
    cdef floating s[8]
    cdef floating y0, y1, y2, y3, b0
    cdef const floating* src
    cdef floating* dst
    _check_tiles("m", m, O, t0, out.shape[0] * TH * TW)
    if bias is not None and bias.shape[0] != O:
        raise ValueError("bias has the wrong length")
    with nogil:
        for o in range(O):
            b0 = bias[o] if bias is not None else 0
            k = _cursor(t0, TH, TW)
            for t in range(T):
                src = &m[0, o, t]
                for a in range(4):  # s = A^T m (columns a)
                    s[a] = src[a * kstride] + src[(4 + a) * kstride] + src[(8 + a) * kstride]
                    s[4 + a] = src[(4 + a) * kstride] - src[(8 + a) * kstride] - src[(12 + a) * kstride]
                y0 = s[0] + s[1] + s[2] + b0
                y1 = s[1] - s[2] - s[3] + b0
                y2 = s[4] + s[5] + s[6] + b0
                y3 = s[5] - s[6] - s[7] + b0
                dst = &out[k.n, o, 2 * k.ty, 2 * k.tx]
                dst[0] = y0
                if 2 * k.tx + 1 < OW:
                    dst[1] = y1
                if 2 * k.ty + 1 < OH:
                    dst[OW] = y2
                    if 2 * k.tx + 1 < OW:
                        dst[OW + 1] = y3
                _advance(&k)


def winograd_grad_output(const floating[:, :, :, ::1] grad_out, floating[:, :, :] dm, Py_ssize_t t0=0):
    """dm[:, o, t - t0] = A dy A^T for the 2x2 tile dy of grad_out[n, o] (zero past its edge): the
    gradient of the 16 products, given the output's."""
    cdef Py_ssize_t O = grad_out.shape[1], OH = grad_out.shape[2], OW = grad_out.shape[3]
    cdef Py_ssize_t TH = (OH + 1) // 2, TW = (OW + 1) // 2, T = dm.shape[2]
    cdef Py_ssize_t o, t, a, kstride = dm.strides[0] // sizeof(floating)
    cdef TileCursor k
    cdef floating r[8]
    cdef floating y0, y1, y2, y3
    cdef const floating* src
    cdef floating* dst
    _check_tiles("dm", dm, O, t0, grad_out.shape[0] * TH * TW)
    with nogil:
        for o in range(O):
            k = _cursor(t0, TH, TW)
            for t in range(T):
                src = &grad_out[k.n, o, 2 * k.ty, 2 * k.tx]
                y0 = src[0]
                y1 = src[1] if 2 * k.tx + 1 < OW else 0
                y2 = src[OW] if 2 * k.ty + 1 < OH else 0
                y3 = src[OW + 1] if 2 * k.ty + 1 < OH and 2 * k.tx + 1 < OW else 0
                _advance(&k)
                # rows of A dy: (y0, y1), (y0+y2, y1+y3), (y0-y2, y1-y3), (-y2, -y3)
                r[0], r[1] = y0, y1
                r[2], r[3] = y0 + y2, y1 + y3
                r[4], r[5] = y0 - y2, y1 - y3
                r[6], r[7] = -y2, -y3
                dst = &dm[0, o, t]
                for a in range(4):  # (A dy) A^T: columns (r0, r0+r1, r0-r1, -r1)
                    dst[(4 * a) * kstride] = r[2 * a]
                    dst[(4 * a + 1) * kstride] = r[2 * a] + r[2 * a + 1]
                    dst[(4 * a + 2) * kstride] = r[2 * a] - r[2 * a + 1]
                    dst[(4 * a + 3) * kstride] = -r[2 * a + 1]
