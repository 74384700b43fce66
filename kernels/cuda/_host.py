"""Host-side pieces the CUDA loss kernels share: device buffers, broadcasting and casting on the
device, float16 support. The shape arithmetic (``scale``, ``rows``, ``broadcast_shape``) is
``kernels/shared/shape.py``'s, so both devices normalise and lay out rows the same way.

Device arrays reaching a kernel are C-contiguous (the device Tensor keeps its storage so). An operand
that must be broadcast or cast is materialised by ``_gather``, one copy kernel for every case:

    out[i] = src[Σ_d idx_d(i) · stride_d]     idx_d(i): i's index along dim d of the output shape,
                                              stride_d: src's element stride, 0 on a broadcast dim
"""
import functools

import numpy as np
from numba import cuda

from ..shared.shape import broadcast_shape, rows, scale  # noqa: F401 - re-exported for the kernels
from ._launch import launch


def class_rows(x):
    """(N, C) of a (C) or (N, C) input seen as rows of classes (a 0-d input is one class)."""
    C = x.shape[x.ndim - 1] if x.ndim else 1
    return x.size // C, C


def empty(shape, dtype):
    return cuda.device_array(shape, dtype)


def buffer(shape, dtype, need):
    """A gradient buffer of ``shape``, or an empty stand-in of the same rank that the kernel skips."""
    return cuda.device_array(shape if need else (0,) * max(len(shape), 1), dtype)


@cuda.jit
def _gather(src, shape, strides, out):
    for i in range(cuda.grid(1), out.size, cuda.gridsize(1)):
        rest, offset = i, 0
        for d in range(len(shape) - 1, -1, -1):
            offset += rest % shape[d] * strides[d]
            rest //= shape[d]
        out[i] = src[offset]


def expand(a, shape, dtype=None):
    """``a`` broadcast to ``shape`` and cast to ``dtype`` (default: its own) as a new C-contiguous
    device array, or ``a`` itself when it already is that."""
    dtype = a.dtype if dtype is None else np.dtype(dtype)
    if a.shape == shape and a.dtype == dtype:
        return a
    lead = len(shape) - a.ndim
    strides, step = [0] * len(shape), 1
    for d in range(a.ndim - 1, -1, -1):
        if a.shape[d] != 1:
            strides[lead + d] = step
        step *= a.shape[d]
    out = cuda.device_array(shape, dtype)
    if out.size:  # a 0-d copy runs as one element of a 1-d shape
        launch(_gather, out.size, False, a.reshape(-1), shape or (1,), tuple(strides) or (0,),
               out.reshape(-1))
    return out


def broadcast(*arrays):
    """The common shape (a plain tuple: the simulator's shapes refuse negative indices) and the arrays
    expanded to it."""
    shape = tuple(broadcast_shape(*(a.shape for a in arrays)))
    return shape, [expand(a, shape) for a in arrays]


def widened(arrays):
    """``arrays`` (None allowed) with float16 ones cast to float32: Numba has no float16 arithmetic."""
    return [a if a is None or a.dtype != np.float16 else expand(a, a.shape, np.float32) for a in arrays]


def narrowed(outputs):
    """The outputs of a widened run cast back to float16."""
    return tuple(None if o is None else expand(o, o.shape, np.float16) for o in outputs)


def float16_in_float32(forward):
    """Wrap a host ``forward`` whose first array sets the dtype: float16 arrays run in float32 and the
    outputs come back as float16 (as the CPU backend does)."""
    @functools.wraps(forward)
    def run(*arrays, **options):
        if arrays[0].dtype != np.float16:
            return forward(*arrays, **options)
        return narrowed(forward(*widened(arrays), **options))
    return run
