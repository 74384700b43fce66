"""smooth_l1_loss / SmoothL1Loss."""
from ._base import FusedLoss, _Loss, reduction_arg
from ._margin import float_arg
from ._pointwise import float_operands, regression_start
from .l1_loss import l1

__all__ = ["smooth_l1_loss", "SmoothL1Loss"]


class SmoothL1LossOp(FusedLoss):
    """Huber's loss of x − y with delta = beta, divided by beta."""


def smooth_l1_loss(input, target, size_average=None, reduce=None, reduction="mean", beta=1.0):  # noqa: A002
    """½d²/beta below ``beta``, |d| − ½beta above (d = input − target), reduced; see :class:`SmoothL1Loss`."""
    reduction = regression_start(input, target, size_average, reduce, reduction)
    beta = float_arg(beta, "smooth_l1_loss", "beta", 4)
    if beta == 0.0:
        return l1(input, target, reduction)
    reduction = reduction_arg(None, None, reduction)
    input, target = float_operands("smooth_l1_cpu", input, target)
    if beta < 0:
        raise RuntimeError("smooth_l1_loss does not support negative values for beta.")
    return SmoothL1LossOp.apply(input, target, reduction=reduction, beta=beta)


class SmoothL1Loss(_Loss):
    r"""A squared error below ``beta`` and an absolute error above it (Huber loss divided by ``beta``).

    For each element of the (broadcast) input x and target y:

    .. math::
        l_n = \begin{cases} 0.5 (x_n - y_n)^2 / \beta, & |x_n - y_n| < \beta,\\
              |x_n - y_n| - 0.5 \beta, & \text{otherwise,} \end{cases}

    then averaged ('mean', default), summed ('sum') or returned per element ('none'). It is less
    sensitive to outliers than :class:`MSELoss` and smooth at 0, unlike :class:`L1Loss`; ``beta = 0``
    is exactly :class:`L1Loss`. The gradient is :math:`(x_n - y_n)/\beta` clipped to [−1, 1].

    Args:
        size_average, reduce (bool, optional): deprecated, see ``reduction``.
        reduction (str, optional): 'none' | 'mean' | 'sum'. Default 'mean'.
        beta (float, optional): where the loss changes from squared to absolute; must be
            non-negative. Default 1.

    Shape:
        - input: :math:`(*)`, any shape; target: the same shape.
        - output: scalar, or the input's shape for 'none'.

    Example::

        >>> x, y = torch.randn(3, 5, requires_grad=True), torch.randn(3, 5)
        >>> nn.SmoothL1Loss(beta=0.0)(x, y).item() == nn.L1Loss()(x, y).item()
        True
        >>> nn.SmoothL1Loss(beta=0.5)(x, y).backward()
    """

    def __init__(self, size_average=None, reduce=None, reduction="mean", beta=1.0):
        super().__init__(size_average, reduce, reduction)
        self.beta = beta

    def forward(self, input, target):  # noqa: A002
        return smooth_l1_loss(input, target, reduction=self.reduction, beta=self.beta)
