"""Elementwise and softmax activations as modules: ``ReLU``, ``Sigmoid``, ``Tanh``, ``Softmax``, ``LogSoftmax``."""
from .. import functional as F
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


class LogSoftmax(Module):
    r"""Applies :math:`\log\mathrm{softmax}(x)_i = x_i - \log \sum_j e^{x_j}` along ``dim`` (computed stably,
    without forming the softmax). ``dim=None`` follows the same legacy rule as :class:`Softmax`.

    Shape: input ``(*)``, output ``(*)``.
    """

    def __init__(self, dim=None):
        super().__init__()
        self.dim = dim

    def forward(self, input):  # noqa: A002
        return F.log_softmax(input, self.dim, _stacklevel=5)

    def extra_repr(self):
        return f"dim={self.dim}"
