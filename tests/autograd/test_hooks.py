"""Tensor hooks, post-accumulate hooks, end-of-backward callbacks and Variable, against torch."""
import numpy as np
import pytest
import torch

import minigrad
from tests.compare import assert_close


def _hooked_run(lib):
    """A graph with hooks on a leaf (used twice) and a non-leaf; returns the event log and grads."""
    log = []
    a = lib.tensor([1.0, 2.0], requires_grad=True)
    a.register_hook(lambda g: log.append(("leaf", g.tolist())) or g * 10)
    b = a * 3
    b.register_hook(lambda g: log.append(("b", g.tolist())) or g + 1)
    b.retain_grad()
    b.register_hook(lambda g: log.append(("b2", g.tolist())))
    a.register_post_accumulate_grad_hook(lambda t: log.append(("post", t.grad.tolist())))

    def queue(g):
        lib.autograd.Variable._execution_engine.queue_callback(lambda: log.append(("end", a.grad.tolist())))
    b.register_hook(queue)
    (b * b + a).sum().backward()
    return log, a.grad, b.grad


def test_hook_order_replacement_and_callbacks():
    log_mg, ga_mg, gb_mg = _hooked_run(minigrad)
    log_th, ga_th, gb_th = _hooked_run(torch)
    assert log_mg == log_th
    assert_close(ga_mg, ga_th)
    assert_close(gb_mg, gb_th)


@pytest.mark.parametrize("lib", [minigrad, torch], ids=["minigrad", "torch"])
def test_hook_errors_and_removal(lib):
    with pytest.raises(RuntimeError, match="cannot register a hook on a tensor that doesn't require gradient"):
        lib.ones(2).register_hook(lambda g: g)
    a = lib.ones(2, requires_grad=True)
    with pytest.raises(RuntimeError, match="post accumulate grad hooks cannot be registered on non-leaf tensors"):
        (a * 2).register_post_accumulate_grad_hook(lambda t: None)
    with pytest.raises(RuntimeError, match="Final callbacks can only be installed during backward pass."):
        lib.autograd.Variable._execution_engine.queue_callback(lambda: None)
    handle = a.register_hook(lambda g: g * 100)
    handle.remove()
    (a * 2).sum().backward()
    assert a.grad.tolist() == [2.0, 2.0]


@pytest.mark.parametrize("lib", [minigrad, torch], ids=["minigrad", "torch"])
def test_hook_changing_shape_raises(lib):
    a = lib.ones(2, requires_grad=True)
    y = a * 2
    y.register_hook(lambda g: g.sum())
    with pytest.raises(RuntimeError, match="has changed the size of value"):
        y.sum().backward()


def test_hooks_run_in_autograd_grad():
    out = []
    for lib in (minigrad, torch):
        x = lib.tensor(1.0, requires_grad=True)
        x.register_hook(lambda g: g * 2)
        y = x * 3
        y.register_hook(lambda g: g + 1)
        out.append(lib.autograd.grad(y * y, x)[0].item())
    assert out[0] == out[1]


def _grad_cases(lib):
    x = lib.tensor([1.0, -2.0, 3.0], dtype=lib.float64, requires_grad=True)
    z = lib.tensor([0.5], dtype=lib.float64, requires_grad=True)
    y = x * x
    gx, = lib.autograd.grad(y, x, grad_outputs=lib.tensor([1.0, 2.0, 3.0], dtype=lib.float64), retain_graph=True)
    gx2, gz = lib.autograd.grad(y.sum(), [x, z], allow_unused=True, retain_graph=True)
    gm, = lib.autograd.grad([y[0], y[1]], [x], grad_outputs=[lib.tensor(1.0, dtype=lib.float64)] * 2)
    return gx, gx2, gz, gm


def test_autograd_grad_options():
    mg, th = _grad_cases(minigrad), _grad_cases(torch)
    for a, b in zip(mg, th):
        if b is None:
            assert a is None
        else:
            assert_close(a, b)


