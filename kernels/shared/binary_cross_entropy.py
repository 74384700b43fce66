"""binary_cross_entropy of probabilities x ∈ [0, 1] and targets y ∈ [0, 1], weight w (1 if none):

    l = −w·(y·max(ln x, −100) + (1 − y)·max(ln(1 − x), −100))
    ∂l/∂x = w·(x − y) / max(x(1 − x), ε)        ε = 1e-12
    ∂l/∂y = −w·logit(x) = −w·ln(x / (1 − x))

as torch computes them: the clamp at −100 keeps the loss finite at x ∈ {0, 1}, ε keeps the input
gradient finite there (±1e12·w), and the target gradient is ±inf there. 'mean' divides the sum and
the gradients by n.
"""
import numpy as np

from ..cpu._vecmath import log, log1p

from .element import element

_ZERO, _ONE, _FLOOR = np.float32(0), np.float32(1), np.float32(-100)


@element(sum_apart=True)
def binary_cross_entropy(x, y, w, unused, p):
    eps = p[0]
    log_x = max(log(x), _FLOOR)
    log_1mx = max(log1p(-x), _FLOOR)
    l = -w * (y * log_x + (_ONE - y) * log_1mx)
    gx = w * (x - y) / max(x * (_ONE - x), eps)
    gy = -w * log(x / (_ONE - x))
    return l, gx, gy, _ZERO


def forward(run, x, y, *, need_grad, reduction="mean", weight=None):
    return run((x, y, weight), need_grad, reduction, (1e-12,))
