"""Matrix products against torch: every rank combination of ``matmul``/``@`` (values, gradients,
grad_fn names, float32/float64, broadcast batches, empty dims), ``mm``/``dot``, ``F.linear``'s op,
and float64 gradchecks."""
import numpy as np
import pytest
import torch

import minigrad
import minigrad.nn.functional as F
from tests.core_helpers import FLOATS, check, gradcheck, rand

SHAPES = [((3,), (3,)), ((2, 3), (3,)), ((3,), (3, 4)), ((2, 3), (3, 4)), ((5, 2, 3), (5, 3, 4)),
          ((5, 2, 3), (3, 4)), ((2, 3), (5, 3, 4)), ((5, 2, 3), (3,)), ((3,), (5, 3, 4)), ((4, 1, 2, 3), (5, 3, 2)),
          ((0, 3), (3, 2)), ((2, 0), (0, 4)), ((2, 3), (3, 0)), ((1, 2, 3), (1, 3, 2))]


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("shapes", SHAPES, ids=str)
def test_matmul(shapes, dtype):
    a, b = rand(shapes[0], dtype, seed=1), rand(shapes[1], dtype, seed=2)
    check(lambda x, y: x @ y, lambda x, y: x @ y, [a, b])
    check(lambda x, y: minigrad.matmul(x, y), lambda x, y: torch.matmul(x, y), [a, b])


def test_mm_dot_methods_and_one_side_grad():
    a, b = rand((2, 3), np.float64, seed=1), rand((3, 4), np.float64, seed=2)
    check(lambda x, y: x.mm(y), lambda x, y: x.mm(y), [a, b])
    check(lambda x, y: minigrad.mm(x, y), lambda x, y: torch.mm(x, y), [a, b])
    check(lambda x: x @ minigrad.tensor(b), lambda x: x @ torch.tensor(b), [a])
    check(lambda y: minigrad.tensor(a) @ y, lambda y: torch.tensor(a) @ y, [b])
    v, w = rand((3,), np.float64, seed=3), rand((3,), np.float64, seed=4)
    check(lambda x, y: x.dot(y), lambda x, y: x.dot(y), [v, w])
    check(lambda x, y: minigrad.dot(x, y), lambda x, y: torch.dot(x, y), [v, w])


def test_matmul_integer():
    a, b = np.arange(6).reshape(2, 3), np.arange(12).reshape(3, 4)
    check(lambda x, y: x @ y, lambda x, y: x @ y, [a, b], grad=False)
    check(lambda x, y: x @ y, lambda x, y: x @ y, [a[0], b], grad=False)


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("x_shape", [(4, 3), (2, 4, 3), (3,), (0, 3)], ids=str)
@pytest.mark.parametrize("bias", [True, False])
def test_linear(x_shape, bias, dtype):
    x, w, b = rand(x_shape, dtype, seed=1), rand((5, 3), dtype, seed=2), rand((5,), dtype, seed=3)
    inputs = [x, w, b] if bias else [x, w]
    check(lambda *t: F.linear(*t), lambda *t: torch.nn.functional.linear(*t), inputs)


GRADCHECK = {f"{a}@{b}": (lambda x, y: x @ y, [rand(a, seed=1), rand(b, seed=2)]) for a, b in SHAPES if 0 not in a + b}
GRADCHECK["linear"] = (lambda x, w, b: F.linear(x, w, b), [rand((2, 4, 3), seed=1), rand((5, 3), seed=2),
                                                          rand((5,), seed=3)])


@pytest.mark.parametrize("name", sorted(GRADCHECK))
def test_gradcheck(name):
    fn, inputs = GRADCHECK[name]
    assert gradcheck(fn, inputs)
