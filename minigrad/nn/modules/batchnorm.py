"""Batch normalisation layers: ``BatchNorm1d``, ``BatchNorm2d``, ``BatchNorm3d``."""
from ... import creation, dtypes
from ...creation import tensor
from ...ops import normalization as N
from .module import Module
from .normalization import affine_parameters, reset_affine


class _NormBase(Module):
    """Parameters ``weight``/``bias`` (C,) and buffers ``running_mean``, ``running_var``,
    ``num_batches_tracked``, registered in torch's order so state_dicts interchange."""

    def __init__(self, num_features, eps=1e-5, momentum=0.1, affine=True, track_running_stats=True, device=None,
                 dtype=None, *, bias=True):
        super().__init__()
        self.num_features, self.eps, self.momentum = num_features, eps, momentum
        self.affine, self.track_running_stats = affine, track_running_stats
        affine_parameters(self, affine, bias, num_features, device, dtype)
        if track_running_stats:
            self.register_buffer("running_mean", creation.zeros(num_features, device=device, dtype=dtype))
            self.register_buffer("running_var", creation.ones(num_features, device=device, dtype=dtype))
            self.register_buffer("num_batches_tracked", tensor(0, dtype=dtypes.int64, device=device))
        else:
            self.register_buffer("running_mean", None)
            self.register_buffer("running_var", None)
            self.register_buffer("num_batches_tracked", None)
        self.reset_parameters()

    def reset_running_stats(self):
        if self.track_running_stats:
            self.running_mean.zero_()
            self.running_var.fill_(1)
            self.num_batches_tracked.zero_()

    def reset_parameters(self):
        self.reset_running_stats()
        reset_affine(self)

    def _check_input_dim(self, input):  # noqa: A002
        raise NotImplementedError

    def extra_repr(self):
        return (f"{self.num_features}, eps={self.eps}, momentum={self.momentum}, affine={self.affine}, "
                f"bias={self.bias is not None}, track_running_stats={self.track_running_stats}")


class _BatchNorm(_NormBase):
    def forward(self, input):  # noqa: A002
        self._check_input_dim(input)
        factor = 0.0 if self.momentum is None else self.momentum
        if self.training and self.track_running_stats and self.num_batches_tracked is not None:
            self.num_batches_tracked.add_(1)
            if self.momentum is None:  # cumulative moving average
                factor = 1.0 / float(self.num_batches_tracked)
        use_batch = self.training or (self.running_mean is None and self.running_var is None)
        keep = not self.training or self.track_running_stats
        return N.batch_norm(input, self.running_mean if keep else None, self.running_var if keep else None,
                            self.weight, self.bias, use_batch, factor, self.eps)


class BatchNorm1d(_BatchNorm):
    r"""Batch normalisation over a 2-D ``(N, C)`` or 3-D ``(N, C, L)`` input:

    .. math::
        y = \frac{x - \mathrm{E}[x]}{\sqrt{\mathrm{Var}[x] + \epsilon}} \cdot \gamma + \beta

    with mean and (biased) variance per channel over the batch (and L). In training the running
    estimates are updated as :math:`\hat{r} \leftarrow (1 - m)\hat{r} + m\, s` with the unbiased
    variance (``momentum=None``: the cumulative average over ``num_batches_tracked`` batches); in
    eval mode they replace the batch's statistics.

    Args:
        num_features: C.
        eps: added to the variance (default 1e-5).
        momentum: m above, or None for the cumulative average (default 0.1).
        affine: learn γ (``weight``, init 1) and β (``bias``, init 0) (default True).
        bias (keyword): learn β when ``affine`` (default True).
        track_running_stats: keep ``running_mean``, ``running_var``, ``num_batches_tracked`` (default True).

    Shape: ``(N, C)`` or ``(N, C, L)``, output the same.

    Example::

        >>> m = nn.BatchNorm1d(100)
        >>> m(minigrad.randn(20, 100)).shape
        minigrad.Size([20, 100])
    """

    def _check_input_dim(self, input):  # noqa: A002
        if input.ndim not in (2, 3):
            raise ValueError(f"expected 2D or 3D input (got {input.ndim}D input)")


class BatchNorm2d(_BatchNorm):
    r"""Batch normalisation over a 4-D ``(N, C, H, W)`` input, per channel over (N, H, W); see
    :class:`BatchNorm1d` for the math, the arguments and the running statistics.

    Example::

        >>> m = nn.BatchNorm2d(64)
        >>> m(minigrad.randn(8, 64, 32, 32)).shape
        minigrad.Size([8, 64, 32, 32])
    """

    def _check_input_dim(self, input):  # noqa: A002
        if input.ndim != 4:
            raise ValueError(f"expected 4D input (got {input.ndim}D input)")


class BatchNorm3d(_BatchNorm):
    r"""Batch normalisation over a 5-D ``(N, C, D, H, W)`` input, per channel over (N, D, H, W); see
    :class:`BatchNorm1d`."""

    def _check_input_dim(self, input):  # noqa: A002
        if input.ndim != 5:
            raise ValueError(f"expected 5D input (got {input.ndim}D input)")
