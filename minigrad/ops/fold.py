"""``unfold`` / ``fold``: sliding local blocks of a batched image as columns, and back
(kernels in ``kernels/<device>/fold.py``). For a (N, C, H, W) image and kernel (kh, kw),

    L = Π_d ⌊(size_d + 2·padding_d − dilation_d·(k_d − 1) − 1)/stride_d⌋ + 1

blocks; ``unfold`` gives (N, C·kh·kw, L), ``fold`` sums such columns back into (N, C, *output_size).
"""
from ..autograd.op import Op
from ..tensor import Tensor
from .conv import _pair


class Unfold(Op):
    fresh_grads = True
    stateless = True
    name = "Im2ColBackward0"

    def forward(self, x, **geometry):
        self.kernels, self.size, self.geometry = self.backend.load("fold"), x.shape[2:], geometry
        return self.kernels.unfold(x, **geometry)

    def backward(self, g):
        return (self.kernels.fold(g, self.size, **self.geometry),)


class Fold(Op):
    fresh_grads = True
    stateless = True
    name = "Col2ImBackward0"

    def forward(self, cols, output_size=None, **geometry):
        self.kernels, self.geometry = self.backend.load("fold"), geometry
        return self.kernels.fold(cols, output_size, **geometry)

    def backward(self, g):
        return (self.kernels.unfold(g, **self.geometry),)


def _geometry(fn, size, kernel_size, dilation, padding, stride):
    k, d, p, s = (_pair(v, n) for v, n in ((kernel_size, "kernel_size"), (dilation, "dilation"),
                                           (padding, "padding"), (stride, "stride")))
    if min(k) <= 0:
        raise RuntimeError(f"{fn}(): kernel size should be greater than zero, but got kernel_height: {k[0]} "
                           f"kernel_width: {k[1]}")
    if min(s) <= 0:
        raise RuntimeError(f"{fn}(): stride should be greater than zero, but got stride_height: {s[0]} "
                           f"stride_width: {s[1]}")
    if min(d) <= 0:
        raise RuntimeError(f"{fn}(): dilation should be greater than zero, but got dilation_height: {d[0]} "
                           f"dilation_width: {d[1]}")
    if min(p) < 0:
        raise RuntimeError(f"{fn}(): padding should be non-negative, but got pad_height: {p[0]} pad_width: {p[1]}")
    out_hw = tuple((n + 2 * pp - dd * (kk - 1) - 1) // ss + 1 for n, kk, dd, pp, ss in zip(size, k, d, p, s))
    return dict(kernel_size=k, dilation=d, padding=p, stride=s, out_hw=out_hw)


def unfold(input, kernel_size, dilation=1, padding=0, stride=1):  # noqa: A002
    """Sliding blocks of ``(N, C, H, W)`` (or ``(C, H, W)``) as columns; see :class:`minigrad.nn.Unfold`."""
    if not isinstance(input, Tensor):
        raise TypeError(f"unfold(): argument 'input' (position 1) must be Tensor, not {type(input).__name__}")
    if input.ndim not in (3, 4) or 0 in input.shape[-3:]:
        raise RuntimeError(f"Expected 3D or 4D (batch mode) tensor with optional 0 dim batch size for input, but got:"
                           f" {list(input.shape)}")
    geo = _geometry("im2col", input.shape[-2:], kernel_size, dilation, padding, stride)
    if min(geo["out_hw"]) < 1:
        raise RuntimeError(f"Given input with spatial size ({input.shape[-2]}, {input.shape[-1]}), "
                           f"kernel_size=({geo['kernel_size'][0]}, {geo['kernel_size'][1]}), dilation="
                           f"({geo['dilation'][0]}, {geo['dilation'][1]}), padding=({geo['padding'][0]}, "
                           f"{geo['padding'][1]}), calculated shape of the array of sliding blocks as "
                           f"({geo['out_hw'][0]}, {geo['out_hw'][1]}), but its components must be at least one.")
    if input.ndim == 3:
        return Unfold.apply(input.unsqueeze(0), **geo).squeeze(0)
    return Unfold.apply(input, **geo)


def fold(input, output_size, kernel_size, dilation=1, padding=0, stride=1):  # noqa: A002
    """Sum columns of sliding blocks back into ``(N, C, *output_size)``; see :class:`minigrad.nn.Fold`."""
    if not isinstance(input, Tensor):
        raise TypeError(f"fold(): argument 'input' (position 1) must be Tensor, not {type(input).__name__}")
    if input.ndim not in (2, 3) or 0 in input.shape[-2:]:
        raise RuntimeError(f"Expected 2D or 3D (batch mode) tensor with optional 0 dim batch size for input, but got:"
                           f" {list(input.shape)}")
    size = _pair(output_size, "output_size")
    geo = _geometry("col2im", size, kernel_size, dilation, padding, stride)
    kh, kw = geo["kernel_size"]
    rows, blocks = input.shape[-2:]
    if rows % (kh * kw):
        raise RuntimeError(f"Expected size of input's dimension 1 to be divisible by the product of kernel_size, but "
                           f"got input.size(1)={rows} and kernel_size=({kh}, {kw})")
    if blocks != geo["out_hw"][0] * geo["out_hw"][1]:
        raise RuntimeError(f"Given output_size=({size[0]}, {size[1]}), kernel_size=({kh}, {kw}), dilation="
                           f"({geo['dilation'][0]}, {geo['dilation'][1]}), padding=({geo['padding'][0]}, "
                           f"{geo['padding'][1]}), stride=({geo['stride'][0]}, {geo['stride'][1]}), expected size of "
                           f"input's dimension 2 to match the calculated number of sliding blocks "
                           f"{geo['out_hw'][0]} * {geo['out_hw'][1]} = {geo['out_hw'][0] * geo['out_hw'][1]}, but "
                           f"got input.size(2)={blocks}.")
    if input.ndim == 2:
        return Fold.apply(input.unsqueeze(0), output_size=size, **geo).squeeze(0)
    return Fold.apply(input, output_size=size, **geo)
