"""Host-side pieces shared by the loss kernels: broadcasting, gradient buffers, the reduction's
normaliser and float16 support."""
import functools

import numpy as np

from ..shared.shape import broadcast_shape, rows, scale  # noqa: F401 - the kernels import them from here


def expand(a, shape):
    """``a`` broadcast to ``shape`` and C-contiguous (a copy only where it is not already)."""
    return a if a.shape == shape and a.flags.c_contiguous else np.ascontiguousarray(np.broadcast_to(a, shape))


def broadcast(*arrays):
    """The common shape and the arrays expanded to it."""
    shape = arrays[0].shape
    if all(a.shape == shape and a.flags.c_contiguous for a in arrays):
        return shape, arrays
    shape = np.broadcast_shapes(*(a.shape for a in arrays))
    return shape, [expand(a, shape) for a in arrays]


def buffer(shape, dtype, need):
    """A gradient buffer of ``shape``, or an empty stand-in of the same rank when not needed (the
    kernel skips it, and the same compiled specialisation serves both cases); a 0-d shape's stand-in
    is (0,), since no 0-d array is empty (kernels take 0-d buffers flattened)."""
    return np.empty(shape if need else (0,) * max(len(shape), 1), dtype)


def row_buffer(R, D, dtype, need):
    """An (R, D) gradient buffer for a row kernel, or an (R, 0) stand-in when not needed: its rows
    still index (as empty rows), so the kernel takes ``g[r]`` either way and skips empty ones."""
    return np.empty((R, D if need else 0), dtype)


def result(reduction, total, s, out, dtype):
    """The loss as returned to the Op: the unreduced array for 'none', else the 0-d ``total·s``."""
    return out if reduction == "none" else np.asarray(total * s, dtype=dtype)


def float16_in_float32(forward):
    """Wrap a host ``forward`` whose first array sets the dtype: Numba has no float16 arithmetic, so
    float16 arrays run in float32 and the loss and gradients come back as float16."""
    @functools.wraps(forward)
    def run(*arrays, **options):
        if arrays[0].dtype != np.float16:
            return forward(*arrays, **options)
        out = forward(*[a.astype(np.float32) if a.dtype == np.float16 else a for a in arrays], **options)
        return tuple(None if o is None else o.astype(np.float16) for o in out)
    return run
