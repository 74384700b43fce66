"""huber_loss (delta > 0), elementwise over the broadcast of input x and target y, d = x − y:

    l = ½d²  if |d| < δ,  else δ(|d| − ½δ)
    ∂l/∂x = −δ if d ≤ −δ,  δ if d ≥ δ,  else d        ∂l/∂y = −∂l/∂x

(torch's branches, so a NaN d gives NaN for both). Huber is δ·smooth_l1 with β = δ. 'mean'
divides the sum and the gradients by n, the number of broadcast elements.
"""
import numpy as np

from .element import element

_ZERO, _HALF = np.float32(0), np.float32(0.5)


@element
def huber_loss(x, y, z, w, p):
    delta = p[0]
    d = x - y
    ad = abs(d)
    l = _HALF * d * d if ad < delta else delta * (ad - _HALF * delta)
    g = -delta if d <= -delta else (delta if d >= delta else d)
    return l, g, -g, _ZERO


def forward(run, x, y, *, need_grad, reduction="mean", delta=1.0):
    return run((x, y), need_grad, reduction, (delta,))
