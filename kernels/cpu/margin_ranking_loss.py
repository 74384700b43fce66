"""margin_ranking_loss on the CPU: ``kernels/shared/margin_ranking_loss.py``'s element function (its
derivation is there) in the CPU's elementwise loop, whose sums never depend on which of LLVM's loop
versions runs (a kernel of its own summed inside a loop whose runtime alias check against an empty
gradient buffer could pick the scalar version, another summation order: different bits run to run).
"""
from ..shared.margin_ranking_loss import margin_ranking_loss
from ._host import broadcast
from ._pointwise import loops, run

_KERNEL = loops(margin_ranking_loss)


def forward(x1, x2, y, *, need_grad, margin=0.0, reduction="mean"):
    _, operands = broadcast(x1, x2, y)
    return run(_KERNEL, operands, need_grad, reduction, (margin, 0, 1))
