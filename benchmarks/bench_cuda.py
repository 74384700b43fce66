"""minigrad on 'cuda' against torch on CUDA, in the same run: each loss's forward + backward at its
medium sizes (the cases of ``bench_losses_*.py``, same inputs) and the documents' training steps (the
cases of ``bench_training_steps.py``: tiny MLP, MNIST MLP 784→256→10 batch 128, segmentation batch 4
of 3×64×64). Target (issue 6): loss forward + backward ≤ 1.0× torch CUDA at medium sizes.

GPU work is asynchronous, so every closure here ends with its library's ``synchronize()``: a timed
call covers the kernels it queued, and the harness's interleaved rounds and medians (``_harness``)
compare finished work. Without a CUDA GPU for minigrad and for torch every case is skipped, saying why.

    minigrad bench --device cuda
    python -m pytest benchmarks/bench_cuda.py --benchmark-only
"""
import dataclasses

import torch

import minigrad
import bench_losses_cross_entropy
import bench_losses_elementwise
import bench_losses_margin
import bench_training_steps
from _harness import pytest_case

DEVICES = ("cuda",)
LOSS_MODULES = (bench_losses_elementwise, bench_losses_margin, bench_losses_cross_entropy)
SYNCHRONIZE = {"minigrad": minigrad.cuda.synchronize, "torch": torch.cuda.synchronize}


def unavailable():
    """Why the cases cannot run here, or "" when they can."""
    if not minigrad.cuda.is_available():
        return "no CUDA GPU here: minigrad.cuda.is_available() is False"
    if not torch.cuda.is_available():
        return "torch has no CUDA here: torch.cuda.is_available() is False"
    return ""


def synchronized(build):
    """``build`` whose closures wait for their library's GPU work before returning."""
    def wrap(lib, fn):
        def run():
            fn()
            SYNCHRONIZE[lib]()
        return run
    return lambda: {lib: wrap(lib, fn) for lib, fn in build().items()}


def cases(device="cuda"):
    skip = unavailable()

    def on_gpu(case, **changes):
        return dataclasses.replace(case, build=synchronized(case.build), skip=skip, **changes)
    losses = [on_gpu(c, target=1.0) for module in LOSS_MODULES for c in module.cases(device)
              if "medium" in c.name.split("/")[1]]
    steps = [on_gpu(c, target=None, note="training step; the issue sets no GPU target")
             for c in bench_training_steps.cases(device)]
    return losses + steps


test_bench = pytest_case(cases, "cuda")
