"""smooth_l1_loss for beta > 0 (beta = 0 is l1_loss), elementwise over the broadcast of input x and
target y, d = x − y:

    l = ½d²/β  if |d| < β,  else |d| − ½β
    ∂l/∂x = −1 if d ≤ −β,  1 if d ≥ β,  else d/β        ∂l/∂y = −∂l/∂x

(torch's branches, so a NaN d gives NaN for both). 'mean' divides the sum and the gradients by n,
the number of broadcast elements.
"""
import numpy as np

from .element import element

_ZERO, _HALF, _ONE = np.float32(0), np.float32(0.5), np.float32(1)


@element
def smooth_l1_loss(x, y, z, w, p):
    beta = p[0]
    d = x - y
    ad = abs(d)
    l = _HALF * d * d / beta if ad < beta else ad - _HALF * beta
    g = -_ONE if d <= -beta else (_ONE if d >= beta else d / beta)
    return l, g, -g, _ZERO


def forward(run, x, y, *, need_grad, reduction="mean", beta=1.0):
    return run((x, y), need_grad, reduction, (beta,))
