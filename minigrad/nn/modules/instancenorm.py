"""``InstanceNorm1d``, ``InstanceNorm2d``, ``InstanceNorm3d``."""
from ...ops import normalization as N
from .batchnorm import _NormBase


class _InstanceNorm(_NormBase):
    dims = 0  # spatial dims

    def __init__(self, num_features, eps=1e-5, momentum=0.1, affine=False, track_running_stats=False, device=None,
                 dtype=None, *, bias=True):
        super().__init__(num_features, eps, momentum, affine, track_running_stats, device, dtype, bias=bias)

    def forward(self, input):  # noqa: A002
        if input.ndim not in (self.dims + 1, self.dims + 2):
            raise ValueError(f"expected {self.dims + 1}D or {self.dims + 2}D input (got {input.ndim}D input)")
        if input.ndim == self.dims + 1:
            return self.forward(input.unsqueeze(0)).squeeze(0)
        if self.affine and input.shape[1] != self.num_features:
            raise ValueError(f"expected input's size at dim=1 to match num_features ({self.num_features}), but got: "
                             f"{input.shape[1]}.")
        use_input_stats = self.training or not self.track_running_stats
        return N.instance_norm(input, self.running_mean, self.running_var, self.weight, self.bias, use_input_stats,
                               0.1 if self.momentum is None else self.momentum, self.eps)


class InstanceNorm1d(_InstanceNorm):
    r"""Instance normalisation: each sample's channel normalised over its L values,

    .. math::
        y = \frac{x - \mathrm{E}[x]}{\sqrt{\mathrm{Var}[x] + \epsilon}} \cdot \gamma + \beta

    Args:
        num_features: C.
        eps: added to the variance (default 1e-5).
        momentum: running statistics' factor (default 0.1).
        affine: learn γ, β per channel (default False).
        track_running_stats: keep running mean/variance (averaged over the batch) and use them in eval
            mode (default False).

    Shape: ``(N, C, L)`` or ``(C, L)``, output the same.
    """
    dims = 1


class InstanceNorm2d(_InstanceNorm):
    r"""Instance normalisation of ``(N, C, H, W)`` or ``(C, H, W)``; see :class:`InstanceNorm1d`.

    Example::

        >>> m = nn.InstanceNorm2d(3, affine=True)
        >>> m(minigrad.randn(2, 3, 8, 8)).shape
        minigrad.Size([2, 3, 8, 8])
    """
    dims = 2


class InstanceNorm3d(_InstanceNorm):
    r"""Instance normalisation of ``(N, C, D, H, W)`` or ``(C, D, H, W)``; see :class:`InstanceNorm1d`."""
    dims = 3
