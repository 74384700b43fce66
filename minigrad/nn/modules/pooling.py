"""Pooling layers: ``MaxPool1d``/``2d``, ``AvgPool1d``/``2d``, ``AdaptiveAvgPool2d``, ``AdaptiveMaxPool2d``,
``MaxUnpool2d``."""
from ...ops import conv as C
from .module import Module


class MaxPool2d(Module):
    r"""2-D max pooling: each output is the maximum of a ``kernel_size`` window of the input.

    .. math::
        \text{out}(n, c, h, w) = \max_{i < k_h,\, j < k_w} \text{input}(n, c, s_h h + d_h i - p_h, s_w w + d_w j - p_w)

    Args:
        kernel_size: window size (int or pair).
        stride: window step (default: ``kernel_size``).
        padding: implicit −∞ padding on both sides, at most half the effective kernel.
        dilation: spacing between window taps.
        return_indices: also return the flat ``h·W + w`` index of each maximum (for ``MaxUnpool2d``).
        ceil_mode: round the output size up (the last window must start inside the input).

    Shape: ``(N, C, H, W)`` or ``(C, H, W)`` → ``(N, C, H_out, W_out)`` with
    :math:`H_{out} = \lfloor (H + 2p - d(k-1) - 1)/s \rfloor + 1` (⌈⌉ with ceil_mode).
    The gradient flows to the first maximum of each window, as in torch.

    Example::

        >>> nn.MaxPool2d(2)(minigrad.randn(1, 3, 8, 8)).shape
        minigrad.Size([1, 3, 4, 4])
    """

    def __init__(self, kernel_size, stride=None, padding=0, dilation=1, return_indices=False, ceil_mode=False):
        super().__init__()
        self.kernel_size, self.stride = kernel_size, stride if stride is not None else kernel_size
        self.padding, self.dilation = padding, dilation
        self.return_indices, self.ceil_mode = return_indices, ceil_mode

    def forward(self, input):  # noqa: A002
        return C.max_pool2d(input, self.kernel_size, self.stride, self.padding, self.dilation, self.ceil_mode,
                            self.return_indices)

    def extra_repr(self):
        return (f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}, "
                f"dilation={self.dilation}, ceil_mode={self.ceil_mode}")


class AvgPool2d(Module):
    r"""2-D average pooling: each output is the mean of a ``kernel_size`` window.

    Args:
        kernel_size, stride (default ``kernel_size``), padding: as ``MaxPool2d`` (zero padding).
        ceil_mode: round the output size up.
        count_include_pad: count the zero padding in the divisor (default ``True``).
        divisor_override: divide by this instead of the window size.

    Shape: ``(N, C, H, W)`` or ``(C, H, W)`` → ``(N, C, H_out, W_out)``, sizes as ``MaxPool2d`` with d = 1.

    Example::

        >>> nn.AvgPool2d(2)(minigrad.ones(1, 1, 4, 4))
        tensor([[[[1., 1.],
                  [1., 1.]]]])
    """

    def __init__(self, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True,
                 divisor_override=None):
        super().__init__()
        self.kernel_size, self.stride = kernel_size, stride if stride is not None else kernel_size
        self.padding, self.ceil_mode = padding, ceil_mode
        self.count_include_pad, self.divisor_override = count_include_pad, divisor_override

    def forward(self, input):  # noqa: A002
        return C.avg_pool2d(input, self.kernel_size, self.stride, self.padding, self.ceil_mode,
                            self.count_include_pad, self.divisor_override)

    def extra_repr(self):
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"


class AdaptiveAvgPool2d(Module):
    r"""Average pooling to a fixed output size: output ``(h, w)`` averages input rows
    :math:`[\lfloor hH/H_{out} \rfloor, \lceil (h+1)H/H_{out} \rceil)` (likewise columns).

    Args:
        output_size: int or ``(H_out, W_out)``; a ``None`` entry keeps that input size.

    Shape: ``(N, C, H, W)`` or ``(C, H, W)`` → ``(N, C, H_out, W_out)``.

    Example::

        >>> nn.AdaptiveAvgPool2d((1, 1))(minigrad.randn(2, 8, 5, 7)).shape
        minigrad.Size([2, 8, 1, 1])
    """

    def __init__(self, output_size):
        super().__init__()
        self.output_size = output_size

    def forward(self, input):  # noqa: A002
        return C.adaptive_avg_pool2d(input, self.output_size)

    def extra_repr(self):
        return f"output_size={self.output_size}"


