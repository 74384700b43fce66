"""Reductions over axes on the device: sum, mean, amax/amin, argmax/argmin (numpy's arguments).

The input's dims split into kept dims K and reduced dims R. Output element o (a flat index over K)
is one block's work: its threads stride over the n_R reduced elements r, each folding its share in
float64, and the block combines the threads' values in shared memory (``_launch.block_reduce``):

    out[o] = s · Σ_r a[offset_K(o) + offset_R(r)]        (sum: s = 1; mean: s = 1/n_R, NaN for n_R = 0)
    out[o] = max_r / min_r a[...]                         (NaN wins, as numpy's)
    arg[o] = the first r at the extreme (the first NaN if any), as numpy's argmax/argmin

Sums accumulate in float64 whatever the dtype (exact for integer counts below 2⁵³).
"""
import functools
import math

import numpy as np
from numba import float64, int64

from ..shared.shape import broadcast_axes
from . import _launch
from ._launch import MAX, MIN, SCRATCH, SUM, block_reduce, cuda, tree_stride
from ._elementwise import astype
from ._shape import zeros
from ._strided import contiguous_strides, flat, kernel_shape, offset


def _axes(ndim, axis):
    if axis is None:
        return tuple(range(ndim))
    axis = (axis,) if isinstance(axis, (int, np.integer)) else axis
    return tuple(sorted(int(a) % ndim for a in axis)) if ndim else ()


def _plan(a, axis, keepdims):
    """(kept shape/strides, reduced shape/strides, n_R, output shape) as kernel arguments."""
    shape = tuple(a.shape)
    red = _axes(a.ndim, axis)
    strides = contiguous_strides(shape)
    kept = [d for d in range(a.ndim) if d not in red]
    k_shape, k_strides = kernel_shape([shape[d] for d in kept], [strides[d] for d in kept])
    r_shape, r_strides = kernel_shape([shape[d] for d in red], [strides[d] for d in red])
    n_red = math.prod(shape[d] for d in red)
    out_shape = tuple(1 if d in red else shape[d] for d in range(a.ndim)) if keepdims else \
        tuple(shape[d] for d in kept)
    return k_shape, k_strides, r_shape, r_strides, n_red, out_shape


@functools.cache
def _fold(op):
    @cuda.jit
    def kernel(a, k_shape, k_strides, r_shape, r_strides, n_red, s, out):
        scratch = cuda.shared.array(SCRATCH, float64)
        for o in range(cuda.blockIdx.x, out.size, cuda.gridDim.x):
            base = offset(o, k_shape, k_strides)
            acc = 0.0 if op == SUM else (-math.inf if op == MAX else math.inf)
            for r in range(cuda.threadIdx.x, n_red, cuda.blockDim.x):
                v = a[base + offset(r, r_shape, r_strides)] * 1.0  # float64
                if op == SUM:
                    acc += v
                elif v != v or acc != acc:
                    acc = acc + v
                elif (op == MAX and v > acc) or (op == MIN and v < acc):
                    acc = v
            total = block_reduce(acc, op, scratch)
            if cuda.threadIdx.x == 0:
                out[o] = total * s if op == SUM else total
    return kernel


def _reduce(a, axis, keepdims, op, dtype, mean=False):
    k_shape, k_strides, r_shape, r_strides, n_red, out_shape = _plan(a, axis, keepdims)
    out = cuda.device_array(out_shape, dtype)
    if out.size:
        s = (1.0 / n_red if n_red else math.nan) if mean else 1.0
        _launch.launch(_fold(op), out.size, True, flat(a) if a.size else cuda.device_array(1, a.dtype),
                       k_shape, k_strides, r_shape, r_strides, n_red, s, flat(out))
    return out


def sum(a, axis=None, keepdims=False, dtype=None):  # noqa: A001 - numpy's name
    dtype = np.dtype(dtype) if dtype is not None else (a.dtype if a.dtype.kind in "fc" else np.dtype(np.int64))
    return _reduce(a, axis, keepdims, SUM, dtype)


