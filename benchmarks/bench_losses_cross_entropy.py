"""cross_entropy and nll_loss against torch, forward + backward, float32, on the same inputs.

Sizes: tiny is 64x10 (segmentation: 2x3x4x4), medium 8192x1000 (segmentation: 16x21x128x128). The
logits require grad, class targets do not; probability targets do not either (as in distillation
with a fixed teacher). Variants: ``+ls`` label smoothing 0.1, ``+probs`` class-probability targets,
``seg-`` (N, C, H, W) logits with (N, H, W) targets.

    minigrad bench --filter losses_ce
        # interleaved medians and the ratio minigrad/torch per case
    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE python -m pytest benchmarks/bench_losses_ce.py \
        --benchmark-only    # the same workloads as pytest-benchmark groups
"""
import numpy as np

from _harness import pytest_case
from _loss_bench import loss_cases
from ce_helpers import classes, logits, n_classes, probs, target_shape

SHAPES = {"tiny": (64, 10), "medium": (8192, 1000), "seg-tiny": (2, 3, 4, 4), "seg-medium": (16, 21, 128, 128)}
VARIANTS = {"": {}, "+ls": {"label_smoothing": 0.1}}


def _classes(shape):
    return classes(target_shape(shape), n_classes(shape))


def _probs(shape):
    """Class probabilities: the tests' uniform draws, normalised over the class dimension."""
    p = probs(shape)
    return p / p.sum(axis=1, keepdims=True)


def make(name, size):
    """(arrays, requires grad, kwargs) of a case: ``size`` is a SHAPES key with an optional variant suffix."""
    base, _, variant = size.partition("+")
    shape = SHAPES[base]
    if variant == "probs":
        return [logits(shape), _probs(shape)], (True, False), {}
    if name == "nll_loss":  # log-probabilities, as after log_softmax
        x = logits(shape)
        return [x - np.log(np.exp(x).sum(axis=1, keepdims=True)), _classes(shape)], (True, False), {}
    return [logits(shape), _classes(shape)], (True, False), VARIANTS["+" + variant if variant else ""]


CASES = ([("cross_entropy", s) for s in ("tiny", "medium", "tiny+ls", "medium+ls", "tiny+probs", "medium+probs",
                                         "seg-tiny", "seg-medium")]
         + [("nll_loss", s) for s in ("tiny", "medium", "seg-medium")])

cases = loss_cases(make, CASES)
test_bench = pytest_case(cases)
