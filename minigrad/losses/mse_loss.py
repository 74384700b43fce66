"""mse_loss / MSELoss."""
from ._base import FusedLoss, _Loss, reduction_arg
from ._pointwise import float_operands, regression_start, weighted

__all__ = ["mse_loss", "MSELoss"]


class MseLossOp(FusedLoss):
    """(x − y)² per element, reduced; ∂/∂x = 2(x − y)."""


def mse_loss(input, target, size_average=None, reduce=None, reduction="mean", weight=None):  # noqa: A002
    """Squared error ``(input − target)²``, reduced; see :class:`MSELoss`."""
    reduction = regression_start(input, target, size_average, reduce, reduction)
    input, target = float_operands("mse_cpu", input, target)
    if weight is not None:
        return weighted(MseLossOp.apply(input, target, reduction="none"), input, weight, reduction, True)
    return MseLossOp.apply(input, target, reduction=reduction_arg(None, None, reduction))


class MSELoss(_Loss):
    r"""The mean squared error (squared L2 norm) between each element of the input x and target y.

    For each element of the (broadcast) input and target:

    .. math::
        l_n = (x_n - y_n)^2,

    then averaged ('mean', default), summed ('sum') or returned per element ('none'). The gradient
    is :math:`2(x_n - y_n)` (divided by the number of elements for 'mean'). A target whose size
    differs from the input's is broadcast with a warning, as torch does.

    Args:
        size_average, reduce (bool, optional): deprecated, see ``reduction``.
        reduction (str, optional): 'none' | 'mean' | 'sum'. Default 'mean'.

    Shape:
        - input: :math:`(*)`, any shape; target: the same shape.
        - output: scalar, or the input's shape for 'none'.

    Example::

        >>> loss = nn.MSELoss()
        >>> x = torch.randn(3, 5, requires_grad=True)
        >>> y = torch.randn(3, 5)
        >>> loss(x, y).backward()
    """

    def forward(self, input, target):  # noqa: A002
        return mse_loss(input, target, reduction=self.reduction)
