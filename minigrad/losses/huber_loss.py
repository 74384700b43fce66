"""huber_loss / HuberLoss."""
from .. import dtypes
from ._base import _Loss, reduction_arg
from ._margin import float_arg
from ._pointwise import DeferredErrorLoss, cast_error, regression_start, scalar_name, weighted

__all__ = ["huber_loss", "HuberLoss"]


class HuberLossOp(DeferredErrorLoss):
    """Huber's loss of d = x − y: ½d² below delta, delta·(|d| − ½delta) above."""


def huber_loss(input, target, reduction="mean", delta=1.0, weight=None):  # noqa: A002
    """½d² below ``delta``, delta·(|d| − ½delta) above (d = input − target), reduced; see :class:`HuberLoss`."""
    reduction = regression_start(input, target, None, None, reduction)
    if weight is None:
        reduction = reduction_arg(None, None, reduction)
    delta = float_arg(delta, "huber_loss", "delta", 4)
    dt = input.dtype
    result = dt if target.dtype is dt else dtypes.result_type(input, target)
    if not result.is_floating_point:
        raise NotImplementedError(f"\"huber_cpu\" not implemented for '{scalar_name(result)}'")
    if not dt.is_floating_point:
        raise cast_error(result, dt)
    if delta <= 0:
        raise RuntimeError("huber_loss does not support non-positive values for delta.")
    # torch writes the input's dtype, and its backward refuses a target of another dtype
    error = None if target.dtype is dt else f"Found dtype {scalar_name(target.dtype)} but expected {scalar_name(dt)}"
    target = target._cast(dt)
    if weight is not None:
        loss = HuberLossOp.apply(input, target, reduction="none", delta=delta, backward_error=error)
        return weighted(loss, input, weight, reduction, False)
    return HuberLossOp.apply(input, target, reduction=reduction, delta=delta, backward_error=error)


class HuberLoss(_Loss):
    r"""A squared error below ``delta`` and a delta-scaled absolute error above it.

    For each element of the (broadcast) input x and target y:

    .. math::
        l_n = \begin{cases} 0.5 (x_n - y_n)^2, & |x_n - y_n| < \delta,\\
              \delta (|x_n - y_n| - 0.5 \delta), & \text{otherwise,} \end{cases}

    then averaged ('mean', default), summed ('sum') or returned per element ('none'). It combines
    the robustness of :class:`L1Loss` to outliers with the smoothness of :class:`MSELoss` near 0,
    and equals ``delta`` times :class:`SmoothL1Loss` with ``beta = delta``. The gradient is
    :math:`x_n - y_n` clipped to :math:`[-\delta, \delta]`.

    Args:
        reduction (str, optional): 'none' | 'mean' | 'sum'. Default 'mean'.
        delta (float, optional): where the loss changes from squared to linear; must be positive.
            Default 1.

    Shape:
        - input: :math:`(*)`, any shape; target: the same shape.
        - output: scalar, or the input's shape for 'none'.

    Example::

        >>> x, y = torch.randn(3, 5, requires_grad=True), torch.randn(3, 5)
        >>> loss = nn.HuberLoss(delta=2.0)(x, y)
        >>> torch.allclose(loss, 2.0 * nn.SmoothL1Loss(beta=2.0)(x, y))
        True
        >>> loss.backward()
    """

    def __init__(self, reduction="mean", delta=1.0):
        super().__init__(reduction=reduction)
        self.delta = delta

    def forward(self, input, target):  # noqa: A002
        return huber_loss(input, target, reduction=self.reduction, delta=self.delta)
