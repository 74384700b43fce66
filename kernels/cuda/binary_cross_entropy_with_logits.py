"""binary_cross_entropy_with_logits on the device: ``kernels/cpu/binary_cross_entropy_with_logits.py``'s
element function (its derivation is there) in the CUDA elementwise skeleton, torch's stable form
l = w·((1 − y)·x − (1 + (p_w − 1)·y)·log σ(x))."""
from ..cpu.binary_cross_entropy_with_logits import _bce_logits
from ._pointwise import loops, run

_KERNEL = loops(_bce_logits)


def forward(x, y, *, need_grad, reduction="mean", weight=None, pos_weight=None):
    return run(_KERNEL, (x, y, weight, pos_weight), need_grad, reduction)
