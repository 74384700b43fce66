"""Indexing behaviour tutorials rely on: in-place changes through a fully indexed element or a view
(values, versions and gradients as torch)."""
import numpy as np
import pytest
import torch

import minigrad
from tests.compare import assert_close

EDITS = {
    "iadd_element": lambda v: v.__setitem__(1, v[1].__iadd__(1)),  # v[1] += 1
    "add_element": lambda v: v[2].add_(2),
    "zero_element": lambda v: v[0].zero_(),
    "assign_element": lambda v: v.__setitem__(1, 5.0),
    "row_mul": lambda v: v[1].mul_(3),
    "column_fill": lambda v: v[:, 1].fill_(-1),
    "nested_element": lambda v: v[1][2].sub_(4),
    "split_part": lambda v: v.split(1)[0].mul_(2),
    "unbind_part": lambda v: v.unbind(1)[2].add_(10),
}


def _run(lib, edit, dtype, grad):
    w = lib.tensor(np.arange(6, dtype=dtype).reshape(2, 3), requires_grad=grad)
    v = w * 2 if grad else w.clone()
    edit(v)
    if grad:
        v.backward(lib.tensor(np.arange(1, 7, dtype=dtype).reshape(2, 3)))
    return v, (w.grad if grad else None)


@pytest.mark.parametrize("grad", [False, True])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("edit", sorted(EDITS))
def test_inplace_through_view(edit, dtype, grad):
    if edit in ("iadd_element", "add_element", "zero_element", "assign_element"):
        fn = EDITS[edit]
        edit_fn = lambda v: fn(v.view(-1))  # noqa: E731 - the 1-D vector case of a tutorial
    else:
        edit_fn = EDITS[edit]
    if grad and edit in ("split_part", "unbind_part"):  # outputs of multi-view functions: torch refuses
        for lib in (minigrad, torch):
            with pytest.raises(RuntimeError, match=r"Output \d of (Split|Unbind) is a view and is being modified"):
                _run(lib, edit_fn, dtype, grad)
        return
    got, got_grad = _run(minigrad, edit_fn, dtype, grad)
    want, want_grad = _run(torch, edit_fn, dtype, grad)
    assert_close(got.detach(), want.detach())
    if grad:
        assert_close(got_grad, want_grad)


def test_element_is_a_zero_dim_view():
    v = minigrad.zeros(3)
    e = v[1]
    assert e.shape == () and e._data.base is not None
    e += 4
    assert v.tolist() == [0.0, 4.0, 0.0]
    assert v._version[0] == e._version[0] == 1


def test_inplace_on_view_of_leaf_raises():
    w = minigrad.ones(3, requires_grad=True)
    with pytest.raises(RuntimeError, match="view of a leaf Variable"):
        w[1].add_(1)


def test_rebased_view_graph_names():
    w = minigrad.ones(3, requires_grad=True)
    y = w * 2
    e = y[1]
    e.add_(1)
    assert y.grad_fn.name == "CopySlices"
    assert e.grad_fn.name == "AsStridedBackward0"
