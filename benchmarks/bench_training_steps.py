"""Whole training steps against torch: ``zero_grad``, forward, ``CrossEntropyLoss``, ``backward``, SGD
``step``, on models of each library holding the same initial weights and the same batch (float32).

    tiny_mlp_step       the documents' Net: Linear(10, 5) → relu → Linear(5, 3), batch 64 (≤ 0.35× torch, issue 20)
    mnist_mlp_step      the same Net at MNIST size: Linear(784, 256) → relu → Linear(256, 10), batch 128
                        (≤ 0.7×)
    segmentation_step   the documents' segmentation Net: Conv2d(3, 64, 3, padding=1) → relu → max_pool2d(2)
                        → Conv2d(64, 128, 3, padding=1) → relu → max_pool2d(2) → Conv2d(128, 2, 3,
                        padding=1), batch 4 of 3×64×64, targets 4×16×16 (≤ 1.0×)
    <step>/peak_memory  how far a step raises the resident memory above the model and the batch
                        (gradients, activations, temporaries; ≤ torch's), in a fresh process per
                        library and round (``peak_growth`` below)

Peak memory compares what the step itself allocates, not the processes: the libraries' imports
(numba and LLVM for minigrad, torch's own libraries) and their loaded kernels are in the baseline
that is subtracted, so a library is charged only for the gradients, the activations its graph
keeps for backward and the temporaries of forward, backward and the optimizer step. What each
step holds at its peak (measured with tracemalloc, float32):

    mnist_mlp_step     the Linear(784, 256) gradient (0.8 MB) in both; both SGD steps update the
                       parameters in place
    segmentation_step  the activations backward reads (relu outputs, pooling indices, conv inputs:
                       11 MB in both) plus the gradients flowing back

    minigrad bench --filter training_steps
    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE python -m pytest benchmarks/bench_training_steps.py --benchmark-only

Each library runs with whichever of one thread or its default is faster for the step
(``_harness.fastest_threads``).
"""
import gc
import os
import subprocess
import sys
from typing import Callable, NamedTuple

import numpy as np
import torch

import minigrad
from minigrad.examples.segmentation import segmentation_net
from _harness import Case, pytest_case
from tests.compare import tensors

LIBS = {"minigrad": minigrad, "torch": torch}


def mlp(lib, sizes):
    """The documents' ``Net``: fc1 → relu → fc2, with layer sizes ``sizes``."""
    nn = lib.nn

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.fc1 = nn.Linear(sizes[0], sizes[1])
            self.fc2 = nn.Linear(sizes[1], sizes[2])

        def forward(self, x):
            return self.fc2(nn.functional.relu(self.fc1(x)))
    return Net()


class Step(NamedTuple):
    model: Callable  # lib -> nn.Module
    x_shape: tuple
    classes: int
    y_shape: tuple
    target: float  # ratio minigrad/torch


STEPS = {
    "tiny_mlp_step": Step(lambda lib: mlp(lib, (10, 5, 3)), (64, 10), 3, (64,), 0.35),
    "mnist_mlp_step": Step(lambda lib: mlp(lib, (784, 256, 10)), (128, 784), 10, (128,), 0.7),
    "segmentation_step": Step(lambda lib: segmentation_net(lib.nn, lib.nn.functional, 2), (4, 3, 64, 64), 2, (4, 16, 16), 1.0),
}


def training_step(name, lib, device="cpu"):
    """(model, a closure running one SGD step) for ``STEPS[name]`` in ``lib``; every library's model
    starts from the same weights (minigrad's initialisation under seed 0) and sees the same batch."""
    spec = STEPS[name]
    minigrad.manual_seed(0)
    weights = {k: v.detach().numpy() for k, v in spec.model(minigrad).state_dict().items()}
    net = spec.model(lib)
    net.load_state_dict({k: lib.tensor(v) for k, v in weights.items()})
    net.to(device)
    rng = np.random.default_rng(0)
    x, y = (t.to(device) for t in tensors([rng.standard_normal(spec.x_shape, dtype=np.float32),
                                           rng.integers(0, spec.classes, spec.y_shape)], lib, grad=False))
    criterion = lib.nn.CrossEntropyLoss()
    optimizer = lib.optim.SGD(net.parameters(), lr=0.01)

    def step():
        optimizer.zero_grad()
        loss = criterion(net(x), y)
        loss.backward()
        optimizer.step()
    return net, step


