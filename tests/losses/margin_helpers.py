"""Shared pieces of the margin-loss tests (not a test module): inputs, the torch comparison with the
grad_fn name, and the checks every fused loss gets (no gradient work without grad, inputs unchanged)."""
import numpy as np
import pytest
import torch

import minigrad
from tests.compare import compare

FLOATS = (np.float32, np.float64)
REDUCTIONS = ("mean", "sum", "none")


def rand(shape, dtype=np.float64, seed=0, low=-2.0, high=2.0):
    return np.random.default_rng(seed).uniform(low, high, shape).astype(dtype)


def signs(shape, dtype=np.float64, seed=1):
    return np.where(np.random.default_rng(seed).random(shape) < 0.5, -1.0, 1.0).astype(dtype)


def fns(name, **kw):
    """``F.<name>(*args, **kw)`` for minigrad and for torch; numpy arrays in ``kw`` (a weight) become
    each library's tensor."""
    def make(lib):
        kw_lib = {k: lib.tensor(v) if isinstance(v, np.ndarray) else v for k, v in kw.items()}
        return lambda *a: getattr(lib.nn.functional, name)(*a, **kw_lib)
    return make(minigrad), make(torch)


def grad_fn_name(t):
    if t.grad_fn is None:
        return None
    return type(t.grad_fn).__name__ if isinstance(t, torch.Tensor) else t.grad_fn.name


def check(name, inputs, grad=True, rtol=None, atol=None, **kw):
    """``F.<name>(*inputs, **kw)`` in both libraries: values, gradients of every float input, dtype
    and the grad_fn name."""
    fn_mg, fn_th = fns(name, **kw)
    out_mg, out_th = compare(fn_mg, fn_th, inputs, grad=grad, rtol=rtol, atol=atol)
    assert grad_fn_name(out_mg) == grad_fn_name(out_th)
    return out_mg, out_th


def raises_like_torch(name, inputs, match, **kw):
    """Both libraries raise the same exception type; minigrad's message matches ``match``."""
    fn_mg, fn_th = fns(name, **kw)
    with pytest.raises(Exception) as th:  # noqa: PT011 - the type is torch's, whatever it is
        fn_th(*[torch.tensor(a) if isinstance(a, np.ndarray) else a for a in inputs])
    with pytest.raises(th.type, match=match):
        fn_mg(*[minigrad.tensor(a) if isinstance(a, np.ndarray) else a for a in inputs])


def check_no_grad_work(monkeypatch, kernel, name, inputs, **kw):
    """Without any input requiring grad (and with grad inputs under no_grad) the kernel is asked for no
    gradients and the result has no grad_fn."""
    mod = minigrad.kernels.cpu.load(kernel)
    asked = []
    real = mod.forward

    def spy(*arrays, need_grad, **options):
        asked.append(tuple(need_grad))
        return real(*arrays, need_grad=need_grad, **options)

    monkeypatch.setattr(mod, "forward", spy)
    fn = getattr(minigrad.nn.functional, name)
    out = fn(*[minigrad.tensor(a) if isinstance(a, np.ndarray) else a for a in inputs], **kw)
    assert out.grad_fn is None and not out.requires_grad
    with minigrad.no_grad():
        leaves = [minigrad.tensor(a, requires_grad=a.dtype.kind == "f") if isinstance(a, np.ndarray) else a
                  for a in inputs]
        assert fn(*leaves, **kw).grad_fn is None
    assert asked and not any(any(a) for a in asked)


def check_inputs_unchanged(name, inputs, **kw):
    """Forward and backward leave the caller's arrays as they were."""
    before = [a.copy() for a in inputs if isinstance(a, np.ndarray)]
    leaves = [minigrad.from_numpy(a).requires_grad_(a.dtype.kind == "f") if isinstance(a, np.ndarray) else a
              for a in inputs]
    out = getattr(minigrad.nn.functional, name)(*leaves, **kw)
    out.sum().backward()
    for a, b in zip([a for a in inputs if isinstance(a, np.ndarray)], before):
        np.testing.assert_array_equal(a, b)
