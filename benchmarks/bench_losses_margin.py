"""The margin and distance losses against torch, forward + backward, float32, on the same inputs.

Sizes: tiny is 64x10 for every loss; medium is 2048x2048 (4M elements) for the elementwise losses,
8192x1000 for the multi-class ones, 8192x128 for the triplet losses and 8192x512 for the row
distances. Inputs that a network would produce require grad; targets do not.

    minigrad bench --filter losses_margin
        # interleaved medians and the ratio minigrad/torch per case
    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE python -m pytest benchmarks/bench_losses_margin.py \
        --benchmark-only    # the same workloads as pytest-benchmark groups
"""
import numpy as np

from _harness import pytest_case
from _loss_bench import loss_cases
from margin_helpers import rand, signs

TINY = (64, 10)
MEDIUM = {"elementwise": (2048, 2048), "classes": (8192, 1000), "triplet": (8192, 128), "rows": (8192, 512)}


def _rng(seed):
    return np.random.default_rng(seed)


def _x(shape, seed=0):
    return rand(shape, np.float32, seed)


def _signs(shape):
    return signs(shape, np.float32)


def _multilabel(shape, seed=2):
    """Up to 4 labels per row, then −1 and junk."""
    N, C = shape
    t = _rng(seed).integers(0, C, shape)
    t[np.arange(N), _rng(seed + 1).integers(1, min(C, 5), N)] = -1
    return t


# name -> (kind of medium size, make(shape) -> (arrays, requires grad, kwargs))
LOSSES = {
    "margin_ranking_loss": ("elementwise", lambda s: ([_x(s), _x(s, 1), _signs(s)], (True, True, False), {})),
    "hinge_embedding_loss": ("elementwise", lambda s: ([_x(s), _signs(s)], (True, False), {})),
    "multilabel_margin_loss": ("classes", lambda s: ([_x(s), _multilabel(s)], (True, False), {})),
    "multilabel_soft_margin_loss": ("classes", lambda s: ([_x(s), (_x(s, 1) > 0).astype(np.float32)],
                                                          (True, False), {})),
    "multi_margin_loss": ("classes", lambda s: ([_x(s), _rng(3).integers(0, s[1], s[0])], (True, False), {})),
    "triplet_margin_loss": ("triplet", lambda s: ([_x(s), _x(s, 1), _x(s, 2)], (True, True, True), {})),
    "triplet_margin_with_distance_loss": ("triplet", lambda s: ([_x(s), _x(s, 1), _x(s, 2)], (True, True, True),
                                                                {})),
    "pairwise_distance": ("rows", lambda s: ([_x(s), _x(s, 1)], (True, True), {})),
    "cosine_embedding_loss": ("rows", lambda s: ([_x(s), _x(s, 1), _signs(s[:1])], (True, True, False), {})),
    "cosine_similarity": ("rows", lambda s: ([_x(s), _x(s, 1)], (True, True), {})),
}
CASES = [(name, size) for name in LOSSES for size in ("tiny", "medium")]


def make(name, size):
    kind, build = LOSSES[name]
    return build(TINY if size == "tiny" else MEDIUM[kind])


cases = loss_cases(make, CASES)
test_bench = pytest_case(cases)
