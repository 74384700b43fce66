"""poisson_nll_loss of input x (the rate, or its log with ``log_input``) and target counts y,
elementwise over their broadcast:

    log_input:  l = eˣ − y·x                 ∂l/∂x = eˣ − y              ∂l/∂y = −x
    otherwise:  l = x − y·ln(x + eps)        ∂l/∂x = 1 − y/(x + eps)     ∂l/∂y = −ln(x + eps)

``full`` adds Stirling's approximation of ln(y!) where y > 1 (0 elsewhere; a NaN target gives NaN):

    s = y·ln y − y + ½·ln(2πy)               ∂s/∂y = ln y + 1/(2y)

torch masks that term after computing it, so its target gradient is (∂s/∂y)·0 for y ≤ 1, which is
NaN at y ≤ 0; the kernel multiplies by the mask the same way. 'mean' divides by n.
"""
import math

import numpy as np

from ..cpu._vecmath import exp, log

from .element import element

_ZERO, _HALF, _ONE = np.float32(0), np.float32(0.5), np.float32(1)


def _variant(log_input, full):
    """The element function for one setting of ``log_input`` and ``full``: Numba folds the closure's
    flags, so each variant computes only its own formula (see ``element``)."""
    def poisson_nll_loss(x, y, z, w, p):
        eps, two_pi = p[0], p[1]
        if log_input:
            e = exp(x)
            l, gx, gy = e - y * x, e - y, -x
        else:
            log_x = log(x + eps)
            l, gx, gy = x - y * log_x, _ONE - y / (x + eps), -log_x
        if full:
            log_y = log(y)
            if not y <= 1:
                l += y * log_y - y + _HALF * log(two_pi * y)
            gy += (log_y + _HALF / y) * (_ZERO if y <= 1 else _ONE)
        return l, gx, gy, _ZERO
    poisson_nll_loss.__name__ = poisson_nll_loss.__qualname__ = (
        f"poisson_nll_loss{'' if log_input else '_rate'}{'_full' if full else ''}")
    return element(poisson_nll_loss, sum_apart=True)


_VARIANTS = {(log_input, full): _variant(log_input, full) for log_input in (True, False) for full in (False, True)}
poisson_nll_loss = _VARIANTS[True, False]  # torch's defaults


def forward(run, x, y, *, need_grad, reduction="mean", log_input=True, full=False, eps=1e-8):
    return run((x, y), need_grad, reduction, (eps, 2 * math.pi), elem=_VARIANTS[bool(log_input), bool(full)])
