"""binary_cross_entropy on the CPU: ``kernels/shared/binary_cross_entropy.py``'s element function (its
derivation is there) in the CPU's elementwise loop, and the range check torch makes per element
(``out_of_range``).
"""
import numpy as np

from ..jit import njit
from ..shared import binary_cross_entropy as _shared
from ._pointwise import bind


@njit
def _first_out_of_range(x, y):
    for i in range(x.size):
        if not (x[i] >= 0 and x[i] <= 1):
            return 1
        if not (y[i] >= 0 and y[i] <= 1):
            return 2
    return 0


def out_of_range(x, y):
    """None when every x and y (same shape) lies in [0, 1], else 'input' or 'target': the array of the first
    offending element (NaN included), in element order as torch checks them."""
    if x.dtype == np.float16:
        x, y = x.astype(np.float32), y.astype(np.float32)
    return (None, "input", "target")[_first_out_of_range(np.ascontiguousarray(x).reshape(-1),
                                                        np.ascontiguousarray(y).reshape(-1))]


forward = bind(_shared)
