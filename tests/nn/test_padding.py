"""Padding layers (ConstantPad, ZeroPad, ReflectionPad, ReplicationPad, CircularPad in 1-3 dims)
against torch.nn: values, gradients, reprs, errors, and float64 gradchecks."""
import numpy as np
import pytest
import torch

import minigrad
import minigrad.nn as mnn
from tests.compare import compare, gradcheck
from tests.core_helpers import same_error

CASES = [  # (name, args, input shape)
    ("ConstantPad1d", (2, 3.5), (2, 3, 5)),
    ("ConstantPad2d", ((1, 0, 2, 3), -1.0), (2, 4, 5)),
    ("ConstantPad3d", (1, 0.5), (1, 2, 3, 3, 3)),
    ("ZeroPad1d", ((1, 2),), (3, 4)),
    ("ZeroPad2d", (1,), (1, 2, 3, 4)),
    ("ZeroPad2d", ((-1, 1, 0, 2),), (1, 2, 3, 4)),
    ("ZeroPad3d", ((1, 0, 0, 1, 1, 0),), (2, 2, 2, 3)),
    ("ReflectionPad1d", (2,), (2, 3, 5)),
    ("ReflectionPad2d", ((1, 2, 2, 0),), (1, 2, 4, 5)),
    ("ReflectionPad3d", (1,), (1, 1, 3, 3, 3)),
    ("ReplicationPad1d", ((3, 1),), (2, 2, 4)),
    ("ReplicationPad2d", (2,), (1, 2, 3, 3)),
    ("ReplicationPad3d", ((1, 0, 0, 1, 1, 0),), (1, 1, 2, 3, 3)),
    ("CircularPad1d", (1,), (2, 2, 4)),
    ("CircularPad2d", ((1, 2, 0, 1),), (1, 2, 3, 4)),
    ("CircularPad3d", (1,), (1, 1, 2, 3, 3)),
]


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name, args, shape", CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_padding_layers_match_torch(name, args, shape, dtype):
    x = np.random.default_rng(0).standard_normal(shape).astype(dtype)
    m, t = getattr(mnn, name)(*args), getattr(torch.nn, name)(*args)
    assert repr(m) == repr(t)
    assert m.padding == t.padding and getattr(m, "value", None) == getattr(t, "value", None)
    compare(m, t, [x])
    if dtype == np.float64:
        assert gradcheck(m, [x])


def test_zero_pad_is_a_constant_pad_as_torch():
    assert isinstance(mnn.ZeroPad2d(1), mnn.ConstantPad2d) == isinstance(torch.nn.ZeroPad2d(1), torch.nn.ConstantPad2d)


@pytest.mark.parametrize("name, arg, shape", [("ReflectionPad1d", 3, (1, 1, 3)), ("ReflectionPad2d", 1, (3,)),
                                              ("CircularPad1d", 5, (1, 1, 2))])
def test_padding_errors_as_torch(name, arg, shape):
    same_error(lambda: getattr(mnn, name)(arg)(minigrad.ones(*shape)),
               lambda: getattr(torch.nn, name)(arg)(torch.ones(*shape)))
