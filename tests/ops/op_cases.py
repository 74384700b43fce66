"""Shared runner for the op tables of test_linalg.py, test_shape_ops.py, test_index_ops.py,
test_scan.py, test_clamp_tensor.py and tests/test_linalg_namespace.py: each case is
``fn(lib, *tensors)`` written once for minigrad and torch."""
import numpy as np
import pytest
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


def table_test(cases):
    """A test of every case in ``cases`` (name: (fn, inputs)) through ``check_case``, in float32 and float64."""
    @pytest.mark.parametrize("dtype", ["float32", "float64"])
    @pytest.mark.parametrize("name", sorted(cases))
    def test(name, dtype):
        fn, inputs = cases[name]
        check_case(fn, inputs, dtype)
    return test


def rand(*shape, seed=0):
    """Normal values, different for each shape (so two inputs of one case hold no equal elements)."""
    return np.random.default_rng([seed, len(shape), *shape]).standard_normal(shape)
