"""binary_cross_entropy of probabilities x ∈ [0, 1] and targets y ∈ [0, 1], weight w (1 if none):

    l = −w·(y·max(ln x, −100) + (1 − y)·max(ln(1 − x), −100))
    ∂l/∂x = w·(x − y) / max(x(1 − x), ε)        ε = 1e-12
    ∂l/∂y = −w·logit(x) = −w·ln(x / (1 − x))

as torch computes them: the clamp at −100 keeps the loss finite at x ∈ {0, 1}, ε keeps the input
gradient finite there (±1e12·w), and the target gradient is ±inf there. 'mean' divides the sum and
the gradients by n. ``out_of_range`` is the range check torch makes per element.
"""
import numpy as np

from ..jit import njit
from ._pointwise import element, loops, run
from ._vecmath import log, log1p

_ZERO, _ONE, _FLOOR = np.float32(0), np.float32(1), np.float32(-100)


@element
def _bce(x, y, w, unused, p):
    eps = p[0]
    log_x = max(log(x), _FLOOR)
    log_1mx = max(log1p(-x), _FLOOR)
    l = -w * (y * log_x + (_ONE - y) * log_1mx)
    gx = w * (x - y) / max(x * (_ONE - x), eps)
    gy = -w * log(x / (_ONE - x))
    return l, gx, gy, _ZERO


@njit
def _first_out_of_range(x, y):
    for i in range(x.size):
        if not (x[i] >= 0 and x[i] <= 1):
            return 1
        if not (y[i] >= 0 and y[i] <= 1):
            return 2
    return 0


_KERNEL = loops(_bce)


def out_of_range(x, y):
    """None when every x and y (same shape) lies in [0, 1], else 'input' or 'target': the array of the first
    offending element (NaN included), in element order as torch checks them."""
    if x.dtype == np.float16:
        x, y = x.astype(np.float32), y.astype(np.float32)
    return (None, "input", "target")[_first_out_of_range(np.ascontiguousarray(x).reshape(-1),
                                                        np.ascontiguousarray(y).reshape(-1))]


def forward(x, y, *, need_grad, reduction="mean", weight=None):
    return run(_KERNEL, (x, y, weight), need_grad, reduction, (1e-12,))
