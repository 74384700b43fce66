"""2-D convolution on NCHW device arrays: tiled shared-memory products, the CUDA twin of
``kernels/cpu/conv2d.py`` (same functions, arguments and results; its geometry and checks).

Shapes: x (N, C, H, W), weight (OC, C/G, kh, kw), G = groups, out (N, OC, OH, OW); output channel o
reads the input channels of its group g = o // (OC/G), c = g·C/G + c'. With ih(oh, i) = oh·sh − top +
i·dh and iw(ow, j) = ow·sw − left + j·dw (taps outside the input read 0):

    out[n, o, oh, ow] = Σ_{c', i, j} W[o, c', i, j] · x[n, c, ih(oh, i), iw(ow, j)] + b[o]
    grad_x[n, c, ih, iw] = Σ_{o ∈ g, i, j} grad_out[n, o, oh, ow] · W[o, c', i, j]   over the taps with
                           oh = (ih + top − i·dh)/sh, ow = (iw + left − j·dw)/sw whole and inside the
                           output (the transposed convolution, a gather: no atomics)
    grad_W[o, c', i, j] = Σ_{n, oh, ow} grad_out[n, o, oh, ow] · x[n, c, ih(oh, i), iw(ow, j)]
    grad_b[o] = Σ_{n, oh, ow} grad_out[n, o, oh, ow]

The first three are one product each, D[z][m, col] = Σ_k A[z][m, k] · B[z][k, col], whose operands
are gathered from the arrays on the fly (an implicit im2col: nothing is materialised):

    mode      z        m     col          k                A              B
    forward   (n, g)   o'    (oh, ow)     (c', i, j)       W              x's taps
    grad_x    (n, g)   c'    (ih, iw)     (o', i, j)       W              grad_out's taps
    grad_W    g        o'    (c', i, j)   (n, oh, ow)      grad_out       x's taps

and D[z][m, col] lands in dst[z // G, (z % G)·M + m, col] with dst the output seen as (N, OC, OH·OW),
grad_x as (N, C, H·W), grad_W as (1, OC, C/G·kh·kw). A block computes a (T·R)² tile of D, each
thread R×R of it, walking k in steps of T with a T×(T·R) slice of A and of B staged in shared memory
(every operand element is read from global memory once per tile, not once per output). The products
accumulate in the data's dtype, as the CPU backend's BLAS does; grad_b is a block reduction per
channel in float64 (``_launch.block_reduce``). ``padding`` is (ph, pw) or (top, bottom, left, right),
entries possibly negative (a crop). Every result is a new device array.
"""
import functools

import numba
from numba import float64, int64

from ..cpu.conv2d import _Geometry, conv2d_output_size  # noqa: F401 - the backends share the geometry
from . import _launch
from ._host import empty
from ._launch import SCRATCH, SUM, block_reduce, cuda, lanes, launch, units

T, R = 16, 4  # threads per tile side, outputs per thread per side (tests patch them small)
SPLIT_BLOCKS = 512  # split the reduction while fewer tiles than this would leave the GPU idle
_FORWARD, _GRAD_X, _GRAD_W = 0, 1, 2


@cuda.jit(device=True)
def _output_at(t, s, size):
    """(o, ok): the output position o with o·s = t (t = input position + pad − tap·d), ok when t is a
    non-negative multiple of s and o < size."""
    if s == 1:  # no division (the common case)
        return t, 0 <= t < size
    return t // s, t >= 0 and t % s == 0 and t // s < size


@cuda.jit(device=True)
def _x_tap(x, n, c, i, j, oh, ow, geo, zero):
    """x[n, c, ih(oh, i), iw(ow, j)], or 0 in the padding."""
    sh, sw, top, left, dh, dw = geo
    ih, iw = oh * sh - top + i * dh, ow * sw - left + j * dw
    if 0 <= ih < x.shape[2] and 0 <= iw < x.shape[3]:
        return x[n, c, ih, iw]
    return zero


@cuda.jit(device=True)
def _grad_out_tap(go, n, o, i, j, ih, iw, geo, zero):
    """grad_out[n, o, oh, ow] for the output whose tap (i, j) reads input (ih, iw), or 0 if none."""
    sh, sw, top, left, dh, dw = geo
    oh, row = _output_at(ih + top - i * dh, sh, go.shape[2])
    ow, col = _output_at(iw + left - j * dw, sw, go.shape[3])
    if row and col:
        return go[n, o, oh, ow]
    return zero


