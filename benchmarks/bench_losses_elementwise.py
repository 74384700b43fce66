"""The elementwise losses against torch, forward + backward, float32, on the same inputs.

Sizes: tiny is 64x10, medium 2048x2048 (4M elements). The input requires grad, the target does not
(as in training); gaussian_nll_loss's variance requires grad too.

    minigrad bench --filter losses_elementwise
        # interleaved medians and the ratio minigrad/torch per case
    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE python -m pytest benchmarks/bench_losses_elementwise.py \
        --benchmark-only    # the same workloads as pytest-benchmark groups
"""
import numpy as np

from _harness import pytest_case
from _loss_bench import loss_cases
from elementwise_helpers import unit
from margin_helpers import rand

SIZES = {"tiny": (64, 10), "medium": (2048, 2048)}


def _x(shape, seed=0):
    return rand(shape, np.float32, seed)


def _unit(shape, seed=1, low=0.0):
    return unit(shape, np.float32, seed, low)


# name -> make(shape) -> (arrays, requires grad, kwargs)
LOSSES = {
    "mse_loss": lambda s: ([_x(s), _x(s, 1)], (True, False), {}),
    "l1_loss": lambda s: ([_x(s), _x(s, 1)], (True, False), {}),
    "smooth_l1_loss": lambda s: ([_x(s), _x(s, 1)], (True, False), {}),
    "huber_loss": lambda s: ([_x(s), _x(s, 1)], (True, False), {}),
    "binary_cross_entropy": lambda s: ([_unit(s, 0, 0.01), _unit(s)], (True, False), {}),
    "binary_cross_entropy_with_logits": lambda s: ([_x(s), _unit(s)], (True, False), {}),
    "kl_div": lambda s: ([_x(s) - 3, _unit(s)], (True, False), {"reduction": "batchmean"}),
    "soft_margin_loss": lambda s: ([_x(s), np.sign(_x(s, 1))], (True, False), {}),
    "poisson_nll_loss": lambda s: ([_x(s), _unit(s) * 4], (True, False), {}),
    "gaussian_nll_loss": lambda s: ([_x(s), _x(s, 1), _unit(s, 2, 0.1)], (True, False, True), {}),
}
CASES = [(name, size) for name in LOSSES for size in SIZES]


def make(name, size):
    return LOSSES[name](SIZES[size])


cases = loss_cases(make, CASES)
test_bench = pytest_case(cases)
