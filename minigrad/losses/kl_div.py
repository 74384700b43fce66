"""kl_div / KLDivLoss."""
import warnings

from ._base import _Loss, reduction_arg
from ._margin import ComposedLoss, broadcast_shape, promote, tensor_arg

__all__ = ["kl_div", "KLDivLoss"]

_FN = "kl_div"


class KlDivOp(ComposedLoss):
    """torch composes kl_div: its grad_fn is SubBackward0 ('none'; MulBackward0 with ``log_target``),
    MeanBackward0, SumBackward0, or DivBackward0 for 'batchmean' (the sum divided by the batch size)."""

    def forward(self, x, y, reduction, log_target=False, divisor=None):
        self.none_name = "MulBackward0" if log_target else "SubBackward0"
        out = super().forward(x, y, reduction=reduction, log_target=log_target, divisor=divisor)
        if divisor is not None:
            self.name = "DivBackward0"
        return out


def kl_div(input, target, size_average=None, reduce=None, reduction="mean", log_target=False):  # noqa: A002
    """Pointwise KL divergence ``target·(ln target − input)``, reduced; see :class:`KLDivLoss`."""
    tensor_arg(input, _FN, "input", 1)
    tensor_arg(target, _FN, "target", 2)
    if type(log_target) is not bool:
        raise TypeError(f"kl_div(): argument 'log_target' must be bool, not {type(log_target).__name__}")
    divisor = None
    if size_average is not None or reduce is not None:
        reduction = reduction_arg(size_average, reduce, reduction)
    elif reduction == "batchmean":
        reduction = "sum"
        if input.ndim:
            reduction, divisor = "mean", input.shape[0]
    else:
        if reduction == "mean":
            warnings.warn("reduction: 'mean' divides the total loss by both the batch size and the support size."
                          "'batchmean' divides only by the batch size, and aligns with the KL div math definition."
                          "'mean' will be changed to behave the same as 'batchmean' in the next major release.",
                          UserWarning, stacklevel=2)
        reduction = reduction_arg(None, None, reduction)
    if not (input.is_floating_point() and target.is_floating_point()):
        raise RuntimeError("kl_div: Integral inputs not supported.")
    if input._data.shape != target._data.shape:
        broadcast_shape(input._data.shape, target._data.shape)
    return KlDivOp.apply(*promote(input, target), reduction=reduction, log_target=log_target,
                         divisor=divisor)


class KLDivLoss(_Loss):
    r"""The Kullback-Leibler divergence of a target distribution from the predicted one.

    ``input`` holds log-probabilities :math:`x`; ``target`` holds probabilities :math:`y` (or their
    logs with ``log_target=True``). For each element of their broadcast:

    .. math::
        l_n = y_n (\log y_n - x_n)   \quad\text{or, with log\_target,}\quad   l_n = e^{y_n} (y_n - x_n),

    where a zero target contributes 0. Reduction: 'batchmean' (the sum divided by the batch size,
    the true KL divergence per sample), 'sum', 'none', or 'mean' (divides by every element, which
    torch warns is not the KL divergence; the default, as in torch). Both inputs are
    differentiable.

    Args:
        size_average, reduce (bool, optional): deprecated, see ``reduction``.
        reduction (str, optional): 'none' | 'batchmean' | 'sum' | 'mean'. Default 'mean'.
        log_target (bool, optional): whether ``target`` holds log-probabilities. Default False.

    Shape:
        - input: :math:`(*)`, any shape; target: the same shape (or one that broadcasts).
        - output: scalar, or the broadcast shape for 'none'.

    Example::

        >>> loss = nn.KLDivLoss(reduction="batchmean")
        >>> x = F.log_softmax(torch.randn(3, 5, requires_grad=True), dim=1)
        >>> y = F.softmax(torch.rand(3, 5), dim=1)
        >>> loss(x, y).backward()
    """

    def __init__(self, size_average=None, reduce=None, reduction="mean", log_target=False):
        super().__init__(size_average, reduce, reduction)
        self.log_target = log_target

    def forward(self, input, target):  # noqa: A002
        return kl_div(input, target, reduction=self.reduction, log_target=self.log_target)
