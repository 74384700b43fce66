"""multilabel_margin_loss / MultiLabelMarginLoss."""
import numpy as np

from .. import dtypes
from ._base import FusedLoss, _Loss, reduction_arg
from ._margin import check_class_input, check_dtype, sizes, tensor_arg

__all__ = ["multilabel_margin_loss", "MultiLabelMarginLoss"]

_FN = "multilabel_margin_loss"


class MultilabelMarginLossOp(FusedLoss):
    class_axis = -1


def multilabel_margin_loss(input, target, size_average=None, reduce=None, reduction="mean"):  # noqa: A002
    """Σ_j Σ_{i∉targets} max(0, 1 − (x[y_j] − x[i])) / C per sample, reduced; see :class:`MultiLabelMarginLoss`."""
    reduction = reduction_arg(size_average, reduce, reduction)
    tensor_arg(input, _FN, "input", 1)
    tensor_arg(target, _FN, "target", 2)
    check_class_input(input, "multilabel_margin_loss_forward_out_frame")
    shape, t = input._data.shape, target._data
    C = shape[-1] if shape else 1
    if t.shape != shape if len(shape) == 2 else (t.ndim > 1 or t.size != C):
        raise RuntimeError(f"inconsistent target size: {sizes(target)} for input of size: {sizes(input)}")
    check_dtype(target, dtypes.int64, "target")
    if t.size and (t + 1).view(np.uint64).max() > C:  # t in [-1, C) in one reduction: t + 1 in [0, C] unsigned
        raise RuntimeError(f"argument #2 'target' is out of range: class indices must lie in [0, {C}) "
                           "or be -1 (end of a row's targets)")
    return MultilabelMarginLossOp.apply(input, target, reduction=reduction)


class MultiLabelMarginLoss(_Loss):
    r"""A multi-class multi-label hinge loss between scores x and the class indices y of each
    sample's labels.

    For one sample with C class scores x and label list y (the entries of the target row before the
    first −1):

    .. math::
        \text{loss}(x, y) = \sum_{j} \sum_{i \notin y} \frac{\max(0, 1 - (x[y_j] - x[i]))}{C}

    so every label's score should beat every non-label's score by a margin of 1. Samples may have
    different numbers of labels: pad each target row with −1. The per-sample losses are averaged
    ('mean', default), summed ('sum') or returned ('none').

    Args:
        size_average, reduce (bool, optional): deprecated, see ``reduction``.
        reduction (str, optional): 'none' | 'mean' | 'sum'. Default 'mean'.

    Shape:
        - input: :math:`(C)` or :math:`(N, C)`.
        - target: same shape, int64 class indices padded with −1 (values must lie in [−1, C)).
        - output: scalar; for 'none', :math:`(N)` (0-d for a single sample).

    Example::

        >>> loss = nn.MultiLabelMarginLoss()
        >>> x = torch.tensor([[0.1, 0.2, 0.4, 0.8]])
        >>> y = torch.tensor([[3, 0, -1, 1]])  # labels 3 and 0; ignored after -1
        >>> loss(x, y)
        tensor(0.8500)
    """

    def forward(self, input, target):  # noqa: A002
        return multilabel_margin_loss(input, target, reduction=self.reduction)
