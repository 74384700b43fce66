"""hinge_embedding_loss on the device, elementwise in the CUDA skeleton (derivation:
``kernels/cpu/hinge_embedding_loss.py``):

    l = ([y ≠ 1] ? max(0, margin − x) : 0) + ([y ≠ −1] ? x : 0)
    ∂l/∂x = −[y ≠ 1]·[margin − x ≥ 0] + [y ≠ −1]           (the target gets no gradient)

Integer inputs run in their own dtype (margin truncated to it), as torch does.
"""
from ..shared.element import element
from ._pointwise import loops, run


@element
def _hinge(x, y, z, w, p):
    margin, zero, one = p[0], p[1], p[2]
    c = margin - x
    hinge = y != 1
    ident = y != -1
    l = (zero if c < zero else c) if hinge else zero
    if ident:
        l += x
    g = (-one if hinge and c >= zero else zero) + (one if ident else zero)
    return l, g, zero, zero


_KERNEL = loops(_hinge)


def forward(x, y, *, need_grad, margin=1.0, reduction="mean"):
    loss, gx, _ = run(_KERNEL, (x, y), need_grad, reduction, (margin, 0, 1))
    return loss, gx, None
