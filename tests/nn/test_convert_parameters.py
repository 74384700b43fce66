"""nn.utils.parameters_to_vector / vector_to_parameters against torch."""
import numpy as np
import pytest
import torch

import minigrad
from tests.compare import assert_close

SHAPES = [(2, 3), (3,), ()]


def _params(lib, dtype):
    rng = np.random.default_rng(0)
    return [lib.tensor(rng.standard_normal(s).astype(dtype), requires_grad=True) for s in SHAPES]


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_parameters_to_vector_values_and_grad(dtype):
    mg, th = _params(minigrad, dtype), _params(torch, dtype)
    v_mg, v_th = minigrad.nn.utils.parameters_to_vector(mg), torch.nn.utils.parameters_to_vector(th)
    assert_close(v_mg, v_th)
    up = np.arange(v_th.numel(), dtype=dtype)
    v_mg.backward(minigrad.tensor(up))
    v_th.backward(torch.tensor(up))
    for a, b in zip(mg, th):
        assert_close(a.grad, b.grad)


def test_vector_to_parameters():
    mg, th = _params(minigrad, "float32"), _params(torch, "float32")
    vec = np.linspace(-1, 1, 10, dtype=np.float32)
    minigrad.nn.utils.vector_to_parameters(minigrad.tensor(vec), mg)
    torch.nn.utils.vector_to_parameters(torch.tensor(vec), th)
    for a, b in zip(mg, th):
        assert_close(a.detach(), b.detach())
        assert a.is_leaf and a.requires_grad


def test_vector_to_parameters_rejects_non_tensor():
    with pytest.raises(TypeError, match="expected torch.Tensor, but got: list"):
        minigrad.nn.utils.vector_to_parameters([1.0], [])
