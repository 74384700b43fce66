"""The harness the loss benchmarks share: a forward + backward closure per library over the same
arrays, interleaved medians, and the pytest-benchmark case. Each bench_losses_<group>.py supplies
``make(name, size) -> (arrays, requires_grad flags, kwargs)`` and its (name, size) cases, and gets
``test_bench = pytest_case(make, CASES)`` and ``table(make, CASES)`` for its ``__main__``."""
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


def workload(lib, name, arrays, grads, kw):
    """A closure running ``F.<name>(*arrays, **kw)`` forward and backward in ``lib`` (minigrad or
    torch); the arrays flagged in ``grads`` require grad."""
    inputs = [t.requires_grad_(g) if g and t.is_floating_point() else t
              for t, g in zip(tensors(arrays, lib, grad=False), grads)]
    kw = {k: lib.tensor(v) if isinstance(v, np.ndarray) else v for k, v in kw.items()}
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


def bench(benchmark, make, name, size, lib):
    """The pytest-benchmark case: one library's workload, JIT warmed up first."""
    benchmark.group = f"{name}-{size}"
    run = workload(minigrad if lib == "minigrad" else torch, name, *make(name, size))
    run()
    benchmark(run)


def pytest_case(make, cases):
    """The pytest-benchmark test over ``cases`` for both libraries: ``test_bench = pytest_case(make, CASES)``."""
    @pytest.mark.parametrize("lib", ["minigrad", "torch"])
    @pytest.mark.parametrize("name, size", cases)
    def test_bench(benchmark, name, size, lib):
        bench(benchmark, make, name, size, lib)
    return test_bench


def _median(run, seconds):
    times, end = [], time.perf_counter() + seconds
    while time.perf_counter() < end or len(times) < 5:
        t = time.perf_counter()
        run()
        times.append(time.perf_counter() - t)
    return float(np.median(times))


def table(make, cases):
    """Print interleaved medians per (name, size) case and the ratio minigrad/torch."""
    torch.set_num_threads(os.cpu_count())
    print(f"# {platform.processor() or platform.machine()}, {os.cpu_count()} cores, torch {torch.__version__}, "
          f"numpy {np.__version__}")
    print(f"{'loss':36s} {'size':7s} {'minigrad':>12s} {'torch':>12s} {'ratio':>7s}")
    for name, size in cases:
        runs = {lib.__name__: workload(lib, name, *make(name, size)) for lib in (minigrad, torch)}
        for run in runs.values():
            run()
        med = {k: [] for k in runs}
        for _ in range(3):  # interleave the two libraries so machine noise hits both
            for k, run in runs.items():
                med[k].append(_median(run, 0.3 if size == "tiny" else 1.0))
        mg, th = np.median(med["minigrad"]), np.median(med["torch"])
        print(f"{name:36s} {size:7s} {mg * 1e6:10.1f}us {th * 1e6:10.1f}us {mg / th:7.3f}", flush=True)
