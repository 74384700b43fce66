"""The declared pointwise ops (issue 14) against torch, float32, on the same data: a dozen
representative ops, a tiny tensor (64 elements: the per-call overhead) and 4M elements (the kernel),
forward alone and forward + backward (upstream gradient of ones):

    pointwise_<op>_<tiny|4m>_fwd       y = op(x)
    pointwise_<op>_<tiny|4m>_fwdbwd    op(x).backward(ones), x requiring grad

Targets (issue 14) at 4M: ≤ 1.0× torch, the transcendental ones (sin, erf, gelu, softplus) ≤ 0.5×.

    minigrad bench --filter pointwise
    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE python -m pytest benchmarks/bench_pointwise.py --benchmark-only
"""
import numpy as np
import torch
from _harness import Case, pytest_case

import minigrad

LIBS = {"minigrad": minigrad, "torch": torch}
SIZES = {"tiny": 64, "4m": 1 << 22}
TRANSCENDENTAL = ("sin", "erf", "gelu", "softplus")
OPS = {  # name -> (lib -> function of a tensor, input range)
    "sin": (lambda lib: lib.sin, (-3, 3)), "exp": (lambda lib: lib.exp, (-3, 3)),
    "log": (lambda lib: lib.log, (0.1, 4)), "tanh": (lambda lib: lib.tanh, (-3, 3)),
    "sigmoid": (lambda lib: lib.sigmoid, (-4, 4)), "erf": (lambda lib: lib.erf, (-2, 2)),
    "relu": (lambda lib: lib.relu, (-2, 2)), "gelu": (lambda lib: lib.nn.functional.gelu, (-3, 3)),
    "softplus": (lambda lib: lib.nn.functional.softplus, (-3, 3)), "silu": (lambda lib: lib.nn.functional.silu, (-3, 3)),
    "leaky_relu": (lambda lib: lib.nn.functional.leaky_relu, (-2, 2)),
    "atan2": (lambda lib: lambda x: lib.atan2(x, x.flip(0)), (-2, 2)),
}


def _step(op, size, backward, lib):
    fn, (lo, hi) = OPS[op][0](lib), OPS[op][1]
    x = lib.tensor(np.random.default_rng(0).uniform(lo, hi, SIZES[size]).astype(np.float32),
                   requires_grad=backward)
    if not backward:
        return lambda: fn(x)
    ones = lib.ones(SIZES[size])

    def step():
        x.grad = None
        fn(x).backward(ones)
    return step


def cases(device):
    out = []
    for op in OPS:
        for size in SIZES:
            for backward in (False, True):
                target = None if size == "tiny" else 0.5 if op in TRANSCENDENTAL else 1.0
                name = f"pointwise_{op}_{size}_{'fwdbwd' if backward else 'fwd'}"
                out.append(Case(name, lambda o=op, s=size, b=backward: {lib: _step(o, s, b, LIBS[lib]) for lib in LIBS},
                                target=target))
    return out


test_bench = pytest_case(cases)
