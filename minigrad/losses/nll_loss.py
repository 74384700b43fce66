"""nll_loss / NLLLoss / NLLLoss2d, and torch's class-target checks that cross_entropy shares."""
import numbers
import warnings

import numpy as np

from ..autograd.grad_mode import state
from ..dtypes import scalar_name
from ..tensor import Tensor
from ._base import FusedLoss, _WeightedLoss, reduction_arg
from ._margin import sizes, tensor_arg

__all__ = ["nll_loss", "NLLLoss", "NLLLoss2d"]

_TARGET_TYPES = (np.int64, np.uint8)  # Long, Byte


def int_arg(v, fn, name, pos):
    """An int argument as torch's parser accepts it (an integer, or a one-element integer tensor)."""
    if type(v) is int:
        return v
    if isinstance(v, Tensor) and v.numel() == 1 and v.dtype.category == 1:
        return int(v.item())
    if isinstance(v, numbers.Integral) and not isinstance(v, bool):
        return int(v)
    raise TypeError(f"{fn}(): argument '{name}' (position {pos}) must be int, not {type(v).__name__}")


def nll_name(ndim, reduction):
    """torch's grad_fn name for nll_loss (and unsmoothed cross_entropy) over an ``ndim``-d input: 3-D
    and 5-D+ inputs run as 4-D, and their unreduced loss is a view back."""
    if ndim <= 2:
        return "NllLossBackward0"
    return "ViewBackward0" if ndim != 4 and reduction == "none" else "NllLoss2DBackward0"


def check_class_targets(input, target, weight, check_input=True):  # noqa: A002 - torch's names
    """torch's checks for class-index targets (nll_loss_nd, then nll_loss / nll_loss2d), in torch's
    order; ``check_input`` is False when cross_entropy's log_softmax already rejected a non-float input."""
    shape, tshape = input._data.shape, target._data.shape
    ndim, tdim = len(shape), len(tshape)
    if ndim < 1:
        raise ValueError(f"Expected 1 or more dimensions (got {ndim})")
    batch = tshape[0] if tdim else 0
    if ndim != 1 and shape[0] != batch:
        raise ValueError(f"Expected input batch_size ({shape[0]}) to match target batch_size ({batch}).")
    if ndim not in (1, 2, 4) and tshape[1:] != shape[2:]:
        raise RuntimeError(f"Expected target size [{', '.join(map(str, shape[:1] + shape[2:]))}], got {sizes(target)}")
    spatial = ndim > 2
    if weight is not None and weight.requires_grad and state.enabled:
        raise RuntimeError(f"The function 'nll_loss{'2d' if spatial else ''}_forward' is not differentiable with "
                           "respect to argument 'weight'. This input cannot have requires_grad True.")
    if not spatial and tdim > 1:
        raise RuntimeError("0D or 1D target tensor expected, multi-target not supported")
    if spatial and tdim != ndim - 1:
        raise RuntimeError(f"only batches of spatial targets supported (3D tensors) but got targets of dimension: "
                           f"{tdim}")
    if target._data.dtype.type not in _TARGET_TYPES:
        raise RuntimeError(f"expected target dtype to be Long or Byte, but got {scalar_name(target)}")
    n_classes = shape[1] if ndim > 1 else shape[0]
    if not spatial:
        if ndim == 1 and tdim == 1 and tshape[0] != 1:
            raise ValueError(f"For 1D input, 1D target must have size 1, but got target size: {tshape[0]}")
        if weight is not None and weight._data.shape != (n_classes,):
            raise RuntimeError(f"weight tensor should be defined either for all {n_classes} classes or no classes "
                               f"but got weight tensor of shape: {sizes(weight)}")
    else:
        if weight is not None and weight.numel() != n_classes:
            raise RuntimeError("weight tensor should be defined either for all or no classes")
        if tshape[1:] != shape[2:]:
            raise RuntimeError(f"size mismatch (got input: {sizes(input)} , target: {sizes(target)}")
    if check_input and not input.is_floating_point():
        kernel = "nll_loss2d_forward_out_frame" if spatial else "nll_loss_out_frame"
        raise NotImplementedError(f"\"{kernel}\" not implemented for '{scalar_name(input)}'")
    if weight is not None and weight.dtype is not input.dtype:
        raise RuntimeError(f"expected scalar type {scalar_name(input)} but found {scalar_name(weight)}")


