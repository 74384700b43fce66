"""l1_loss / L1Loss (smooth_l1_loss with beta = 0 runs here too)."""
from .. import dtypes
from ._base import _Loss, reduction_arg
from ._margin import ComposedLoss, common_dtype
from ._pointwise import regression_start, weighted

__all__ = ["l1_loss", "L1Loss"]


class L1LossOp(ComposedLoss):
    none_name = "AbsBackward0"


def l1_loss(input, target, size_average=None, reduce=None, reduction="mean", weight=None):  # noqa: A002
    """Absolute error ``|input − target|``, reduced; see :class:`L1Loss`."""
    return l1(input, target, regression_start(input, target, size_average, reduce, reduction), weight)


def l1(input, target, reduction, weight=None):  # noqa: A002
    """torch's ``abs(input − target)`` reduced, for inputs that broadcast (its sub's bool errors, and
    integer inputs computed in their dtype, whose mean then raises)."""
    if input.dtype is dtypes.bool or target.dtype is dtypes.bool:
        if input.dtype is target.dtype:
            raise RuntimeError("Subtraction, the `-` operator, with two bool tensors is not supported. Use the `^` "
                               "or `logical_xor()` operator instead.")
        raise RuntimeError("Subtraction, the `-` operator, with a bool tensor is not supported. If you are trying "
                           "to invert a mask, use the `~` or `logical_not()` operator instead.")
    dt = common_dtype(input, target)
    if not dt.is_floating_point:
        out = (input - target).abs()
    else:
        input, target = input._cast(dt), target._cast(dt)
        if weight is None:
            return L1LossOp.apply(input, target, reduction=reduction_arg(None, None, reduction))
        out = L1LossOp.apply(input, target, reduction="none")
    if weight is not None:
        return weighted(out, input, weight, reduction, True)
    return out if reduction_arg(None, None, reduction) == "none" else getattr(out, reduction)()


class L1Loss(_Loss):
    r"""The mean absolute error between each element of the input x and target y.

    For each element of the (broadcast) input and target:

    .. math::
        l_n = |x_n - y_n|,

    then averaged ('mean', default), summed ('sum') or returned per element ('none'). The gradient
    is :math:`\operatorname{sign}(x_n - y_n)` (0 where they are equal), divided by the number of
    elements for 'mean'. A target whose size differs from the input's is broadcast with a warning.

    Args:
        size_average, reduce (bool, optional): deprecated, see ``reduction``.
        reduction (str, optional): 'none' | 'mean' | 'sum'. Default 'mean'.

    Shape: input and target of any one shape (integer ones give an integer loss, whose 'mean'
    raises as in torch); the output is a scalar, or that shape for 'none'.

    Example::

        >>> loss = nn.L1Loss(reduction="sum")
        >>> pred = torch.randn(4, requires_grad=True)
        >>> loss(pred, torch.zeros(4)).backward()    # pred.grad == pred.sign()
    """

    def forward(self, input, target):  # noqa: A002
        return l1_loss(input, target, reduction=self.reduction)
