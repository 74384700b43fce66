"""How cost grows with size: mse_loss and cross_entropy forward + backward, float32, from 1 K to 16 M
elements (rows of 128: mse on (n/128, 128) inputs, cross entropy on (n/128, 128) logits with class
targets), minigrad and torch on the same inputs (the loss-case registry's, tests/losses/cases.py).

Unlike the other cases, both libraries run with their default thread settings (torch: one thread per
core; minigrad: automatic, see kernels/cpu/_parallel.py), as a user's script does: the sweep shows
what the split over threads costs or saves at each size, on whatever load the machine has. The
target at every size is ≤ 1.0× torch. ``minigrad bench`` also draws the sweep as a chart (time
against size, both libraries, and the ratio).

    minigrad bench --filter sweep
    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE python -m pytest benchmarks/bench_sweep.py --benchmark-only
"""
import numpy as np
import torch

import minigrad
from _harness import Case, pytest_case
from _loss_bench import workload
from tests.losses import cases as registry

LOSSES = ("mse_loss", "cross_entropy")
SIZES = [1 << k for k in range(10, 25, 2)]  # 1 K, 4 K, ..., 16 M elements
ROW = 128


def label(n):
    return f"{n >> 20}M" if n >= 1 << 20 else f"{n >> 10}K"


def cases(device):
    def build(name, n):
        def both():
            args, kwargs, _ = registry.inputs(name, np.random.default_rng(0), np.float32, n // ROW, ROW)
            grads = tuple(i in registry.CASES[name].trained for i in range(len(args)))
            return {lib.__name__: workload(lib, name, args, grads, kwargs, device=device) for lib in (minigrad, torch)}
        return both
    return [Case(f"sweep/{name}/{label(n)}", build(name, n), target=1.0, default_threads=True,
                 note=f"{n} elements, default threads") for name in LOSSES for n in SIZES]


test_bench = pytest_case(cases)
