"""binary_cross_entropy / BCELoss."""
from ._base import FusedLoss, _WeightedLoss, reduction_arg
from ._margin import sizes
from ._pointwise import check_no_grad, scalar_name, sizes_differ

__all__ = ["binary_cross_entropy", "BCELoss"]

_FN = "binary_cross_entropy"


class BinaryCrossEntropyOp(FusedLoss):
    """−w·(y·log x + (1 − y)·log(1 − x)), each log clamped at −100 as torch does."""


def binary_cross_entropy(input, target, weight=None, size_average=None, reduce=None, reduction="mean"):  # noqa: A002
    """−weight·(target·ln input + (1 − target)·ln(1 − input)), reduced; see :class:`BCELoss`."""
    reduction = reduction_arg(size_average, reduce, reduction)
    if sizes_differ(input, target):
        raise ValueError(f"Using a target size ({target.size()}) that is different to the input size "
                         f"({input.size()}) is deprecated. Please ensure they have the same size.")
    dt = input.dtype
    if not dt.is_floating_point and target.dtype is dt:
        raise NotImplementedError(f"\"{_FN}\" not implemented for '{scalar_name(dt)}'")
    if target.dtype is not dt:
        raise RuntimeError(f"Found dtype {scalar_name(target.dtype)} but expected {scalar_name(dt)}")
    if weight is not None:
        _check_weight_shape(weight, input)
        check_no_grad(weight, _FN, "weight")
        weight = weight._cast(dt)._data
    bad = input._backend().load("binary_cross_entropy").out_of_range(input._data, target._data)
    if bad:
        raise RuntimeError(f"all elements of {bad} should be between 0 and 1")
    return BinaryCrossEntropyOp.apply(input, target, reduction=reduction, weight=weight)


class BCELoss(_WeightedLoss):
    r"""The binary cross entropy between target probabilities y and input probabilities x.

    For each element, with weight :math:`w_n` (1 if no ``weight``):

    .. math::
        l_n = -w_n \left[ y_n \log x_n + (1 - y_n) \log(1 - x_n) \right],

    then averaged ('mean', default), summed ('sum') or returned per element ('none'). Each log is
    clamped to at least −100, so x = 0 or 1 gives a finite loss (100·w); the input gradient
    :math:`w_n (x_n - y_n) / \max(x_n (1 - x_n), 10^{-12})` stays finite too. x usually comes from
    a sigmoid; :class:`BCEWithLogitsLoss` fuses the two more stably.

    Args:
        weight (Tensor, optional): a rescaling weight that broadcasts to the input's shape.
        size_average, reduce (bool, optional): deprecated, see ``reduction``.
        reduction (str, optional): 'none' | 'mean' | 'sum'. Default 'mean'.

    Input and target must have the same shape and floating dtype, every element in [0, 1]
    (a RuntimeError otherwise).

    Shape:
        - input: :math:`(*)`, any shape; target: the same shape.
        - output: scalar, or the input's shape for 'none'.

    Example::

        >>> loss = nn.BCELoss()
        >>> x = torch.randn(3, requires_grad=True)
        >>> y = torch.empty(3).random_(2)
        >>> loss(torch.sigmoid(x), y).backward()
    """

    def forward(self, input, target):  # noqa: A002
        return binary_cross_entropy(input, target, weight=self.weight, reduction=self.reduction)


def _check_weight_shape(weight, input):  # noqa: A002
    """torch expands ``weight`` to broadcast_shapes(target, weight) (the target has the input's shape),
    with that function's error, and the kernel then needs the input's shape back."""
    common = [1] * (weight.ndim - input.ndim) + list(input.shape)
    for i in range(-1, -1 - weight.ndim, -1):
        w = weight.shape[i]
        if w == common[i] or w == 1:
            continue
        if common[i] != 1:
            raise RuntimeError(f"Attempting to broadcast a dimension of length {w} at {i}! Mismatching argument at "
                               f"index 1 had {weight.size()}; but expected shape should be broadcastable to {common}")
        common[i] = w
    if common != list(input.shape):
        raise RuntimeError(f"output with shape {sizes(input)} doesn't match the broadcast shape {common}")
