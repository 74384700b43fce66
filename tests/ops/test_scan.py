"""cumprod, cummax, cummin against torch (values, indices, gradients incl. zeros and ties)."""
import numpy as np
import pytest
import torch

import minigrad
from tests.ops.op_cases import check_case, rand, table_test

WITH_ZEROS = np.array([[1.5, 0.0, 2.0, -1.0, 0.0, 3.0], [2.0, -0.5, 1.0, 0.0, 4.0, 1.0]])
TIES = np.array([[1.0, 3.0, 3.0, 2.0, 5.0], [0.0, 2.0, 0.0, 2.0, -1.0]])
CASES = {
    "cumprod": (lambda lib, a: lib.cumprod(a, 1), [rand(3, 4)]),
    "cumprod_zeros": (lambda lib, a: a.cumprod(dim=1), [WITH_ZEROS]),
    "cumprod_dim0": (lambda lib, a: a.cumprod(0), [WITH_ZEROS]),
    "cumprod_0d": (lambda lib, a: a.cumprod(0), [np.array(2.5)]),
    "cummax": (lambda lib, a: lib.cummax(a, 1).values, [rand(3, 5)]),
    "cummin_dim0": (lambda lib, a: a.cummin(0)[0], [rand(4, 2)]),
}


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("name", ["cummax", "cummin"])
def test_ties_gradient(name, dtype):
    check_case(lambda lib, a: getattr(a, name)(1)[0], [TIES], dtype, finite_differences=False)


test_op = table_test(CASES)


@pytest.mark.parametrize("name", ["cummax", "cummin"])
def test_indices_and_special_values(name):
    x = [1.0, float("nan"), 0.0, float("nan"), 3.0, -2.0]
    for data in (TIES.tolist(), [x]):
        got, want = getattr(minigrad.tensor(data), name)(1), getattr(torch.tensor(data), name)(1)
        np.testing.assert_array_equal(got.indices.numpy(), want.indices.numpy())
        np.testing.assert_array_equal(got.values.numpy(), want.values.numpy())


def test_integer_and_out():
    for lib in (minigrad, torch):
        x = lib.tensor([[1, 2, 3], [4, 5, 6]])
        assert x.cumprod(1).dtype == lib.int64
        out = lib.empty(0, dtype=lib.float64)
        assert lib.cumprod(x, 0, out=out) is out and out.tolist() == [[1.0, 2.0, 3.0], [4.0, 10.0, 18.0]]
        y = lib.tensor([1.0, 2.0, 3.0])
        assert y.cumprod_(0) is y and y.tolist() == [1.0, 2.0, 6.0]
