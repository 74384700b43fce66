"""The activations as modules: ``ReLU``, ``Sigmoid``, ``Tanh``, the elementwise ones over
``nn.functional`` (``Softplus`` ... ``Hardshrink``, built by ``_activation`` from their constructor
arguments), ``PReLU`` with its learned slope, and the softmax family."""
from ... import creation
from .. import functional as F
from .. import init as _init
from ..parameter import Parameter
from .module import Module


class ReLU(Module):
    r"""Applies :math:`\mathrm{ReLU}(x) = \max(0, x)` elementwise.

    Args:
        inplace: overwrite the input instead of allocating the output. Default: ``False``.

    Shape: input ``(*)``, output ``(*)``.

    Example::

        >>> nn.ReLU()(minigrad.tensor([-1.0, 2.0]))
        tensor([0., 2.])
    """

    def __init__(self, inplace=False):
        super().__init__()
        self.inplace = inplace

    def forward(self, input):  # noqa: A002 - torch's argument name
        return F.relu(input, inplace=self.inplace)

    def extra_repr(self):
        return "inplace=True" if self.inplace else ""


class Sigmoid(Module):
    r"""Applies :math:`\sigma(x) = 1 / (1 + e^{-x})` elementwise.

    Shape: input ``(*)``, output ``(*)``.
    """

    def forward(self, input):  # noqa: A002
        return input.sigmoid()


class Tanh(Module):
    r"""Applies :math:`\tanh(x) = (e^x - e^{-x}) / (e^x + e^{-x})` elementwise.

    Shape: input ``(*)``, output ``(*)``.
    """

    def forward(self, input):  # noqa: A002
        return input.tanh()


class Softmax(Module):
    r"""Applies :math:`\mathrm{softmax}(x)_i = e^{x_i} / \sum_j e^{x_j}` along ``dim``, so the slices along
    ``dim`` are in [0, 1] and sum to 1.

    Args:
        dim: the dim to normalise over. ``None`` (deprecated, with a warning) picks dim 0 for 0-, 1- and
            3-D input and dim 1 otherwise, as torch's legacy rule does.

    Shape: input ``(*)``, output ``(*)``.

    Example::

        >>> nn.Softmax(dim=1)(minigrad.zeros(2, 4))
        tensor([[0.2500, 0.2500, 0.2500, 0.2500],
                [0.2500, 0.2500, 0.2500, 0.2500]])
    """

    def __init__(self, dim=None):
        super().__init__()
        self.dim = dim

    def forward(self, input):  # noqa: A002
        return F.softmax(input, self.dim, _stacklevel=5)

    def extra_repr(self):
        return f"dim={self.dim}"


class LogSoftmax(Softmax):
    r"""Applies :math:`\log\mathrm{softmax}(x)_i = x_i - \log \sum_j e^{x_j}` along ``dim`` (computed stably,
    without forming the softmax). ``dim=None`` follows the same legacy rule as :class:`Softmax`.

    Shape: input ``(*)``, output ``(*)``.
    """

    def forward(self, input):  # noqa: A002
        return F.log_softmax(input, self.dim, _stacklevel=5)


class _Elementwise(Module):
    """An activation module over ``F.<fn>``: its constructor arguments are ``args`` (name, default)
    passed to the functional by keyword and shown by ``extra_repr`` (``inplace`` only when set)."""
    fn = None
    args = ()

    def __init__(self, *values, **kwargs):
        super().__init__()
        names = [n for n, _ in self.args]
        if len(values) > len(names):
            raise TypeError(f"{type(self).__name__}() takes at most {len(names)} arguments ({len(values)} given)")
        given = dict(zip(names, values))
        for name, default in self.args:
            setattr(self, name, given.get(name, kwargs.pop(name, default)))
        if kwargs:
            raise TypeError(f"{type(self).__name__}() got an unexpected keyword argument '{next(iter(kwargs))}'")

    def forward(self, input):  # noqa: A002
        return type(self).fn(input, **{n: getattr(self, n) for n, _ in self.args})

    def extra_repr(self):
        shown = [f"{n}={getattr(self, n)!r}" for n, _ in self.args if n != "inplace"]
        if getattr(self, "inplace", False):
            shown.append("inplace=True")
        return ", ".join(shown)


def _activation(name, fn, args=(), doc=""):
    return type(name, (_Elementwise,), {"fn": staticmethod(fn), "args": args, "__doc__": doc, "__module__": __name__})


_INPLACE = (("inplace", False),)
Softplus = _activation("Softplus", F.softplus, (("beta", 1.0), ("threshold", 20.0)), r"""Applies
    :math:`\frac{1}{\beta}\log(1 + e^{\beta x})`, and ``x`` itself where :math:`\beta x >` ``threshold``.

    Shape: input ``(*)``, output ``(*)``.""")
Softsign = _activation("Softsign", F.softsign, (), r"""Applies :math:`x / (1 + |x|)`. Shape: ``(*)``.""")
ELU = _activation("ELU", F.elu, (("alpha", 1.0),) + _INPLACE, r"""Applies :math:`x` for :math:`x > 0`,
    :math:`\alpha (e^x - 1)` otherwise. Shape: ``(*)``.""")
SELU = _activation("SELU", F.selu, _INPLACE, r"""Applies :math:`\text{scale}\cdot\text{ELU}(x, \alpha)` with
    α ≈ 1.6733 and scale ≈ 1.0507 (self-normalising). Shape: ``(*)``.""")
CELU = _activation("CELU", F.celu, (("alpha", 1.0),) + _INPLACE, r"""Applies
    :math:`\max(0, x) + \min(0, \alpha (e^{x/\alpha} - 1))`. Shape: ``(*)``.""")
