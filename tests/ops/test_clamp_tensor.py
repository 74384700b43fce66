"""clamp/clip with tensor bounds (broadcast, one-sided, min > max) against torch: values and the
gradients of the input and of both bounds."""
import numpy as np
import pytest
import torch

import minigrad
from tests.ops.op_cases import rand, table_test

CASES = {
    "both": (lambda lib, x, lo, hi: lib.clamp(x, min=lo, max=hi), [rand(3, 4), rand(4) - 0.5, rand(3, 1) + 0.5]),
    "min_only": (lambda lib, x, lo: x.clamp(min=lo), [rand(3, 4), rand(3, 4, seed=1)]),
    "max_only": (lambda lib, x, hi: lib.clip(x, max=hi), [rand(2, 3), rand(3)]),
    "min_above_max": (lambda lib, x, lo, hi: x.clamp(lo, hi), [rand(2, 3), rand(3) + 1.0, rand(3) - 1.0]),
}


test_clamp_tensor_bounds = table_test(CASES)


def test_clamp_inplace_with_tensor_bounds():
    x, lo = rand(3, 4), rand(4)
    got, want = minigrad.tensor(x), torch.tensor(x)
    assert got.clamp_(min=minigrad.tensor(lo)) is got
    want.clamp_(min=torch.tensor(lo))
    np.testing.assert_array_equal(got.numpy(), want.numpy())


@pytest.mark.parametrize("lib", [minigrad, torch], ids=["minigrad", "torch"])
def test_clamp_tensor_bound_errors(lib):
    with pytest.raises(RuntimeError, match="must match the size"):
        lib.clamp(lib.ones(2, 3), min=lib.ones(4))
    with pytest.raises(TypeError, match="clamp"):
        lib.ones(2).clamp(min=-0.25, max=lib.ones(2))
