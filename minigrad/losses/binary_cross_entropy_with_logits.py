"""binary_cross_entropy_with_logits / BCEWithLogitsLoss."""
from .. import dtypes
from ._base import FusedLoss, _Loss, reduction_arg
from ._margin import broadcast_shape, sizes, tensor_arg
from ._pointwise import cast_error, check_no_grad, scalar_name, sizes_differ

__all__ = ["binary_cross_entropy_with_logits", "BCEWithLogitsLoss"]

_FN = "binary_cross_entropy_with_logits"


class BinaryCrossEntropyWithLogitsOp(FusedLoss):
    """−w·(pos_weight·y·log σ(x) + (1 − y)·log(1 − σ(x)))."""


def binary_cross_entropy_with_logits(input, target, weight=None, size_average=None, reduce=None,  # noqa: A002
                                     reduction="mean", pos_weight=None):
    """BCE of sigmoid(input) against target, computed stably from the logits; see :class:`BCEWithLogitsLoss`."""
    reduction = reduction_arg(size_average, reduce, reduction)
    if sizes_differ(input, target):
        raise ValueError(f"Target size ({target.size()}) must be the same as input size ({input.size()})")
    if not input.is_floating_point():
        raise NotImplementedError(f"\"log_sigmoid_cpu\" not implemented for '{scalar_name(input.dtype)}'")
    dt = target.dtype  # torch's result takes the target's dtype
    if dt is dtypes.bool:
        raise RuntimeError("Subtraction, the `-` operator, with two bool tensors is not supported. Use the `^` or "
                           "`logical_xor()` operator instead.")
    if not dt.is_floating_point:
        raise cast_error(input.dtype, dt)
    extra = {}
    for name, pos, t, first in (("pos_weight", 4, pos_weight, True), ("weight", 3, weight, False)):
        if t is not None:
            tensor_arg(t, _FN, name, pos)
            # torch: (pos_weight − 1)·target, then loss·weight, each written into an input-shaped tensor
            shape = broadcast_shape(*((t.shape, input.shape) if first else (input.shape, t.shape)))
            if shape != input.shape:
                raise RuntimeError(f"output with shape {sizes(input)} doesn't match the broadcast shape "
                                   f"[{', '.join(map(str, shape))}]")
            check_no_grad(t, _FN, name)
            extra[name] = t._cast(dt)._data
    return BinaryCrossEntropyWithLogitsOp.apply(input._cast(dt), target, reduction=reduction, **extra)


class BCEWithLogitsLoss(_Loss):
    r"""A sigmoid and the binary cross entropy in one numerically stable loss over logits x.

    For each element, with weight :math:`w_n` and positive weight :math:`p_c` of the element's class
    c (its index along the last dim; both 1 if not given):

    .. math::
        l_n = -w_n \left[ p_c y_n \log \sigma(x_n) + (1 - y_n) \log(1 - \sigma(x_n)) \right],

    then averaged ('mean', default), summed ('sum') or returned per element ('none'). It is
    evaluated as :math:`w_n[(1 - y_n) x_n - (1 + (p_c - 1) y_n) \log \sigma(x_n)]` with
    :math:`\log \sigma(x) = \min(x, 0) - \log(1 + e^{-|x|})`, so logits of any size (±1e4) give
    finite, exact losses and gradients. :math:`p_c > 1` raises recall, :math:`p_c < 1` precision.

    Args:
        weight (Tensor, optional): a rescaling weight that broadcasts to the input's shape.
        size_average, reduce (bool, optional): deprecated, see ``reduction``.
        reduction (str, optional): 'none' | 'mean' | 'sum'. Default 'mean'.
        pos_weight (Tensor, optional): weights of the positive examples, broadcast with the
            target, e.g. of shape (C,) for C classes along the last dim.

    Shape:
        - input: :math:`(*)`, any shape; target: the same shape (values usually in [0, 1]).
        - output: scalar, or the input's shape for 'none'.

    Example::

        >>> loss = nn.BCEWithLogitsLoss(pos_weight=torch.tensor([5.0]))
        >>> x = torch.randn(4, 1, requires_grad=True)
        >>> y = torch.tensor([[1.0], [0.0], [1.0], [0.0]])
        >>> loss(x, y).backward()
    """

    def __init__(self, weight=None, size_average=None, reduce=None, reduction="mean", pos_weight=None):
        super().__init__(size_average, reduce, reduction)
        self.register_buffer("weight", weight)
        self.register_buffer("pos_weight", pos_weight)

    def forward(self, input, target):  # noqa: A002
        return binary_cross_entropy_with_logits(input, target, self.weight, pos_weight=self.pos_weight,
                                                reduction=self.reduction)