def mean(a, axis=None, keepdims=False, dtype=None):
    return _reduce(a, axis, keepdims, SUM, np.dtype(dtype) if dtype is not None else a.dtype, mean=True)


def amax(a, axis=None, keepdims=False):
    return _reduce(a, axis, keepdims, MAX, a.dtype)


def amin(a, axis=None, keepdims=False):
    return _reduce(a, axis, keepdims, MIN, a.dtype)


def any(a, axis=None, keepdims=False):  # noqa: A001 - numpy's name
    return astype(amax(astype(a, np.bool_), axis, keepdims), np.bool_)


def all(a, axis=None, keepdims=False):  # noqa: A001 - numpy's name
    return astype(amin(astype(a, np.bool_), axis, keepdims), np.bool_)


@cuda.jit(device=True)
def _better(v, i, w, j, largest):
    """Whether (value v, index i) beats (w, j): a NaN beats any number, then the extreme, then the
    lower index."""
    if v != v or w != w:
        return v != v and (w == w or i < j)
    if v == w:
        return i < j
    return v > w if largest else v < w


@functools.cache
def _arg(largest):
    @cuda.jit
    def kernel(a, k_shape, k_strides, r_shape, r_strides, n_red, out):
        values = cuda.shared.array(SCRATCH, float64)
        index = cuda.shared.array(SCRATCH, int64)
        tid, n = cuda.threadIdx.x, cuda.blockDim.x
        for o in range(cuda.blockIdx.x, out.size, cuda.gridDim.x):
            base = offset(o, k_shape, k_strides)
            best, at = 0.0, n_red  # index n_red: no element yet
            for r in range(tid, n_red, n):
                v = a[base + offset(r, r_shape, r_strides)] * 1.0  # float64
                if at == n_red or _better(v, r, best, at, largest):
                    best, at = v, r
            values[tid], index[tid] = best, at
            cuda.syncthreads()
            step = tree_stride(n)
            while step > 0:
                if tid < step and tid + step < n:
                    j = index[tid + step]
                    if j != n_red and (index[tid] == n_red or _better(values[tid + step], j, values[tid],
                                                                      index[tid], largest)):
                        values[tid], index[tid] = values[tid + step], j
                cuda.syncthreads()
                step //= 2
            if tid == 0:
                out[o] = index[0]
            cuda.syncthreads()
    return kernel


def _argext(a, axis, keepdims, largest):
    if axis is None:  # numpy: the flat index; keepdims gives every dim size 1
        out = _argext(a.reshape(a.size), 0, False, largest)
        return out.reshape((1,) * a.ndim) if keepdims else out
    k_shape, k_strides, r_shape, r_strides, n_red, out_shape = _plan(a, axis, keepdims)
    out = cuda.device_array(out_shape, np.int64)
    if out.size:
        _launch.launch(_arg(largest), out.size, True, flat(a), k_shape, k_strides, r_shape, r_strides, n_red,
                       flat(out))
    return out


def argmax(a, axis=None, keepdims=False):
    return _argext(a, axis, keepdims, True)


def argmin(a, axis=None, keepdims=False):
    return _argext(a, axis, keepdims, False)


def sum_to_shape(g, shape):
    """Sum a broadcast gradient back to ``shape``."""
    axes = broadcast_axes(tuple(shape), tuple(g.shape))
    if axes:
        g = sum(g, axes, keepdims=True)
    return g.reshape(tuple(shape))


@cuda.jit
def _put_along(idx, g, n_d, inner, out):
    for i in range(cuda.grid(1), g.size, cuda.gridsize(1)):
        out[(i // inner * n_d + idx[i]) * inner + i % inner] = g[i]


def put_along_axis(shape, idx, g, axis):
    """zeros(shape) with g put at ``idx`` along ``axis`` (idx, g: ``shape`` with that axis of size 1;
    idx from ``argmax``/``argmin``, so within [0, n))."""
    out = zeros(shape, g.dtype)
    if g.size:
        axis = axis % len(shape)
        _launch.launch(_put_along, g.size, False, flat(idx), flat(g), shape[axis], math.prod(shape[axis + 1:]),
                       flat(out))
    return out
