"""The CPU backend: numpy for elementwise math and BLAS, Numba/Cython kernels for fused ops.

Every backend (this one, ``kernels.cuda``) exposes these names with the same arguments, so the ops in
``minigrad.ops`` are written once. Loss and conv kernels live in their own modules here and are
imported by name from this package.
"""
import importlib

import numpy as np
from numpy import (  # noqa: F401 - re-exported as the backend's flat API
    abs, add, divide, equal, exp, expand_dims, expm1, greater, greater_equal, less, less_equal, log, log1p,
    logical_and, logical_not, logical_or, logical_xor, matmul, maximum, minimum, multiply, negative,
    not_equal, power, sign, sqrt, subtract, tanh, where,
)

name = "cpu"


def to_host(a):
    return a


def from_host(a):
    return a


def copy(a, dtype=None):
    return np.array(a, dtype=dtype, copy=True)


def iadd(dst, src):
    np.add(dst, src, out=dst, casting="unsafe")


def sum_to_shape(g, shape):
    """Sum a broadcast gradient back to ``shape`` (leading dims and dims that were 1)."""
    lead = g.ndim - len(shape)
    axes = tuple(range(lead)) + tuple(i + lead for i, s in enumerate(shape) if s == 1 and g.shape[i + lead] != 1)
    if axes:
        g = g.sum(axis=axes, keepdims=True)
    return g.reshape(shape)


def clip(a, lo, hi):
    return np.clip(a, lo, hi)


def sigmoid(a):
    """σ(x) = 1/(1+e⁻ˣ); e⁻ˣ overflowing to inf gives the correct limit 0."""
    with np.errstate(over="ignore"):
        return np.reciprocal(np.add(np.exp(np.negative(a)), 1))


def relu(a):
    return np.maximum(a, 0)


def relu_backward(g, out):
    return np.where(out <= 0, 0, g)  # NaN outputs pass the gradient, as torch's threshold_backward


def full_like(a, value):
    return np.full_like(a, value)


_modules = {}


def load(name):
    """The kernel module ``<this backend>.<name>`` (a loss, conv2d, pooling), imported once."""
    mod = _modules.get(name)
    if mod is None:
        mod = _modules[name] = importlib.import_module(f"{__name__}.{name}")
    return mod
