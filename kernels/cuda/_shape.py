"""Data movement on the device: fills, copies, transposes, broadcasts and indexing.

Every result is a new C-contiguous array (a view on the CPU; here the layout of every stored array
stays C-contiguous, so kernels read any operand by flat offset). One strided copy serves all the
basic layouts (``_strided`` gives offset and strides):

    out[i] = src[base + Σ_d idx_d(i) · stride_d]           transpose, broadcast_to, a[basic index]

and its mirror ``dst[base + ...] (+)= src[i]`` scatters a gradient back. An integer index array
along one dim d (``a[idx]``, ``a[:, idx]``) is a gather along d,

    out[o, j, i] = src[o, idx[j] (+ n_d if negative), i]     (o: dims before d, i: dims after)

whose gradient scatters with atomic adds (repeated indices sum). An index outside [−n_d, n_d) reads
NaN (0 for integers) and writes nothing: the kernel never leaves the array, and, as for the loss
kernels' class targets, the check needs no copy to the host.
Every other advanced key (several index arrays, boolean masks, an index array after a partial slice)
goes through ``_index``'s host-computed offsets.
"""
import builtins
import functools
import math

import numpy as np

from . import _index, _launch
from ._elementwise import astype
from ._transfer import from_host, to_host
from ._launch import cuda
from ._strided import broadcast_strides, contiguous_strides, flat, kernel_shape, offset, view_layout


@cuda.jit
def _fill(out, value):
    for i in range(cuda.grid(1), out.size, cuda.gridsize(1)):
        out[i] = value


def fill(a, value):
    """Every element of ``a`` ← ``value``, in place."""
    if a.size:
        _launch.launch(_fill, a.size, False, flat(a), a.dtype.type(value))


def full(shape, value, dtype):
    out = cuda.device_array(tuple(shape), dtype)
    fill(out, value)
    return out


def zeros(shape, dtype):
    return full(shape, 0, dtype)


def full_like(a, value):
    return full(a.shape, value, a.dtype)


@functools.cache
def _strided(accumulate):
    """out[i] = src[base + offset(i)] (gather), or dst[base + offset(i)] (+)= src[i] (scatter)."""
    if accumulate is None:
        @cuda.jit
        def kernel(src, base, shape, strides, out):
            for i in range(cuda.grid(1), out.size, cuda.gridsize(1)):
                out[i] = src[base + offset(i, shape, strides)]
    else:
        @cuda.jit
        def kernel(src, base, shape, strides, dst):
            for i in range(cuda.grid(1), src.size, cuda.gridsize(1)):
                if accumulate:
                    dst[base + offset(i, shape, strides)] += src[i]
                else:
                    dst[base + offset(i, shape, strides)] = src[i]
    return kernel


def _gather(a, base, shape, strides, dtype=None):
    out = cuda.device_array(tuple(shape), dtype or a.dtype)
    if out.size:
        kshape, kstrides = kernel_shape(shape, strides)
        _launch.launch(_strided(None), out.size, False, flat(a), int(base), kshape, kstrides, flat(out))
    return out


def copy(a, dtype=None):
    """A new C-contiguous copy of ``a``, cast to ``dtype`` when given."""
    if dtype is not None and np.dtype(dtype) != a.dtype:
        return astype(a, dtype)
    return _gather(a, 0, a.shape, contiguous_strides(a.shape))


def transpose(a, axes=None):
    axes = tuple(reversed(range(a.ndim))) if axes is None else tuple(int(d) % a.ndim for d in axes)
    own = contiguous_strides(a.shape)
    return _gather(a, 0, [a.shape[d] for d in axes], [own[d] for d in axes])


def swapaxes(a, axis1, axis2):
    axes = list(range(a.ndim))
    axes[axis1], axes[axis2] = axes[axis2], axes[axis1]
    return transpose(a, axes)


def broadcast_to(a, shape):
    shape = tuple(shape)
    if tuple(a.shape) == shape:
        return a
    np.broadcast_shapes(tuple(a.shape), shape)  # numpy's ValueError when it cannot broadcast
    return _gather(a, 0, shape, broadcast_strides(tuple(a.shape), shape))


def expand_dims(a, axis):
    return a.reshape(np.expand_dims(np.empty(tuple(a.shape), np.bool_), axis).shape)


def _is_index_array(it):
    return hasattr(it, "ndim") and not isinstance(it, (np.integer, np.bool_))


GENERAL = "general"  # any other advanced key: ``_index``'s offsets


