"""Samplers and DistributedSampler against torch.utils.data: indices, lengths, errors."""
import collections

import pytest
import torch
import torch.utils.data as tud
from torch.utils.data.distributed import DistributedSampler as TorchDistributedSampler

import minigrad
import minigrad.utils.data as mud
from minigrad.utils.data.distributed import DistributedSampler


def _same_error(make_mg, make_torch, exc):
    with pytest.raises(exc) as got:
        make_mg()
    with pytest.raises(exc) as want:
        make_torch()
    assert str(got.value) == str(want.value)


@pytest.mark.parametrize("n, batch, drop", [(10, 3, False), (10, 3, True), (9, 3, True), (2, 5, False), (0, 2, False)])
def test_sequential_and_batch_sampler(n, batch, drop):
    got = mud.BatchSampler(mud.SequentialSampler(range(n)), batch, drop)
    want = tud.BatchSampler(tud.SequentialSampler(range(n)), batch, drop)
    assert list(got) == list(want) and len(got) == len(want)


@pytest.mark.parametrize("args", [(0, False), (2, 1), (True, False), (2, "x")])
def test_batch_sampler_errors(args):
    _same_error(lambda: mud.BatchSampler(range(3), *args), lambda: tud.BatchSampler(range(3), *args), ValueError)


def test_random_sampler_draws():
    """Without a generator: a fresh generator seeded by ``empty((), int64).random_()``, then randperm."""
    minigrad.manual_seed(5)
    got = list(mud.RandomSampler(range(10)))
    minigrad.manual_seed(5)
    seed = minigrad.empty((), dtype=minigrad.int64).random_().item()
    assert got == minigrad.randperm(10, generator=minigrad.Generator().manual_seed(seed)).tolist()
    g = minigrad.Generator().manual_seed(2)
    got = list(mud.RandomSampler(range(4), num_samples=10, generator=g))
    g.manual_seed(2)
    want = minigrad.randperm(4, generator=g).tolist() + minigrad.randperm(4, generator=g).tolist()
    assert got == want + minigrad.randperm(4, generator=g).tolist()[:2]
    g.manual_seed(2)
    got = list(mud.RandomSampler(range(4), replacement=True, num_samples=40, generator=g))
    g.manual_seed(2)
    want = minigrad.randint(0, 4, (32,), generator=g).tolist()
    assert got == want + minigrad.randint(0, 4, (8,), generator=g).tolist()


@pytest.mark.parametrize("kwargs", [dict(), dict(replacement=True, num_samples=70), dict(num_samples=23)])
def test_random_sampler_against_torch(kwargs):
    got = list(mud.RandomSampler(range(10), generator=minigrad.Generator().manual_seed(0), **kwargs))
    want = list(tud.RandomSampler(range(10), generator=torch.Generator().manual_seed(0), **kwargs))
    assert len(got) == len(want) == len(mud.RandomSampler(range(10), **kwargs))
    assert all(0 <= i < 10 for i in got)
    if not kwargs.get("replacement"):  # whole permutations, then a piece of one
        full = len(got) // 10 * 10
        assert collections.Counter(got[:full]) == collections.Counter(want[:full])
        assert len(set(got[full:])) == len(got) - full
    assert got == want  # minigrad's generator is torch's


@pytest.mark.parametrize("kwargs, exc", [(dict(replacement=1), TypeError), (dict(num_samples=0), ValueError),
                                         (dict(num_samples=2.5), ValueError)])
def test_random_sampler_errors(kwargs, exc):
    _same_error(lambda: mud.RandomSampler(range(3), **kwargs), lambda: tud.RandomSampler(range(3), **kwargs), exc)


def test_subset_random_sampler():
    got = list(mud.SubsetRandomSampler([5, 7, 9, 11], generator=minigrad.Generator().manual_seed(4)))
    perm = minigrad.randperm(4, generator=minigrad.Generator().manual_seed(4)).tolist()
    assert got == [[5, 7, 9, 11][i] for i in perm] and len(mud.SubsetRandomSampler([1, 2])) == 2


