"""The elementwise losses against torch, forward + backward, float32, on the same inputs (the
loss-case registry's, tests/losses/cases.py).

Sizes: tiny is 64x10, medium 2048x2048 (4M elements). The input requires grad (and the Gaussian
variance: a network predicts both); targets do not. kl_div runs with 'batchmean', as its docs advise.

    minigrad bench --filter losses_elementwise
        # interleaved medians and the ratio minigrad/torch per case
    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE python -m pytest benchmarks/bench_losses_elementwise.py \\
        --benchmark-only    # the same workloads as pytest-benchmark groups
"""
from _harness import pytest_case
from _loss_bench import family, loss_cases

CASES = [(name, size) for name in family("elementwise") for size in ("tiny", "medium")]

cases = loss_cases(CASES, options={"kl_div": {"reduction": "batchmean"}})
test_bench = pytest_case(cases)