def _take_plan(shape, key):
    """(dim d, device index array) when ``key`` is full slices then one integer index array, None for
    a basic key, else GENERAL."""
    key = key if isinstance(key, tuple) else (key,)
    arrays = [i for i, it in enumerate(key) if _is_index_array(it)]
    if not arrays:
        return None
    d = arrays[0]
    full = all(isinstance(it, slice) and it.indices(shape[i]) == (0, shape[i], 1) for i, it in enumerate(key[:d]))
    idx = key[d]
    if len(arrays) > 1 or not full or any(not (isinstance(it, slice) and it == slice(None)) for it in key[d + 1:]) \
            or idx.dtype.kind not in "iu":
        return GENERAL
    if isinstance(idx, np.ndarray):  # a host index for a device array: torch copies it over too
        idx = from_host(idx.astype(np.int64))
    return d, idx


@functools.cache
def _take(scatter):
    @cuda.jit
    def kernel(src, idx, n_d, inner, bad, out):
        # gather: out (outer, len(idx), inner) from src (outer, n_d, inner); scatter: the reverse, adding.
        # An index outside [-n_d, n_d) reads and writes nothing and sets ``bad[0]``.
        m = idx.size
        for i in range(cuda.grid(1), src.size if scatter else out.size, cuda.gridsize(1)):
            o, k = i // (m * inner), i % inner
            t = idx[i // inner % m]
            t = t + n_d if t < 0 else t
            if 0 <= t < n_d:
                if scatter:
                    cuda.atomic.add(out, (o * n_d + t) * inner + k, src[i])
                else:
                    out[i] = src[(o * n_d + t) * inner + k]
            else:
                bad[0] = 1
    return kernel


def _run_take(scatter, shape, key, src, idx, d, inner, out):
    """Launch ``_take`` over ``src``/``out``; an index out of range raises numpy's IndexError (as on the
    CPU), found through one flag read back and the key redone on the host."""
    bad = from_host(np.zeros(1, np.int64))
    _launch.launch(_take(scatter), src.size if scatter else out.size, False, flat(src), flat(idx), shape[d], inner,
                   bad, flat(out))
    if to_host(bad)[0]:
        _index.offsets(shape, key)  # raises numpy's IndexError for the first index out of range
        raise IndexError(f"index out of range in dimension {d} with size {shape[d]}")


def _take_shapes(shape, d, idx):
    outer, inner = math.prod(shape[:d]), math.prod(shape[d + 1:])
    return outer, inner, tuple(shape[:d]) + tuple(idx.shape) + tuple(shape[d + 1:])


def index(a, key):
    """numpy's ``a[key]`` as a new array."""
    plan = _take_plan(tuple(a.shape), key)
    if plan is None:
        return _gather(a, *view_layout(tuple(a.shape), key))
    if plan is GENERAL:
        return _index.gather(a, key)
    d, idx = plan
    outer, inner, shape = _take_shapes(tuple(a.shape), d, idx)
    out = cuda.device_array(shape, a.dtype)
    if out.size:
        _run_take(False, tuple(a.shape), key, a, idx, d, inner, out)
    return out


def index_add(shape, key, g, accumulate):
    """zeros(shape) with ``g`` put at ``key`` (the gradient of ``index``): a basic key writes each
    element once, an index array adds (repeated indices sum) whatever ``accumulate`` says."""
    out = zeros(shape, g.dtype)
    plan = _take_plan(tuple(shape), key)
    if plan is None:
        _put(out, key, g)
        return out
    if plan is GENERAL:
        _index.combine(out, key, g, "sum")
        return out
    d, idx = plan
    _, inner, _ = _take_shapes(tuple(shape), d, idx)
    if g.size:
        _run_take(True, tuple(shape), key, g, idx, d, inner, out)
    return out


def index_put(a, key, value):
    """A copy of ``a`` with ``a[key] = value`` (value broadcast to the indexed shape)."""
    out = copy(a)
    setitem(out, key, value)
    return out


def setitem(a, key, value):
    """a[key] = value (an array broadcast to the indexed shape, or a scalar), in place; with an index
    array, a repeated position keeps the last value written, as numpy's."""
    if _take_plan(tuple(a.shape), key) is not None:
        _index.combine(a, key, value, "set")
        return
    _, vshape, _ = view_layout(tuple(a.shape), key)
    _put(a, key, broadcast_to(value, vshape) if hasattr(value, "ndim") else full(vshape, value, a.dtype))


def _put(out, key, src):
    """out[key] = src (a basic key; src has the indexed shape), in place."""
    base, vshape, strides = view_layout(tuple(out.shape), key)
    if src.size:
        kshape, kstrides = kernel_shape(vshape, strides)
        _launch.launch(_strided(False), src.size, False, flat(src), int(base), kshape, kstrides, flat(out))


def concatenate(arrays, axis=0):
    shape = list(arrays[0].shape)
    shape[axis] = builtins.sum(a.shape[axis] for a in arrays)
    out = cuda.device_array(tuple(shape), np.result_type(*[a.dtype for a in arrays]))
    lo = 0
    for a in arrays:
        _put(out, (slice(None),) * axis + (slice(lo, lo + a.shape[axis]),), a)
        lo += a.shape[axis]
    return out

