"""binary_cross_entropy on the device: ``kernels/shared/binary_cross_entropy.py``'s element function
(its derivation is there) in the CUDA elementwise skeleton,
l = −w·(y·max(ln x, −100) + (1 − y)·max(ln(1 − x), −100)).

``out_of_range`` is torch's per-element range check: the first offending element i in element order
is the smallest code 2i (its input is outside [0, 1] or NaN) or 2i + 1 (its target is), an atomic
minimum over the threads. Validation needs the answer on the host, so one integer comes back.
"""
import numpy as np
from numba import cuda

from ..shared import binary_cross_entropy as _shared
from ._host import widened
from ._launch import launch
from ._pointwise import bind

_NONE = np.iinfo(np.int64).max


@cuda.jit
def _first_out_of_range(x, y, first):
    for i in range(cuda.grid(1), x.size, cuda.gridsize(1)):
        if not (x[i] >= 0 and x[i] <= 1):
            cuda.atomic.min(first, 0, 2 * i)
        elif not (y[i] >= 0 and y[i] <= 1):
            cuda.atomic.min(first, 0, 2 * i + 1)


def out_of_range(x, y):
    """None when every x and y (same shape) lies in [0, 1], else 'input' or 'target': the array of the
    first offending element (NaN included), in element order as torch checks them."""
    x, y = widened((x, y))
    first = cuda.to_device(np.array([_NONE], np.int64))
    launch(_first_out_of_range, x.size, False, x.reshape(-1), y.reshape(-1), first)
    code = int(first.copy_to_host()[0])
    return None if code == _NONE else ("input", "target")[code % 2]


forward = bind(_shared)
