"""Printed results: ``repr`` of what each op returns equals torch's (with ``_printing.NAMESPACE =
"torch"``), grad_fn name and ``requires_grad=True`` included. Inputs are exact in binary so both
libraries print the same digits."""
import pytest
import torch

import minigrad
from tests.core_helpers import torch_repr

X = [[1.0, -2.0, 0.5], [4.0, 0.25, -0.75]]
EXPRS = {
    "leaf": "x", "leaf_no_grad": "lib.tensor(X)", "add": "x + 1", "radd": "1 + x", "sub": "x - y", "rsub": "2 - x",
    "mul": "x * y", "div": "x / 4", "rdiv": "2 / x", "pow": "x ** 2", "rpow": "2 ** x", "pow_t": "x.abs() ** y",
    "neg": "-x", "abs": "x.abs()", "sign": "x.sign()", "relu": "x.relu()", "exp": "(x * 0).exp()",
    "log": "x.abs().log() * 0", "sqrt": "(x * x).sqrt()", "rsqrt": "(x * x).rsqrt()", "sigmoid": "(x * 0).sigmoid()",
    "tanh": "(x * 0).tanh()", "clamp": "x.clamp(-1, 1)", "clamp_min": "x.clamp_min(0)", "clamp_max": "x.clamp_max(0)",
    "clamp_t": "x.clamp(y)", "maximum": "lib.maximum(x, y)", "minimum": "lib.minimum(x, y)",
    "where": "lib.where(x > 0, x, y)", "masked_fill": "x.masked_fill(x > 0, 0.0)", "floor": "x.floor()",
    "ceil": "x.ceil()", "round": "x.round()", "trunc": "x.trunc()", "remainder": "x % 2",
    "sum": "x.sum()", "sum_dim": "x.sum(1)", "mean": "x.mean()", "mean_dim": "x.mean(0, keepdim=True)",
    "max": "x.max()", "max_dim": "x.max(1).values", "min_dim": "x.min(0)[0]", "amax": "x.amax(1)",
    "amin": "x.amin()", "prod": "x.prod()", "prod_dim": "x.prod(1)", "var": "x.var()", "std": "(x * 0).std(1)",
    "logsumexp": "(x * 0).logsumexp(1)", "norm": "(x * 0).norm()", "softmax": "(x * 0).softmax(1)",
    "log_softmax": "(x * 0).log_softmax(1) * 0", "cumsum": "x.cumsum(1)", "sort": "x.sort(1).values",
    "topk": "x.topk(2).values", "gather": "x.gather(1, lib.tensor([[0], [2]]))",
    "matmul": "x @ y.t()", "mv": "x @ lib.tensor([1.0, 0.0, 2.0])", "dot": "x[0] @ y[1]",
    "bmm": "x[None] @ y.t()[None]",
    "view": "x.view(3, 2)", "reshape_t": "x.t().reshape(6)", "flatten": "x.flatten()", "squeeze": "x[None].squeeze()",
    "squeeze_dim": "x[None].squeeze(0)", "unsqueeze": "x.unsqueeze(1)", "permute": "x.permute(1, 0)",
    "transpose": "x.transpose(0, 1)", "t": "x.t()", "T": "x.T", "expand": "x[0].expand(2, 3)",
    "repeat": "x.repeat(1, 2)",
    "cat": "lib.cat([x, y])", "stack": "lib.stack([x, y])", "select": "x[0]", "slice": "x[1:]", "alias": "x[...]",
    "index": "x[[0, 1], [2, 0]]", "mask": "x[x > 0]", "none": "x[None]", "split": "x.split(1)[1]",
    "chunk": "x.chunk(3, 1)[0]", "unbind": "x.unbind(1)[2]", "clone": "x.clone()", "double": "x.double()",
    "to": "x.to(lib.float64)", "detach": "x.detach()", "setitem": "setitem(x)", "copy_": "copy(x, y)",
    "int_result": "lib.tensor([1, 2]) * 3", "bool_result": "x > 0", "int32": "lib.tensor([1, 2], dtype=lib.int32)",
    "empty": "x[:0]", "empty_2d": "x[:, :0]", "zero_dim": "x[0, 0]", "float64_leaf": "y.double().detach()",
    "uint8": "lib.tensor([1, 2], dtype=lib.uint8)", "empty_int": "lib.tensor([], dtype=lib.int64)",
}


def setitem(x):
    y = x * 1
    y[0] = 5.0
    return y


def copy(x, y):
    z = x * 1
    return z.copy_(y)


def evaluate(lib, expr):
    x = lib.tensor(X, requires_grad=True)
    y = lib.tensor([[0.5, 1.0, -1.0], [2.0, -0.5, 3.0]], requires_grad=True)
    return eval(expr, {"lib": lib, "x": x, "y": y, "X": X, "setitem": setitem, "copy": copy})


@pytest.mark.parametrize("name", sorted(EXPRS))
def test_repr_matches_torch(name):
    assert torch_repr(evaluate(minigrad, EXPRS[name])) == repr(evaluate(torch, EXPRS[name]))


@pytest.mark.parametrize("name", sorted(EXPRS))
def test_grad_fn_names_after_backward(name):
    """Names survive a backward pass (which frees what the nodes saved)."""
    outs = []
    for lib in (minigrad, torch):
        out = evaluate(lib, EXPRS[name])
        if out.requires_grad:
            out.sum().backward()
        outs.append(None if out.grad_fn is None else
                    (out.grad_fn.name if lib is minigrad else type(out.grad_fn).__name__))
    assert outs[0] == outs[1]


def test_size_and_dtype_repr():
    assert torch_repr(minigrad.ones(2, 3).shape) == repr(torch.ones(2, 3).shape) == "torch.Size([2, 3])"
    assert repr(minigrad.ones(2).shape) == "minigrad.Size([2])"
    assert str(minigrad.float64) == "minigrad.float64"
    assert torch_repr(minigrad.float64) == "torch.float64"
    assert torch_repr(minigrad.tensor([1.5]).double().requires_grad_()) == \
        repr(torch.tensor([1.5]).double().requires_grad_())
