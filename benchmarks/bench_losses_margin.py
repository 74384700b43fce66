"""The margin and distance losses against torch, forward + backward, float32, on the same inputs (the
loss-case registry's, tests/losses/cases.py).

Sizes: tiny is 64x10 for every loss; medium is 2048x2048 (4M elements) for the elementwise losses,
8192x1000 for the multi-class ones, 8192x128 for the triplet losses and 8192x512 for the row
distances. Inputs that a network would produce require grad; targets do not.

    minigrad bench --filter losses_margin
        # interleaved medians and the ratio minigrad/torch per case
    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE python -m pytest benchmarks/bench_losses_margin.py \\
        --benchmark-only    # the same workloads as pytest-benchmark groups
"""
from _harness import pytest_case
from _loss_bench import family, loss_cases

CASES = [(name, size) for name in family("margin") for size in ("tiny", "medium")]

cases = loss_cases(CASES)
test_bench = pytest_case(cases)
