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


def test_cuda_draws_leave_the_cpu_stream_alone():
    """As in torch, CUDA tensors draw from the CUDA generator: CPU draws around them are the ones a
    CPU-only run makes, and cuda.manual_seed does not touch the CPU generator."""
    minigrad.manual_seed(6)
    first = minigrad.rand(4)
    minigrad.randn(50, device="cuda")
    minigrad.nn.functional.dropout(minigrad.ones(30, device="cuda"), 0.5)
    minigrad.empty(9, device="cuda").uniform_()
    minigrad.cuda.manual_seed(123)
    second = minigrad.rand(4)
    minigrad.manual_seed(6)
    np.testing.assert_array_equal(minigrad.rand(8).numpy(), np.concatenate([first.numpy(), second.numpy()]))


def test_cuda_manual_seed_seeds_cuda_draws():
    minigrad.cuda.manual_seed(11)
    a = minigrad.randn(20, device="cuda").cpu().numpy()
    minigrad.cuda.manual_seed(11)
    np.testing.assert_array_equal(minigrad.randn(20, device="cuda").cpu().numpy(), a)
