"""The device's two doors: every copy between host and device memory goes through these functions
(and ``Tensor`` calls them only for ``.to()``, ``.cpu()``, ``.item()``, ``.tolist()`` and printing)."""
import numpy as np
from numba import cuda


def to_host(a):
    """A numpy copy of device array ``a`` (waits for the kernels writing it)."""
    return a.copy_to_host()


def from_host(a):
    """A C-contiguous device copy of numpy array ``a``."""
    a = np.asarray(a)
    return cuda.to_device(a if a.flags.c_contiguous else np.ascontiguousarray(a))  # (which makes 0-d 1-d)
