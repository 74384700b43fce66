"""Whole training steps against torch: ``zero_grad``, forward, ``CrossEntropyLoss``, ``backward``, SGD
``step``, on models of each library holding the same initial weights and the same batch (float32).

    tiny_mlp_step       the documents' Net: Linear(10, 5) → relu → Linear(5, 3), batch 64 (≤ 0.4× torch)
    mnist_mlp_step      the same Net at MNIST size: Linear(784, 256) → relu → Linear(256, 10), batch 128
                        (≤ 0.7×)
    segmentation_step   the documents' segmentation Net: Conv2d(3, 64, 3, padding=1) → relu → max_pool2d(2)
                        → Conv2d(64, 128, 3, padding=1) → relu → max_pool2d(2) → Conv2d(128, 2, 3,
                        padding=1), batch 4 of 3×64×64, targets 4×16×16 (≤ 1.0×)
    <step>/peak_memory  how far one step raises the resident set size (≤ torch's), measured in a fresh
                        process per library and round (``peak_growth`` below)

    minigrad bench --filter training_steps
    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE python -m pytest benchmarks/bench_training_steps.py --benchmark-only

Both libraries run with their default thread counts, as a user's script would.
"""
import gc
import os
import subprocess
import sys

import numpy as np
import torch

import minigrad
from _harness import Case, pytest_case
from compare import tensors

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


def segnet(lib, num_classes):
    """The documents' segmentation ``Net``: three 3×3 convolutions, the first two followed by relu and
    a 2×2 max pool, so the output is a quarter of the input's height and width."""
    nn, F = lib.nn, lib.nn.functional

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.conv1 = nn.Conv2d(3, 64, kernel_size=3, stride=1, padding=1)
            self.conv2 = nn.Conv2d(64, 128, kernel_size=3, stride=1, padding=1)
            self.conv3 = nn.Conv2d(128, num_classes, kernel_size=3, stride=1, padding=1)

        def forward(self, x):
            x = F.max_pool2d(F.relu(self.conv1(x)), kernel_size=2, stride=2)
            x = F.max_pool2d(F.relu(self.conv2(x)), kernel_size=2, stride=2)
            return self.conv3(x)
    return Net()


# name -> (model(lib), input shape, number of classes, target shape, target ratio)
STEPS = {
    "tiny_mlp_step": (lambda lib: mlp(lib, (10, 5, 3)), (64, 10), 3, (64,), 0.4),
    "mnist_mlp_step": (lambda lib: mlp(lib, (784, 256, 10)), (128, 784), 10, (128,), 0.7),
    "segmentation_step": (lambda lib: segnet(lib, 2), (4, 3, 64, 64), 2, (4, 16, 16), 1.0),
}


def training_step(name, lib, device="cpu"):
    """A closure running one SGD step of ``STEPS[name]`` in ``lib``; every library's model starts from
    the same weights (minigrad's initialisation under seed 0) and sees the same batch."""
    model, x_shape, classes, y_shape, _ = STEPS[name]
    minigrad.manual_seed(0)
    weights = {k: v.detach().numpy() for k, v in model(minigrad).state_dict().items()}
    net = model(lib)
    net.load_state_dict({k: lib.tensor(v) for k, v in weights.items()})
    net.to(device)
    rng = np.random.default_rng(0)
    x, y = (t.to(device) for t in tensors([rng.standard_normal(x_shape, dtype=np.float32),
                                           rng.integers(0, classes, y_shape)], lib, grad=False))
    criterion = lib.nn.CrossEntropyLoss()
    optimizer = lib.optim.SGD(net.parameters(), lr=0.01)

    def step():
        optimizer.zero_grad()
        loss = criterion(net(x), y)
        loss.backward()
        optimizer.step()
    return step


def _status_kib(*keys):
    with open("/proc/self/status", encoding="ascii") as f:
        fields = dict(line.split(":", 1) for line in f)
    return [int(fields[k].split()[0]) for k in keys]


def peak_growth(name, lib, device="cpu", warmup=3, steps=3):
    """Bytes by which ``steps`` steps raise this process's peak resident set size above its size
    just before them, after ``warmup`` steps have loaded the kernels and created the gradients.

    Resident memory sees every allocator (tracemalloc sees numpy's but not torch's). Linux resets the
    peak (VmHWM) when "5" is written to /proc/self/clear_refs. Run it in a fresh process started by
    ``_peak_process``, which fixes glibc's mmap threshold so that a freed large buffer leaves the
    resident set at once in both libraries instead of staying cached in the heap."""
    step = training_step(name, LIBS[lib], device)
    for _ in range(warmup):
        step()
    gc.collect()
    with open("/proc/self/clear_refs", "w", encoding="ascii") as f:
        f.write("5")
    (before,) = _status_kib("VmRSS")
    for _ in range(steps):
        step()
    (peak,) = _status_kib("VmHWM")
    return (peak - before) * 1024


def _peak_process(name, lib, device):
    env = {**os.environ, "MALLOC_MMAP_THRESHOLD_": "65536"}
    out = subprocess.run([sys.executable, __file__, "--peak-growth", name, lib, device], env=env,
                         capture_output=True, text=True, check=True).stdout
    return int(out.split()[-1])


def _can_reset_peak():
    try:
        with open("/proc/self/clear_refs", "w", encoding="ascii") as f:
            f.write("5")
        return True
    except OSError:  # not Linux, or a kernel/container without it
        return False


def cases(device):
    out = [Case(name, lambda n=name: {lib: training_step(n, LIBS[lib], device) for lib in LIBS},
                target=STEPS[name][-1]) for name in STEPS]
    if _can_reset_peak():
        out += [Case(f"{name}/peak_memory", lambda n=name: {lib: lambda l=lib: _peak_process(n, l, device)
                                                            for lib in LIBS},
                     measured=True, unit="B", target=1.0, rounds=3,
                     note="peak RSS growth of 3 steps after 3 warm-up steps, fresh process")
                for name in STEPS]
    return out


test_bench = pytest_case(cases)

if __name__ == "__main__":  # the fresh process of a peak_memory case
    if sys.argv[1:2] != ["--peak-growth"] or len(sys.argv) != 5:
        sys.exit("usage: bench_training_steps.py --peak-growth NAME LIB DEVICE")
    print(peak_growth(*sys.argv[2:]))
