"""``unfold`` (im2col) and ``fold`` (col2im) on device arrays, the CUDA twin of
``kernels/cpu/fold.py`` (same functions, arguments and results). One thread per output element:
unfold copies a tap (0 in the padding); fold gathers, for input (h, w), the column entries of the
taps (i, j) whose block position (oh, ow) reads it, in (i, j) order (no atomics)."""
from ._host import empty
from ._launch import cuda, launch
from .conv2d import _output_at


@cuda.jit
def _unfold(x, cols, kh, kw, sh, sw, ph, pw, dh, dw, OW, zero):
    N, C, H, W = x.shape
    _, R, L = cols.shape
    for u in range(cuda.grid(1), cols.size, cuda.gridsize(1)):
        n, row, l = u // (R * L), u // L % R, u % L
        c, i, j = row // (kh * kw), row // kw % kh, row % kw
        ih, iw = l // OW * sh - ph + i * dh, l % OW * sw - pw + j * dw
        cols[n, row, l] = x[n, c, ih, iw] if 0 <= ih < H and 0 <= iw < W else zero


@cuda.jit
def _fold(cols, x, kh, kw, sh, sw, ph, pw, dh, dw, OH, OW, zero):
    N, C, H, W = x.shape
    for u in range(cuda.grid(1), x.size, cuda.gridsize(1)):
        n, c, h, w = u // (C * H * W), u // (H * W) % C, u // W % H, u % W
        acc = zero
        for i in range(kh):
            oh, row = _output_at(h + ph - i * dh, sh, OH)
            if not row:
                continue
            for j in range(kw):
                ow, col = _output_at(w + pw - j * dw, sw, OW)
                if col:
                    acc += cols[n, (c * kh + i) * kw + j, oh * OW + ow]
        x[n, c, h, w] = acc


def unfold(x, kernel_size, dilation, padding, stride, out_hw):
    kh, kw = kernel_size
    cols = empty((x.shape[0], x.shape[1] * kh * kw, out_hw[0] * out_hw[1]), x.dtype)
    if cols.size:
        launch(_unfold, cols.size, False, x, cols, kh, kw, *stride, *padding, *dilation, out_hw[1], x.dtype.type(0))
    return cols


def fold(cols, output_size, kernel_size, dilation, padding, stride, out_hw):
    kh, kw = kernel_size
    x = empty((cols.shape[0], cols.shape[1] // (kh * kw)) + tuple(output_size), cols.dtype)
    if x.size:
        launch(_fold, x.size, False, cols, x, kh, kw, *stride, *padding, *dilation, *out_hw, cols.dtype.type(0))
    return x
