"""Shared pieces of the core tests: input generators and a ``check`` that extends ``compare`` with
torch's grad_fn name (not a test module)."""
import numpy as np
import torch

import minigrad
from tests.compare import assert_close, compare, gradcheck  # noqa: F401 - re-exported for the core tests

FLOATS = (np.float32, np.float64)


def rand(shape, dtype=np.float32, low=-2.0, high=2.0, seed=0):
    """Uniform values in [low, high) of ``shape`` and ``dtype`` (deterministic per seed)."""
    return np.random.default_rng(seed).uniform(low, high, shape).astype(dtype)


def node_name(t):
    """The grad_fn name as each library spells it (None for no grad_fn)."""
    if t.grad_fn is None:
        return None
    return type(t.grad_fn).__name__ if isinstance(t, torch.Tensor) else t.grad_fn.name


def check(fn_mg, fn_torch, inputs, grad=True, rtol=None, atol=None):
    """``compare`` plus the grad_fn name of the result."""
    out_mg, out_th = compare(fn_mg, fn_torch, inputs, grad=grad, rtol=rtol, atol=atol)
    assert node_name(out_mg) == node_name(out_th), f"grad_fn {node_name(out_mg)} != torch {node_name(out_th)}"
    return out_mg, out_th


def both(fn, *arrays):
    """``fn`` applied to the minigrad and the torch tensor of the same numpy arrays (no grad)."""
    return fn(minigrad, *[minigrad.tensor(a) for a in arrays]), fn(torch, *[torch.tensor(a) for a in arrays])


def torch_repr(t):
    """``repr(t)`` of a minigrad tensor printed with torch's namespace."""
    from minigrad import _printing
    old, _printing.NAMESPACE = _printing.NAMESPACE, "torch"
    try:
        return repr(t)
    finally:
        _printing.NAMESPACE = old


def same_error(fn_mg, fn_torch):
    """Both calls raise the same exception type with the same message (minigrad's namespace read as torch's)."""
    import pytest
    with pytest.raises(Exception) as th:
        fn_torch()
    with pytest.raises(type(th.value)) as mg:
        fn_mg()
    assert str(mg.value).replace("minigrad.", "torch.") == str(th.value)
