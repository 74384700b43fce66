"""``Dropout``: random zeroing during training."""
from .. import functional as F
from .module import Module


class Dropout(Module):
    r"""During training, zeroes each element with probability ``p`` and scales the survivors by
    :math:`1/(1-p)`, so the expected output equals the input; in eval mode it is the identity.

    The mask is drawn from minigrad's generator (``minigrad.manual_seed`` makes it reproducible).

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

    def forward(self, input):  # noqa: A002 - torch's argument name
        return F.dropout(input, self.p, self.training, self.inplace)

    def extra_repr(self):
        return f"p={self.p}, inplace={self.inplace}"
