"""nn.utils.clip_grad_norm_ / clip_grad_value_ / get_total_norm against torch."""
import math

import numpy as np
import pytest
import torch

import minigrad
from tests.compare import assert_close


def _params(lib, grads, dtype):
    ps = []
    for g in grads:
        p = lib.zeros(g.shape, dtype=getattr(lib, dtype), requires_grad=True)
        if g is not None:
            p.grad = lib.tensor(g.astype(dtype))
        ps.append(p)
    return ps


GRADS = [np.array([[3.0, -4.0], [1.0, 2.0]]), np.array([0.5, -7.0, 2.0]), np.array(-1.5)]


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("norm_type", [2.0, 1, 3.5, math.inf, "inf"])
@pytest.mark.parametrize("max_norm", [0.5, 1e3])
def test_clip_grad_norm(dtype, norm_type, max_norm):
    mg, th = _params(minigrad, GRADS, dtype), _params(torch, GRADS, dtype)
    got = minigrad.nn.utils.clip_grad_norm_(mg, max_norm, norm_type=norm_type)
    want = torch.nn.utils.clip_grad_norm_(th, max_norm, norm_type=norm_type)
    assert_close(got, want)
    for a, b in zip(mg, th):
        assert_close(a.grad, b.grad)


def test_clip_grad_norm_single_tensor_skips_missing_and_empty():
    p = minigrad.tensor([3.0, 4.0], requires_grad=True)
    p.grad = minigrad.tensor([3.0, 4.0])
    assert minigrad.nn.utils.clip_grad_norm_(p, 1.0).item() == pytest.approx(5.0)
    assert p.grad.norm().item() == pytest.approx(1.0, rel=1e-5)
    q = minigrad.zeros(2, requires_grad=True)  # no grad: ignored
    assert minigrad.nn.utils.clip_grad_norm_([q], 1.0).item() == 0.0
    assert minigrad.nn.utils.clip_grad_norm_([], 1.0).item() == 0.0


@pytest.mark.parametrize("bad", [math.nan, math.inf])
def test_clip_grad_norm_nonfinite(bad):
    g = np.array([1.0, bad], np.float32)
    mg, th = _params(minigrad, [g], "float32"), _params(torch, [g], "float32")
    with pytest.raises(RuntimeError, match="non-finite"):
        minigrad.nn.utils.clip_grad_norm_(mg, 1.0, error_if_nonfinite=True)
    with pytest.raises(RuntimeError, match="non-finite"):
        torch.nn.utils.clip_grad_norm_(th, 1.0, error_if_nonfinite=True)
    assert_close(minigrad.nn.utils.clip_grad_norm_(mg, 1.0), torch.nn.utils.clip_grad_norm_(th, 1.0))
    assert_close(mg[0].grad, th[0].grad)


def test_get_total_norm_and_clip_with_norm():
    mg, th = _params(minigrad, GRADS, "float64"), _params(torch, GRADS, "float64")
    total_mg = minigrad.nn.utils.get_total_norm([p.grad for p in mg], 3.0)
    total_th = torch.nn.utils.get_total_norm([p.grad for p in th], 3.0)
    assert_close(total_mg, total_th)
    minigrad.nn.utils.clip_grads_with_norm_(mg, 2.0, total_mg)
    torch.nn.utils.clip_grads_with_norm_(th, 2.0, total_th)
    for a, b in zip(mg, th):
        assert_close(a.grad, b.grad)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_clip_grad_value(dtype):
    mg, th = _params(minigrad, GRADS, dtype), _params(torch, GRADS, dtype)
    assert minigrad.nn.utils.clip_grad_value_(mg, 1.75) is None
    torch.nn.utils.clip_grad_value_(th, 1.75)
    for a, b in zip(mg, th):
        assert_close(a.grad, b.grad)


def test_clip_in_a_training_step():
    net = minigrad.nn.Linear(4, 3)
    net(minigrad.randn(5, 4)).pow(2).sum().backward()
    before = minigrad.nn.utils.parameters_to_vector(p.grad for p in net.parameters())
    total = minigrad.nn.utils.clip_grad_norm_(net.parameters(), 0.01)
    after = minigrad.nn.utils.parameters_to_vector(p.grad for p in net.parameters())
    assert total.item() == pytest.approx(before.norm().item(), rel=1e-5)
    assert after.norm().item() == pytest.approx(0.01, rel=1e-3)
