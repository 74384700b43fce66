"""soft_margin_loss of input x and ±1 targets y, elementwise over their broadcast, in torch's
(unshifted) form:

    l = log(1 + e^(−y·x))          ∂l/∂x = −y·e^(−y·x) / (1 + e^(−y·x))

so, as in torch, −y·x ≳ 88 (float32) overflows the exponential: the loss is inf and the gradient
NaN. The target gets no gradient. 'mean' divides the sum and the gradient by n.
"""
import numpy as np

from ..cpu._vecmath import exp, log1p

from .element import element

_ZERO, _ONE = np.float32(0), np.float32(1)


@element(sum_apart=True)
def soft_margin_loss(x, y, z, w, p):
    e = exp(-y * x)
    return log1p(e), -y * e / (_ONE + e), _ZERO, _ZERO


def forward(run, x, y, *, need_grad, reduction="mean"):
    return run((x, y), need_grad, reduction)
