"""Convolution layers with torch's default initialisation: ``Conv1d``, ``Conv2d``, ``ConvTranspose1d``,
``ConvTranspose2d``."""
import math

from ... import creation
from ...ops import conv as C
from .. import init
from ..parameter import Parameter
from .module import Module


class _ConvNd(Module):
    """The shared constructor of the convolution layers: torch's arguments, checks, parameter shapes
    (``(C_out, C_in/G, *k)``, transposed ``(C_in, C_out/G, *k)``) and default init."""
    n = 2  # spatial dims
    transposed = False

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, dilation=1, groups=1,
                 bias=True, padding_mode="zeros", device=None, dtype=None, output_padding=0):
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
        self.kernel_size = self._tuple(kernel_size, "kernel_size")
        self.stride, self.dilation = self._tuple(stride, "stride"), self._tuple(dilation, "dilation")
        if isinstance(padding, str):
            if padding not in ("same", "valid"):
                raise ValueError(f"Invalid padding string {padding!r}, should be one of {{'valid', 'same'}}")
            if padding == "same" and any(s != 1 for s in self.stride):
                raise ValueError("padding='same' is not supported for strided convolutions")
            self.padding = padding
        else:
            self.padding = self._tuple(padding, "padding")
        self.output_padding = self._tuple(output_padding, "output_padding")
        self.groups, self.padding_mode = groups, padding_mode
        shape = (in_channels, out_channels // groups) if self.transposed else (out_channels, in_channels // groups)
        self.weight = Parameter(creation.empty(shape + self.kernel_size, device=device, dtype=dtype))
        if bias:
            self.bias = Parameter(creation.empty(out_channels, device=device, dtype=dtype))
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    def _tuple(self, v, name):
        if self.n == 2:
            return C._pair(v, name)
        t = tuple(v) if isinstance(v, (tuple, list)) else (v,)
        if len(t) != 1 or not isinstance(t[0], int):
            raise TypeError(f"{name} must be an int or a tuple of one int, got {v!r}")
        return t

    def reset_parameters(self):
        init.kaiming_uniform_(self.weight, a=math.sqrt(5))
        if self.bias is not None:
            fan_in, _ = init._calculate_fan_in_and_fan_out(self.weight)
            bound = 1 / math.sqrt(fan_in) if fan_in else 0
            init.uniform_(self.bias, -bound, bound)

    def extra_repr(self):
        s = f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, stride={self.stride}"
        if self.padding != (0,) * self.n:
            s += f", padding={self.padding}"
        if self.dilation != (1,) * self.n:
            s += f", dilation={self.dilation}"
        if self.output_padding != (0,) * self.n:
            s += f", output_padding={self.output_padding}"
        if self.groups != 1:
            s += f", groups={self.groups}"
        if self.bias is None:
            s += ", bias=False"
        return s


class Conv2d(_ConvNd):
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

    def forward(self, input):  # noqa: A002
        return C.conv2d(input, self.weight, self.bias, self.stride, self.padding, self.dilation, self.groups)


class Conv1d(_ConvNd):
    r"""1-D convolution over an ``(N, C_in, L)`` (or unbatched ``(C_in, L)``) input:

    .. math::
        \text{out}(n, o) = \text{bias}(o) + \sum_{c} \text{weight}(o, c) \star \text{input}(n, c)

    with :math:`\star` the 1-D cross-correlation; arguments as :class:`Conv2d` with single ints.

    Shape: output ``(N, C_out, L_out)``, :math:`L_{out} = \lfloor (L + 2p - d(k-1) - 1)/s \rfloor + 1`.

    Attributes:
        weight: ``(C_out, C_in/groups, k)``, from :math:`U(-b, b)`, :math:`b = 1/\sqrt{C_{in}/G \cdot k}`.
        bias: ``(C_out,)``, from the same distribution.

    Example::

        >>> m = nn.Conv1d(16, 33, 3, stride=2)
        >>> m(minigrad.randn(20, 16, 50)).shape
        minigrad.Size([20, 33, 24])
    """
    n = 1

    def forward(self, input):  # noqa: A002
        return C.conv1d(input, self.weight, self.bias, self.stride, self.padding, self.dilation, self.groups)


class _ConvTransposeNd(_ConvNd):
    transposed = True

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, output_padding=0, groups=1,
                 bias=True, dilation=1, padding_mode="zeros", device=None, dtype=None):
        if isinstance(padding, str):
            raise ValueError(f'padding="{padding}" is not supported by {type(self).__name__}')
        super().__init__(in_channels, out_channels, kernel_size, stride, padding, dilation, groups, bias,
                         padding_mode, device, dtype, output_padding)

    def _output_padding(self, input, output_size):  # noqa: A002
        """output_padding from a requested ``output_size`` (torch's rule: within stride − 1 of the minimum)."""
        if output_size is None:
            return self.output_padding
        size = list(output_size)[-self.n:]
        if len(size) != self.n:
            raise ValueError(f"ConvTranspose{self.n}D: for {input.ndim}D input, output_size must have {self.n} or "
                             f"{self.n + 2} elements (got {len(list(output_size))})")
        spatial = input.shape[-self.n:]
        lo = [(n - 1) * s - 2 * p + d * (k - 1) + 1 for n, s, p, d, k in
              zip(spatial, self.stride, self.padding, self.dilation, self.kernel_size)]
        hi = [m + s - 1 for m, s in zip(lo, self.stride)]
        for want, a, b in zip(size, lo, hi):
            if not a <= want <= b:
                raise ValueError(f"requested an output size of {size}, but valid sizes range from {lo} to {hi} "
                                 f"(for an input of {list(spatial)})")
        return tuple(want - a for want, a in zip(size, lo))


