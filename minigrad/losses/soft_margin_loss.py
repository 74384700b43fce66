"""soft_margin_loss / SoftMarginLoss."""
from .. import dtypes
from ._base import _Loss, reduction_arg
from ._margin import broadcast_shape, sizes, tensor_arg
from ._pointwise import DeferredErrorLoss, cast_error, check_no_grad

__all__ = ["soft_margin_loss", "SoftMarginLoss"]

_FN = "soft_margin_loss"


class SoftMarginLossOp(DeferredErrorLoss):
    """log(1 + exp(−y·x)) per element, reduced."""


def soft_margin_loss(input, target, size_average=None, reduce=None, reduction="mean"):  # noqa: A002
    """Logistic loss ``log(1 + exp(−target·input))`` for ±1 targets, reduced; see :class:`SoftMarginLoss`."""
    reduction = reduction_arg(size_average, reduce, reduction)
    tensor_arg(input, _FN, "input", 1)
    tensor_arg(target, _FN, "target", 2)
    check_no_grad(target, _FN, "target")
    dt = input.dtype
    if not dt.is_floating_point:
        raise cast_error(dtypes.float32 if not target.is_floating_point() else target.dtype, dt)
    if target._data.shape != input._data.shape:  # torch writes −input·target into an input-shaped tensor
        shape = broadcast_shape(input._data.shape, target._data.shape)
        if shape != input._data.shape:
            raise RuntimeError(f"output with shape {sizes(input)} doesn't match the broadcast shape "
                               f"[{', '.join(map(str, shape))}]")
    error = None
    if target.dtype is dtypes.bool:  # torch's backward negates the target
        error = ("Negation, the `-` operator, on a bool tensor is not supported. If you are trying to invert a "
                 "mask, use the `~` or `logical_not()` operator instead.")
    return SoftMarginLossOp.apply(input, target._cast(dt), reduction=reduction, backward_error=error)


class SoftMarginLoss(_Loss):
    r"""The two-class logistic loss of input scores x and targets y ∈ {1, −1}.

    For each element:

    .. math::
        l_n = \log(1 + e^{-y_n x_n}),

    then averaged ('mean', default), summed ('sum') or returned per element ('none'). As in torch
    the exponential is not shifted: :math:`-y_n x_n \gtrsim 88` (float32) gives an infinite loss.
    The gradient is :math:`-y_n e^{-y_n x_n} / (1 + e^{-y_n x_n})`; the target gets none.

    Args:
        size_average, reduce (bool, optional): deprecated, see ``reduction``.
        reduction (str, optional): 'none' | 'mean' | 'sum'. Default 'mean'.

    Shape:
        - input: :math:`(*)`, any shape; target: the same shape (or one that broadcasts to it).
        - output: scalar, or the input's shape for 'none'.

    Example::

        >>> loss = nn.SoftMarginLoss()
        >>> x = torch.randn(3, requires_grad=True)
        >>> y = torch.tensor([1.0, -1.0, 1.0])
        >>> loss(x, y).backward()
    """

    def forward(self, input, target):  # noqa: A002
        return soft_margin_loss(input, target, reduction=self.reduction)
