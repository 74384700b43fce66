"""soft_margin_loss on the device: ``kernels/cpu/soft_margin_loss.py``'s element function (its
derivation is there) in the CUDA elementwise skeleton, l = log(1 + e^(−y·x))."""
from ..cpu.soft_margin_loss import _soft_margin
from ._pointwise import loops, run

_KERNEL = loops(_soft_margin)


def forward(x, y, *, need_grad, reduction="mean"):
    return run(_KERNEL, (x, y), need_grad, reduction)