class ConvTranspose1d(_ConvTransposeNd):
    r"""1-D transposed convolution ("deconvolution") over ``(N, C_in, L)`` or ``(C_in, L)``: the
    gradient of :class:`Conv1d` with respect to its input, so it upsamples by the stride;
    see :class:`ConvTranspose2d`.

    Shape: :math:`L_{out} = (L - 1)s - 2p + d(k-1) + \text{output\_padding} + 1`.
    """
    n = 1

    def forward(self, input, output_size=None):  # noqa: A002
        op = self._output_padding(input, output_size)
        return C.conv_transpose1d(input, self.weight, self.bias, self.stride, self.padding, op, self.groups,
                                  self.dilation)


class ConvTranspose2d(_ConvTransposeNd):
    r"""2-D transposed convolution ("deconvolution") over ``(N, C_in, H, W)`` or ``(C_in, H, W)``: the
    gradient of :class:`Conv2d` (same stride, padding, dilation, groups) with respect to its input.
    Each input value scatters ``value · weight[c_in]`` into a k×k window of the output at stride s,
    so a stride-2 layer doubles the resolution (the upsampling path of encoder–decoder nets).

    Args:
        in_channels, out_channels: channels of the input and of the output (both divisible by ``groups``).
        kernel_size, stride, padding, dilation, groups, bias: as :class:`Conv2d` (``padding`` removes
            ``dilation·(k−1) − padding`` rows/columns from each side of the full output).
        output_padding: extra rows/columns on the bottom/right (smaller than the stride or the dilation),
            to pick among the input sizes a strided convolution maps to the same size; or pass
            ``output_size`` to ``forward``.

    Shape: :math:`H_{out} = (H - 1)s - 2p + d(k-1) + \text{output\_padding} + 1` (likewise W).

    Attributes:
        weight: ``(C_in, C_out/groups, kh, kw)``, from :math:`U(-b, b)`,
            :math:`b = 1/\sqrt{C_{out}/G \cdot kh \cdot kw}`.
        bias: ``(C_out,)``, from the same distribution.

    Example::

        >>> up = nn.ConvTranspose2d(16, 8, 3, stride=2, padding=1)
        >>> x = minigrad.randn(1, 16, 12, 12)
        >>> up(x, output_size=(24, 24)).shape
        minigrad.Size([1, 8, 24, 24])
    """

    def forward(self, input, output_size=None):  # noqa: A002
        op = self._output_padding(input, output_size)
        return C.conv_transpose2d(input, self.weight, self.bias, self.stride, self.padding, op, self.groups,
                                  self.dilation)
