"""kl_div of log-probabilities x and targets y (probabilities, or log-probabilities with
``log_target``), elementwise over their broadcast, as torch composes it:

    l = xlogy(y, y) − y·x           ∂l/∂x = −y      ∂l/∂y = [y ≠ 0]·ln y + y/y − x
    log_target:  l = eʸ·(y − x)     ∂l/∂x = −eʸ     ∂l/∂y = eʸ·(y − x + 1)

xlogy(0, ·) = 0, so a zero target contributes 0 to the loss (its target gradient is 0/0 = NaN, as in
torch). 'mean' divides by n; 'batchmean' is the sum divided by the batch size (the ``divisor``).
"""
import numpy as np

from ..cpu._vecmath import exp, log

from .element import element

_ZERO, _ONE = np.float32(0), np.float32(1)


@element(sum_apart=True)
def kl_div(x, y, z, w, p):
    if p[0]:
        e = exp(y)
        return e * (y - x), -e, e * (y - x + _ONE), _ZERO
    log_y = log(y) if y != 0 else _ZERO
    return y * log_y - y * x, -y, log_y + y / y - x, _ZERO


def forward(run, x, y, *, need_grad, reduction="mean", log_target=False, divisor=None):
    return run((x, y), need_grad, reduction, (log_target,), divisor)
