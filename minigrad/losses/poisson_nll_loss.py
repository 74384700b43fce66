"""poisson_nll_loss / PoissonNLLLoss."""
import math

from ._base import _Loss, reduction_arg
from ._margin import ComposedLoss, broadcast_shape, float_arg, promote, tensor_arg

__all__ = ["poisson_nll_loss", "PoissonNLLLoss"]

_FN = "poisson_nll_loss"


class PoissonNllLossOp(ComposedLoss):
    """torch composes the loss: 'none' ends in SubBackward0, or AddBackward0 when ``full`` adds the
    Stirling term."""

    def forward(self, x, y, reduction, log_input=True, full=False, eps=1e-8):
        self.none_name = "AddBackward0" if full else "SubBackward0"
        return super().forward(x, y, reduction=reduction, log_input=log_input, full=full, eps=eps)


def _bool_arg(v, name, pos):
    if type(v) is not bool:
        raise TypeError(f"{_FN}(): argument '{name}' (position {pos}) must be bool, not {type(v).__name__}")
    return v


def poisson_nll_loss(input, target, log_input=True, full=False, size_average=None, eps=1e-8,  # noqa: A002
                     reduce=None, reduction="mean"):
    """Poisson negative log likelihood ``exp(input) − target·input``, reduced; see :class:`PoissonNLLLoss`."""
    if size_average is not None or reduce is not None:
        reduction = reduction_arg(size_average, reduce, reduction)
    reduction = reduction_arg(None, None, reduction, elementwise_mean=False)
    tensor_arg(input, _FN, "input", 1)
    tensor_arg(target, _FN, "target", 2)
    log_input, full = _bool_arg(log_input, "log_input", 3), _bool_arg(full, "full", 4)
    eps = float_arg(eps, _FN, "eps", 5)
    if input._data.shape != target._data.shape:
        broadcast_shape(input._data.shape, target._data.shape)
    if not (input.is_floating_point() and target.is_floating_point()):
        return _composed(input, target, log_input, full, eps, reduction)
    input, target = promote(input, target)
    return PoissonNllLossOp.apply(input, target, reduction=reduction, log_input=log_input, full=full, eps=eps)


def _composed(input, target, log_input, full, eps, reduction):  # noqa: A002
    """torch's composition, for an integer or bool input or target: torch takes exp/log of such a
    tensor in float32 (the default dtype) before promoting it against the other operand, a rounding
    the fused kernel (all in the promoted dtype) would not reproduce."""
    loss = input.exp() - target * input if log_input else input - target * (input + eps).log()
    if full:
        stirling = target * target.log() - target + 0.5 * (2 * math.pi * target).log()
        loss = loss + stirling.masked_fill(target <= 1, 0)
    return loss.mean() if reduction == "mean" else loss.sum() if reduction == "sum" else loss


class PoissonNLLLoss(_Loss):
    r"""The negative log likelihood of targets y under Poisson distributions with rates λ.

    With ``log_input=True`` (default) the input is :math:`x = \log \lambda` and

    .. math::
        l_n = e^{x_n} - y_n x_n;

    with ``log_input=False`` it is the rate itself and :math:`l_n = x_n - y_n \log(x_n + \text{eps})`.
    ``full=True`` adds Stirling's approximation of :math:`\log(y_n!)`,
    :math:`y_n \log y_n - y_n + \frac{1}{2}\log(2\pi y_n)`, for targets above 1 (0 for the others).
    The losses are averaged ('mean', default), summed ('sum') or returned per element ('none');
    both input and target are differentiable.

    Args:
        log_input (bool, optional): whether the input is the log of the rate. Default True.
        full (bool, optional): whether to add the Stirling term. Default False.
        size_average, reduce (bool, optional): deprecated, see ``reduction``.
        eps (float, optional): added to the rate before the log when ``log_input=False``. Default 1e-8.
        reduction (str, optional): 'none' | 'mean' | 'sum'. Default 'mean'.

    Shape:
        - input: :math:`(*)`, any shape; target: the same shape (or one that broadcasts).
        - output: scalar, or the broadcast shape for 'none'.

    Example::

        >>> loss = nn.PoissonNLLLoss()
        >>> log_rate = torch.randn(5, 2, requires_grad=True)
        >>> counts = torch.randint(0, 5, (5, 2)).float()
        >>> loss(log_rate, counts).backward()
    """

    def __init__(self, log_input=True, full=False, size_average=None, eps=1e-8, reduce=None, reduction="mean"):
        super().__init__(size_average, reduce, reduction)
        self.log_input, self.full, self.eps = log_input, full, eps

    def forward(self, log_input, target):
        return poisson_nll_loss(log_input, target, log_input=self.log_input, full=self.full, eps=self.eps,
                                reduction=self.reduction)
