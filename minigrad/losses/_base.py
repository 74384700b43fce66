"""What every loss shares: reduction arguments, the module bases, and the fused-loss Op.

A fused loss's kernel module (``kernels/<device>/<kernel>.py``, whose ``forward`` is the host-level
entry point) computes the loss **and**, for each input that needs it,
dLoss/dInput in the same pass (already divided by the mean's normaliser). Backward only scales
those buffers by the upstream gradient, so no loss has a separate backward kernel to keep in sync.
"""
import warnings

from ..autograd.op import Op
from ..nn.modules.module import Module

REDUCTIONS = ("none", "mean", "sum")


def legacy_reduction(size_average, reduce, reduction, stacklevel=3):
    """Map legacy ``size_average``/``reduce`` onto ``reduction``, with torch's warning."""
    if size_average is not None or reduce is not None:
        size_average = True if size_average is None else size_average
        reduce = True if reduce is None else reduce
        reduction = "mean" if size_average and reduce else "sum" if reduce else "none"
        warnings.warn(f"size_average and reduce args will be deprecated, please use reduction='{reduction}' "
                      "instead.", UserWarning, stacklevel=stacklevel)
    return reduction


def current_reduction(reduction, stacklevel=4):
    """The legacy 'elementwise_mean' as 'mean', with torch's warning (given each time a loss is
    computed, as torch does)."""
    if reduction == "elementwise_mean":
        warnings.warn("reduction='elementwise_mean' is deprecated. Please use reduction='mean' instead.",
                      UserWarning, stacklevel=stacklevel)
        return "mean"
    return reduction


def reduction_arg(size_average, reduce, reduction, elementwise_mean=True):
    """``legacy_reduction`` and ``current_reduction``, then check the value (torch checks when the
    loss is computed). Torch's poisson_nll_loss and multilabel_soft_margin_loss refuse
    'elementwise_mean' (``elementwise_mean=False``)."""
    if size_average is None and reduce is None and reduction in REDUCTIONS:  # the common call, no warning
        return reduction
    reduction = legacy_reduction(size_average, reduce, reduction, stacklevel=4)
    if elementwise_mean:
        reduction = current_reduction(reduction, stacklevel=4)
    if reduction not in REDUCTIONS:
        raise ValueError(f"{reduction} is not a valid value for reduction")
    return reduction


class FusedLoss(Op):
    """Op over ``backend.load(kernel).forward(*arrays, need_grad=..., **options) -> (loss, *grads)``.

    One name in every place: an op defined in ``minigrad/losses/<loss>.py`` runs the kernel module
    ``<loss>`` and, unless it says otherwise, is named after its class as torch names the node
    (``MseLossOp``: MseLossBackward0). ``class_axis`` (for losses whose 'none' output drops a class
    dim) says where the upstream gradient of an unreduced loss gets that dim back before it scales
    the saved gradients."""
    fresh_grads = True
    kernel = None
    class_axis = None

    def __init_subclass__(cls, **kw):
        if "name" not in cls.__dict__:
            cls.name = cls.__name__.removesuffix("Op") + "Backward0"
        super().__init_subclass__(**kw)
        module = cls.__module__.rpartition(".")[2]
        if "kernel" not in cls.__dict__ and not module.startswith("_"):
            cls.kernel = module

    def forward(self, *arrays, **options):
        return self.fused(arrays, options)

    def fused(self, arrays, options):
        """The kernel's loss; its gradients kept for backward. (A subclass's forward ends here: a
        ``super().forward`` chain would repack the options at every level.)"""
        out = self.backend.load(self.kernel).forward(*arrays, need_grad=self.needs_input_grad, **options)
        self.grads = out[1:]
        return out[0]

    def backward(self, g):
        if self.seeded and g.ndim == 0:  # g is the engine's implicit 1: nothing to scale (no read of g)
            return self.grads
        if g.ndim and self.class_axis is not None:
            g = self.backend.expand_dims(g, self.class_axis)
        multiply = self.backend.multiply
        return tuple([None if gi is None else multiply(gi, g) for gi in self.grads])


class _Loss(Module):
    def __init__(self, size_average=None, reduce=None, reduction="mean"):
        super().__init__()
        self.reduction = legacy_reduction(size_average, reduce, reduction)

    def extra_repr(self):
        return ""


class _WeightedLoss(_Loss):
    def __init__(self, weight=None, size_average=None, reduce=None, reduction="mean"):
        super().__init__(size_average, reduce, reduction)
        self.register_buffer("weight", weight)