@cuda.jit(device=True)
def _digits(v, radix, out, at):
    """out[:, at] = (v // (r1·r2), v // r2 % r1, v % r2) for radix (r1, r2): an index k or col as the
    three coordinates it stands for (module docstring)."""
    r1, r2 = radix
    out[0, at] = v // (r1 * r2)
    out[1, at] = v // r2 % r1
    out[2, at] = v % r2


@cuda.jit(device=True)
def _operand_a(mode, w, go, n, g, OCg, m, kd):
    """A[z][m, k] of the product ``mode`` computes, z = (n, g), k given as its coordinates ``kd``."""
    if mode == _GRAD_W:  # k = (n, oh, ow)
        return go[kd[0], g * OCg + m, kd[1], kd[2]]
    if mode == _FORWARD:  # k = (c', i, j)
        return w[g * OCg + m, kd[0], kd[1], kd[2]]
    return w[g * OCg + kd[0], m, kd[1], kd[2]]  # k = (o', i, j)


@cuda.jit(device=True)
def _operand_b(mode, x, w, go, n, g, OCg, kd, cd, geo, zero):
    """B[z][k, col] of the product ``mode`` computes, z = (n, g), k and col given as their coordinates
    ``kd``, ``cd``; 0 in the padding."""
    if mode == _GRAD_W:  # k = (n, oh, ow), col = (c', i, j)
        return _x_tap(x, kd[0], g * w.shape[1] + cd[0], cd[1], cd[2], kd[1], kd[2], geo, zero)
    if mode == _FORWARD:  # k = (c', i, j), col = (·, oh, ow)
        return _x_tap(x, n, g * w.shape[1] + kd[0], kd[1], kd[2], cd[1], cd[2], geo, zero)
    return _grad_out_tap(go, n, g * OCg + kd[0], kd[1], kd[2], cd[1], cd[2], geo, zero)  # k = (o', i, j)


