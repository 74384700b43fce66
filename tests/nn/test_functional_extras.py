"""F.pad (every mode and the dims torch allows), F.normalize, F.one_hot, F.bilinear / nn.Bilinear and
F.cosine_similarity on any dim, against torch: values, gradients, grad_fn names and errors."""
import numpy as np
import pytest
import torch

import minigrad
import minigrad.nn as nn
import minigrad.nn.functional as F
from tests.compare import assert_close, gradcheck
from tests.core_helpers import check, rand

TF = torch.nn.functional

PADS = [
    ("constant", (2, 3), (4, 5)), ("constant", (1, 0, 2, 1), (2, 3, 4)), ("constant", (-1, 2), (3, 5)),
    ("constant", (1, 1, 1, 1, 1, 1), (2, 2, 2)), ("constant", (2, 1), ()),
    ("reflect", (2, 3), (2, 5)), ("reflect", (1, 2), (2, 3, 5)), ("reflect", (1, 2, 2, 1), (2, 4, 5)),
    ("reflect", (1, 1, 2, 0, 1, 2), (1, 2, 3, 4, 4)),
    ("replicate", (2, 3), (2, 5)), ("replicate", (3, 1, 0, 2), (1, 2, 3, 4)), ("replicate", (1, 1, 1, 1, 1, 1), (2, 3, 4, 2)),
    ("circular", (2, 3), (2, 2, 5)), ("circular", (1, 2, 2, 1), (1, 2, 3, 4)),
]


@pytest.mark.parametrize("dtype", (np.float32, np.float64))
@pytest.mark.parametrize("mode,pad,shape", PADS)
def test_pad(mode, pad, shape, dtype):
    if shape == ():
        shape, pad = (3,), pad
    x = rand(shape, dtype, seed=len(pad))
    check(lambda t: F.pad(t, pad, mode=mode), lambda t: TF.pad(t, pad, mode=mode), [x])
    if dtype == np.float64:
        assert gradcheck(lambda t: F.pad(t, pad, mode=mode), [x])


def test_pad_value_and_integer():
    x = np.arange(6).reshape(2, 3)
    assert_close(F.pad(minigrad.tensor(x), (1, 1), value=7), TF.pad(torch.tensor(x), (1, 1), value=7))
    check(lambda t: F.pad(t, (1, 2, 0, 1), value=-1.5), lambda t: TF.pad(t, (1, 2, 0, 1), value=-1.5),
          [rand((2, 3), np.float32)])


@pytest.mark.parametrize("call", [
    lambda f, t: f.pad(t.ones(2, 3), (3, 0), mode="reflect"),
    lambda f, t: f.pad(t.ones(3), (1, 1), mode="reflect"),
    lambda f, t: f.pad(t.ones(2, 3), (1, 2, 3)),
    lambda f, t: f.pad(t.ones(2, 3), (1, 1, 1, 1), mode="replicate"),
    lambda f, t: f.pad(t.ones(1, 2, 3), (4, 0), mode="circular"),
    lambda f, t: f.pad(t.ones(1, 2, 3), (1, 0), mode="bogus"),
    lambda f, t: f.pad(t.ones(2), (1, 1, 1, 1)),
    lambda f, t: f.pad(t.ones(2), (-2, -1)),
])
def test_pad_errors(call):
    _raises_as_torch(call)


def _raises_as_torch(call):
    with pytest.raises(Exception) as want:
        call(TF, torch)
    with pytest.raises(type(want.value)) as got:
        call(F, minigrad)
    assert str(got.value) == str(want.value)


@pytest.mark.parametrize("p,dim", [(2.0, 1), (1.0, 0), (3.0, -1), (2.0, 2)])
def test_normalize(p, dim):
    x = rand((3, 4, 2), np.float64)
    x[0, :, 0] = 0  # a zero row: divided by eps
    check(lambda t: F.normalize(t, p=p, dim=dim), lambda t: TF.normalize(t, p=p, dim=dim), [x])
    assert gradcheck(lambda t: F.normalize(t, p=p, dim=dim), [rand((3, 4, 2), np.float64, 0.5, 2)])


@pytest.mark.parametrize("num_classes", [-1, 6])
def test_one_hot(num_classes):
    idx = np.array([[0, 3], [5, 1], [2, 2]])
    assert_close(F.one_hot(minigrad.tensor(idx), num_classes), TF.one_hot(torch.tensor(idx), num_classes))
    assert F.one_hot(minigrad.tensor(np.zeros(0, np.int64)), 3).shape == (0, 3)


@pytest.mark.parametrize("call", [
    lambda f, t: f.one_hot(t.tensor([1, 5]), 3),
    lambda f, t: f.one_hot(t.tensor([1.0, 2.0])),
    lambda f, t: f.one_hot(t.tensor([-1, 2])),
    lambda f, t: f.one_hot(t.zeros(0, dtype=t.int64)),
    lambda f, t: f.bilinear(t.ones(2, 3), t.ones(3, 4), t.ones(5, 3, 4)),
    lambda f, t: f.bilinear(t.ones(2, 3), t.ones(2, 4), t.ones(5, 2, 4)),
    lambda f, t: f.bilinear(t.ones(2, 3), t.ones(2, 4), t.ones(5, 3, 5)),
    lambda f, t: f.bilinear(t.ones(2, 3), t.ones(2, 4), t.ones(5, 3, 4), t.ones(4)),
])
def test_errors(call):
    _raises_as_torch(call)


@pytest.mark.parametrize("dtype", (np.float32, np.float64))
@pytest.mark.parametrize("lead", [(4,), (2, 3), ()])
def test_bilinear(lead, dtype):
    x1, x2 = rand(lead + (3,), dtype, seed=1), rand(lead + (4,), dtype, seed=2)
    w, b = rand((5, 3, 4), dtype, seed=3), rand((5,), dtype, seed=4)
    check(F.bilinear, TF.bilinear, [x1, x2, w, b], rtol=1e-4 if dtype == np.float32 else None)
    check(F.bilinear, TF.bilinear, [x1, x2, w])
    if dtype == np.float64:
        assert gradcheck(F.bilinear, [x1, x2, w, b])


def test_bilinear_module():
    mine, theirs = nn.Bilinear(3, 4, 5), torch.nn.Bilinear(3, 4, 5)
    assert repr(mine) == repr(theirs)
    assert mine.weight.shape == (5, 3, 4) and mine.bias.shape == (5,)
    assert float(mine.weight.abs().max()) <= 1 / np.sqrt(3)
    theirs.weight.data = torch.tensor(mine.weight.detach().numpy())
    theirs.bias.data = torch.tensor(mine.bias.detach().numpy())
    check(mine, theirs, [rand((2, 3), np.float32), rand((2, 4), np.float32, seed=5)])
    assert nn.Bilinear(3, 4, 5, bias=False).bias is None


@pytest.mark.parametrize("dim", [0, 1, 2, -1, -3])
def test_cosine_similarity_any_dim(dim):
    a, b = rand((3, 4, 5), np.float64, seed=6), rand((4, 5), np.float64, seed=7)
    check(lambda x, y: F.cosine_similarity(x, y, dim=dim), lambda x, y: TF.cosine_similarity(x, y, dim=dim), [a, b])
