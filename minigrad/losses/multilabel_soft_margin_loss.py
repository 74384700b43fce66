"""multilabel_soft_margin_loss / MultiLabelSoftMarginLoss."""
from ..dtypes import scalar_name
from ..tensor import Tensor
from ._base import _WeightedLoss, reduction_arg
from ._margin import ComposedLoss, broadcast_shape, promote

__all__ = ["multilabel_soft_margin_loss", "MultiLabelSoftMarginLoss"]


class MultilabelSoftMarginLossOp(ComposedLoss):
    none_name = "DivBackward0"

    def forward(self, *arrays, **options):
        self.class_axis = arrays[0].ndim - 1
        return super().forward(*arrays, **options)


def multilabel_soft_margin_loss(input, target, weight=None, size_average=None, reduce=None,  # noqa: A002
                                reduction="mean"):
    """−Σ_c w·(t·logσ(x) + (1 − t)·logσ(−x)) / C per sample, reduced; see :class:`MultiLabelSoftMarginLoss`."""
    reduction = reduction_arg(size_average, reduce, reduction, elementwise_mean=False)
    operands = [input, target] + ([] if weight is None else [weight])
    for name, t in zip(("input", "target", "weight"), operands):
        if not isinstance(t, Tensor):
            raise TypeError(f"multilabel_soft_margin_loss(): {name} must be a Tensor, not {type(t).__name__}")
    if not input.is_floating_point():
        raise NotImplementedError(f"\"log_sigmoid_cpu\" not implemented for '{scalar_name(input.dtype)}'")
    broadcast_shape(target._data.shape, input._data.shape, *[w._data.shape for w in operands[2:]])
    if input.ndim == 0:
        raise IndexError("Dimension specified as -1 but tensor has no dimensions")
    return MultilabelSoftMarginLossOp.apply(*promote(*operands), reduction=reduction)


class MultiLabelSoftMarginLoss(_WeightedLoss):
    r"""A multi-label one-versus-all loss (binary cross entropy with logits averaged over classes).

    For one sample with C class logits x and 0/1 targets y:

    .. math::
        \text{loss}(x, y) = -\frac{1}{C} \sum_i w_i \left(y_i \log \sigma(x_i)
                            + (1 - y_i) \log \sigma(-x_i)\right)

    with :math:`\sigma` the logistic sigmoid, computed stably. The per-sample losses are averaged
    ('mean', default), summed ('sum') or returned ('none'). The target and the weight are
    differentiable too.

    Args:
        weight (Tensor, optional): a rescaling weight per class, of size C (or any shape that
            broadcasts with the input).
        size_average, reduce (bool, optional): deprecated, see ``reduction``.
        reduction (str, optional): 'none' | 'mean' | 'sum'. Default 'mean'.

    Shape:
        - input: :math:`(N, C)` (or :math:`(C)`; the last dim holds the classes).
        - target: same shape (broadcastable), values in [0, 1].
        - output: scalar; for 'none', :math:`(N)`.

    Example::

        >>> loss = nn.MultiLabelSoftMarginLoss()
        >>> x = torch.randn(3, 5, requires_grad=True)
        >>> y = torch.empty(3, 5).random_(2)
        >>> loss(x, y).backward()
    """

    def forward(self, input, target):  # noqa: A002
        return multilabel_soft_margin_loss(input, target, weight=self.weight, reduction=self.reduction)
