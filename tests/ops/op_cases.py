"""Shared runner for the op tables of test_linalg.py, test_shape_ops.py, test_index_ops.py and
test_scan.py: each case is ``fn(lib, *tensors)`` written once for minigrad and torch."""
import numpy as np
import torch

import minigrad
from tests.compare import compare, gradcheck


def inputs_as(inputs, dtype):
    """Float arrays cast to ``dtype``; integer/bool arrays (indices, masks) and non-arrays unchanged."""
    return [a.astype(dtype) if isinstance(a, np.ndarray) and a.dtype.kind == "f" else a for a in inputs]


def check_case(fn, inputs, dtype, grad=True, finite_differences=True):
    """Values and gradients against torch at ``dtype``; at float64 also minigrad's gradcheck (not
    where ties make the function non-differentiable)."""
    args = inputs_as(inputs, dtype)
    compare(lambda *t: fn(minigrad, *t), lambda *t: fn(torch, *t), args, grad=grad)
    if grad and finite_differences and dtype == "float64":
        assert gradcheck(lambda *t: fn(minigrad, *t), args)


def rand(*shape, seed=0):
    """Normal values, different for each shape (so two inputs of one case hold no equal elements)."""
    return np.random.default_rng([seed, len(shape), *shape]).standard_normal(shape)
