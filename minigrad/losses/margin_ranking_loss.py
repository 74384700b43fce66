"""margin_ranking_loss / MarginRankingLoss."""
from ._base import _Loss, reduction_arg
from ._margin import ComposedLoss, broadcast_shape, check_subtractable, float_arg, promote, tensor_arg

__all__ = ["margin_ranking_loss", "MarginRankingLoss"]

_FN = "margin_ranking_loss"


class MarginRankingLossOp(ComposedLoss):
    none_name = "ClampMinBackward0"


def margin_ranking_loss(input1, input2, target, margin=0, size_average=None, reduce=None, reduction="mean"):
    """max(0, −target·(input1 − input2) + margin), reduced; see :class:`MarginRankingLoss`."""
    reduction = reduction_arg(size_average, reduce, reduction)
    if input1.dim() != input2.dim() or input1.dim() != target.dim():
        raise RuntimeError(f"{_FN} : All input tensors should have same dimension but got sizes: input1: "
                           f"{input1.size()}, input2: {input2.size()}, target: {target.size()} ")
    for pos, (name, t) in enumerate((("input1", input1), ("input2", input2), ("target", target)), 1):
        tensor_arg(t, _FN, name, pos)
    margin = float_arg(margin, _FN, "margin", 4)
    check_subtractable(input1, input2)
    broadcast_shape(input1._data.shape, input2._data.shape, target._data.shape)
    return MarginRankingLossOp.apply(*promote(input1, input2, target), margin=margin, reduction=reduction)


class MarginRankingLoss(_Loss):
    r"""The margin ranking loss of two inputs ranked by a ±1 target.

    For each element of the (broadcast) inputs x1, x2 and target y (1 when x1 should rank higher
    than x2, −1 when lower):

    .. math::
        \ell(x_1, x_2, y) = \max(0, -y \cdot (x_1 - x_2) + \text{margin})

    then averaged ('mean', default), summed ('sum') or returned per element ('none').

    Args:
        margin (float, optional): the margin; default 0.
        size_average, reduce (bool, optional): deprecated, see ``reduction``.
        reduction (str, optional): 'none' | 'mean' | 'sum'. Default 'mean'.

    Shape:
        - input1: :math:`(N)` or :math:`()`; input2 and target: the same number of dimensions,
          broadcastable with input1.
        - output: scalar, or the broadcast shape for 'none'.

    The target is differentiable too (∂ℓ/∂y = −(x1 − x2) where the hinge is active).

    Example::

        >>> loss = nn.MarginRankingLoss(margin=0.1)
        >>> x1 = torch.tensor([1., 2., 3.], requires_grad=True)
        >>> x2 = torch.tensor([2., 2., 1.])
        >>> loss(x1, x2, torch.tensor([1., 1., -1.]))
        tensor(1.1000, grad_fn=<MeanBackward0>)
    """

    def __init__(self, margin=0.0, size_average=None, reduce=None, reduction="mean"):
        super().__init__(size_average, reduce, reduction)
        self.margin = margin

    def forward(self, input1, input2, target):
        return margin_ranking_loss(input1, input2, target, margin=self.margin, reduction=self.reduction)
