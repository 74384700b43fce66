"""Datasets and helpers shared by the data-loading tests (importable, so spawned workers find them)."""
import os
import signal
import time

import numpy as np

import minigrad
from minigrad.utils.data import Dataset, IterableDataset, get_worker_info


class Squares(Dataset):
    """Sample ``i`` is ``(i, i * i)`` as numbers; ``fail_at`` raises, ``kill_at`` SIGKILLs the worker,
    ``sleep_at`` sleeps ``sleep`` seconds."""

    def __init__(self, n, fail_at=None, kill_at=None, sleep_at=None, sleep=0.0):
        self.n, self.fail_at, self.kill_at, self.sleep_at, self.sleep = n, fail_at, kill_at, sleep_at, sleep

    def __len__(self):
        return self.n

    def __getitem__(self, i):
        if i == self.fail_at:
            raise ValueError(f"bad sample {i}")
        if i == self.kill_at:
            os.kill(os.getpid(), signal.SIGKILL)
        if i == self.sleep_at:
            time.sleep(self.sleep)
        return i, i * i


class Seeds(Dataset):
    """Sample ``i`` records the worker it ran in and that worker's random draws, under the DataLoader
    of ``lib`` ("minigrad" or "torch")."""

    def __init__(self, lib="minigrad"):
        self.lib = lib

    def __len__(self):
        return 8

    def __getitem__(self, i):
        import importlib
        lib = importlib.import_module(self.lib)
        info = importlib.import_module(f"{self.lib}.utils.data").get_worker_info()
        return {"worker": info.id, "seed": info.seed, "numpy": int(np.random.randint(0, 2 ** 31)),
                "rand": float(lib.rand(()).item())}


class _Range:
    """``range(start, end)`` split between the workers in contiguous shares, as torch's docs do it."""

    def __init__(self, start, end):
        self.start, self.end = start, end

    def __iter__(self):
        info = self.worker_info()
        if info is None:
            return iter(range(self.start, self.end))
        per = -(-(self.end - self.start) // info.num_workers)
        lo = self.start + info.id * per
        return iter(range(lo, min(lo + per, self.end)))


class Stream(_Range, IterableDataset):
    worker_info = staticmethod(get_worker_info)


def torch_stream(start, end):
    """``Stream`` as a torch IterableDataset (torch is imported here only: spawned children skip it)."""
    import torch.utils.data as tud

    class TorchStream(_Range, tud.IterableDataset):
        worker_info = staticmethod(tud.get_worker_info)
    return TorchStream(start, end)


class Big(Dataset):
    """Sample ``i`` is a float32 tensor of 64 Ki elements filled with ``i`` (crosses by shared memory)."""

    def __len__(self):
        return 6

    def __getitem__(self, i):
        return minigrad.full((1 << 16,), float(i))


def shm_files():
    """This process's DataLoader shared-memory files."""
    d = "/dev/shm"
    return [f for f in os.listdir(d) if f.startswith(f"minigrad-{os.getpid()}-")] if os.path.isdir(d) else []
