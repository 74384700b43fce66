"""``grad_fn.next_functions`` as torch: leaves as AccumulateGrad nodes, torch's input order, and the
nodes F.linear records."""
import pytest
import torch

import minigrad


def _walk(fn):
    """The graph below ``fn`` as nested (name, children) tuples."""
    if fn is None:
        return None
    name = fn.name if isinstance(fn.name, str) else type(fn).__name__
    return name, tuple(_walk(f) for f, _ in fn.next_functions)


def _linear_graph(lib, shape, bias, x_grad):
    w = lib.ones(2, 3, requires_grad=True)
    b = lib.ones(2, requires_grad=True) if bias else None
    x = lib.ones(*shape, requires_grad=x_grad)
    return _walk(lib.nn.functional.linear(x, w, b).grad_fn)


@pytest.mark.parametrize("x_grad", [False, True])
@pytest.mark.parametrize("bias", [False, True])
@pytest.mark.parametrize("shape", [(4, 3), (3,), (2, 4, 3)])
def test_linear_graph(shape, bias, x_grad):
    assert _linear_graph(minigrad, shape, bias, x_grad) == _linear_graph(torch, shape, bias, x_grad)


@pytest.mark.parametrize("expr", [
    lambda lib, a, c: a * 2,
    lambda lib, a, c: a * c,
    lambda lib, a, c: (a + c).sum(),
    lambda lib, a, c: lib.cat([c, a]),
    lambda lib, a, c: (a.exp() * c).mean(),
])
def test_graph_of_expressions(expr):
    graphs = []
    for lib in (minigrad, torch):
        a, c = lib.ones(3, requires_grad=True), lib.ones(3)
        graphs.append(_walk(expr(lib, a, c).grad_fn))
    assert graphs[0] == graphs[1]


def test_accumulate_grad_node_is_one_per_leaf():
    a = minigrad.ones(3, requires_grad=True)
    node = (a * 2).grad_fn.next_functions[0][0]
    assert node.variable is a and node.next_functions == ()
    assert (a * 3).grad_fn.next_functions[0][0] is node
    assert repr(node).startswith("<AccumulateGrad object at 0x")
