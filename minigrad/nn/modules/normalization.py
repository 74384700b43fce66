"""``LayerNorm``, ``GroupNorm``, ``LocalResponseNorm``."""
from ... import creation
from ...ops import normalization as N
from .. import init
from ..parameter import Parameter
from .module import Module


def affine_parameters(module, enabled, bias, shape, device=None, dtype=None):
    """Register ``weight`` and (when ``bias``) ``bias`` of ``shape`` if ``enabled``, else None, in
    torch's order; ``reset_affine`` gives them torch's init."""
    def make():
        return Parameter(creation.empty(shape, device=device, dtype=dtype))
    module.register_parameter("weight", make() if enabled else None)
    module.register_parameter("bias", make() if enabled and bias else None)


def reset_affine(module):
    """weight ← 1, bias ← 0 (those that exist)."""
    if module.weight is not None:
        init.ones_(module.weight)
    if module.bias is not None:
        init.zeros_(module.bias)


class LayerNorm(Module):
    r"""Layer normalisation over the trailing ``normalized_shape`` dims of each sample:

    .. math::
        y = \frac{x - \mathrm{E}[x]}{\sqrt{\mathrm{Var}[x] + \epsilon}} \odot \gamma + \beta

    (mean and biased variance over those dims; γ and β have ``normalized_shape``, one per element).

    Args:
        normalized_shape: int or shape of the trailing dims.
        eps: added to the variance (default 1e-5).
        elementwise_affine: learn γ (``weight``, init 1) and β (``bias``, init 0) (default True).
        bias: learn β too (default True).

    Shape: ``(*, *normalized_shape)``, output the same.

    Example::

        >>> m = nn.LayerNorm(10)
        >>> m(minigrad.randn(20, 5, 10)).shape
        minigrad.Size([20, 5, 10])
    """

    def __init__(self, normalized_shape, eps=1e-5, elementwise_affine=True, bias=True, device=None, dtype=None):
        super().__init__()
        shape = (normalized_shape,) if isinstance(normalized_shape, int) else tuple(normalized_shape)
        self.normalized_shape, self.eps, self.elementwise_affine = shape, eps, elementwise_affine
        affine_parameters(self, elementwise_affine, bias, shape, device, dtype)
        self.reset_parameters()

    def reset_parameters(self):
        reset_affine(self)

    def forward(self, input):  # noqa: A002
        return N.layer_norm(input, self.normalized_shape, self.weight, self.bias, self.eps)

    def extra_repr(self):
        return (f"{self.normalized_shape}, eps={self.eps}, elementwise_affine={self.elementwise_affine}, "
                f"bias={self.bias is not None}")


class GroupNorm(Module):
    r"""Group normalisation: the C channels split into ``num_groups`` groups, each sample's group
    normalised over its channels and spatial values, then a per-channel affine:

    .. math::
        y = \frac{x - \mathrm{E}[x]}{\sqrt{\mathrm{Var}[x] + \epsilon}} \cdot \gamma_c + \beta_c

    Args:
        num_groups: groups (divides ``num_channels``).
        num_channels: C.
        eps: added to the variance (default 1e-5).
        affine: learn γ (``weight``, init 1) and β (``bias``, init 0) per channel (default True).
        bias (keyword): learn β when ``affine`` (default True).

    Shape: ``(N, C, *)``, output the same.

    Example::

        >>> m = nn.GroupNorm(3, 6)
        >>> m(minigrad.randn(20, 6, 10, 10)).shape
        minigrad.Size([20, 6, 10, 10])
    """

    def __init__(self, num_groups, num_channels, eps=1e-5, affine=True, device=None, dtype=None, *, bias=True):
        super().__init__()
        if num_channels % num_groups:
            raise ValueError("num_channels must be divisible by num_groups")
        self.num_groups, self.num_channels, self.eps, self.affine = num_groups, num_channels, eps, affine
        affine_parameters(self, affine, bias, num_channels, device, dtype)
        self.reset_parameters()

    def reset_parameters(self):
        reset_affine(self)

    def forward(self, input):  # noqa: A002
        return N.group_norm(input, self.num_groups, self.weight, self.bias, self.eps)

    def extra_repr(self):
        return (f"{self.num_groups}, {self.num_channels}, eps={self.eps}, affine={self.affine}, "
                f"bias={self.bias is not None}")


class LocalResponseNorm(Module):
    r"""Local response normalisation across channels (AlexNet):

    .. math::
        b_c = a_c \left(k + \frac{\alpha}{n} \sum_{c'=\max(0, c-n/2)}^{\min(N-1, c+n/2)} a_{c'}^2\right)^{-\beta}

    (the window holds ``size`` channels, ⌊size/2⌋ before c and ⌊(size−1)/2⌋ after, zero-padded).

    Args:
        size: channels in the window (n).
        alpha: multiplier (default 1e-4). beta: exponent (default 0.75). k: additive constant (default 1).

    Shape: ``(N, C, *)``, output the same.

    Example::

        >>> lrn = nn.LocalResponseNorm(2)
        >>> lrn(minigrad.randn(32, 5, 24, 24)).shape
        minigrad.Size([32, 5, 24, 24])
    """

    def __init__(self, size, alpha=1e-4, beta=0.75, k=1.0):
        super().__init__()
        self.size, self.alpha, self.beta, self.k = size, alpha, beta, k

    def forward(self, input):  # noqa: A002
        return N.local_response_norm(input, self.size, self.alpha, self.beta, self.k)

    def extra_repr(self):
        return f"{self.size}, alpha={self.alpha}, beta={self.beta}, k={self.k}"
