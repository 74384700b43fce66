"""The CUDA backend: numba.cuda twins of the CPU kernels, same module names and host-level functions.

``load("<name>").forward`` takes and returns device arrays (``numba.cuda`` device arrays, C-contiguous)
and keeps every result on the device: a reduced loss is a 0-d device array. Nothing here is imported
by ``import minigrad``; ``minigrad.device.backend`` imports this package the first time a CUDA tensor
runs an op. Under ``NUMBA_ENABLE_CUDASIM=1`` the same code runs in Numba's CUDA simulator.
"""
import functools
import importlib

name = "cuda"


@functools.cache
def load(module):
    """The kernel module ``kernels.cuda.<module>`` (a loss), imported once."""
    return importlib.import_module(f"{__name__}.{module}")
