"""``Linear`` (an affine map with torch's default initialisation) and ``Identity``."""
import math

from ... import creation
from .. import functional as F
from .. import init
from ..parameter import Parameter
from .module import Module


def _weight_and_bias(layer, shape, bias, device, dtype):
    """``layer.weight`` of ``shape`` and ``layer.bias`` of ``shape[0]`` (None without ``bias``), then
    the layer's own ``reset_parameters``."""
    layer.weight = Parameter(creation.empty(shape, device=device, dtype=dtype))
    if bias:
        layer.bias = Parameter(creation.empty(shape[0], device=device, dtype=dtype))
    else:
        layer.register_parameter("bias", None)
    layer.reset_parameters()


class Identity(Module):
    r"""A placeholder that returns its input unchanged; any constructor arguments are ignored.

    Shape: input ``(*)``, output ``(*)`` (the same tensor).

    Example::

        >>> nn.Identity(54, unused_argument1=0.1)(minigrad.randn(128, 20)).shape
        minigrad.Size([128, 20])
    """

    def __init__(self, *args, **kwargs):
        super().__init__()

    def forward(self, input):  # noqa: A002 - torch's argument name
        return input


class Linear(Module):
    r"""Applies the affine map :math:`y = x W^T + b` to the last dim of the input.

    Args:
        in_features: size of each input sample's last dim.
        out_features: size of each output sample's last dim.
        bias: if ``False`` the layer learns no additive bias. Default: ``True``.
        device, dtype: where and in which floating dtype the parameters are created.

    Shape: input ``(*, in_features)`` (``*``: any number of leading dims, including none),
    output ``(*, out_features)``.

    Attributes:
        weight: ``(out_features, in_features)``, initialised from :math:`U(-k, k)`, :math:`k = 1/\sqrt{in\_features}`
            (``kaiming_uniform_`` with ``a=√5``, as torch does).
        bias: ``(out_features,)``, initialised from :math:`U(-k, k)` too.

    Example::

        >>> m = nn.Linear(20, 30)
        >>> m(minigrad.randn(128, 20)).shape
        minigrad.Size([128, 30])
    """

    def __init__(self, in_features, out_features, bias=True, device=None, dtype=None):
        super().__init__()
        self.in_features = in_features
        self.out_features = out_features
        _weight_and_bias(self, (out_features, in_features), bias, device, dtype)

    def reset_parameters(self):
        init.kaiming_uniform_(self.weight, a=math.sqrt(5))
        if self.bias is not None:
            fan_in, _ = init._calculate_fan_in_and_fan_out(self.weight)
            bound = 1 / math.sqrt(fan_in) if fan_in > 0 else 0
            init.uniform_(self.bias, -bound, bound)

    def forward(self, input):  # noqa: A002
        return F.linear(input, self.weight, self.bias)

    def extra_repr(self):
        return f"in_features={self.in_features}, out_features={self.out_features}, bias={self.bias is not None}"


class Bilinear(Module):
    r"""Applies :math:`y = x_1^T A x_2 + b` to the last dims of two inputs:
    :math:`y_o = \sum_{ij} x_{1,i} A_{oij} x_{2,j} + b_o`.

    Args:
        in1_features, in2_features: sizes of the two inputs' last dims.
        out_features: size of the output's last dim.
        bias: if ``False`` the layer learns no additive bias. Default: ``True``.
        device, dtype: where and in which floating dtype the parameters are created.

    Shape: inputs ``(*, in1_features)`` and ``(*, in2_features)`` with the same leading dims, output
    ``(*, out_features)``. Weight ``(out_features, in1_features, in2_features)`` and bias drawn from
    :math:`U(-1/\sqrt{in1}, 1/\sqrt{in1})` as torch.
    """

    def __init__(self, in1_features, in2_features, out_features, bias=True, device=None, dtype=None):
        super().__init__()
        self.in1_features, self.in2_features, self.out_features = in1_features, in2_features, out_features
        _weight_and_bias(self, (out_features, in1_features, in2_features), bias, device, dtype)

    def reset_parameters(self):
        bound = 1 / math.sqrt(self.weight.shape[1])
        init.uniform_(self.weight, -bound, bound)
        if self.bias is not None:
            init.uniform_(self.bias, -bound, bound)

    def forward(self, input1, input2):
        return F.bilinear(input1, input2, self.weight, self.bias)

    def extra_repr(self):
        return (f"in1_features={self.in1_features}, in2_features={self.in2_features}, "
                f"out_features={self.out_features}, bias={self.bias is not None}")
