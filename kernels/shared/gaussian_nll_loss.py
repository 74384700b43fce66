"""gaussian_nll_loss of input (mean) x, target y and variance v, elementwise over their broadcast,
with v clamped below at eps (NaN stays NaN) and d = x − y:

    l = ½(ln v + d²/v) + c          c = ½ln(2π) if ``full`` else 0
    ∂l/∂x = d/v     ∂l/∂y = −d/v     ∂l/∂v = ½(1/v − d²/v²)

torch clamps a copy of v without recording the clamp, so the variance gradient flows as if v had
not been clamped. 'mean' divides by n.
"""
import math

import numpy as np

from ..cpu._vecmath import log

from .element import element

_HALF, _ONE = np.float32(0.5), np.float32(1)


@element(sum_apart=True)
def gaussian_nll_loss(x, y, v, w, p):
    eps, c = p[0], p[1]
    v = eps if v < eps else v
    d = x - y
    r = d / v
    return _HALF * (log(v) + d * r) + c, r, -r, _HALF * (_ONE / v - r * r)


def forward(run, x, y, var, *, need_grad, reduction="mean", eps=1e-6, full=False):
    return run((x, y, var), need_grad, reduction, (eps, 0.5 * math.log(2 * math.pi) if full else 0.0))
