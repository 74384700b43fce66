"""cross_entropy and nll_loss against torch, forward + backward, float32, on the same inputs (the
loss-case registry's, tests/losses/cases.py: about one class target in five is ``ignore_index``).

Sizes: tiny is 64x10 (segmentation: 2x3x4x4), medium 8192x1000 (segmentation: 16x21x128x128). The
logits require grad, class targets do not; probability targets do not either (as in distillation
with a fixed teacher). Variants: ``+ls`` label smoothing 0.1, ``+probs`` class-probability targets,
``seg-`` (N, C, H, W) logits with (N, H, W) targets.

    minigrad bench --filter losses_cross_entropy
        # interleaved medians and the ratio minigrad/torch per case
    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE python -m pytest benchmarks/bench_losses_cross_entropy.py \\
        --benchmark-only    # the same workloads as pytest-benchmark groups
"""
from _harness import pytest_case
from _loss_bench import loss_cases

VARIANTS = {"ls": {"label_smoothing": 0.1}, "probs": {"target": "probabilities"}}
SHAPES = {"seg": {"tiny": (2, 3, (4, 4)), "medium": (16, 21, (128, 128))}}
CASES = ([("cross_entropy", s) for s in ("tiny", "medium", "tiny+ls", "medium+ls", "tiny+probs", "medium+probs",
                                         "seg-tiny", "seg-medium")]
         + [("nll_loss", s) for s in ("tiny", "medium", "seg-medium")])

cases = loss_cases(CASES, VARIANTS, SHAPES)
test_bench = pytest_case(cases)
