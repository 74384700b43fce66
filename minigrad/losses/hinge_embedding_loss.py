"""hinge_embedding_loss / HingeEmbeddingLoss."""
from .. import dtypes
from ._base import _Loss, reduction_arg
from ._margin import ComposedLoss, broadcast_shape, check_subtractable, float_arg, tensor_arg

__all__ = ["hinge_embedding_loss", "HingeEmbeddingLoss"]

_FN = "hinge_embedding_loss"


class HingeEmbeddingLossOp(ComposedLoss):
    none_name = "AddBackward0"


def hinge_embedding_loss(input, target, margin=1.0, size_average=None, reduce=None, reduction="mean"):  # noqa: A002
    """x where target = 1, max(0, margin − x) where target = −1, reduced; see :class:`HingeEmbeddingLoss`."""
    reduction = reduction_arg(size_average, reduce, reduction)
    tensor_arg(input, _FN, "input", 1)
    tensor_arg(target, _FN, "target", 2)
    margin = float_arg(margin, _FN, "margin", 3)
    check_subtractable(input, input)  # torch computes margin − input
    broadcast_shape(target._data.shape, input._data.shape)
    if target.dtype != input.dtype:  # the target only selects: keep its values exact (float64 holds any)
        target = target._cast(dtypes.float64)
    if not input.is_floating_point():  # torch runs integer inputs in their dtype; its mean() then raises
        out = HingeEmbeddingLossOp.apply(input, target, margin=margin, reduction="none")
        return out if reduction == "none" else getattr(out, reduction)()
    return HingeEmbeddingLossOp.apply(input, target, margin=margin, reduction=reduction)


class HingeEmbeddingLoss(_Loss):
    r"""The hinge embedding loss of an input x (typically a distance) and a ±1 target y.

    For each element of the (broadcast) input and target:

    .. math::
        l_n = \begin{cases} x_n, & y_n = 1,\\ \max(0, \text{margin} - x_n), & y_n = -1, \end{cases}

    (a target that is neither contributes both terms), then averaged ('mean', default), summed
    ('sum') or returned per element ('none'). It is used to learn embeddings where similar pairs
    (y = 1) get small distances and dissimilar ones (y = −1) distances of at least ``margin``.

    Args:
        margin (float, optional): default 1.
        size_average, reduce (bool, optional): deprecated, see ``reduction``.
        reduction (str, optional): 'none' | 'mean' | 'sum'. Default 'mean'.

    Shape:
        - input: :math:`(*)`, any shape; target: broadcastable with it.
        - output: scalar, or the broadcast shape for 'none'.

    Example::

        >>> loss = nn.HingeEmbeddingLoss()
        >>> x = torch.randn(3, 5, requires_grad=True)
        >>> y = torch.randn(3, 5).sign()
        >>> loss(x, y).backward()
    """

    def __init__(self, margin=1.0, size_average=None, reduce=None, reduction="mean"):
        super().__init__(size_average, reduce, reduction)
        self.margin = margin

    def forward(self, input, target):  # noqa: A002
        return hinge_embedding_loss(input, target, margin=self.margin, reduction=self.reduction)