GELU = _activation("GELU", F.gelu, (("approximate", "none"),), r"""Applies :math:`x \Phi(x)` (Φ the standard
    normal CDF), or with ``approximate='tanh'`` :math:`\frac{x}{2}(1 + \tanh(\sqrt{2/\pi}(x + 0.044715x^3)))`.
    Shape: ``(*)``.""")
SiLU = _activation("SiLU", F.silu, _INPLACE, r"""Applies :math:`x \sigma(x)` (swish). Shape: ``(*)``.""")
Mish = _activation("Mish", F.mish, _INPLACE, r"""Applies :math:`x \tanh(\text{softplus}(x))`. Shape: ``(*)``.""")
LeakyReLU = _activation("LeakyReLU", F.leaky_relu, (("negative_slope", 0.01),) + _INPLACE, r"""Applies
    :math:`x` for :math:`x > 0`, ``negative_slope``·x otherwise. Shape: ``(*)``.""")
Hardtanh = _activation("Hardtanh", F.hardtanh, (("min_val", -1.0), ("max_val", 1.0)) + _INPLACE, r"""Clamps to
    [``min_val``, ``max_val``]; the gradient is zero outside the open interval. Shape: ``(*)``.""")
ReLU6 = _activation("ReLU6", F.relu6, _INPLACE, r"""Applies :math:`\min(\max(0, x), 6)`. Shape: ``(*)``.""")
Hardsigmoid = _activation("Hardsigmoid", F.hardsigmoid, _INPLACE, r"""Applies
    :math:`\text{clamp}(x/6 + 1/2, 0, 1)`. Shape: ``(*)``.""")
Hardswish = _activation("Hardswish", F.hardswish, _INPLACE, r"""Applies :math:`x \cdot \text{hardsigmoid}(x)`.
    Shape: ``(*)``.""")
LogSigmoid = _activation("LogSigmoid", F.logsigmoid, (), r"""Applies :math:`\log \sigma(x)`, computed as
    :math:`\min(x, 0) - \log(1 + e^{-|x|})`. Shape: ``(*)``.""")
RReLU = _activation("RReLU", None, (("lower", 1.0 / 8), ("upper", 1.0 / 3)) + _INPLACE, r"""Randomized leaky
    ReLU: in training each element ≤ 0 is multiplied by a slope drawn from U(``lower``, ``upper``) (minigrad's
    generator), in eval by (lower + upper)/2. Shape: ``(*)``.""")
RReLU.forward = lambda self, input: F.rrelu(input, self.lower, self.upper, self.training, self.inplace)
GLU = _activation("GLU", F.glu, (("dim", -1),), r"""Applies :math:`a \otimes \sigma(b)` where ``a`` and ``b`` are
    the two halves of the input along ``dim``. Shape: input ``(*, 2N, *)``, output ``(*, N, *)``.""")
Threshold = _activation("Threshold", F.threshold, (("threshold", None), ("value", None)) + _INPLACE, r"""Replaces
    every element ≤ ``threshold`` by ``value``. Shape: ``(*)``.""")
Tanhshrink = _activation("Tanhshrink", F.tanhshrink, (), r"""Applies :math:`x - \tanh x`. Shape: ``(*)``.""")
Softshrink = _activation("Softshrink", F.softshrink, (("lambd", 0.5),), r"""Shrinks towards 0 by ``lambd``:
    :math:`x \mp \lambda` outside :math:`[-\lambda, \lambda]`, 0 inside. Shape: ``(*)``.""")
Hardshrink = _activation("Hardshrink", F.hardshrink, (("lambd", 0.5),), r"""Zeroes :math:`[-\lambda, \lambda]`,
    keeps ``x`` outside. Shape: ``(*)``.""")
Softshrink.extra_repr = Hardshrink.extra_repr = lambda self: str(self.lambd)


class Softmin(Softmax):
    r"""Applies :math:`\mathrm{softmin}(x)_i = e^{-x_i} / \sum_j e^{-x_j}` along ``dim`` (``None``: torch's
    legacy choice, with its warning, as :class:`Softmax`). Shape: input ``(*)``, output ``(*)``."""

    def forward(self, input):  # noqa: A002
        return F.softmin(input, self.dim, _stacklevel=5)


class Softmax2d(Module):
    r"""Applies :class:`Softmax` over the channels of each spatial location: dim −3 of a
    ``(N, C, H, W)`` or ``(C, H, W)`` input."""

    def forward(self, input):  # noqa: A002
        if input.ndim not in (3, 4):
            raise ValueError(f"Softmax2d: expected input to be 3D or 4D, got {input.ndim}D instead")
        return F.softmax(input, -3, _stacklevel=5)


class PReLU(Module):
    r"""Applies :math:`x` for :math:`x > 0`, :math:`a x` otherwise, with the slope ``a`` learned: one
    value, or one per channel (dim 1 of the input) when ``num_parameters`` is the channel count.

    Args:
        num_parameters: 1 or the number of input channels. Default: 1.
        init: the initial slope. Default: 0.25.
        device, dtype: where and in which floating dtype the slope is created.

    Shape: input ``(*)``, output ``(*)``. Attribute ``weight``: shape ``(num_parameters,)``.
    """

    def __init__(self, num_parameters=1, init=0.25, device=None, dtype=None):
        super().__init__()
        self.num_parameters = num_parameters
        self.init = init
        self.weight = Parameter(creation.empty(num_parameters, device=device, dtype=dtype))
        self.reset_parameters()

    def reset_parameters(self):
        _init.constant_(self.weight, self.init)

    def forward(self, input):  # noqa: A002
        return F.prelu(input, self.weight)

    def extra_repr(self):
        return f"num_parameters={self.num_parameters}"
