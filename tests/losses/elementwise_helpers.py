"""Shared pieces of the elementwise-loss tests (not a test module): input makers and the torch
comparison that lets some inputs stay constants (targets torch cannot differentiate, weights given
as keyword arrays)."""
import numpy as np
import pytest
import torch

import minigrad
from tests.compare import compare
from tests.losses.margin_helpers import grad_fn_name, rand


def unit(shape, dtype=np.float64, seed=1, low=0.0, high=1.0):
    """Values in [low, high] (probabilities, positive variances)."""
    return rand(shape, dtype, seed, low, high)


def counts(shape, dtype=np.float64, seed=1):
    return np.random.default_rng(seed).integers(0, 6, shape).astype(dtype)


def fns(name, **kw):
    """``F.<name>`` of minigrad and of torch with ``kw``; numpy keyword values (weights) become each
    library's tensors."""
    def bind(lib):
        f = getattr(lib.nn.functional, name)
        k = {a: lib.tensor(v) if isinstance(v, np.ndarray) else v for a, v in kw.items()}
        return lambda *a: f(*a, **k)
    return bind(minigrad), bind(torch)


def check(name, inputs, fixed=(), rtol=None, atol=None, **kw):
    """``F.<name>(*inputs, **kw)`` in both libraries: value, dtype, grad_fn name and the gradient of
    every float input except those at the ``fixed`` positions (passed as constants)."""
    def call(f, lib):
        const = {i: lib.tensor(inputs[i]) for i in fixed}

        def run(*free):
            it = iter(free)
            return f(*[const[i] if i in const else next(it) for i in range(len(inputs))])
        return run

    f_mg, f_th = fns(name, **kw)
    free = [a for i, a in enumerate(inputs) if i not in fixed]
    out_mg, out_th = compare(call(f_mg, minigrad), call(f_th, torch), free, rtol=rtol, atol=atol)
    assert grad_fn_name(out_mg) == grad_fn_name(out_th)
    return out_mg, out_th


def raises_like_torch(name, inputs, match, **kw):
    """Both libraries raise the same exception type; minigrad's message matches ``match``."""
    f_mg, f_th = fns(name, **kw)
    with pytest.raises(Exception) as th:
        f_th(*[torch.tensor(a) if isinstance(a, np.ndarray) else a for a in inputs])
    with pytest.raises(th.type, match=match):
        f_mg(*[minigrad.tensor(a) if isinstance(a, np.ndarray) else a for a in inputs])
