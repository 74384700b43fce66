"""Datasets and random_split against torch.utils.data."""
import warnings

import numpy as np
import pytest
import torch
import torch.utils.data as tud

import minigrad
import minigrad.utils.data as mud
from tests.compare import assert_close
from tests.utils.data_helpers import Stream


def test_tensor_dataset():
    x, y = np.arange(12.0).reshape(6, 2).astype(np.float32), np.arange(6)
    ds, ref = mud.TensorDataset(minigrad.tensor(x), minigrad.tensor(y)), tud.TensorDataset(torch.tensor(x),
                                                                                        torch.tensor(y))
    assert len(ds) == len(ref) == 6
    for i in (0, 5, -1):
        for a, b in zip(ds[i], ref[i]):
            assert_close(a, b)
    with pytest.raises(AssertionError, match="Size mismatch between tensors"):
        mud.TensorDataset(minigrad.zeros(2), minigrad.zeros(3))


def test_concat_dataset():
    parts = [list(range(3)), list(range(10, 12)), list(range(20, 24))]
    ds, ref = mud.ConcatDataset(parts), tud.ConcatDataset(parts)
    assert ds.cumulative_sizes == ref.cumulative_sizes
    assert [ds[i] for i in range(-len(ds), len(ds))] == [ref[i] for i in range(-len(ref), len(ref))]
    with pytest.raises(ValueError, match="absolute value of index should not exceed dataset length"):
        ds[-10]
    with pytest.raises(AssertionError, match="datasets should not be an empty iterable"):
        mud.ConcatDataset([])
    with pytest.raises(AssertionError, match="does not support IterableDataset"):
        mud.ConcatDataset([Stream(0, 2)])
    assert isinstance(mud.TensorDataset(minigrad.zeros(2)) + mud.TensorDataset(minigrad.zeros(3)), mud.ConcatDataset)


def test_chain_and_stack_and_subset():
    chain = mud.ChainDataset([Stream(0, 3), Stream(5, 7)])
    assert list(chain) == [0, 1, 2, 5, 6] and list(Stream(0, 2) + Stream(3, 4)) == [0, 1, 3]
    stack, ref = mud.StackDataset([1, 2], ["a", "b"]), tud.StackDataset([1, 2], ["a", "b"])
    assert stack[1] == ref[1] == (2, "b") and len(stack) == 2
    assert mud.StackDataset(x=[1, 2], y=[3, 4])[0] == tud.StackDataset(x=[1, 2], y=[3, 4])[0] == {"x": 1, "y": 3}
    for args, kwargs in (([[1], [1, 2]], {}), ([[1]], {"y": [1]})):
        with pytest.raises(ValueError) as got:
            mud.StackDataset(*args, **kwargs)
        with pytest.raises(ValueError) as want:
            tud.StackDataset(*args, **kwargs)
        assert str(got.value) == str(want.value)
    sub, ref = mud.Subset(list(range(10, 20)), [3, 1, 4]), tud.Subset(list(range(10, 20)), [3, 1, 4])
    assert [sub[i] for i in range(3)] == [ref[i] for i in range(3)] and len(sub) == 3
    assert sub.__getitems__([2, 0]) == ref.__getitems__([2, 0])


def test_base_classes_raise():
    with pytest.raises(NotImplementedError):
        mud.Dataset()[0]
    with pytest.raises(NotImplementedError):
        iter(mud.IterableDataset())


@pytest.mark.parametrize("n, lengths", [(10, [3, 7]), (10, [0.3, 0.7]), (11, [0.5, 0.5]), (10, [0.2, 0.2, 0.6]),
                                        (7, [1 / 3, 1 / 3, 1 / 3]), (3, [0.1, 0.9]), (5, [5])])
def test_random_split_sizes(n, lengths):
    with warnings.catch_warnings(record=True) as got:
        warnings.simplefilter("always")
        parts = mud.random_split(range(n), lengths, generator=minigrad.Generator().manual_seed(1))
    with warnings.catch_warnings(record=True) as want:
        warnings.simplefilter("always")
        ref = tud.random_split(range(n), lengths, generator=torch.Generator().manual_seed(1))
    assert [len(p) for p in parts] == [len(r) for r in ref]
    assert [str(w.message) for w in got] == [str(w.message) for w in want]
    assert sorted(i for p in parts for i in p) == list(range(n))
    assert [list(p) for p in parts] == [list(r) for r in ref]  # minigrad's generator is torch's


def test_random_split_draws_randperm_from_the_generator():
    parts = mud.random_split(range(9), [4, 5], generator=minigrad.Generator().manual_seed(3))
    perm = minigrad.randperm(9, generator=minigrad.Generator().manual_seed(3)).tolist()
    assert list(parts[0]) == perm[:4] and list(parts[1]) == perm[4:]


@pytest.mark.parametrize("lengths", [[3, 3], [0.5, 0.6], [-0.5, 1.5], [0.1, 0.1]])
def test_random_split_errors(lengths):
    with pytest.raises(ValueError) as got:
        mud.random_split(range(10), lengths)
    with pytest.raises(ValueError) as want:
        tud.random_split(range(10), lengths)
    assert str(got.value) == str(want.value)
