"""``Dropout`` and its channel-wise and alpha variants: random zeroing during training."""
from ...ops import dropout as D
from .. import functional as F
from .module import Module


class Dropout(Module):
    r"""During training, zeroes each element with probability ``p`` and scales the survivors by
    :math:`1/(1-p)`, so the expected output equals the input; in eval mode it is the identity.

    The mask is torch's: ``bernoulli_(1 − p)`` on the default generator, so under one ``manual_seed`` it
    zeroes the elements torch's would.

    Args:
        p: probability of zeroing an element, in [0, 1]. Default: 0.5.
        inplace: overwrite the input. Default: ``False``.

    Shape: input ``(*)``, output ``(*)``.

    Example::

        >>> m = nn.Dropout(p=0.2)
        >>> out = m(minigrad.randn(20, 16))   # about 20% zeros, the rest multiplied by 1.25
    """

    def __init__(self, p=0.5, inplace=False):
        super().__init__()
        if p < 0 or p > 1:
            raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
        self.p = p
        self.inplace = inplace

    fn = staticmethod(F.dropout)  # each variant's functional, called with (input, p, training, inplace)

    def forward(self, input):  # noqa: A002 - torch's argument name
        return type(self).fn(input, self.p, self.training, self.inplace)

    def extra_repr(self):
        return f"p={self.p}, inplace={self.inplace}"


class Dropout1d(Dropout):
    r"""During training, zeroes whole channels of an ``(N, C, L)`` (or ``(C, L)``) input: each
    ``input[n, c]`` is zeroed with probability ``p`` (one Bernoulli draw per channel) and the kept
    channels are scaled by :math:`1/(1-p)`. Adjacent values of a channel are strongly correlated, so
    element-wise dropout would barely regularise them. Identity in eval mode.

    Args:
        p: probability of zeroing a channel. Default: 0.5.
        inplace: overwrite the input. Default: ``False``.

    Shape: ``(N, C, L)`` or ``(C, L)``, output the same.
    """

    fn = staticmethod(D.dropout1d)


class Dropout2d(Dropout):
    r"""Channel dropout of an ``(N, C, H, W)`` input: each feature map ``input[n, c]`` is zeroed with
    probability ``p`` and the kept ones are scaled by :math:`1/(1-p)` (see :class:`Dropout1d`). A 3-D
    input is taken as ``(N, C, L)``, with torch's warning.

    Example::

        >>> m = nn.Dropout2d(p=0.2)
        >>> m(minigrad.randn(20, 16, 32, 32)).shape
        minigrad.Size([20, 16, 32, 32])
    """

    fn = staticmethod(D.dropout2d)


class Dropout3d(Dropout):
    r"""Channel dropout of an ``(N, C, D, H, W)`` (or ``(C, D, H, W)``) input; see :class:`Dropout1d`."""

    fn = staticmethod(D.dropout3d)


class AlphaDropout(Dropout):
    r"""Dropout for self-normalising (SELU) networks: dropped values are set to SELU's negative
    saturation :math:`-\lambda\alpha` and the result is affinely rescaled so the mean and variance of a
    zero-mean, unit-variance input are kept:

    .. math::
        y = a\,(x\,m + \alpha'(1 - m)) + b,\quad \alpha' = -1.7580993408473766,\quad
        a = ((1 - p)(1 + p\alpha'^2))^{-1/2},\quad b = -a\,\alpha' p

    with :math:`m \sim \text{Bernoulli}(1-p)` per element. Identity in eval mode.

    Args:
        p: probability of dropping an element. Default: 0.5.
        inplace: overwrite the input. Default: ``False``.
    """

    fn = staticmethod(D.alpha_dropout)


class FeatureAlphaDropout(Dropout):
    r""":class:`AlphaDropout` with one draw per channel of ``(N, C, *)``."""

    fn = staticmethod(D.feature_alpha_dropout)
