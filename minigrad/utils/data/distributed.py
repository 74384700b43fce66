"""``DistributedSampler``: each of ``num_replicas`` processes takes every ``num_replicas``-th key from
rank ``rank`` on, of one (optionally shuffled) order shared by all of them."""
import importlib
import math

from .sampler import Sampler


def _process_group(what):
    """World size or rank from ``minigrad.distributed`` (torch's RuntimeError when it is missing)."""
    try:
        dist = importlib.import_module("minigrad.distributed")
    except ModuleNotFoundError:
        dist = None
    if dist is None or not getattr(dist, "is_available", lambda: False)():
        raise RuntimeError("Requires distributed package to be available")
    return dist.get_world_size() if what == "world_size" else dist.get_rank()


class DistributedSampler(Sampler):
    """Keys for one replica. The shared order is ``randperm(n)`` from a generator seeded with
    ``seed + epoch`` (``shuffle``; call ``set_epoch`` every epoch) or ``0..n-1``. It is padded by
    repeating its start up to ``total_size = num_samples * num_replicas`` with
    ``num_samples = ceil(n / num_replicas)``, or, with ``drop_last``, cut to
    ``num_samples = ceil((n - num_replicas) / num_replicas)`` per replica; replica ``rank`` takes
    ``order[rank:total_size:num_replicas]``."""

    def __init__(self, dataset, num_replicas=None, rank=None, shuffle=True, seed=0, drop_last=False):
        if num_replicas is None:
            num_replicas = _process_group("world_size")
        if rank is None:
            rank = _process_group("rank")
        if rank >= num_replicas or rank < 0:
            raise ValueError(f"Invalid rank {rank}, rank should be in the interval [0, {num_replicas - 1}]")
        self.dataset = dataset
        self.num_replicas = num_replicas
        self.rank = rank
        self.epoch = 0
        self.drop_last = drop_last
        n = len(dataset)
        if drop_last and n % num_replicas:
            self.num_samples = math.ceil((n - num_replicas) / num_replicas)
        else:
            self.num_samples = math.ceil(n / num_replicas)
        self.total_size = self.num_samples * num_replicas
        self.shuffle = shuffle
        self.seed = seed

    def __iter__(self):
        from ... import creation, random
        n = len(self.dataset)
        if self.shuffle:
            g = random.Generator().manual_seed(self.seed + self.epoch)
            indices = creation.randperm(n, generator=g).tolist()
        else:
            indices = list(range(n))
        if self.drop_last:
            indices = indices[:self.total_size]
        else:
            pad = self.total_size - len(indices)
            indices += (indices * math.ceil(pad / len(indices)))[:pad] if pad else []
        return iter(indices[self.rank:self.total_size:self.num_replicas])

    def __len__(self):
        return self.num_samples

    def set_epoch(self, epoch):
        """Make the next shuffle use ``seed + epoch``."""
        self.epoch = epoch
