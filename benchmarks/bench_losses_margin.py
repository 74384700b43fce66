"""The margin and distance losses against torch, forward + backward, float32, on the same inputs.

Sizes: tiny is 64x10 for every loss; medium is 2048x2048 (4M elements) for the elementwise losses,
8192x1000 for the multi-class ones, 8192x128 for the triplet losses and 8192x512 for the row
distances. Inputs that a network would produce require grad; targets do not.

    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE python benchmarks/bench_losses_margin.py
        # interleaved medians and the ratio minigrad/torch per loss and size
    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE pytest benchmarks/bench_losses_margin.py
        # the same workloads as pytest-benchmark groups
"""
import os
import platform
import sys
import time

import numpy as np
import pytest
import torch

import minigrad

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "tests"))
from compare import tensors  # noqa: E402 - the tests' helper builds both sides from the same arrays

TINY = (64, 10)
MEDIUM = {"elementwise": (2048, 2048), "classes": (8192, 1000), "triplet": (8192, 128), "rows": (8192, 512)}


def _rng(seed):
    return np.random.default_rng(seed)


def _x(shape, seed=0):
    return _rng(seed).standard_normal(shape, dtype=np.float32)


def _signs(shape, seed=1):
    return np.where(_rng(seed).random(shape) < 0.5, -1.0, 1.0).astype(np.float32)


def _multilabel(shape, seed=2):
    """Up to 4 labels per row, then −1 and junk."""
    N, C = shape
    t = _rng(seed).integers(0, C, shape)
    t[np.arange(N), _rng(seed + 1).integers(1, min(C, 5), N)] = -1
    return t


# name -> (kind of medium size, make(shape) -> (inputs, which require grad), kwargs)
LOSSES = {
    "margin_ranking_loss": ("elementwise", lambda s: ([_x(s), _x(s, 1), _signs(s)], (True, True, False)), {}),
    "hinge_embedding_loss": ("elementwise", lambda s: ([_x(s), _signs(s)], (True, False)), {}),
    "multilabel_margin_loss": ("classes", lambda s: ([_x(s), _multilabel(s)], (True, False)), {}),
    "multilabel_soft_margin_loss": ("classes", lambda s: ([_x(s), (_x(s, 1) > 0).astype(np.float32)],
                                                          (True, False)), {}),
    "multi_margin_loss": ("classes", lambda s: ([_x(s), _rng(3).integers(0, s[1], s[0])], (True, False)), {}),
    "triplet_margin_loss": ("triplet", lambda s: ([_x(s), _x(s, 1), _x(s, 2)], (True, True, True)), {}),
    "triplet_margin_with_distance_loss": ("triplet", lambda s: ([_x(s), _x(s, 1), _x(s, 2)], (True, True, True)),
                                          {}),
    "pairwise_distance": ("rows", lambda s: ([_x(s), _x(s, 1)], (True, True)), {}),
    "cosine_embedding_loss": ("rows", lambda s: ([_x(s), _x(s, 1), _signs(s[:1])], (True, True, False)), {}),
    "cosine_similarity": ("rows", lambda s: ([_x(s), _x(s, 1)], (True, True)), {}),
}


def workload(lib, name, size):
    """A closure running ``F.<name>`` forward and backward in ``lib`` (minigrad or torch)."""
    kind, make, kw = LOSSES[name]
    arrays, grads = make(TINY if size == "tiny" else MEDIUM[kind])
    inputs = [t.requires_grad_(g) if g and t.is_floating_point() else t
              for t, g in zip(tensors(arrays, lib, grad=False), grads)]
    fn = getattr(lib.nn.functional, name)
    leaves = [t for t in inputs if t.requires_grad]
    ones = None

    def run():
        nonlocal ones
        for t in leaves:
            t.grad = None
        out = fn(*inputs, **kw)
        if out.ndim:
            ones = lib.ones_like(out) if ones is None else ones
            out.backward(ones)
        else:
            out.backward()
    return run


CASES = [(name, size) for name in LOSSES for size in ("tiny", "medium")]


@pytest.mark.parametrize("lib", ["minigrad", "torch"])
@pytest.mark.parametrize("name, size", CASES)
def test_bench(benchmark, name, size, lib):
    benchmark.group = f"{name}-{size}"
    run = workload(minigrad if lib == "minigrad" else torch, name, size)
    run()  # JIT warm-up
    benchmark(run)


def _median(run, seconds):
    times, end = [], time.perf_counter() + seconds
    while time.perf_counter() < end or len(times) < 5:
        t = time.perf_counter()
        run()
        times.append(time.perf_counter() - t)
    return float(np.median(times))


def main():
    torch.set_num_threads(os.cpu_count())
    print(f"# {platform.processor() or platform.machine()}, {os.cpu_count()} cores, torch {torch.__version__}, "
          f"numpy {np.__version__}")
    print(f"{'loss':36s} {'size':7s} {'minigrad':>12s} {'torch':>12s} {'ratio':>7s}")
    for name, size in CASES:
        runs = {lib.__name__: workload(lib, name, size) for lib in (minigrad, torch)}
        for run in runs.values():
            run()
        med = {k: [] for k in runs}
        for _ in range(3):  # interleave the two libraries so machine noise hits both
            for k, run in runs.items():
                med[k].append(_median(run, 0.3 if size == "tiny" else 1.0))
        mg, th = np.median(med["minigrad"]), np.median(med["torch"])
        print(f"{name:36s} {size:7s} {mg * 1e6:10.1f}us {th * 1e6:10.1f}us {mg / th:7.3f}")


if __name__ == "__main__":
    main()
