"""gaussian_nll_loss / GaussianNLLLoss."""
from ..creation import full_like
from ..dtypes import c_name
from ._base import _Loss
from ._margin import ComposedLoss, broadcast_shape, promote

__all__ = ["gaussian_nll_loss", "GaussianNLLLoss"]


class GaussianNllLossOp(ComposedLoss):
    """torch composes the loss: 'none' ends in MulBackward0, or AddBackward0 when ``full`` adds ½ln(2π)."""

    def forward(self, x, y, var, reduction, eps=1e-6, full=False):
        self.none_name = "AddBackward0" if full else "MulBackward0"
        return super().forward(x, y, var, reduction=reduction, eps=eps, full=full)


def gaussian_nll_loss(input, target, var, full=False, eps=1e-6, reduction="mean"):  # noqa: A002
    """Gaussian negative log likelihood ``½(ln var + (input − target)²/var)``; see :class:`GaussianNLLLoss`."""
    if isinstance(var, float):
        if var < 0:
            raise ValueError("var has negative entry/entries")
        var = full_like(input, var, dtype=input.dtype if input.is_floating_point() else None)
    elif not hasattr(var, "_data"):
        raise TypeError(f"gaussian_nll_loss(): argument 'var' must be a Tensor or a float, not {type(var).__name__}")
    elif var.numel() and var._host().min() < 0:  # one reduction (NaN is not negative, as in torch)
        raise ValueError("var has negative entry/entries")
    if var._data.shape != input._data.shape:
        if input.shape[:-1] == var.shape:  # homoscedastic: one variance per row of the last dim
            var = var.unsqueeze(-1)
        elif not (input.ndim == var.ndim and sum(v for i, v in zip(input.shape, var.shape) if i != v) == 1):
            raise ValueError("var is of incorrect size")
    if reduction not in ("none", "mean", "sum"):
        raise ValueError(reduction + " is not valid")
    if not var.is_floating_point():
        raise RuntimeError(f"result type Float can't be cast to the desired output type {c_name(var)}")
    if not isinstance(eps, (int, float)):
        raise TypeError(f"clamp_() received an invalid combination of arguments - got (min={type(eps).__name__}, )")
    broadcast_shape(input._data.shape, target._data.shape, var._data.shape)
    input, target, var = promote(input, target, var)
    return GaussianNllLossOp.apply(input, target, var, reduction=reduction, eps=float(eps), full=bool(full))


class GaussianNLLLoss(_Loss):
    r"""The negative log likelihood of targets y under Gaussians with means x and variances v.

    For each element (of the broadcast of input, target and variance):

    .. math::
        l_n = \frac{1}{2}\left(\log \max(v_n, \text{eps}) + \frac{(x_n - y_n)^2}{\max(v_n, \text{eps})}\right)
              \;[+\; \tfrac{1}{2}\log 2\pi \text{ if full}],

    then averaged ('mean', default), summed ('sum') or returned per element ('none'). The clamp at
    ``eps`` is for stability and, as in torch, does not stop the variance's gradient. Input,
    target and variance are all differentiable.

    ``var`` holds one variance per element (heteroscedastic), or one per sample: a shape that is
    the input's without its last dim, or the input's with exactly one dim of size 1 where the
    input's differs (homoscedastic); a float is used for every element. Negative variances raise
    a ValueError.

    Args:
        full (bool, optional): whether to add the constant ½log(2π). Default False.
        eps (float, optional): the lower clamp of the variance. Default 1e-6.
        reduction (str, optional): 'none' | 'mean' | 'sum'. Default 'mean'.

    Shape:
        - input: :math:`(N, *)` or :math:`(*)`; target: the same shape (or one that broadcasts).
        - var: as above.
        - output: scalar, or the broadcast shape for 'none'.

    Example::

        >>> loss = nn.GaussianNLLLoss()
        >>> mean = torch.randn(5, 2, requires_grad=True)
        >>> target = torch.randn(5, 2)
        >>> var = torch.ones(5, 2, requires_grad=True)
        >>> loss(mean, target, var).backward()
    """

    def __init__(self, *, full=False, eps=1e-6, reduction="mean"):
        super().__init__(None, None, reduction)
        self.full, self.eps = full, eps

    def forward(self, input, target, var):  # noqa: A002
        return gaussian_nll_loss(input, target, var, full=self.full, eps=self.eps, reduction=self.reduction)
