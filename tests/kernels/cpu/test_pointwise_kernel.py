"""The CPU loop of the declared pointwise ops (kernels/cpu/pointwise.py): large inputs split over
threads give the same bits as one thread (elementwise: no order to change), non-contiguous and
broadcast operands, float16 through float32 as torch's half results."""
import numpy as np
import torch

import minigrad
from minigrad.kernels.cpu import _parallel
from minigrad.kernels.cpu import pointwise as P
from minigrad.ops import pointwise_math as M
from tests.compare import assert_close

SIN = next(d for d in M.TRIG if d.name == "sin")
ATAN2 = next(d for d in M.TRIG if d.name == "atan2")


def test_threads_change_no_bits():
    x = np.random.default_rng(0).uniform(-5, 5, 3 * _parallel.PARALLEL_MIN + 7).astype(np.float32)
    kernel = P._kernel(SIN)
    old = minigrad.get_num_threads()
    try:
        minigrad.set_num_threads(1)
        one = P.forward(SIN, [x], ())
        minigrad.set_num_threads(2)
        calls = kernel.split_calls
        two = P.forward(SIN, [x], ())
        grads = P.backward(SIN, np.ones_like(x), [x], None, ())
    finally:
        minigrad.set_num_threads(old)
    assert kernel.split_calls == calls + 2  # forward and backward took the threaded path
    assert np.array_equal(one, two)
    assert np.array_equal(grads[0], P.forward(next(d for d in M.TRIG if d.name == "cos"), [x], ()))


def test_layouts_and_broadcast():
    a = np.random.default_rng(1).standard_normal((4, 6)).T  # not contiguous
    b = np.random.default_rng(2).standard_normal((6, 1))
    np.testing.assert_allclose(P.forward(ATAN2, [a, b], ()), np.arctan2(a, b), rtol=1e-15)
    ga, gb = P.backward(ATAN2, np.ones((6, 4)), [a, b], None, ())
    assert ga.shape == gb.shape == (6, 4)  # at the broadcast shape: the engine sums them back


def test_float16_as_torch():
    x = np.random.default_rng(3).uniform(-3, 3, 50).astype(np.float16)
    for name in ("sin", "exp", "sigmoid", "tanh", "erf"):
        assert_close(getattr(minigrad, name)(minigrad.tensor(x)), getattr(torch, name)(torch.tensor(x)),
                     rtol=2e-3, atol=1e-3)
