"""What a recorded node keeps of its inputs: the tensors backward saves, and for the others only an
edge (their grad_fn at recording time, shape, dtype), as torch does."""
import gc
import weakref

import numpy as np
import torch

import minigrad


def test_unsaved_input_values_are_freed():
    """relu saves its output, not its input: the input's buffer goes with the last user reference."""
    x = minigrad.randn(4, 5, requires_grad=True)
    h = x * 2  # an intermediate that only relu reads
    ref = weakref.ref(h._data)
    r = minigrad.relu(h)
    del h
    gc.collect()
    assert ref() is None
    r.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), np.where(x.detach().numpy() > 0, 2, 0))


def test_inplace_after_use_does_not_redirect_gradient():
    """``z = y + 1`` uses y before ``y.mul_(5)``: z's gradient flows to y's old grad_fn, as in torch."""
    grads = []
    for lib in (minigrad, torch):
        x = lib.ones(3, requires_grad=True)
        y = x * 2
        z = y + 1
        y.mul_(5)
        (z.sum() + y.sum()).backward()
        grads.append(x.grad.numpy())
    np.testing.assert_array_equal(*grads)


def test_saved_input_modified_in_place_still_raises():
    x = minigrad.randn(3, requires_grad=True)
    y = x * 1
    z = y * y  # saves y
    y.add_(1)
    try:
        z.sum().backward()
    except RuntimeError as e:
        assert "modified by an inplace operation" in str(e)
    else:
        raise AssertionError("expected the in-place error")
