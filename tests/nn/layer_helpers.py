"""Shared by the layer tests of issue 17: run one minigrad module and its torch twin (same
parameters and buffers) on the same input and compare outputs, input and parameter gradients and
buffers."""
import numpy as np
import torch

import minigrad
from tests.compare import assert_close


def rand(shape, dtype=np.float32, seed=0, low=-2.0, high=2.0):
    return np.random.default_rng(seed).uniform(low, high, shape).astype(dtype)


def twin(mg_module, th_module, dtype=np.float32):
    """Cast both to ``dtype`` and give torch's the minigrad module's state (parameters and buffers)."""
    if dtype == np.float64:
        mg_module.double(), th_module.double()
    th_module.load_state_dict({k: torch.tensor(v.numpy()) for k, v in mg_module.state_dict().items()})
    return mg_module, th_module


def compare_modules(mg_module, th_module, x, steps=1, rtol=None, atol=None, grad=True):
    """``steps`` forward/backward passes on ``x`` (and x + step): outputs, the gradients of the input
    and of every parameter, and every buffer after the last step, compared."""
    for step in range(steps):
        a = x + x.dtype.type(step)
        xm, xt = minigrad.tensor(a, requires_grad=grad), torch.tensor(a, requires_grad=grad)
        ym, yt = mg_module(xm), th_module(xt)
        assert_close(ym, yt, rtol=rtol, atol=atol, what=f"output, step {step}")
        if grad and yt.requires_grad:
            up = np.random.default_rng(step).standard_normal(yt.shape).astype(a.dtype)
            mg_module.zero_grad(), th_module.zero_grad()
            ym.backward(minigrad.tensor(up)), yt.backward(torch.tensor(up))
            assert_close(xm.grad, xt.grad, rtol=rtol, atol=atol, what="input grad")
            for (name, pm), pt in zip(mg_module.named_parameters(), th_module.parameters()):
                assert_close(pm.grad, pt.grad, rtol=rtol, atol=atol, what=f"grad of {name}")
    for (name, bm), (tname, bt) in zip(mg_module.named_buffers(), th_module.named_buffers()):
        assert name == tname
        assert_close(bm, bt, rtol=rtol, atol=atol, what=f"buffer {name}")