@functools.cache
def _tiled(dtype, t, r):
    """The tiled product kernel for ``dtype``, t×t threads a block, r×r outputs a thread."""
    dt, bm = numba.from_dtype(dtype), t * r
    a_cols = bm + 1  # a padding column spreads the A tile's stores over the memory banks (shapes of
    #                  shared arrays must be plain constants: no arithmetic in the kernel)

    @cuda.jit
    def kernel(mode, x, w, go, bias, dst, Z, M, NC, K, Ks, G, geo, k_radix, c_radix, zero):
        a_tile = cuda.shared.array((t, a_cols), dt)  # [k, m]
        b_tile = cuda.shared.array((t, bm), dt)  # [k, col]
        k_digits = cuda.shared.array((3, t), int64)  # the coordinates of the chunk's k
        c_digits = cuda.shared.array((3, bm), int64)  # and of the tile's columns: divided out once
        acc = cuda.local.array((r, r), dt)
        tid = cuda.threadIdx.x
        tx, ty = tid % t, tid // t
        tiles_m, tiles_c = (M + bm - 1) // bm, (NC + bm - 1) // bm
        S, OCg = dst.shape[0], w.shape[0] // G
        for tile in range(cuda.blockIdx.x, S * Z * tiles_m * tiles_c, cuda.gridDim.x):
            m0, c0 = tile // tiles_c % tiles_m * bm, tile % tiles_c * bm
            z, s = tile // (tiles_m * tiles_c) % Z, tile // (tiles_m * tiles_c * Z)
            n, g = z // G, z % G  # grad_W: z = g < G, n = 0
            for q in range(tid, bm, t * t):  # read after the first chunk's first barrier
                _digits(c0 + q, c_radix, c_digits, q)
            for a in range(r):
                for b in range(r):
                    acc[a, b] = zero
            for k0 in range(s * Ks, min(K, (s + 1) * Ks), t):
                if tid < t:
                    _digits(k0 + tid, k_radix, k_digits, tid)
                cuda.syncthreads()
                for q in range(r):  # each thread stages r elements of each tile
                    e = tid + q * t * t
                    k, m = k0 + e % t, m0 + e // t  # consecutive threads: consecutive k (weights' order)
                    a_tile[e % t, e // t] = _operand_a(mode, w, go, n, g, OCg, m, k_digits[:, e % t]) \
                        if k < K and m < M else zero
                    k, c = k0 + e // bm, c0 + e % bm  # consecutive threads: consecutive columns
                    b_tile[e // bm, e % bm] = _operand_b(mode, x, w, go, n, g, OCg, k_digits[:, e // bm],
                                                         c_digits[:, e % bm], geo, zero) \
                        if k < K and c < NC else zero
                cuda.syncthreads()
                for k in range(t):
                    for a in range(r):
                        va = a_tile[k, ty + a * t]
                        for b in range(r):
                            acc[a, b] += va * b_tile[k, tx + b * t]
                cuda.syncthreads()  # the tiles and digits are free for the next chunk (or tile)
            for a in range(r):
                m = m0 + ty + a * t
                for b in range(r):
                    c = c0 + tx + b * t
                    if m < M and c < NC:
                        row = g * M + m
                        with_bias = s == 0 and bias.size > 0
                        dst[s, n, row, c] = acc[a, b] + bias[row] if with_bias else acc[a, b]

    return kernel


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
    """The kernels' geometry tuple: sh, sw, top, left, dh, dw."""
    return geo.stride + (geo.pads[0], geo.pads[2]) + geo.dilation


@cuda.jit
def _sum_slices(part, out):
    for i in range(cuda.grid(1), out.size, cuda.gridsize(1)):
        acc = 0.0
        for s in range(part.shape[0]):
            acc += part[s, i]
        out[i] = acc


def _product(mode, x, w, go, bias, dst, Z, M, NC, K, k_radix, c_radix, geo):
    """dst ← the ``mode`` product (module docstring); ``go`` has the output's shape (forward: dst);
    k and col split into their coordinates by ``k_radix`` and ``c_radix`` (``_digits``).

    When its tiles are fewer than SPLIT_BLOCKS, the reduction over k is cut into S slices of at least
    4·T, computed by S times the blocks into S partial products, which a second kernel sums in slice
    order (deterministic, in float64)."""
    if not dst.size:
        return
    tiles = Z * -(-M // (T * R)) * -(-NC // (T * R))
    ks = max(4 * T, -(-K // max(1, SPLIT_BLOCKS // tiles)))
    ks = -(-ks // T) * T  # a whole number of chunks of T
    S = max(1, -(-K // ks))
    part = dst.reshape((1,) + tuple(dst.shape)) if S == 1 else empty((S,) + tuple(dst.shape), x.dtype)
    _tiled(x.dtype, T, R)[min(S * tiles, _launch.MAX_BLOCKS), T * T](
        mode, x, w, go, bias, part, Z, M, NC, K, ks, geo.G, _taps(geo), k_radix, c_radix, x.dtype.type(0))
    if S > 1:
        launch(_sum_slices, dst.size, False, part.reshape(S, dst.size), dst.reshape(dst.size))


def conv2d_forward(x, weight, bias, stride, padding, dilation, groups):
    """Return ``(out, saved)``; ``saved`` is None (backward reads ``x`` and ``weight``)."""
    geo = _Geometry(tuple(x.shape), tuple(weight.shape), stride, padding, dilation, groups)
    out = empty((geo.N, geo.OC) + geo.out_hw, x.dtype)
    _product(_FORWARD, x, weight, out, empty(0, x.dtype) if bias is None else bias,
             out.reshape(geo.N, geo.OC, geo.L), geo.N * geo.G, geo.OCg, geo.L, geo.K, geo.kernel, geo.out_hw, geo)
    return out, None


def conv2d_backward(grad_out, x, weight, saved, stride, padding, dilation, groups, needs=(True, True, True)):
    """Return ``(grad_x, grad_w, grad_b)`` for the entries of ``needs`` that are true, else None."""
    geo = _Geometry(tuple(x.shape), tuple(weight.shape), stride, padding, dilation, groups)
    grad_x = grad_w = grad_b = None
    none = empty(0, x.dtype)
    if needs[0]:
        grad_x = empty(x.shape, x.dtype)
        Cg, HW = geo.C // geo.G, geo.H * geo.W
        _product(_GRAD_X, x, weight, grad_out, none, grad_x.reshape(geo.N, geo.C, HW), geo.N * geo.G, Cg, HW,
                 geo.OCg * geo.kernel[0] * geo.kernel[1], geo.kernel, (geo.H, geo.W), geo)
    if needs[1]:
        grad_w = empty(weight.shape, x.dtype)
        _product(_GRAD_W, x, weight, grad_out, none, grad_w.reshape(1, geo.OC, geo.K), geo.G, geo.OCg, geo.K,
                 geo.N * geo.L, geo.out_hw, geo.kernel, geo)
    if needs[2]:
        grad_b = empty(geo.OC, x.dtype)
        if geo.OC:
            launch(_grad_bias_kernel, geo.OC, True, grad_out, grad_b)
    return grad_x, grad_w, grad_b
