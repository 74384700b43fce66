"""cross_entropy / CrossEntropyLoss, and the tutorials' CrossEntropyLoss2d (gone from torch 2.x)."""
from .. import dtypes
from ..dtypes import scalar_name
from ._base import _WeightedLoss, reduction_arg
from ._margin import float_arg, sizes, tensor_arg
from .nll_loss import ClassTargetLoss, check_class_targets, int_arg, nll_name

__all__ = ["cross_entropy", "CrossEntropyLoss", "CrossEntropyLoss2d"]

_FN = "cross_entropy_loss"


class CrossEntropy(ClassTargetLoss):
    """Fused log-softmax + loss; the kernel also returns dℓ/dweight per position for probability
    targets, which backward sums over the positions."""
    class_axis = 1

    def node_name(self, x, target, options):
        self.class_dim = 0 if x.ndim == 1 else 1
        if target.dtype.kind == "f":  # torch composes it: -(log_softmax·y·w).sum() [/ n]
            return "DivBackward1" if options["reduction"] == "mean" and x.size else "NegBackward0"
        if options["label_smoothing"] > 0:  # torch: (1−ε)·nll + ε/C·smooth
            return "AddBackward0"
        return nll_name(x.ndim, options["reduction"])

    def backward(self, g):
        grads = super().backward(g)
        if len(grads) == 3 and grads[2] is not None:
            gw = grads[2]
            grads = grads[:2] + (gw.sum(axis=tuple(a for a in range(gw.ndim) if a != self.class_dim)),)
        return grads


def _check_smoothing(label_smoothing):
    if label_smoothing > 0 and label_smoothing > 1:
        raise RuntimeError(f"label_smoothing must be between 0.0 and 1.0. Got: {label_smoothing:g}")


def _check_log_softmax_input(input):  # noqa: A002
    """torch's log_softmax(input, dim=1 or 0) errors for a 0-d or non-float input."""
    if input.ndim == 0:
        raise IndexError("Dimension out of range (expected to be in range of [-1, 0], but got 1)")
    if not input.is_floating_point():
        kernel = "log_softmax_lastdim_kernel_impl" if input.ndim <= 2 else "log_softmax_kernel_impl"
        raise NotImplementedError(f"\"{kernel}\" not implemented for '{scalar_name(input.dtype)}'")


def _check_probability_target(input, target, weight, ignore_index, label_smoothing):  # noqa: A002
    """torch's checks for class-probability targets (a target of the input's shape)."""
    if not target.is_floating_point():
        raise RuntimeError("Expected floating point type for target with class probabilities, got "
                           f"{scalar_name(target.dtype)}")
    if ignore_index >= 0:
        raise RuntimeError("ignore_index is not supported for floating point target")
    if input.ndim == 0:
        raise IndexError("Dimension specified as 1 but tensor has no dimensions")
    n_classes = input.shape[0 if input.ndim == 1 else 1]
    if weight is not None and (weight.ndim != 1 or weight.shape[0] != n_classes):
        raise RuntimeError(f"cross_entropy: weight tensor should be defined either for all {n_classes} classes or "
                           f"no classes but got weight tensor of shape: {sizes(weight)}")
    _check_log_softmax_input(input)
    _check_smoothing(label_smoothing)


def cross_entropy(input, target, weight=None, size_average=None, ignore_index=-100, reduce=None,  # noqa: A002
                  reduction="mean", label_smoothing=0.0):
    """Cross entropy between logits and class indices or class probabilities; see :class:`CrossEntropyLoss`."""
    reduction = reduction_arg(size_average, reduce, reduction)
    tensor_arg(input, _FN, "input", 1)
    tensor_arg(target, _FN, "target", 2)
    if weight is not None:
        tensor_arg(weight, _FN, "weight", 3)
    ignore_index = int_arg(ignore_index, _FN, "ignore_index", 5)
    if type(label_smoothing) is not float:
        label_smoothing = float_arg(label_smoothing, _FN, "label_smoothing", 6)
    if input._data.shape == target._data.shape:
        _check_probability_target(input, target, weight, ignore_index, label_smoothing)
        if weight is not None and not weight.is_floating_point():  # torch promotes input·target·weight
            weight = weight._cast(dtypes.result_type(input, target))
    else:
        _check_smoothing(label_smoothing)
        _check_log_softmax_input(input)
        check_class_targets(input, target, weight, check_input=False)
        if label_smoothing > 0 and input.ndim == 1 and target.ndim == 1:
            t = target.item()
            if t == ignore_index or 0 <= t < input.shape[0]:  # after the kernel's range check, as in torch
                # torch adds a 0-d smoothing term into a (1,) nll term
                raise RuntimeError("output with shape [] doesn't match the broadcast shape [1]")
    inputs = (input, target) if weight is None else (input, target, weight)
    return CrossEntropy.apply(*inputs, ignore_index=ignore_index, reduction=reduction, label_smoothing=label_smoothing)


