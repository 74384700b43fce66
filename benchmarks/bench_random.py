"""Random streams against torch: the same draws (bit for bit, tests/test_random.py) in the same time.

    random/rand_4M          rand(4 194 304), float32: mt19937 words to fma(unit, 1, 0) (≤ 1×)
    random/randn_4M         randn(4 194 304), float32: units, then the 16-block Box–Muller with the
                            AVX polynomials torch uses, vectorised (≤ 1×)
    random/randn_4M_float64 randn(4 194 304, dtype=float64): libm's log/cos/sin per pair, as torch
    random/randperm_1M      randperm(1 048 576): swaps with 32-bit draws (≤ 1×)

Both libraries draw from their default generator, reseeded before each case.

    minigrad bench --filter random
    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE python -m pytest benchmarks/bench_random.py --benchmark-only
"""
import torch

import minigrad
from _harness import Case, pytest_case

LIBS = {"minigrad": minigrad, "torch": torch}
N = 4 << 20


def _draw(make):
    def build():
        fns = {}
        for name, lib in LIBS.items():
            lib.manual_seed(0)
            fns[name] = lambda lib=lib: make(lib)
        return fns
    return build


def cases(device="cpu"):
    return [
        Case("random/rand_4M", _draw(lambda lib: lib.rand(N)), target=1.0),
        Case("random/randn_4M", _draw(lambda lib: lib.randn(N)), target=1.0),
        Case("random/randn_4M_float64", _draw(lambda lib: lib.randn(N, dtype=lib.float64)), target=1.0),
        Case("random/randperm_1M", _draw(lambda lib: lib.randperm(1 << 20)), target=1.0),
    ]


test_bench = pytest_case(cases)