class MaxPool1d(MaxPool2d):
    r"""1-D max pooling over ``(N, C, L)`` or ``(C, L)``: each output is the maximum of a window of
    ``kernel_size`` taps, ``dilation`` apart, moved by ``stride``; arguments as :class:`MaxPool2d`
    with single ints.

    Shape: :math:`L_{out} = \lfloor (L + 2p - d(k-1) - 1)/s \rfloor + 1` (⌈⌉ with ceil_mode).

    Example::

        >>> nn.MaxPool1d(3, stride=2)(minigrad.randn(20, 16, 50)).shape
        minigrad.Size([20, 16, 24])
    """

    def forward(self, input):  # noqa: A002
        return C.max_pool1d(input, self.kernel_size, self.stride, self.padding, self.dilation, self.ceil_mode,
                            self.return_indices)


class AvgPool1d(Module):
    r"""1-D average pooling over ``(N, C, L)`` or ``(C, L)``; arguments as :class:`AvgPool2d` with
    single ints (no ``divisor_override``).

    Example::

        >>> nn.AvgPool1d(3, stride=2)(minigrad.tensor([[[1., 2, 3, 4, 5, 6, 7]]]))
        tensor([[[2., 4., 6.]]])
    """

    def __init__(self, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True):
        super().__init__()
        one = (lambda v: tuple(v) if isinstance(v, (tuple, list)) else (v,))
        self.kernel_size = one(kernel_size)
        self.stride = one(stride if stride is not None else kernel_size)
        self.padding, self.ceil_mode, self.count_include_pad = one(padding), ceil_mode, count_include_pad

    def forward(self, input):  # noqa: A002
        return C.avg_pool1d(input, self.kernel_size, self.stride, self.padding, self.ceil_mode, self.count_include_pad)

    def extra_repr(self):
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"


class AdaptiveMaxPool2d(Module):
    r"""Max pooling to a fixed output size: output ``(h, w)`` is the maximum over input rows
    :math:`[\lfloor hH/H_{out} \rfloor, \lceil (h+1)H/H_{out} \rceil)` (likewise columns).

    Args:
        output_size: int or ``(H_out, W_out)``; a ``None`` entry keeps that input size.
        return_indices: also return the flat ``h·W + w`` index of each maximum.

    Example::

        >>> nn.AdaptiveMaxPool2d((5, 7))(minigrad.randn(1, 64, 8, 9)).shape
        minigrad.Size([1, 64, 5, 7])
    """

    def __init__(self, output_size, return_indices=False):
        super().__init__()
        self.output_size, self.return_indices = output_size, return_indices

    def forward(self, input):  # noqa: A002
        return C.adaptive_max_pool2d(input, self.output_size, self.return_indices)

    def extra_repr(self):
        return f"output_size={self.output_size}"


class MaxUnpool2d(Module):
    r"""The partial inverse of :class:`MaxPool2d`: puts each value at the index ``MaxPool2d(...,
    return_indices=True)`` returned for it and zeros everywhere else.

    Args:
        kernel_size, stride (default ``kernel_size``), padding: those of the MaxPool2d.

    Shape: ``(N, C, H, W)`` → ``(N, C, H_out, W_out)``, :math:`H_{out} = (H-1)s - 2p + k`, or the
    ``output_size`` given to ``forward`` (within a stride of that).

    Example::

        >>> pool, unpool = nn.MaxPool2d(2, return_indices=True), nn.MaxUnpool2d(2)
        >>> out, idx = pool(minigrad.randn(1, 1, 4, 4))
        >>> unpool(out, idx).shape
        minigrad.Size([1, 1, 4, 4])
    """

    def __init__(self, kernel_size, stride=None, padding=0):
        super().__init__()
        self.kernel_size = C._pair(kernel_size, "kernel_size")
        self.stride = C._pair(stride if stride is not None else kernel_size, "stride")
        self.padding = C._pair(padding, "padding")

    def forward(self, input, indices, output_size=None):  # noqa: A002
        return C.max_unpool2d(input, indices, self.kernel_size, self.stride, self.padding, output_size)

    def extra_repr(self):
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"
