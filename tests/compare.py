"""Run the same computation in minigrad and in torch and compare values and gradients.

Shared by tests and benchmarks: ``inputs`` are numpy arrays; each side gets its own tensors built
from them (float arrays require grad unless ``grad=False``)."""
import numpy as np
import torch

import minigrad

TOL = {np.dtype(np.float32): dict(rtol=1e-4, atol=1e-5), np.dtype(np.float64): dict(rtol=1e-7, atol=1e-9)}


def tensors(inputs, lib, grad=True):
    """Leaf tensors of ``lib`` (minigrad or torch) from numpy arrays; non-arrays pass through."""
    out = []
    for a in inputs:
        if isinstance(a, np.ndarray):
            t = lib.tensor(a.copy())
            if grad and a.dtype.kind == "f":
                t.requires_grad_(True)
            out.append(t)
        else:
            out.append(a)
    return out


def as_numpy(x):
    if isinstance(x, torch.Tensor):
        return x.detach().numpy()
    if isinstance(x, minigrad.Tensor):
        return x.detach().numpy()
    return np.asarray(x)


def assert_close(got, want, dtype=None, rtol=None, atol=None, what="value"):
    got, want = as_numpy(got), as_numpy(want)
    assert got.shape == want.shape, f"{what}: shape {got.shape} != torch {want.shape}"
    assert got.dtype == want.dtype, f"{what}: dtype {got.dtype} != torch {want.dtype}"
    tol = dict(TOL.get(np.dtype(dtype or got.dtype), dict(rtol=0, atol=0)))
    tol.update({k: v for k, v in (("rtol", rtol), ("atol", atol)) if v is not None})
    np.testing.assert_allclose(got, want, equal_nan=True, err_msg=what, **tol)


def compare(fn_mg, fn_torch, inputs, grad=True, rtol=None, atol=None, upstream_seed=0):
    """Evaluate both functions on the same inputs; compare outputs and, when ``grad``, the gradients
    of every float input under a random upstream gradient. Returns (minigrad out, torch out)."""
    mg_in, th_in = tensors(inputs, minigrad, grad), tensors(inputs, torch, grad)
    out_mg, out_th = fn_mg(*mg_in), fn_torch(*th_in)
    assert_close(out_mg, out_th, rtol=rtol, atol=atol)
    if grad and out_th.requires_grad:
        up = np.random.default_rng(upstream_seed).standard_normal(out_th.shape).astype(as_numpy(out_th).dtype)
        out_th.backward(torch.tensor(up))
        out_mg.backward(minigrad.tensor(up))
        for i, (a, b) in enumerate(zip(mg_in, th_in)):
            if isinstance(b, torch.Tensor) and b.requires_grad:
                if b.grad is None:
                    assert a.grad is None or not np.any(as_numpy(a.grad)), f"input {i}: torch grad None"
                else:
                    assert a.grad is not None, f"input {i}: minigrad grad is None"
                    assert_close(a.grad, b.grad, rtol=rtol, atol=atol, what=f"grad of input {i}")
    return out_mg, out_th


def gradcheck(fn, inputs, **kw):
    """minigrad's float64 finite-difference check on ``fn`` over numpy ``inputs``."""
    mg_in = tensors([a.astype(np.float64) if isinstance(a, np.ndarray) and a.dtype.kind == "f" else a
                     for a in inputs], minigrad)
    return minigrad.autograd.gradcheck(fn, tuple(mg_in), **kw)