def _status_kib(key):
    with open("/proc/self/status", encoding="ascii") as f:
        return int(dict(line.split(":", 1) for line in f)[key].split()[0])


def peak_rss_growth(step, steps):
    """Bytes by which ``steps`` calls of ``step`` raise the peak resident set size (VmHWM) above the
    current size: the peak is first reset to the current size by writing "5" to
    /proc/self/clear_refs (Linux). Resident memory sees every allocator (tracemalloc sees numpy's
    but not torch's)."""
    gc.collect()
    with open("/proc/self/clear_refs", "w", encoding="ascii") as f:
        f.write("5")
    before = _status_kib("VmRSS")
    for _ in range(steps):
        step()
    return (_status_kib("VmHWM") - before) * 1024


def in_fresh_process(script, *args):
    """What ``script --peak-growth *args`` prints (a byte count), run in a fresh process whose glibc
    mmap threshold is fixed, so that a freed large buffer leaves the resident set at once in both
    libraries instead of staying cached in the heap."""
    env = {**os.environ, "MALLOC_MMAP_THRESHOLD_": "65536"}
    proc = subprocess.run([sys.executable, script, "--peak-growth", *args], env=env, capture_output=True, text=True)
    if proc.returncode:
        raise RuntimeError(f"the process measuring {' '.join(args)} failed: {proc.stderr.strip().splitlines()[-1:]}")
    return int(proc.stdout.split()[-1])


def fresh_process_main(peak_growth, usage):
    """The ``__main__`` of a benchmark file, the fresh process of its peak_memory cases: prints
    ``peak_growth(*arguments)`` for ``--peak-growth`` and the arguments ``usage`` names."""
    if sys.argv[1:2] != ["--peak-growth"] or len(sys.argv) != 2 + len(usage.split()):
        sys.exit(f"usage: {os.path.basename(sys.argv[0])} --peak-growth {usage}")
    print(peak_growth(*sys.argv[2:]))


def peak_growth(name, lib, device="cpu", warmup=3, steps=3):
    """Bytes by which ``steps`` training steps raise the peak resident set size above the model and
    the batch alone (gradients freed): gradients, activations and temporaries, in steady state.
    ``warmup`` steps first load or compile the kernels and start the libraries' thread pools. Run it
    in a fresh process (``in_fresh_process``)."""
    net, step = training_step(name, LIBS[lib], device)
    for _ in range(warmup):
        step()
    net.zero_grad()
    return peak_rss_growth(step, steps)


def can_reset_peak():
    try:
        with open("/proc/self/clear_refs", "w", encoding="ascii") as f:
            f.write("5")
        return True
    except OSError:  # not Linux, or a kernel/container without it
        return False


def cases(device):
    out = [Case(name, lambda n=name: {lib: training_step(n, LIBS[lib], device)[1] for lib in LIBS},
                target=STEPS[name].target) for name in STEPS]
    if device == "cpu" and can_reset_peak():  # resident memory does not see a GPU's
        out += [Case(f"{name}/peak_memory",
                     lambda n=name: {lib: lambda lib=lib: in_fresh_process(__file__, n, lib, device) for lib in LIBS},
                     measured=True, unit="B", target=1.0, rounds=3,
                     note="peak RSS growth over model + batch, steady state, fresh process")
                for name in STEPS]
    return out


test_bench = pytest_case(cases)

if __name__ == "__main__":
    fresh_process_main(peak_growth, "NAME LIB DEVICE")
