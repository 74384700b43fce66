"""CUDA tensors draw on the host from the CPU generator (torch's CUDA Philox streams are out of
scope): the same seed gives a CUDA tensor the numbers a CPU tensor would get."""
import numpy as np
import pytest

import minigrad


@pytest.mark.parametrize("fill", [
    lambda t: t.normal_(0.5, 2.0), lambda t: t.uniform_(-1.0, 3.0), lambda t: t.bernoulli_(0.3),
    lambda t: t.exponential_(2.0), lambda t: t.random_(0, 9),
])
def test_fills_on_cuda_draw_the_cpu_stream(fill):
    minigrad.manual_seed(3)
    on_cpu = fill(minigrad.empty(5, 7)).numpy()
    minigrad.manual_seed(3)
    on_cuda = fill(minigrad.empty(5, 7, device="cuda"))
    assert on_cuda.is_cuda
    np.testing.assert_array_equal(on_cuda.cpu().numpy(), on_cpu)


def test_factories_and_dropout_on_cuda():
    minigrad.manual_seed(4)
    want = [minigrad.randn(40), minigrad.rand(3, 3), minigrad.randint(0, 5, (6,))]
    x = minigrad.ones(64)
    mask = minigrad.nn.functional.dropout(x, 0.25)
    minigrad.manual_seed(4)
    got = [minigrad.randn(40, device="cuda"), minigrad.rand(3, 3, device="cuda"),
           minigrad.randint(0, 5, (6,), device="cuda")]
    for g, w in zip(got, want):
        assert g.is_cuda
        np.testing.assert_array_equal(g.cpu().numpy(), w.numpy())
    np.testing.assert_array_equal(minigrad.nn.functional.dropout(x.cuda(), 0.25).cpu().numpy(), mask.numpy())
