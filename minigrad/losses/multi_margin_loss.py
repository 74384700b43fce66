"""multi_margin_loss / MultiMarginLoss."""
import numpy as np

from .. import dtypes
from ..autograd.grad_mode import state
from ._base import FusedLoss, _WeightedLoss, reduction_arg
from ._margin import check_class_input, check_dtype, float_arg, sizes, tensor_arg

__all__ = ["multi_margin_loss", "MultiMarginLoss"]

_FN = "multi_margin_loss"


class MultiMarginLossOp(FusedLoss):
    class_axis = -1


def _check_p(p):
    if p != 1 and p != 2:
        raise ValueError("only p == 1 and p == 2 supported")


def multi_margin_loss(input, target, p=1, margin=1.0, weight=None, size_average=None, reduce=None,  # noqa: A002
                      reduction="mean"):
    """Σ_{i≠y} w[y]·max(0, margin − x[y] + x[i])ᵖ / C per sample, reduced; see :class:`MultiMarginLoss`."""
    reduction = reduction_arg(size_average, reduce, reduction)
    _check_p(p)
    if weight is not None and weight.dim() != 1:
        raise ValueError("weight must be one-dimensional")
    tensor_arg(input, _FN, "input", 1)
    tensor_arg(target, _FN, "target", 2)
    margin = float_arg(margin, _FN, "margin", 4)
    check_class_input(input, "multi_margin_loss_cpu_kernel")
    shape = input._data.shape
    N = shape[0] if len(shape) == 2 else 1
    C = shape[-1] if shape else 1
    if target._data.ndim > 1 or target._data.size != N:
        raise RuntimeError(f"{_FN}: target tensor should be 1-D with size equal to the number of input samples "
                           f"(batch size). Expected target size [{N}], but got {sizes(target)}. Input has shape "
                           f"{sizes(input)}.")
    if weight is not None:
        tensor_arg(weight, _FN, "weight", 5)
        if weight.numel() != C:
            raise RuntimeError(f"inconsistent weight size, expected {C} but got {sizes(weight)}")
        check_dtype(weight, input.dtype, "weight")
        if weight.requires_grad and state.enabled:
            raise RuntimeError(f"The function '{_FN}' is not differentiable with respect to argument 'weight'. This "
                               "input cannot have requires_grad True.")
    check_dtype(target, dtypes.int64, "target")
    t = target._data
    if t.size and t.view(np.uint64).max() >= C:  # one reduction: a negative index reads as a huge unsigned one
        raise RuntimeError(f"target out of range: class indices must lie in [0, {C})")
    return MultiMarginLossOp.apply(input, target, p=int(p), margin=margin,
                                   weight=None if weight is None else weight._data, reduction=reduction)


class MultiMarginLoss(_WeightedLoss):
    r"""A multi-class hinge (margin) loss between class scores x and a class index y per sample.

    For one sample with C scores:

    .. math::
        \text{loss}(x, y) = \frac{\sum_{i \neq y} w[y] \max(0, \text{margin} - x[y] + x[i])^p}{C}

    so the target's score should beat every other score by ``margin``. The per-sample losses are
    averaged ('mean', default), summed ('sum') or returned ('none').

    Args:
        p (int, optional): 1 (default) or 2.
        margin (float, optional): default 1.
        weight (Tensor, optional): a rescaling weight per class, 1-D of size C (not differentiable).
        size_average, reduce (bool, optional): deprecated, see ``reduction``.
        reduction (str, optional): 'none' | 'mean' | 'sum'. Default 'mean'.

    Shape:
        - input: :math:`(N, C)` or :math:`(C)`.
        - target: :math:`(N)` or :math:`()`, int64 with values in [0, C).
        - output: scalar; for 'none', the target's shape.

    Example::

        >>> loss = nn.MultiMarginLoss()
        >>> x = torch.tensor([[0.1, 0.2, 0.4, 0.8]])
        >>> y = torch.tensor([3])
        >>> loss(x, y)  # (1 - (0.8 - 0.1)) + (1 - (0.8 - 0.2)) + (1 - (0.8 - 0.4)), / 4
        tensor(0.3250)
    """

    def __init__(self, p=1, margin=1.0, weight=None, size_average=None, reduce=None, reduction="mean"):
        super().__init__(weight, size_average, reduce, reduction)
        _check_p(p)
        if weight is not None and weight.dim() != 1:
            raise ValueError(f"MultiMarginLoss: expected weight to be None or 1D tensor, got {weight.dim()}D instead")
        self.p = p
        self.margin = margin

    def forward(self, input, target):  # noqa: A002
        return multi_margin_loss(input, target, p=self.p, margin=self.margin, weight=self.weight,
                                 reduction=self.reduction)
