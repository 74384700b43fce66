"""``Conv2d``: a learned 2-D convolution with torch's default initialisation."""
import math

from ... import creation
from ...ops import conv as C
from .. import init
from ..parameter import Parameter
from .module import Module


class Conv2d(Module):
    r"""2-D convolution over an ``(N, C_in, H, W)`` (or unbatched ``(C_in, H, W)``) input:

    .. math::
        \text{out}(n, o) = \text{bias}(o) + \sum_{c} \text{weight}(o, c) \star \text{input}(n, c)

    where :math:`\star` is the 2-D cross-correlation with the given stride, padding and dilation;
    with ``groups = G`` the channels split into G independent convolutions.

    Args:
        in_channels, out_channels: channels of the input and of the output (both divisible by ``groups``).
        kernel_size: int or ``(kh, kw)``.
        stride: int or pair (default 1).
        padding: int, pair, ``'valid'`` (no padding) or ``'same'`` (output as large as the input; stride 1 only).
        dilation: spacing between kernel taps (default 1).
        groups: channel groups (default 1).
        bias: learn an additive bias (default ``True``).
        padding_mode: only ``'zeros'``.

    Shape: input ``(N, C_in, H, W)``, output ``(N, C_out, H_out, W_out)`` with
    :math:`H_{out} = \lfloor (H + 2p - d(k-1) - 1)/s \rfloor + 1` (likewise W).

    Attributes:
        weight: ``(C_out, C_in/groups, kh, kw)``, from :math:`U(-k, k)`, :math:`k = 1/\sqrt{C_{in}/G \cdot kh \cdot kw}`.
        bias: ``(C_out,)``, from the same distribution.

    Example::

        >>> m = nn.Conv2d(3, 64, kernel_size=3, stride=1, padding=1)
        >>> m(minigrad.randn(4, 3, 64, 64)).shape
        minigrad.Size([4, 64, 64, 64])
    """

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, dilation=1, groups=1,
                 bias=True, padding_mode="zeros", device=None, dtype=None):
        super().__init__()
        if groups <= 0:
            raise ValueError("groups must be a positive integer")
        if in_channels % groups:
            raise ValueError("in_channels must be divisible by groups")
        if out_channels % groups:
            raise ValueError("out_channels must be divisible by groups")
        if padding_mode != "zeros":
            raise NotImplementedError(f"padding_mode={padding_mode!r} is not supported by minigrad (only 'zeros')")
        self.in_channels, self.out_channels = in_channels, out_channels
        self.kernel_size = C._pair(kernel_size, "kernel_size")
        self.stride, self.dilation = C._pair(stride, "stride"), C._pair(dilation, "dilation")
        if isinstance(padding, str):
            if padding not in ("same", "valid"):
                raise ValueError(f"Invalid padding string {padding!r}, should be one of {{'valid', 'same'}}")
            if padding == "same" and self.stride != (1, 1):
                raise ValueError("padding='same' is not supported for strided convolutions")
            self.padding = padding
        else:
            self.padding = C._pair(padding, "padding")
        self.groups, self.padding_mode = groups, padding_mode
        self.weight = Parameter(creation.empty((out_channels, in_channels // groups) + self.kernel_size,
                                               device=device, dtype=dtype))
        if bias:
            self.bias = Parameter(creation.empty(out_channels, device=device, dtype=dtype))
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self):
        init.kaiming_uniform_(self.weight, a=math.sqrt(5))
        if self.bias is not None:
            fan_in, _ = init._calculate_fan_in_and_fan_out(self.weight)
            bound = 1 / math.sqrt(fan_in) if fan_in else 0
            init.uniform_(self.bias, -bound, bound)

    def forward(self, input):  # noqa: A002
        return C.conv2d(input, self.weight, self.bias, self.stride, self.padding, self.dilation, self.groups)

    def extra_repr(self):
        s = f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, stride={self.stride}"
        if self.padding != (0, 0):
            s += f", padding={self.padding}"
        if self.dilation != (1, 1):
            s += f", dilation={self.dilation}"
        if self.groups != 1:
            s += f", groups={self.groups}"
        if self.bias is None:
            s += ", bias=False"
        return s
