"""The documents' tiny model step: Linear(10, 5) → ReLU → Linear(5, 3) on a batch of 64, cross entropy,
``zero_grad``, ``backward``, SGD ``step``; timed for minigrad and torch in the same run from the same
initial weights and batch. Python overhead per op decides this workload (target: minigrad ≤ 0.4× torch).

    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE python -m pytest benchmarks/bench_tiny_step.py --benchmark-only

The median ratio minigrad/torch is printed after the two cases and stored in each case's ``extra_info``.
Both run single-threaded (torch's intra-op pool is set to one thread for its case: these ops are far below
its parallel grain, and on a shared machine an idle pool only adds contention), and the timer is the
process's CPU time, so other load on the machine does not inflate either side."""
import time

import numpy as np
import pytest
import torch

import minigrad

LIBS = {"torch": torch, "minigrad": minigrad}  # torch first: the minigrad case reports the ratio
MEDIANS = {}


def tiny_step(lib):
    """A step closure over a fresh model of ``lib`` holding the same weights and batch as every other."""
    minigrad.manual_seed(0)
    ref = minigrad.nn.Sequential(minigrad.nn.Linear(10, 5), minigrad.nn.ReLU(), minigrad.nn.Linear(5, 3))
    nn = lib.nn
    net = nn.Sequential(nn.Linear(10, 5), nn.ReLU(), nn.Linear(5, 3))
    net.load_state_dict({k: lib.tensor(v.numpy()) for k, v in ref.state_dict().items()})
    rng = np.random.default_rng(0)
    x = lib.tensor(rng.standard_normal((64, 10)).astype(np.float32))
    y = lib.tensor(rng.integers(0, 3, 64))
    criterion = nn.CrossEntropyLoss()
    optimizer = lib.optim.SGD(net.parameters(), lr=0.01)

    def step():
        loss = criterion(net(x), y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        return loss
    return step


@pytest.fixture(scope="module")
def ratio_report(request):
    yield
    if len(MEDIANS) == 2:
        ratio = MEDIANS["minigrad"] / MEDIANS["torch"]
        with request.config.pluginmanager.getplugin("capturemanager").global_and_fixture_disabled():
            print(f"\ntiny step: minigrad {MEDIANS['minigrad'] * 1e6:.1f} us, torch {MEDIANS['torch'] * 1e6:.1f} us "
                  f"(median); minigrad/torch = {ratio:.3f} (target <= 0.4)")


@pytest.fixture
def one_torch_thread():
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


@pytest.mark.benchmark(group="tiny_step", warmup=True, timer=time.process_time)
@pytest.mark.parametrize("name", list(LIBS))
def test_tiny_step(benchmark, ratio_report, one_torch_thread, name):
    step = tiny_step(LIBS[name])
    for _ in range(50):  # JIT compilation and allocator warm-up outside the timing
        step()
    benchmark(step)
    MEDIANS[name] = benchmark.stats.stats.median
    if name == "minigrad" and "torch" in MEDIANS:
        benchmark.extra_info["minigrad_over_torch"] = MEDIANS["minigrad"] / MEDIANS["torch"]
