"""margin_ranking_loss on the device, elementwise in the CUDA skeleton over x₁, x₂ and the target y
(derivation: ``kernels/cpu/margin_ranking_loss.py``):

    u = −y·(x₁ − x₂) + margin      l = max(0, u)   (a NaN u stays NaN)
    ∂l/∂x₁ = −y·[u ≥ 0]      ∂l/∂x₂ = y·[u ≥ 0]      ∂l/∂y = −(x₁ − x₂)·[u ≥ 0]
"""
from ..shared.element import element
from ._host import broadcast
from ._pointwise import loops, run


@element
def _margin_ranking(x1, x2, y, w, p):
    margin, zero, one = p[0], p[1], p[2]
    d = x1 - x2
    u = margin - y * d
    on = one if u >= zero else zero
    return (zero if u < zero else u), -y * on, y * on, -d * on


_KERNEL = loops(_margin_ranking)


def forward(x1, x2, y, *, need_grad, margin=0.0, reduction="mean"):
    _, operands = broadcast(x1, x2, y)  # y too sets the shape (the skeleton reads a one-element z in place)
    return run(_KERNEL, operands, need_grad, reduction, (margin, 0, 1))
