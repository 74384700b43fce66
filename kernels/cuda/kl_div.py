"""kl_div on the device: ``kernels/cpu/kl_div.py``'s element function (its derivation is there) in the
CUDA elementwise skeleton, l = xlogy(y, y) − y·x (or eʸ·(y − x) with ``log_target``); 'batchmean'
divides the sum by the batch size (``divisor``)."""
from ..cpu.kl_div import _kl_div
from ._pointwise import loops, run

_KERNEL = loops(_kl_div)


def forward(x, y, *, need_grad, reduction="mean", log_target=False, divisor=None):
    return run(_KERNEL, (x, y), need_grad, reduction, (log_target,), divisor)
