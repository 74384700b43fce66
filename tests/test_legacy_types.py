"""Legacy typed tensor classes: FloatTensor(...), isinstance, x.type(...), as torch."""
import pytest
import torch

import minigrad

NAMES = ["FloatTensor", "DoubleTensor", "LongTensor", "IntTensor", "ByteTensor", "BoolTensor", "HalfTensor"]


@pytest.mark.parametrize("name", NAMES)
def test_construct_and_isinstance(name):
    for data in ([1, 0, 2], [[1.5, 0.0]]):
        got, want = getattr(minigrad, name)(data), getattr(torch, name)(data)
        assert got.tolist() == want.tolist() and got.dtype.name == str(want.dtype).split(".")[1]
    assert getattr(minigrad, name)(2, 3).shape == (2, 3)
    for other in NAMES:
        x, y = getattr(minigrad, other)([1]), getattr(torch, other)([1])
        assert isinstance(x, getattr(minigrad, name)) == isinstance(y, getattr(torch, name))


@pytest.mark.parametrize("target", ["FloatTensor", "DoubleTensor", "IntTensor"])
def test_type_conversions(target):
    x, y = minigrad.tensor([1.7, -2.2]), torch.tensor([1.7, -2.2])
    for spec_mg, spec_th in ((getattr(minigrad, target), getattr(torch, target)),
                             (f"torch.{target}", f"torch.{target}")):
        got, want = x.type(spec_mg), y.type(spec_th)
        assert got.tolist() == pytest.approx(want.tolist())
        assert got.dtype.name == str(want.dtype).split(".")[1]
    assert x.type(getattr(minigrad, target)).type().split(".")[-1] == target


def test_type_name_and_errors():
    assert minigrad.zeros(2).type() == "minigrad.FloatTensor"
    assert minigrad.zeros(2, dtype=minigrad.int64).type() == "minigrad.LongTensor"
    with pytest.raises(ValueError, match="invalid type: 'torch.Nope'"):
        minigrad.zeros(2).type("torch.Nope")
    assert repr(minigrad.FloatTensor) == "<class 'minigrad.FloatTensor'>"


@pytest.mark.skipif(minigrad.cuda.is_available(), reason="asks for a GPU where there is none")
def test_type_string_names_the_device():
    x = minigrad.ones(2)
    with pytest.raises(RuntimeError):
        x.type("torch.cuda.FloatTensor")
    assert x.type("torch.DoubleTensor").device.type == "cpu"