class ClassTargetLoss(FusedLoss):
    """A fused loss over class targets (nll_loss, cross_entropy) with torch's backward check: its
    forward accepts an unbatched (C,) input with a (1,) target, its nll backward raises. ``node_name``
    gives the node's name for the arrays and options."""

    def forward(self, *arrays, **options):
        x, target = arrays[0], arrays[1]
        self.name = self.node_name(x, target, options)
        self.backward_error = (f"size mismatch (got input: [{x.shape[0]}], target: [1])"
                               if x.ndim == 1 and target.ndim == 1 and target.dtype.kind != "f" else None)
        return self.fused(arrays, options)

    def backward(self, g):
        if self.backward_error:
            raise RuntimeError(self.backward_error)
        return super().backward(g)


class NllLoss(ClassTargetLoss):
    class_axis = 1

    @staticmethod
    def node_name(x, target, options):
        return nll_name(x.ndim, options["reduction"])


def nll_loss(input, target, weight=None, size_average=None, ignore_index=-100, reduce=None,  # noqa: A002
             reduction="mean"):
    """Negative log-likelihood of class targets under log-probabilities; see :class:`NLLLoss`."""
    reduction = reduction_arg(size_average, reduce, reduction)
    tensor_arg(input, "nll_loss_nd", "input", 1)
    tensor_arg(target, "nll_loss_nd", "target", 2)
    if weight is not None:
        tensor_arg(weight, "nll_loss_nd", "weight", 3)
    ignore_index = int_arg(ignore_index, "nll_loss_nd", "ignore_index", 5)
    check_class_targets(input, target, weight)
    inputs = (input, target) if weight is None else (input, target, weight)
    return NllLoss.apply(*inputs, ignore_index=ignore_index, reduction=reduction)


class NLLLoss(_WeightedLoss):
    r"""The negative log-likelihood loss of class-index targets under log-probabilities.

    The input holds log-probabilities (e.g. from ``log_softmax``) of C classes. For position p
    (a sample, or a sample and a spatial location) with target class :math:`t_p` and class weights w:

    .. math::
        \ell_p = -w_{t_p} \, x_{p, t_p}

    with :math:`\ell_p = 0` where :math:`t_p` = ``ignore_index``. 'mean' divides
    :math:`\sum_p \ell_p` by :math:`\sum_p w_{t_p}` over the non-ignored positions (NaN when all are
    ignored), 'sum' sums, 'none' returns :math:`\ell`.

    Args:
        weight (Tensor, optional): a manual rescaling weight per class, shape (C); default all ones.
        size_average, reduce (bool, optional): deprecated, see ``reduction``.
        ignore_index (int, optional): a target value that contributes neither loss nor gradient,
            nor to the mean's normaliser. Default -100.
        reduction (str, optional): 'none' | 'mean' | 'sum'. Default 'mean'.

    Shape:
        - input: (C), (N, C) or (N, C, d1, ..., dk), log-probabilities.
        - target: (), (N) or (N, d1, ..., dk), int64 (or uint8) class indices in [0, C).
        - output: scalar; for 'none', the target's shape ((N, d1, ..., dk), or () for a 1-D input).

    Example::

        >>> m = nn.LogSoftmax(dim=1)
        >>> loss = nn.NLLLoss()
        >>> x = torch.randn(3, 5, requires_grad=True)
        >>> output = loss(m(x), torch.tensor([1, 0, 4]))
        >>> output.backward()
    """

    def __init__(self, weight=None, size_average=None, ignore_index=-100, reduce=None, reduction="mean"):
        super().__init__(weight, size_average, reduce, reduction)
        self.ignore_index = ignore_index

    def forward(self, input, target):  # noqa: A002
        return nll_loss(input, target, weight=self.weight, ignore_index=self.ignore_index, reduction=self.reduction)


class NLLLoss2d(NLLLoss):
    """Deprecated alias of :class:`NLLLoss` (which takes (N, C, H, W) inputs itself); warns as torch."""

    def __init__(self, weight=None, size_average=None, ignore_index=-100, reduce=None, reduction="mean"):
        warnings.warn("`NLLLoss2d` has been deprecated. Please use `NLLLoss` instead as a drop-in replacement and "
                      "see https://pytorch.org/docs/main/nn.html#torch.nn.NLLLoss for more details.",
                      FutureWarning, stacklevel=2)
        super().__init__(weight, size_average, ignore_index, reduce, reduction)