class CrossEntropyLoss(_WeightedLoss):
    r"""Cross entropy between unnormalised logits and targets: log-softmax over the class dim and the
    negative log-likelihood, fused into one kernel that also yields the gradient.

    The input holds logits x of C classes: shape (C), (N, C) or (N, C, d1, ..., dk). The target is
    either **class indices** (int64, the input's shape without the class dim) or **class
    probabilities** (floating, the input's shape). With class weights w (all 1 by default) and
    label smoothing ε, for position p:

    class indices :math:`t_p` (:math:`\ell_p = 0` where :math:`t_p` = ``ignore_index``):

    .. math::
        \ell_p = (1-\varepsilon)\, w_{t_p} \big(-\log \mathrm{softmax}(x_p)_{t_p}\big)
                 + \frac{\varepsilon}{C} \sum_c w_c \big(-\log \mathrm{softmax}(x_p)_c\big)

    and 'mean' divides :math:`\sum_p \ell_p` by :math:`\sum_p w_{t_p}` over non-ignored positions
    (NaN when every target is ignored);

    class probabilities :math:`y_p`, smoothed to :math:`y' = (1-\varepsilon)\,y + \varepsilon / C`:

    .. math::
        \ell_p = -\sum_c w_c \, y'_{p,c} \log \mathrm{softmax}(x_p)_c

    and 'mean' divides by the number of positions (N·d1···dk). 'sum' sums, 'none' returns ℓ.

    Args:
        weight (Tensor, optional): a manual rescaling weight per class, shape (C).
        size_average, reduce (bool, optional): deprecated, see ``reduction``.
        ignore_index (int, optional): a class-index target value that is ignored (no loss, no
            gradient, not in the mean's normaliser). Default -100. Not allowed (>= 0) with probabilities.
        reduction (str, optional): 'none' | 'mean' | 'sum'. Default 'mean'.
        label_smoothing (float, optional): ε in [0, 1]: the target mixes with the uniform
            distribution. Default 0.

    Shape:
        - input: (C), (N, C) or (N, C, d1, ..., dk).
        - target: class indices (), (N) or (N, d1, ..., dk) in [0, C); or probabilities of the
          input's shape.
        - output: scalar; for 'none', (N, d1, ..., dk) (() for a 1-D input).

    Example::

        >>> loss = nn.CrossEntropyLoss()
        >>> x = torch.randn(3, 5, requires_grad=True)
        >>> output = loss(x, torch.tensor([1, 0, 4]))        # class indices
        >>> output.backward()
        >>> output = loss(x, torch.randn(3, 5).softmax(dim=1))  # class probabilities
        >>> output.backward()
    """

    def __init__(self, weight=None, size_average=None, ignore_index=-100, reduce=None, reduction="mean",
                 label_smoothing=0.0):
        super().__init__(weight, size_average, reduce, reduction)
        self.ignore_index = ignore_index
        self.label_smoothing = label_smoothing

    def forward(self, input, target):  # noqa: A002
        return cross_entropy(input, target, weight=self.weight, ignore_index=self.ignore_index,
                             reduction=self.reduction, label_smoothing=self.label_smoothing)


class CrossEntropyLoss2d(CrossEntropyLoss):
    """Per-pixel cross entropy of (N, C, H, W) logits and (N, H, W) class targets, with torch 1.x's
    signature (the tutorials' class, absent from torch 2.x): the same numbers as :class:`CrossEntropyLoss`."""

    def __init__(self, weight=None, size_average=None, ignore_index=-100, reduce=None, reduction="mean"):
        super().__init__(weight, size_average, ignore_index, reduce, reduction)
