"""Running extremes and the running product's gradient on the device, one thread per line (``_scan``'s
lines: the axis moved last into a C-contiguous (L, n) copy):

    cumextreme        v_i = max(v_{i−1}, a_i) (min when not ``largest``; NaN sticks, as numpy's
                      maximum.accumulate), j_i = i where a_i = v_i or a_i is NaN, else j_{i−1}
    cumprod_backward  dx_i = P_i·h_i,  P_i = Π_{k<i} a_k,  h_{n−1} = g_{n−1},  h_i = g_i + a_{i+1}·h_{i+1}
                      (exact where some a_k = 0)
    cumextreme_backward  dx_j = Σ_{i: j_i = j} g_i, added in line order (no atomics)
"""
import numpy as np

from . import _launch
from ._launch import cast_like, cuda
from ._scan import _lines, _unlines


def _per_line(kernel, axis, inputs, options, out_dtypes):
    """``kernel(*input lines, *options, *output lines)``, a thread per line; the outputs (one per
    dtype, shaped as the lines) back in the inputs' dim order."""
    first, moved = _lines(inputs[0], axis)
    lines = [first] + [_lines(a, axis)[0] for a in inputs[1:]]
    outs = [cuda.device_array(lines[0].shape, dtype) for dtype in out_dtypes]
    if lines[0].size:
        _launch.launch(kernel, lines[0].shape[0], False, *lines, *options, *outs)
    return [_unlines(out, moved, axis) for out in outs]


@cuda.jit
def _extreme_kernel(a, largest, values, indices):
    for line in range(cuda.grid(1), a.shape[0], cuda.gridsize(1)):
        v, j = a[line, 0], 0
        for i in range(a.shape[1]):
            x = a[line, i]
            if v == v:
                if x != x or (x > v if largest else x < v):
                    v = x
            if x == v or x != x:
                j = i
            values[line, i] = v
            indices[line, i] = j


def cumextreme(a, axis, largest):
    """(running max, or min when not ``largest``, of ``a`` along ``axis``; the int64 index each value
    was last taken from)."""
    values, indices = _per_line(_extreme_kernel, axis, (a,), (largest,), (a.dtype, np.int64))
    return values, indices


@cuda.jit
def _cumprod_backward_kernel(g, a, out):
    for line in range(cuda.grid(1), a.shape[0], cuda.gridsize(1)):
        n = a.shape[1]
        if n:
            h = g[line, n - 1]
            out[line, n - 1] = h
            for i in range(n - 2, -1, -1):
                h = g[line, i] + a[line, i + 1] * h
                out[line, i] = h
            prefix = cast_like(1, h)
            for i in range(n):
                out[line, i] = out[line, i] * prefix
                prefix = prefix * a[line, i]


def cumprod_backward(g, a, axis):
    """∂(Σ g·cumprod(a, axis))/∂a."""
    return _per_line(_cumprod_backward_kernel, axis, (g, a), (), (a.dtype,))[0]


@cuda.jit
def _extreme_backward_kernel(g, indices, out):
    for line in range(cuda.grid(1), g.shape[0], cuda.gridsize(1)):
        for i in range(g.shape[1]):
            out[line, i] = cast_like(0, g[line, i])
        for i in range(g.shape[1]):
            j = indices[line, i]
            out[line, j] = out[line, j] + g[line, i]


def cumextreme_backward(g, indices, axis):
    """The gradient of ``cumextreme``'s values: each g_i added at its index along ``axis``."""
    return _per_line(_extreme_backward_kernel, axis, (g, indices), (), (g.dtype,))[0]
