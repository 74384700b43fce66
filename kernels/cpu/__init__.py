"""The CPU backend: numpy for elementwise math and BLAS, Numba/Cython kernels for fused ops.

Every backend (this one, ``kernels.cuda``) exposes these names with the same arguments, so the ops in
``minigrad.ops`` are written once. Loss and conv kernels live in their own modules here and are
imported by name from this package.
"""

import numpy as np
from numpy import (  # noqa: F401 - re-exported as the backend's flat API
    abs, add, all, any, argsort, bincount, bitwise_and, bitwise_or, bitwise_xor, broadcast_to, ceil, concatenate,
    cumprod, cumsum, divide, equal, exp, expm1, floor, floor_divide, fmod,
    greater, greater_equal, invert, isfinite, isinf, isnan, less, less_equal, log, log1p, logical_and,
    logical_not, logical_or, logical_xor, maximum, minimum, mod, multiply, negative, nonzero, not_equal, power, prod,
    round, sign, sqrt, subtract, swapaxes, tanh, transpose, trunc, unique, where, zeros,
)

from ..shared.element import kernel_module
from ..shared.shape import broadcast_axes  # noqa: F401 - shape arithmetic, the same on every device

name = "cpu"


def to_host(a):
    return a


def from_host(a):
    return a


def copy(a, dtype=None):
    return np.array(a, dtype=dtype, copy=True, order="C")


def iadd(dst, src):
    np.add(dst, src, out=dst, casting="unsafe")


def sum_to_shape(g, shape):
    """Sum a broadcast gradient back to ``shape``."""
    axes = broadcast_axes(shape, g.shape)
    if axes:
        g = g.sum(axis=axes, keepdims=True)
    return g.reshape(shape)


def expand_dims(a, axis):
    """``a`` viewed with a new axis of length 1 at the int ``axis`` (indexing with None: numpy's
    expand_dims takes µs to normalise its axes, a backward's upstream gradient pays it per call)."""
    if axis < 0:
        axis += a.ndim + 1
    return a[(slice(None),) * axis + (None,)]


def astype(a, dtype):
    return a.astype(dtype, copy=False)


def count_nonzero(a, axis=None):
    """numpy's count_nonzero as an int64 array (0-d for a count over everything), as on every device."""
    return np.asarray(np.count_nonzero(a, axis=axis), np.int64)


def prod_others(a, axis=None):
    """For each element, the product of the other elements along ``axis`` (None: all): ∂prod/∂a, as
    an exclusive prefix product times an exclusive suffix product (no division: zeros are exact)."""
    flat = a.reshape(-1) if axis is None else np.moveaxis(a, axis, -1)
    ones = np.ones(flat.shape[:-1] + (1,), dtype=a.dtype)
    left = np.cumprod(np.concatenate([ones, flat[..., :-1]], axis=-1), axis=-1)
    right = np.cumprod(np.concatenate([ones, flat[..., :0:-1]], axis=-1), axis=-1)[..., ::-1]
    others = left * right
    return others.reshape(a.shape) if axis is None else np.moveaxis(others, -1, axis)


def cumprod_backward(g, a, axis):
    """∂(Σ g·cumprod(a, axis))/∂a: the reversed cumsum of g·y divided by a when no element is 0, else
    dx_i = P_i·h_i (P_i = Π_{k<i} a_k, h_{n−1} = g_{n−1}, h_i = g_i + a_{i+1}·h_{i+1}: exact at zeros)."""
    if np.all(a != 0):
        return np.flip(np.cumsum(np.flip(g * np.cumprod(a, axis=axis), axis), axis), axis) / a
    x, g = np.moveaxis(a, axis, -1), np.moveaxis(g, axis, -1)
    prefix = np.concatenate([np.ones_like(x[..., :1]), np.cumprod(x[..., :-1], axis=-1)], axis=-1)
    h = np.empty_like(g)
    h[..., -1] = g[..., -1]
    for i in range(x.shape[-1] - 2, -1, -1):
        h[..., i] = g[..., i] + x[..., i + 1] * h[..., i + 1]
    return np.moveaxis(prefix * h, -1, axis)


def cumextreme(a, axis, largest):
    """(running max, or min when not ``largest``, along ``axis``, NaN sticking; the int64 index each
    value was last taken from)."""
    if not a.size:
        return a.copy(), np.zeros(a.shape, np.int64)
    values = (np.maximum if largest else np.minimum).accumulate(a, axis=axis)
    pos = np.arange(a.shape[axis]).reshape([-1 if d == axis else 1 for d in range(a.ndim)])
    hit = (a == values) | (np.isnan(a) if a.dtype.kind == "f" else False)
    return values, np.maximum.accumulate(np.where(hit, pos, 0), axis=axis).astype(np.int64)


def cumextreme_backward(g, indices, axis):
    """The gradient of ``cumextreme``'s values: each g_i added at its index along ``axis``."""
    out = np.zeros_like(g)
    grid = list(np.indices(g.shape, sparse=True))
    grid[axis] = indices
    np.add.at(out, tuple(grid), g)
    return out


def searchsorted(a, v, side="left", sorter=None):
    """numpy's searchsorted as int64; an ``a`` of several dims is searched row by row (its leading
    dims are ``v``'s)."""
    if a.ndim <= 1:
        return np.asarray(np.searchsorted(a, v, side=side, sorter=sorter), np.int64)
    rows, vals = a.reshape(-1, a.shape[-1]), v.reshape(-1, v.shape[-1])
    order = None if sorter is None else sorter.reshape(rows.shape)
    return np.stack([np.searchsorted(r, x, side=side, sorter=None if order is None else order[i])
                     for i, (r, x) in enumerate(zip(rows, vals))]).reshape(v.shape).astype(np.int64)


