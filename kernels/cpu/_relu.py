"""relu and its backward as single passes over contiguous float arrays:

    y = 0 if x < 0 else x            (torch's relu: NaN and −0 pass through)
    dx = 0 if y ≤ 0 else g           (torch's threshold_backward: a NaN output passes g)

numpy needs a boolean temporary and a second pass for the backward (``np.where``), 15x slower on the
segmentation net's (4, 64, 64, 64) activations. Other dtypes and layouts go through numpy
(``kernels.cpu.relu`` / ``relu_backward``, the backend's flat functions).
"""
import numpy as np

from ..jit import njit


@njit
def _forward(x, out, zero):
    for i in range(x.size):
        v = x[i]
        out[i] = zero if v < zero else v


@njit
def _backward(g, y, out, zero):
    for i in range(g.size):
        out[i] = zero if y[i] <= zero else g[i]


def forward(x):
    out = np.empty_like(x)
    _forward(x.reshape(-1), out.reshape(-1), x.dtype.type(0))
    return out


def backward(g, y):
    out = np.empty_like(y)
    _backward(g.reshape(-1), y.reshape(-1), out.reshape(-1), y.dtype.type(0))
    return out
