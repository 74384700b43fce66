"""What the elementwise losses (mse, l1, smooth L1, Huber, BCE, KL, soft margin, Poisson and Gaussian
NLL) share beyond ``_margin``: torch's target-size warning, its dtype errors, the weighted form of
mse/l1/huber, and an Op whose backward fails where torch's does."""
import warnings

from .. import dtypes
from ..autograd.grad_mode import state
from ..dtypes import scalar_name  # noqa: F401 - the losses import it from here
from ._base import REDUCTIONS, FusedLoss, current_reduction, legacy_reduction
from ._margin import all_dtype, broadcast_shape


def sizes_differ(input, target):  # noqa: A002
    """``target.size() != input.size()``, read off the arrays' shapes; a non-tensor argument raises
    the AttributeError that torch's Python reading ``.size()`` gives."""
    try:
        return target._data.shape != input._data.shape
    except AttributeError:
        return target.size() != input.size()


def regression_start(input, target, size_average, reduce, reduction):  # noqa: A002 - torch's names
    """How torch's mse, l1, smooth L1 and Huber begin: a UserWarning (and, when they do not broadcast,
    a RuntimeError) for a target whose size differs from the input's, then the legacy reduction
    arguments, which override ``reduction``. Returns the reduction."""
    if sizes_differ(input, target):
        warnings.warn(f"Using a target size ({target.size()}) that is different to the input size ({input.size()}). "
                      "This will likely lead to incorrect results due to broadcasting. Please ensure they have the "
                      "same size.", UserWarning, stacklevel=3)
        broadcast_shape(input._data.shape, target._data.shape)
    if size_average is None and reduce is None and reduction in REDUCTIONS:  # the common call, no warning
        return reduction
    return current_reduction(legacy_reduction(size_average, reduce, reduction, stacklevel=4), stacklevel=4)


def float_operands(kernel, *tensors):
    """``tensors`` cast to their promoted dtype; torch's NotImplementedError (naming its ``kernel``)
    when that dtype is not floating."""
    first = tensors[0]._data.dtype
    if first.kind == "f" and all_dtype(tensors, first):
        return tensors
    dt = dtypes.result_type(*tensors)
    if not dt.is_floating_point:
        raise NotImplementedError(f'"{kernel}" not implemented for \'{scalar_name(dt)}\'')
    return [t._cast(dt) for t in tensors]


def cast_error(result, out):
    """torch's RuntimeError for a floating result written to an integer output."""
    return RuntimeError(f"result type {scalar_name(result)} can't be cast to the desired output type "
                        f"{scalar_name(out)}")


def check_no_grad(t, fn, name):
    """torch's RuntimeError for an argument it cannot differentiate that requires grad."""
    if t is not None and t.requires_grad and state.enabled:
        raise RuntimeError(f"The function '{fn}' is not differentiable with respect to argument '{name}'. This "
                           "input cannot have requires_grad True.")


def weighted(loss, input, weight, reduction, by_weight):  # noqa: A002
    """torch's composite for mse/l1/huber with ``weight`` (the input's size): ``loss·weight``,
    summed, or for 'mean' divided by Σweight (``by_weight``, mse and l1) or averaged (Huber)."""
    if weight.size() != input.size():
        raise ValueError("Weights and input must have the same size.")
    out = loss * weight
    if reduction == "none":
        return out
    if reduction == "sum":
        return out.sum()
    if reduction == "mean":
        return out.sum() / weight.sum() if by_weight else out.mean()
    raise ValueError(f"Invalid reduction mode: {reduction}. Expected one of 'none', 'mean', 'sum'.")


class DeferredErrorLoss(FusedLoss):
    """A fused loss given ``backward_error``: torch computes such a forward (Huber with a target of
    another dtype, soft margin with a bool target) and raises this RuntimeError only in backward."""

    def forward(self, *arrays, backward_error=None, **options):
        self.backward_error = backward_error
        return self.fused(arrays, options)

    def backward(self, g):
        if self.backward_error:
            raise RuntimeError(self.backward_error)
        return super().backward(g)
