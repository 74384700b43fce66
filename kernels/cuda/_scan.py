"""Scans, products, orderings and data-dependent outputs on the device, with numpy's arguments:
cumsum, cumprod, prod, prod_others, count_nonzero, round, argsort, nonzero, unique.

A "line" is the data along one axis: ``_lines`` moves that axis last into a C-contiguous (L, n)
copy, and a kernel runs one thread per line (grid-stride over the lines), in the output's dtype:

    cumsum/cumprod   out[l, i] = out[l, i − 1] ∘ a[l, i]            (∘ = + or ·, out[l, 0] = a[l, 0])
    prod             out[l] = Πᵢ a[l, i]                            (1 for an empty line)
    prod_others      out[l, i] = Π_{j<i} a[l, j] · Π_{j>i} a[l, j]  (two passes, no division: zeros exact)
    argsort          a stable bottom-up merge sort of each line's indices; NaN sorts last, as numpy's

nonzero and unique have outputs whose size depends on the data: a kernel counts on the device and
the count (one int64) is read back to size the output, as torch's CUDA ops synchronise there too.
round is elementwise (half to even, numpy's).
"""
import functools

import numpy as np
from numba import cuda

from . import _launch
from ._elementwise import _scalar, astype, not_equal, run
from ._launch import cast_like
from ._reduce import sum as _sum
from ._shape import transpose, zeros
from ._strided import flat

_SUM, _PROD = 0, 1


def _lines(a, axis, dtype=None):
    """(a C-contiguous (L, n) array with ``axis`` moved last, the other dims in order, cast to
    ``dtype``; the moved shape)."""
    if dtype is not None and np.dtype(dtype) != a.dtype:
        a = astype(a, dtype)
    if axis is None:
        return a.reshape(1, a.size), (a.size,)
    axis %= a.ndim
    moved = a if axis == a.ndim - 1 else transpose(a, [d for d in range(a.ndim) if d != axis] + [axis])
    return moved.reshape(int(np.prod(moved.shape[:-1])), moved.shape[-1]), tuple(moved.shape)


def _unlines(out, moved_shape, axis):
    """``out`` (lines) back in the original dim order."""
    out = out.reshape(moved_shape)
    if axis is None or axis % out.ndim == out.ndim - 1:
        return out
    axis %= out.ndim
    return transpose(out, list(range(axis)) + [out.ndim - 1] + list(range(axis, out.ndim - 1)))


@functools.cache
def _scan_kernel(op):
    @cuda.jit
    def kernel(a, out):
        for line in range(cuda.grid(1), a.shape[0], cuda.gridsize(1)):
            if a.shape[1]:
                out[line, 0] = a[line, 0]
            for i in range(1, a.shape[1]):
                out[line, i] = out[line, i - 1] + a[line, i] if op == _SUM else out[line, i - 1] * a[line, i]
    return kernel


def _scan(a, axis, dtype, op):
    lines, moved = _lines(a, axis, dtype)
    out = cuda.device_array(lines.shape, lines.dtype)
    if lines.size:
        _launch.launch(_scan_kernel(op), lines.shape[0], False, lines, out)
    return _unlines(out, moved, axis)


def cumsum(a, axis=None, dtype=None):
    return _scan(a, axis, dtype, _SUM)


def cumprod(a, axis=None, dtype=None):
    return _scan(a, axis, dtype, _PROD)


@cuda.jit
def _prod_kernel(a, out):
    for line in range(cuda.grid(1), a.shape[0], cuda.gridsize(1)):
        out[line] = 1
        for i in range(a.shape[1]):
            out[line] = out[line] * a[line, i]


def prod(a, axis=None, keepdims=False):
    """Π over ``axis`` (None: everything; an int); integers and bools multiply in int64, as numpy's."""
    dtype = a.dtype if a.dtype.kind in "fc" else np.dtype(np.int64)
    lines, moved = _lines(a, axis, dtype)
    out = cuda.device_array(lines.shape[0], dtype)
    if out.size:
        _launch.launch(_prod_kernel, out.size, False, lines, out)
    if axis is None:
        return out.reshape((1,) * a.ndim if keepdims else ())
    shape = tuple(a.shape[:axis % a.ndim]) + ((1,) if keepdims else ()) + tuple(a.shape[axis % a.ndim + 1:])
    return out.reshape(shape)


@cuda.jit
def _others_kernel(a, out):
    for line in range(cuda.grid(1), a.shape[0], cuda.gridsize(1)):
        n = a.shape[1]
        if n:
            left = cast_like(1, a[line, 0])
            for i in range(n):
                out[line, i] = left
                left = left * a[line, i]
            right = cast_like(1, a[line, 0])
            for i in range(n - 1, -1, -1):
                out[line, i] = out[line, i] * right
                right = right * a[line, i]


def prod_others(a, axis=None):
    """For each element, the product of the other elements along ``axis`` (None: all): ∂prod/∂a."""
    lines, moved = _lines(a, axis)
    out = cuda.device_array(lines.shape, lines.dtype)
    if lines.size:
        _launch.launch(_others_kernel, lines.shape[0], False, lines, out)
    return _unlines(out, moved, axis).reshape(a.shape)


