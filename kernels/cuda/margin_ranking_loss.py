"""margin_ranking_loss on the device: ``kernels/shared/margin_ranking_loss.py``'s element function (its
derivation is there) in the CUDA skeleton.
"""
from ..shared.margin_ranking_loss import margin_ranking_loss
from ._host import broadcast
from ._pointwise import loops, run

_KERNEL = loops(margin_ranking_loss)


def forward(x1, x2, y, *, need_grad, margin=0.0, reduction="mean"):
    _, operands = broadcast(x1, x2, y)  # y too sets the shape (the skeleton reads a one-element z in place)
    return run(_KERNEL, operands, need_grad, reduction, (margin, 0, 1))