@pytest.mark.parametrize("replacement", [True, False])
def test_weighted_and_subset_samplers_against_torch(replacement):
    weights = [0.1, 0.9, 0.4, 0.7, 3.0, 0.6]
    got = list(mud.WeightedRandomSampler(weights, 5, replacement, generator=minigrad.Generator().manual_seed(3)))
    want = list(tud.WeightedRandomSampler(weights, 5, replacement, generator=torch.Generator().manual_seed(3)))
    assert got == want
    got = list(mud.SubsetRandomSampler([5, 7, 9, 11], generator=minigrad.Generator().manual_seed(4)))
    assert got == list(tud.SubsetRandomSampler([5, 7, 9, 11], generator=torch.Generator().manual_seed(4)))


def test_weighted_random_sampler():
    weights = [0.0, 1.0, 3.0, 0.0]
    draws = list(mud.WeightedRandomSampler(weights, 4000, generator=minigrad.Generator().manual_seed(0)))
    counts = collections.Counter(draws)
    assert set(counts) == {1, 2} and 2.6 < counts[2] / counts[1] < 3.4
    got = list(mud.WeightedRandomSampler([1.0, 2.0, 3.0], 3, replacement=False))
    assert sorted(got) == [0, 1, 2] and len(mud.WeightedRandomSampler([1.0], 5)) == 5


@pytest.mark.parametrize("args, exc", [(([1.0, 2.0], 0), ValueError), (([1.0, 2.0], 2, 1), ValueError),
                                       (([[1.0, 2.0]], 2), ValueError)])
def test_weighted_random_sampler_errors(args, exc):
    _same_error(lambda: mud.WeightedRandomSampler(*args), lambda: tud.WeightedRandomSampler(*args), exc)


@pytest.mark.parametrize("weights, n, replacement", [([1.0, -1.0], 2, True), ([0.0, 0.0], 1, True),
                                                     ([1.0, 1.0], 3, False)])
def test_weighted_random_sampler_bad_distribution(weights, n, replacement):
    _same_error(lambda: list(mud.WeightedRandomSampler(weights, n, replacement)),
                lambda: list(tud.WeightedRandomSampler(weights, n, replacement)), RuntimeError)


@pytest.mark.parametrize("n", [0, 1, 7, 10, 12])
@pytest.mark.parametrize("replicas", [1, 3, 4])
@pytest.mark.parametrize("drop_last", [False, True])
def test_distributed_sampler_unshuffled(n, replicas, drop_last):
    for rank in range(replicas):
        got = DistributedSampler(range(n), replicas, rank, shuffle=False, drop_last=drop_last)
        want = TorchDistributedSampler(range(n), replicas, rank, shuffle=False, drop_last=drop_last)
        assert list(got) == list(want) and len(got) == len(want)
        assert (got.num_samples, got.total_size) == (want.num_samples, want.total_size)


@pytest.mark.parametrize("n, replicas, drop_last", [(10, 3, False), (10, 3, True), (5, 2, False)])
def test_distributed_sampler_shuffled(n, replicas, drop_last):
    for epoch in (0, 1):
        order = minigrad.randperm(n, generator=minigrad.Generator().manual_seed(3 + epoch)).tolist()
        got, want = [], []
        for rank in range(replicas):
            s = DistributedSampler(range(n), replicas, rank, seed=3, drop_last=drop_last)
            t = TorchDistributedSampler(range(n), replicas, rank, seed=3, drop_last=drop_last)
            s.set_epoch(epoch)
            t.set_epoch(epoch)
            got.append(list(s))
            want.append(list(t))
        padded = (order * 2)[:s.total_size]
        assert got == [padded[r:s.total_size:replicas] for r in range(replicas)]
        assert [len(g) for g in got] == [len(w) for w in want]
        assert got == want  # minigrad's generator is torch's


def test_distributed_sampler_errors():
    _same_error(lambda: DistributedSampler(range(3), 2, 2), lambda: TorchDistributedSampler(range(3), 2, 2),
                ValueError)
    _same_error(lambda: DistributedSampler(range(3), 2, -1), lambda: TorchDistributedSampler(range(3), 2, -1),
                ValueError)
