"""softmax and log_softmax along one axis on the device, forward and backward.

The input is seen as (outer, C, inner) around the axis; each of the outer·inner rows of C elements
is one block's work, its threads striding over the row, with block reductions in shared memory:

    m = max_c x_c (0 if ±inf)     S = Σ_c e^(x_c − m)
    softmax:      y_c = e^(x_c − m) / S               dx_c = y_c · (g_c − Σ_k g_k y_k)
    log_softmax:  y_c = x_c − m − log S               dx_c = g_c − e^(y_c) · Σ_k g_k

Sums and the shift are float64; results are stored in the input's dtype.
"""
import functools
import math

from numba import float64

from . import _launch
from ._launch import MAX, SCRATCH, SUM, block_reduce, cuda
from ._strided import flat


def _rows(a, axis):
    shape = tuple(a.shape)
    axis = axis % len(shape)
    return math.prod(shape[:axis]), shape[axis], math.prod(shape[axis + 1:])


@functools.cache
def _forward(log):
    @cuda.jit
    def kernel(x, outer, C, inner, out):
        scratch = cuda.shared.array(SCRATCH, float64)
        for u in range(cuda.blockIdx.x, outer * inner, cuda.gridDim.x):
            base = u // inner * C * inner + u % inner
            m = -math.inf
            for c in range(cuda.threadIdx.x, C, cuda.blockDim.x):
                v = x[base + c * inner] * 1.0
                m = v if v != v or v > m else m
            m = block_reduce(m, MAX, scratch)
            m = 0.0 if math.isinf(m) else m
            s = 0.0
            for c in range(cuda.threadIdx.x, C, cuda.blockDim.x):
                s += math.exp(x[base + c * inner] - m)
            s = block_reduce(s, SUM, scratch)
            for c in range(cuda.threadIdx.x, C, cuda.blockDim.x):
                v = x[base + c * inner] - m
                out[base + c * inner] = v - math.log(s) if log else math.exp(v) / s
    return kernel


@functools.cache
def _backward(log):
    @cuda.jit
    def kernel(g, y, outer, C, inner, out):
        scratch = cuda.shared.array(SCRATCH, float64)
        for u in range(cuda.blockIdx.x, outer * inner, cuda.gridDim.x):
            base = u // inner * C * inner + u % inner
            s = 0.0
            for c in range(cuda.threadIdx.x, C, cuda.blockDim.x):
                i = base + c * inner
                s += g[i] * 1.0 if log else g[i] * 1.0 * y[i]
            s = block_reduce(s, SUM, scratch)
            for c in range(cuda.threadIdx.x, C, cuda.blockDim.x):
                i = base + c * inner
                out[i] = g[i] - math.exp(y[i] * 1.0) * s if log else y[i] * (g[i] - s)
    return kernel


def _run(kernel, arrays, axis):
    outer, C, inner = _rows(arrays[0], axis)
    out = cuda.device_array(tuple(arrays[0].shape), arrays[0].dtype)
    if out.size:
        _launch.launch(kernel, outer * inner, True, *[flat(a) for a in arrays], outer, C, inner, flat(out))
    return out


def softmax(a, axis):
    return _run(_forward(False), (a,), axis)


def log_softmax(a, axis):
    return _run(_forward(True), (a,), axis)


def softmax_backward(g, y, axis):
    return _run(_backward(False), (g, y), axis)


def log_softmax_backward(g, y, axis):
    return _run(_backward(True), (g, y), axis)