def histc(a, bins, lo, hi):
    """Counts of ``a``'s elements in ``bins`` equal bins over [lo, hi] (numpy's rule; NaN ignored), in
    ``a``'s dtype."""
    a = a.reshape(-1)
    return np.histogram(a[~np.isnan(a)], bins=bins, range=(lo, hi))[0].astype(a.dtype)


def scatter_reduce(a, key, v, reduce):
    """A copy of ``a`` with ``v`` combined into ``a[key]`` by ``reduce`` ('sum', 'prod', 'amax',
    'amin'), repeated positions in index order."""
    out = a.copy()
    {"sum": np.add, "prod": np.multiply, "amax": np.maximum, "amin": np.minimum}[reduce].at(out, key, v)
    return out


def fill(a, value):
    a[...] = value


def copyto(dst, src):
    np.copyto(dst, src, casting="unsafe")


# ---- reductions (arrays, never numpy scalars) -------------------------------------------------
def sum(a, axis=None, keepdims=False, dtype=None):  # noqa: A001 - numpy's name
    return np.asarray(a.sum(axis=axis, keepdims=keepdims, dtype=dtype))


def mean(a, axis=None, keepdims=False, dtype=None):
    return np.asarray(a.mean(axis=axis, keepdims=keepdims, dtype=dtype))


def amax(a, axis=None, keepdims=False):
    return np.asarray(a.max(axis=axis, keepdims=keepdims))


def amin(a, axis=None, keepdims=False):
    return np.asarray(a.min(axis=axis, keepdims=keepdims))


def argmax(a, axis=None, keepdims=False):
    return np.asarray(a.argmax(axis=axis, keepdims=keepdims), dtype=np.int64)


def argmin(a, axis=None, keepdims=False):
    return np.asarray(a.argmin(axis=axis, keepdims=keepdims), dtype=np.int64)


def put_along_axis(shape, idx, g, axis):
    """zeros(shape) with g put at ``idx`` along ``axis`` (idx, g: ``shape`` with that axis of size 1)."""
    out = np.zeros(shape, dtype=g.dtype)
    np.put_along_axis(out, idx, g, axis=axis)
    return out


def matmul(a, b, transpose_a=False, transpose_b=False):
    """``a @ b`` with ``a``/``b`` replaced by the transpose of their last two dims when asked (two
    matrices through ``np.dot``, the same BLAS product without matmul's ufunc dispatch: 0.4 µs of ~1.5
    at 64×10·10×5)."""
    a = a.swapaxes(-1, -2) if transpose_a else a
    b = b.swapaxes(-1, -2) if transpose_b else b
    return np.dot(a, b) if a.ndim == 2 and b.ndim == 2 else np.matmul(a, b)


# ---- indexing ---------------------------------------------------------------------------------
def index(a, key):
    """``a[key]``; a key that picks one element gives a 0-d view of it, never a numpy scalar (so
    ``v[i] += 1`` writes into ``v``)."""
    out = a[key]
    if isinstance(out, np.generic):
        out = a[(key if type(key) is tuple else (key,)) + (Ellipsis,)]
    return out


def index_add(shape, key, g, accumulate):
    """zeros(shape) with ``g`` put at ``key`` (added, so repeated indices sum, when ``accumulate``)."""
    out = np.zeros(shape, dtype=g.dtype)
    if accumulate:
        np.add.at(out, key, g)
    else:
        out[key] = g
    return out


def setitem(a, key, value):
    a[key] = value


def index_put(a, key, value):
    out = a.copy()
    out[key] = value
    return out


# ---- softmax (kernels/cuda/_softmax.py has the math) -------------------------------------------
def _shifted(a, axis):
    m = a.max(axis=axis, keepdims=True) if a.size else a.sum(axis=axis, keepdims=True)
    return a - np.where(np.isinf(m), 0, m)


def softmax(a, axis):
    with np.errstate(invalid="ignore", over="ignore"):
        e = np.exp(_shifted(a, axis))
        e /= e.sum(axis=axis, keepdims=True)
    return e


def log_softmax(a, axis):
    with np.errstate(invalid="ignore", divide="ignore"):
        s = _shifted(a, axis)
        return s - np.log(np.exp(s).sum(axis=axis, keepdims=True))


def softmax_backward(g, y, axis):
    return y * (g - (g * y).sum(axis=axis, keepdims=True))


def log_softmax_backward(g, y, axis):
    return g - np.exp(y) * g.sum(axis=axis, keepdims=True)


def clip(a, lo, hi):
    return np.clip(a, lo, hi)


def pointwise_forward(decl, arrays, p):
    """A declared pointwise op's value (``pointwise.py``)."""
    return load("pointwise").forward(decl, arrays, p)


def pointwise_backward(decl, g, arrays, out, p):
    """A declared pointwise op's input gradients (``pointwise.py``)."""
    return load("pointwise").backward(decl, g, arrays, out, p)


def full_like(a, value):
    return np.full_like(a, value)


_modules = {}


def load(name):
    """The kernel module ``<this backend>.<name>`` (a loss, conv2d, pooling), imported once; for an
    elementwise loss with no module here, its ``kernels/shared/<name>.py`` bound to this device's loop."""
    mod = _modules.get(name)
    if mod is None:
        mod = _modules[name] = kernel_module(__name__, name)
    return mod