@pytest.mark.parametrize("lib", [minigrad, torch], ids=["minigrad", "torch"])
def test_autograd_grad_errors(lib):
    x = lib.ones(2, requires_grad=True)
    z = lib.ones(2, requires_grad=True)
    with pytest.raises(RuntimeError, match="appears to not have been used in the graph"):
        lib.autograd.grad((x * 2).sum(), [x, z])
    y = (x * x).sum()
    lib.autograd.grad(y, x)
    with pytest.raises(RuntimeError, match="Trying to backward through the graph a second time"):
        lib.autograd.grad(y, x)
    with pytest.raises(RuntimeError, match="grad can be implicitly created only for scalar outputs"):
        lib.autograd.grad(x * 2, x)


def test_variable_as_torch():
    for lib in (minigrad, torch):
        w = lib.ones(2, requires_grad=True)
        (w * 2).sum().backward()
        v = lib.autograd.Variable(w)
        assert (v.requires_grad, v is w, v.grad, v.is_leaf) == (False, False, None, True)
        v2 = lib.autograd.Variable(w * 2, requires_grad=True)
        assert v2.requires_grad and v2.is_leaf
        v.add_(1)  # shares w's data
        assert w.tolist() == [2.0, 2.0]
        assert isinstance(w, lib.autograd.Variable)
        with pytest.raises(TypeError, match="Variable data has to be a tensor, but got list"):
            lib.autograd.Variable([1.0])


def test_post_accumulate_hook_steps_parameter():
    """The DDP/optimizer-in-backward pattern: a post-accumulate hook updates the parameter and clears its grad."""
    for lib in (minigrad, torch):
        p = lib.tensor(np.array([1.0, 2.0], np.float32), requires_grad=True)

        def step(t, lib=lib):
            with lib.no_grad():
                t.sub_(0.5 * t.grad)
            t.grad = None
        p.register_post_accumulate_grad_hook(step)
        (p * p).sum().backward()
        assert p.grad is None
        assert p.tolist() == [0.0, 0.0]


def test_leaf_hooks_fire_once_its_gradient_is_complete_during_the_sweep():
    # as torch: the last layer's weight is complete (hooks run, .grad set) while the first layer's
    # gradient is still being computed; a leaf used twice gets one call with the summed gradient
    for lib in (torch, minigrad):
        lib.manual_seed(0)
        first, last = lib.nn.Linear(3, 4), lib.nn.Linear(4, 2)
        seen = {}
        last.weight.register_post_accumulate_grad_hook(
            lambda p: seen.setdefault("first_grad_at_last_hook", first.weight.grad))
        calls = []
        last.weight.register_hook(lambda g: calls.append(g.clone()))
        (last(first(lib.randn(5, 3)).relu()).sum() + (last.weight * 2).sum()).backward()
        assert seen["first_grad_at_last_hook"] is None, lib.__name__
        assert len(calls) == 1
        np.testing.assert_allclose(calls[0].numpy(), last.weight.grad.numpy())


def _leaf_hook_from_a_hook(lib):
    """A non-leaf's hook registers the process's first leaf hook mid-sweep; the leaf's gradient,
    not yet delivered, goes through it."""
    w = lib.ones(3, requires_grad=True)
    y = w * 2
    seen = []
    y.register_hook(lambda g: w.register_hook(lambda gw: seen.append(gw.tolist())) and None)
    y.sum().backward()
    return seen, w.grad


def test_leaf_hook_registered_during_backward(monkeypatch):
    monkeypatch.setattr(minigrad.autograd.hooks, "leaf_hooks_registered", False)  # as in a fresh process
    seen_mg, grad_mg = _leaf_hook_from_a_hook(minigrad)
    seen_th, grad_th = _leaf_hook_from_a_hook(torch)
    assert seen_mg == seen_th == [[2.0, 2.0, 2.0]]
    assert_close(grad_mg, grad_th)
