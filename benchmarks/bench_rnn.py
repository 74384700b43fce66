"""Recurrent layers against torch: forward + backward of a 2-layer LSTM and GRU (seq 50, batch 32,
input 64, hidden 128, float32), both libraries holding the same weights and input; the gradient of
output.sum() flows to the input and every parameter. Target: ≤ 0.7× torch.

    minigrad bench --filter rnn
    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE python -m pytest benchmarks/bench_rnn.py --benchmark-only
"""
import numpy as np
import torch
from _harness import Case, pytest_case

import minigrad

LIBS = {"minigrad": minigrad, "torch": torch}
SEQ, BATCH, INPUT, HIDDEN, LAYERS = 50, 32, 64, 128, 2


def layer_step(name, lib):
    """(layer, step) for ``lib``: ``step()`` runs forward and backward once. Weights come from torch's
    initialisation under seed 0, the input from numpy, the same for both libraries."""
    torch.manual_seed(0)
    reference = getattr(torch.nn, name)(INPUT, HIDDEN, LAYERS)
    layer = getattr(lib.nn, name)(INPUT, HIDDEN, LAYERS)
    layer.load_state_dict({k: lib.tensor(v.detach().numpy()) for k, v in reference.state_dict().items()})
    x = lib.tensor(np.random.default_rng(0).standard_normal((SEQ, BATCH, INPUT), dtype=np.float32),
                   requires_grad=True)

    def step():
        layer.zero_grad()
        x.grad = None
        out, _ = layer(x)
        out.sum().backward()
    return layer, step


def cases(device):
    return [Case(f"{name.lower()}/seq50-batch32-64x128-2layers",
                 lambda n=name: {lib: layer_step(n, LIBS[lib])[1] for lib in LIBS}, target=0.7)
            for name in ("LSTM", "GRU")]


test_bench = pytest_case(cases)