def count_nonzero(a, axis=None):
    """The number of non-zero elements over ``axis`` (None, an int or a tuple), as int64."""
    return _sum(astype(not_equal(a, 0), np.int64), axis=axis)


@_scalar
def _round_half_even(x, scale):
    v = x * scale
    r = np.floor(v)
    d = v - r
    if d > 0.5 or (d == 0.5 and r % 2 != 0):
        r += 1
    return r / scale


def round(a, decimals=0):  # noqa: A001 - numpy's name
    """Round half to even at ``decimals`` places, as numpy's (integers are returned as they are)."""
    if a.dtype.kind in "iub":
        return run(_round_half_even, (a, 10.0 ** min(decimals, 0)), out_dtype=a.dtype, compute_dtype=np.float64)
    return run(_round_half_even, (a, a.dtype.type(10.0 ** decimals)))


@cuda.jit(device=True)
def _before(a, i, j):
    """Whether a[i] sorts strictly before a[j]: by value, NaN last."""
    x, y = a[i], a[j]
    return x < y or (y != y and x == x)


@cuda.jit
def _argsort_kernel(a, idx, spare):
    for line in range(cuda.grid(1), a.shape[0], cuda.gridsize(1)):
        n = a.shape[1]
        src, dst = idx[line], spare[line]
        for i in range(n):
            src[i] = i
        width = 1
        swapped = False
        while width < n:
            for lo in range(0, n, 2 * width):
                mid, hi = min(lo + width, n), min(lo + 2 * width, n)
                i, j = lo, mid
                for k in range(lo, hi):
                    # stable: the left run wins ties
                    if i < mid and (j >= hi or not _before(a[line], src[j], src[i])):
                        dst[k] = src[i]
                        i += 1
                    else:
                        dst[k] = src[j]
                        j += 1
            src, dst = dst, src
            swapped = not swapped
            width *= 2
        if swapped:
            for i in range(n):
                dst[i] = src[i]


def argsort(a, axis=-1, kind="stable"):
    """The indices that sort ``a`` along ``axis`` (None: flattened), stably (every ``kind``)."""
    lines, moved = _lines(a, axis)
    idx = cuda.device_array(lines.shape, np.int64)
    if lines.size:
        spare = cuda.device_array(lines.shape, np.int64)
        _launch.launch(_argsort_kernel, lines.shape[0], False, lines, idx, spare)
    return _unlines(idx, moved, axis)


@cuda.jit
def _nonzero_kernel(a, shape, out):
    """One thread writes the coordinates of the non-zero elements in C order (out: (ndim, count))."""
    if cuda.grid(1) == 0:
        k = 0
        for i in range(a.size):
            if a[i] != 0:
                rest = i
                for d in range(len(shape) - 1, -1, -1):
                    out[d, k] = rest % shape[d]
                    rest //= shape[d]
                k += 1


def nonzero(a):
    """numpy's nonzero: one int64 array of indices per dim."""
    out = cuda.device_array((a.ndim, int(count_nonzero(a).copy_to_host())), np.int64)
    if out.size:
        _nonzero_kernel[1, 1](flat(a), tuple(int(s) for s in a.shape), out)
    return tuple(out[d] for d in range(a.ndim))


@cuda.jit
def _take_sorted(a, order, out, starts):
    """out[k] = a[order[k]]; starts[k] = 1 where a new value begins (NaNs form one group, as numpy's)."""
    for k in range(cuda.grid(1), order.size, cuda.gridsize(1)):
        v = a[order[k]]
        out[k] = v
        if k == 0:
            starts[k] = 1
        else:
            w = a[order[k - 1]]
            starts[k] = 0 if v == w or (v != v and w != w) else 1


@cuda.jit
def _unique_fill(sorted_values, order, starts, group, values, inverse, counts):
    for k in range(cuda.grid(1), order.size, cuda.gridsize(1)):
        g = group[k] - 1
        if starts[k]:
            values[g] = sorted_values[k]
        cuda.atomic.add(counts, g, 1)
        if inverse.size:
            inverse[order[k]] = g


def unique(a, return_inverse=False, return_counts=False):
    """numpy's unique over the flattened ``a``: the sorted distinct values, and as asked the index of
    each element's value (``a``'s shape, as numpy 2's) and each value's count. Group k of the sorted
    values is the running count of group starts."""
    data = a.reshape(a.size)
    order = argsort(data, axis=0)
    sorted_values = cuda.device_array(a.size, a.dtype)
    starts = cuda.device_array(a.size, np.int64)
    if a.size:
        _launch.launch(_take_sorted, a.size, False, data, order, sorted_values, starts)
    group = cumsum(starts)
    n = int(group[a.size - 1:].copy_to_host()[0]) if a.size else 0
    values = cuda.device_array(n, a.dtype)
    inverse = cuda.device_array(a.size if return_inverse else 0, np.int64)
    counts = zeros((n,), np.int64)
    if a.size:
        _launch.launch(_unique_fill, a.size, False, sorted_values, order, starts, group, values, inverse, counts)
    out = (values,) + ((inverse.reshape(a.shape),) if return_inverse else ()) + ((counts,) if return_counts else ())
    return out[0] if len(out) == 1 else out
