"""``unfold`` (im2col) and ``fold`` (col2im, its adjoint) on the Cython data movement of ``conv2d``:

    unfold:  cols[n, (c·kh + i)·kw + j, oh·OW + ow] = x[n, c, oh·sh − ph + i·dh, ow·sw − pw + j·dw]
    fold:    x[n, c, h, w] = Σ of the column entries that unfold would copy from (h, w)

Each is the other's gradient.
"""
import numpy as np

from ._im2col import col2im, im2col


def unfold(x, kernel_size, dilation, padding, stride, out_hw):
    """(N, C, H, W) → (N, C·kh·kw, L), L = OH·OW."""
    x = np.ascontiguousarray(x)
    kh, kw = kernel_size
    cols = np.empty((x.shape[0], x.shape[1] * kh * kw, out_hw[0] * out_hw[1]), x.dtype)
    im2col(x, cols, kernel_size, stride, padding, dilation, out_hw)
    return cols


def fold(cols, output_size, kernel_size, dilation, padding, stride, out_hw):
    """(N, C·kh·kw, L) → (N, C, *output_size), overlapping entries summed."""
    kh, kw = kernel_size
    n, rows, _ = cols.shape
    x = np.empty((n, rows // (kh * kw)) + tuple(output_size), cols.dtype)
    col2im(np.array(cols, order="C"), x, kernel_size, stride, padding, dilation, out_hw)  # a copy: col2im scribbles
    return x
