"""What the loss benchmarks share: ``F.<loss>`` forward + backward per library over the same arrays,
as harness cases. Each bench_losses_<group>.py supplies ``make(name, size) -> (arrays, requires grad
flags, kwargs)``, built with the loss tests' input makers, and its (name, size) list, and gets
``cases = loss_cases(make, CASES)`` and ``test_bench = pytest_case(cases)``. Targets (issue 7):
≤ 0.2× torch at tiny sizes, ≤ 0.3× at medium."""
import sys

import numpy as np
import torch

import minigrad
from _harness import TESTS, Case
from compare import tensors  # the tests' helper builds both sides from the same arrays

sys.path.insert(0, str(TESTS / "losses"))  # the loss tests' input makers (ce_helpers, margin_helpers, ...)


def workload(lib, name, arrays, grads, kw, device="cpu"):
    """A closure running ``F.<name>(*arrays, **kw)`` forward and backward in ``lib`` (minigrad or
    torch) on ``device``; the arrays flagged in ``grads`` require grad."""
    inputs = [t.to(device).requires_grad_(g) if g and t.is_floating_point() else t.to(device)
              for t, g in zip(tensors(arrays, lib, grad=False), grads)]
    kw = {k: lib.tensor(v, device=device) if isinstance(v, np.ndarray) else v for k, v in kw.items()}
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


def loss_cases(make, names_sizes):
    """``cases(device)`` for the harness: one case ``<loss>/<size>`` per (name, size)."""
    def cases(device):
        def build(name, size):
            return lambda: {lib.__name__: workload(lib, name, *make(name, size), device=device)
                            for lib in (minigrad, torch)}
        return [Case(f"{name}/{size}", build(name, size), target=0.2 if "tiny" in size else 0.3)
                for name, size in names_sizes]
    return cases
