"""Data loading and checkpoints against torch, on the same data.

    data/tensor_dataset          one epoch of DataLoader(TensorDataset(x, y), batch_size=64, shuffle=True),
                                 x 8192×32 float32, y int64, num_workers=0: the loader's own per-batch
                                 overhead (≤ 0.5× torch)
    data/python_dataset_2workers one epoch of a map dataset whose Python ``__getitem__`` builds a 3×32×32
                                 float32 sample from numpy, batch_size=64, 2048 samples, num_workers=2,
                                 worker start and shutdown included (as a training epoch pays them)
    serialization/save_100MB     save a 100 MB state_dict (25 float32 tensors of 1M) to a file (≤ 1×)
    serialization/load_100MB     load that file (written by torch) (≤ 1×)

    minigrad bench --filter data
    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE python -m pytest benchmarks/bench_data.py --benchmark-only
"""
import os
import tempfile

import numpy as np
import torch

import minigrad
from _harness import Case, pytest_case

LIBS = {"minigrad": minigrad, "torch": torch}
_tmp = tempfile.mkdtemp(prefix="bench_data-")


def _epoch(loader):
    def run():
        for _ in loader:
            pass
    return run


def tensor_dataset():
    rng = np.random.default_rng(0)
    x, y = rng.standard_normal((8192, 32), dtype=np.float32), rng.integers(0, 10, 8192)
    return {name: _epoch(lib.utils.data.DataLoader(
        lib.utils.data.TensorDataset(lib.tensor(x), lib.tensor(y)), batch_size=64, shuffle=True))
        for name, lib in LIBS.items()}


class Images:
    """A map dataset in the tutorials' style: a Python ``__getitem__`` reading numpy, returning a
    tensor and an int label."""

    def __init__(self, lib, n=2048):
        rng = np.random.default_rng(1)
        self.lib, self.x, self.y = lib, rng.integers(0, 256, (n, 3, 32, 32), dtype=np.uint8), rng.integers(0, 10, n)

    def __len__(self):
        return len(self.y)

    def __getitem__(self, i):
        image = self.x[i].astype(np.float32) / 255.0
        return self.lib.from_numpy((image - 0.5) / 0.25), int(self.y[i])


def python_dataset():
    return {name: _epoch(lib.utils.data.DataLoader(Images(lib), batch_size=64, num_workers=2))
            for name, lib in LIBS.items()}


def _state_dict(lib):
    rng = np.random.default_rng(2)
    return {f"layer{i}.weight": lib.tensor(rng.standard_normal((1024, 1024), dtype=np.float32)) for i in range(25)}


def save_100mb():
    fns = {}
    for name, lib in LIBS.items():
        sd, path = _state_dict(lib), os.path.join(_tmp, f"save-{name}.pt")
        fns[name] = lambda lib=lib, sd=sd, path=path: lib.save(sd, path)
    return fns


def load_100mb():
    path = os.path.join(_tmp, "load.pt")
    torch.save(_state_dict(torch), path)
    return {name: (lambda lib=lib: lib.load(path)) for name, lib in LIBS.items()}


def cases(device="cpu"):
    return [
        Case("data/tensor_dataset", tensor_dataset, target=0.5, rounds=5),
        Case("data/python_dataset_2workers", python_dataset, target=1.0, rounds=5,
             note="worker processes started and stopped in every epoch"),
        Case("serialization/save_100MB", save_100mb, target=1.0, rounds=5),
        Case("serialization/load_100MB", load_100mb, target=1.0, rounds=5),
    ]


test_bench = pytest_case(cases)
