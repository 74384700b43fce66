"""``Unfold`` and ``Fold``: sliding local blocks as columns (im2col) and back (col2im)."""
from ...ops import fold as F
from .module import Module


class _Blocks(Module):
    """The sliding-block geometry that Unfold and Fold share: kernel_size, dilation, padding, stride."""

    def __init__(self, kernel_size, dilation=1, padding=0, stride=1):
        super().__init__()
        self.kernel_size, self.dilation, self.padding, self.stride = kernel_size, dilation, padding, stride

    def extra_repr(self):
        return (f"kernel_size={self.kernel_size}, dilation={self.dilation}, padding={self.padding}, "
                f"stride={self.stride}")


class Unfold(_Blocks):
    r"""Extracts sliding local blocks of a batched ``(N, C, H, W)`` input into columns:
    the output ``(N, C·kh·kw, L)`` holds in column l the block at the l-th window position (row-major),
    its entries ordered (c, i, j). Out-of-image taps are zero (``padding``).

    .. math::
        L = \prod_d \left\lfloor \frac{\text{size}_d + 2\,\text{padding}_d - \text{dilation}_d (k_d - 1) - 1}
        {\text{stride}_d} \right\rfloor + 1

    A convolution is ``weight.view(C_out, -1) @ unfold(x)``.

    Args:
        kernel_size, dilation (1), padding (0), stride (1): int or pair.

    Example::

        >>> nn.Unfold(kernel_size=(2, 3))(minigrad.randn(2, 5, 3, 4)).shape
        minigrad.Size([2, 30, 4])
    """

    def forward(self, input):  # noqa: A002
        return F.unfold(input, self.kernel_size, self.dilation, self.padding, self.stride)


class Fold(_Blocks):
    r"""The adjoint of :class:`Unfold`: sums the columns of ``(N, C·kh·kw, L)`` blocks into
    ``(N, C, *output_size)``, overlapping entries added (so ``fold(unfold(x))`` multiplies each pixel by
    the number of blocks that contain it).

    Args:
        output_size: spatial size of the output.
        kernel_size, dilation (1), padding (0), stride (1): as :class:`Unfold`.

    Example::

        >>> nn.Fold(output_size=(4, 5), kernel_size=(2, 2))(minigrad.randn(1, 12, 12)).shape
        minigrad.Size([1, 3, 4, 5])
    """

    def __init__(self, output_size, kernel_size, dilation=1, padding=0, stride=1):
        super().__init__(kernel_size, dilation, padding, stride)
        self.output_size = output_size

    def forward(self, input):  # noqa: A002
        return F.fold(input, self.output_size, self.kernel_size, self.dilation, self.padding, self.stride)

    def extra_repr(self):
        return f"output_size={self.output_size}, {super().extra_repr()}"
