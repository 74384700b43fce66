"""DataLoader in the main process against torch's: batches, lengths, orders, argument errors."""
import numpy as np
import pytest
import torch
import torch.utils.data as tud

import minigrad
import minigrad.utils.data as mud
from tests.utils.data_helpers import Squares, Stream, torch_stream
from tests.utils.test_collate import _same


def _tensor_datasets(n=10):
    x = np.arange(n * 3, dtype=np.float32).reshape(n, 3)
    y = np.arange(n) % 4
    return (mud.TensorDataset(minigrad.tensor(x), minigrad.tensor(y)),
            tud.TensorDataset(torch.tensor(x), torch.tensor(y)))


@pytest.mark.parametrize("kwargs", [dict(), dict(batch_size=4), dict(batch_size=4, drop_last=True),
                                    dict(batch_size=None), dict(batch_size=20)])
def test_batches_like_torch(kwargs):
    ds, ref = _tensor_datasets()
    got, want = list(mud.DataLoader(ds, **kwargs)), list(tud.DataLoader(ref, **kwargs))
    assert len(mud.DataLoader(ds, **kwargs)) == len(tud.DataLoader(ref, **kwargs)) == len(got)
    _same(got, want)


def test_split_tensor_dataset_like_torch():
    ds, ref = _tensor_datasets(10)
    part = mud.random_split(ds, [6, 4], generator=minigrad.Generator().manual_seed(0))[0]
    want = tud.random_split(ref, [6, 4], generator=torch.Generator().manual_seed(0))[0]
    _same(list(mud.DataLoader(part, batch_size=4)), list(tud.DataLoader(want, batch_size=4)))


def test_python_samples_and_batch_sampler():
    sampler = [[3, 1], [0], [2, 4, 5]]
    got = list(mud.DataLoader(Squares(6), batch_sampler=sampler))
    _same(got, list(tud.DataLoader(Squares(6), batch_sampler=sampler)))
    got = list(mud.DataLoader(Squares(6), sampler=[5, 0, 2], batch_size=2))
    _same(got, list(tud.DataLoader(Squares(6), sampler=[5, 0, 2], batch_size=2)))
    _same(list(mud.DataLoader(Squares(3), batch_size=2, collate_fn=lambda b: b)),
          list(tud.DataLoader(Squares(3), batch_size=2, collate_fn=lambda b: b)))


@pytest.mark.parametrize("kwargs", [dict(batch_size=3), dict(batch_size=3, drop_last=True), dict(batch_size=None)])
def test_iterable_dataset(kwargs):
    got = list(mud.DataLoader(Stream(0, 10), **kwargs))
    _same(got, list(tud.DataLoader(torch_stream(0, 10), **kwargs)))


def test_iterable_len():
    class Sized(Stream):
        def __len__(self):
            return self.end - self.start

    class TorchSized(type(torch_stream(0, 0))):
        __len__ = Sized.__len__
    for kwargs in (dict(batch_size=3), dict(batch_size=3, drop_last=True), dict(batch_size=None)):
        assert len(mud.DataLoader(Sized(0, 10), **kwargs)) == len(tud.DataLoader(TorchSized(0, 10), **kwargs))


def test_shuffle_draws():
    """The iterator draws the workers' base seed first, then the sampler seeds its own generator."""
    ds, _ = _tensor_datasets(10)
    minigrad.manual_seed(11)
    got = [y.item() for _, y in mud.DataLoader(ds, batch_size=None, shuffle=True)]
    minigrad.manual_seed(11)
    minigrad.empty((), dtype=minigrad.int64).random_()
    seed = minigrad.empty((), dtype=minigrad.int64).random_().item()
    order = minigrad.randperm(10, generator=minigrad.Generator().manual_seed(seed)).tolist()
    assert got == [(i % 4) for i in order]
    g = minigrad.Generator().manual_seed(1)
    got = [y.tolist() for _, y in mud.DataLoader(ds, batch_size=5, shuffle=True, generator=g)]
    g.manual_seed(1)
    g_base = minigrad.empty((), dtype=minigrad.int64).random_(generator=g)  # noqa: F841 - the base seed
    order = minigrad.randperm(10, generator=g).tolist()
    assert got == [[i % 4 for i in order[:5]], [i % 4 for i in order[5:]]]


def test_shuffle_against_torch():
    ds, ref = _tensor_datasets(16)
    minigrad.manual_seed(3)
    torch.manual_seed(3)
    got = [y.tolist() for _, y in mud.DataLoader(ds, batch_size=4, shuffle=True)]
    want = [y.tolist() for _, y in tud.DataLoader(ref, batch_size=4, shuffle=True)]
    assert sorted(sum(got, [])) == sorted(sum(want, []))
    assert got == want  # minigrad's generator is torch's


BAD_ARGS = [dict(num_workers=-1), dict(timeout=-1), dict(prefetch_factor=2), dict(persistent_workers=True),
            dict(num_workers=1, prefetch_factor=-1), dict(sampler=[0], shuffle=True),
            dict(batch_sampler=[[0]], batch_size=2), dict(batch_sampler=[[0]], shuffle=True),
            dict(batch_sampler=[[0]], sampler=[0]), dict(batch_sampler=[[0]], drop_last=True),
            dict(batch_size=None, drop_last=True), dict(multiprocessing_context="fork"),
            dict(num_workers=1, multiprocessing_context="nope"), dict(num_workers=1, multiprocessing_context=3)]


@pytest.mark.parametrize("kwargs", BAD_ARGS)
def test_argument_errors(kwargs):
    with pytest.raises((ValueError, TypeError)) as got:
        mud.DataLoader(Squares(3), **kwargs)
    with pytest.raises((ValueError, TypeError)) as want:
        tud.DataLoader(Squares(3), **kwargs)
    assert type(got.value) is type(want.value) and str(got.value) == str(want.value)


@pytest.mark.parametrize("kwargs", [dict(shuffle=True), dict(sampler=[0]), dict(batch_sampler=[[0]])])
def test_iterable_dataset_argument_errors(kwargs):
    with pytest.raises(ValueError) as got:
        mud.DataLoader(Stream(0, 3), **kwargs)
    with pytest.raises(ValueError) as want:
        tud.DataLoader(torch_stream(0, 3), **kwargs)
    assert str(got.value).split(" option")[0] == str(want.value).split(" option")[0]


def test_pin_memory_is_accepted():
    with pytest.warns(UserWarning) as got:
        batches = list(mud.DataLoader(Squares(3), batch_size=2, pin_memory=True))
    with pytest.warns(UserWarning) as want:
        list(tud.DataLoader(Squares(3), batch_size=2, pin_memory=True))
    assert [str(w.message) for w in got] == [str(w.message) for w in want]
    _same(batches, list(tud.DataLoader(Squares(3), batch_size=2)))


def test_frozen_attributes():
    loader = mud.DataLoader(Squares(3))
    with pytest.raises(ValueError, match="batch_size attribute should not be set after DataLoader is initialized"):
        loader.batch_size = 2
    loader.num_workers = 0  # not frozen, as in torch


def test_no_worker_info_in_main_process():
    assert mud.get_worker_info() is None
