"""cosine_embedding_loss / CosineEmbeddingLoss."""
from .. import dtypes
from ._base import _Loss, reduction_arg
from ._margin import ComposedLoss, broadcast_shape, float_arg, promote, sizes, tensor_arg

__all__ = ["cosine_embedding_loss", "CosineEmbeddingLoss"]

_FN = "cosine_embedding_loss"


class CosineEmbeddingLossOp(ComposedLoss):
    none_name = "AddBackward0"
    class_axis = -1


def cosine_embedding_loss(input1, input2, target, margin=0, size_average=None, reduce=None, reduction="mean"):
    """1 − cos(x1, x2) where target = 1, max(0, cos − margin) where target = −1, reduced; see
    :class:`CosineEmbeddingLoss`."""
    reduction = reduction_arg(size_average, reduce, reduction)
    for pos, (name, t) in enumerate((("input1", input1), ("input2", input2), ("target", target)), 1):
        tensor_arg(t, _FN, name, pos)
    margin = float_arg(margin, _FN, "margin", 4)
    if target.ndim > 1:
        raise RuntimeError("0D or 1D target tensor expected, multi-target not supported")
    if (input1.ndim, input2.ndim) != (target.ndim + 1,) * 2:
        raise RuntimeError(f"{target.ndim}D target tensor expects {target.ndim + 1}D input tensors, but found inputs "
                           f"with sizes {sizes(input1)} and {sizes(input2)}.")
    rows = broadcast_shape(input1._data.shape, input2._data.shape)[:-1]
    broadcast_shape(target._data.shape, rows)
    x1, x2 = promote(input1, input2)
    if target.dtype != x1.dtype:  # the target only selects: keep its values exact (float64 holds any)
        target = target._cast(dtypes.float64)
    return CosineEmbeddingLossOp.apply(x1, x2, target, margin=margin, reduction=reduction)


class CosineEmbeddingLoss(_Loss):
    r"""The cosine embedding loss of two inputs and a ±1 target.

    With :math:`\cos(x_1, x_2) = \frac{x_1 \cdot x_2}{\sqrt{(\lVert x_1 \rVert^2 + \epsilon)
    (\lVert x_2 \rVert^2 + \epsilon)}}` (:math:`\epsilon = 10^{-12}`) per row:

    .. math::
        \text{loss}(x_1, x_2, y) = \begin{cases} 1 - \cos(x_1, x_2), & y = 1 \\
            \max(0, \cos(x_1, x_2) - \text{margin}), & y = -1 \end{cases}

    (a target that is neither gives 0), averaged ('mean', default), summed ('sum') or returned per
    row ('none'). Use y = 1 to pull embeddings together and y = −1 to push them apart.

    Args:
        margin (float, optional): in [−1, 1]; 0 to 0.5 is suggested. Default 0.
        size_average, reduce (bool, optional): deprecated, see ``reduction``.
        reduction (str, optional): 'none' | 'mean' | 'sum'. Default 'mean'.

    Shape:
        - input1, input2: :math:`(N, D)` or :math:`(D)`, broadcastable with each other.
        - target: :math:`(N)` or :math:`()`.
        - output: scalar; for 'none', :math:`(N)` (0-d for 1-D inputs).

    Example::

        >>> loss = nn.CosineEmbeddingLoss()
        >>> x1 = torch.randn(3, 5, requires_grad=True)
        >>> x2 = torch.randn(3, 5, requires_grad=True)
        >>> loss(x1, x2, torch.ones(3)).backward()
    """

    def __init__(self, margin=0.0, size_average=None, reduce=None, reduction="mean"):
        super().__init__(size_average, reduce, reduction)
        self.margin = margin

    def forward(self, input1, input2, target):
        return cosine_embedding_loss(input1, input2, target, margin=self.margin, reduction=self.reduction)
