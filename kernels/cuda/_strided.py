"""Strided addressing shared by the CUDA flat API's kernels.

Device arrays that minigrad keeps are C-contiguous; a kernel reads an operand in another layout (a
broadcast, a transpose, a slice) through element strides over the shape it iterates:

    offset(i) = base + Σ_d idx_d(i) · stride_d       idx_d(i): i's index along dim d of ``shape``

with stride 0 on a broadcast dim. ``layout`` computes (shape, strides) on the host; the kernels
receive them as tuples (a 0-d shape runs as the 1-element shape (1,), stride (0,)).
"""
import numpy as np

from ._launch import cuda


def contiguous_strides(shape):
    """Element strides of a C-contiguous array of ``shape``."""
    strides, step = [0] * len(shape), 1
    for d in range(len(shape) - 1, -1, -1):
        strides[d] = step
        step *= shape[d]
    return strides


def broadcast_strides(shape, target):
    """Element strides reading a C-contiguous ``shape`` array at the broadcast ``target`` shape."""
    lead = len(target) - len(shape)
    own = contiguous_strides(shape)
    return [0 if d < lead or shape[d - lead] == 1 else own[d - lead] for d in range(len(target))]


def kernel_shape(shape, strides):
    """(shape, strides) as kernel arguments: plain tuples, a 0-d shape as (1,) with stride (0,)."""
    return (tuple(int(s) for s in shape), tuple(int(s) for s in strides)) if len(shape) else ((1,), (0,))


def flat(a):
    """A C-contiguous device array seen as 1-D (kernels index operands by element offset)."""
    return a.reshape(a.size) if a.ndim != 1 else a


def view_layout(shape, key):
    """(offset, shape, strides) in elements of ``a[key]`` for a C-contiguous ``a`` of ``shape`` and a
    basic index ``key`` (ints, slices, None, Ellipsis): numpy computes it on a stand-in that owns one
    byte (a view never reads its data), with byte strides equal to element strides."""
    stand_in = np.lib.stride_tricks.as_strided(np.zeros(1, np.uint8), shape, contiguous_strides(shape))
    key = key if isinstance(key, tuple) else (key,)
    # a trailing Ellipsis keeps an all-integer key's result a 0-d view rather than a scalar
    view = stand_in[key if any(k is Ellipsis for k in key) else key + (Ellipsis,)]
    offset = view.__array_interface__["data"][0] - stand_in.__array_interface__["data"][0]
    return offset, view.shape, view.strides


@cuda.jit(device=True)
def offset(i, shape, strides):
    """Σ_d idx_d(i) · stride_d for flat index i over ``shape`` (C order)."""
    rest, off = i, 0
    for d in range(len(shape) - 1, -1, -1):
        off += rest % shape[d] * strides[d]
        rest //= shape[d]
    return off
