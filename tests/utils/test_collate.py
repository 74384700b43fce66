"""default_collate / default_convert against torch's on every element type they handle."""
import collections

import numpy as np
import pytest
import torch
import torch.utils.data as tud

import minigrad
import minigrad.utils.data as mud
from tests.compare import assert_close

Point = collections.namedtuple("Point", "x y")


def _same(got, want):
    """Equal structure, container types (torch -> minigrad names) and tensor values/dtypes."""
    if isinstance(want, torch.Tensor):
        assert isinstance(got, minigrad.Tensor), f"{type(got)} is not a tensor"
        assert_close(got, want)
    elif isinstance(want, dict):
        assert type(got) is type(want) and list(got) == list(want)
        for k in want:
            _same(got[k], want[k])
    elif isinstance(want, (list, tuple)):
        assert type(got) is type(want) and len(got) == len(want), (got, want)
        for a, b in zip(got, want):
            _same(a, b)
    elif isinstance(want, np.ndarray):
        assert isinstance(got, np.ndarray) and got.dtype == want.dtype and (got == want).all()
    else:
        assert type(got) is type(want) and got == want


def _samples(lib):
    """Samples of every kind default_collate handles, built for ``lib`` (torch or minigrad)."""
    return [
        [lib.tensor([1.0, 2.0]), lib.tensor([3.0, 4.0])],
        [lib.tensor(1, dtype=lib.int32), lib.tensor(2, dtype=lib.int32)],
        [np.arange(3, dtype=np.float64), np.ones(3, dtype=np.float64)],
        [np.float32(1.5), np.float32(2.5)], [np.int16(3), np.int16(4)], [np.bool_(True), np.bool_(False)],
        [1.5, 2.0], [1, 2], [True, False], ["a", "b"], [b"x", b"y"],
        [{"a": 1, "b": lib.ones(2)}, {"a": 2, "b": lib.zeros(2)}],
        [collections.OrderedDict(k=1.0), collections.OrderedDict(k=2.0)],
        [Point(1, 2.0), Point(3, 4.0)], [(1, "s"), (2, "t")], [[1, [2.0, 3]], [4, [5.0, 6]]],
        [(np.zeros((2, 2), np.float32), {"n": [1, 2]}), (np.ones((2, 2), np.float32), {"n": [3, 4]})],
    ]


@pytest.mark.parametrize("case", range(len(_samples(torch))))
def test_default_collate(case):
    _same(mud.default_collate(_samples(minigrad)[case]), tud.default_collate(_samples(torch)[case]))


@pytest.mark.parametrize("case", range(len(_samples(torch))))
def test_default_convert(case):
    for got, want in zip(_samples(minigrad)[case], _samples(torch)[case]):
        _same(mud.default_convert(got), tud.default_convert(want))


@pytest.mark.parametrize("batch, exc", [([object(), object()], TypeError), ([[1, 2], [3]], RuntimeError),
                                        ([np.array(["a"]), np.array(["b"])], TypeError), ([None, None], TypeError)])
def test_default_collate_errors(batch, exc):
    with pytest.raises(exc) as got:
        mud.default_collate(batch)
    with pytest.raises(exc) as want:
        tud.default_collate(batch)
    assert str(got.value) == str(want.value).replace("torch.", "minigrad.")


def test_collate_with_custom_map():
    def strings(batch, *, collate_fn_map=None):
        return "".join(batch)
    fn_map = {**mud._utils.collate.default_collate_fn_map, str: strings}
    assert mud.collate([("a", 1), ("b", 2)], collate_fn_map=fn_map)[0] == "ab"
