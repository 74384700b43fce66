"""poisson_nll_loss on the device: ``kernels/cpu/poisson_nll_loss.py``'s element function (its
derivation is there) in the CUDA elementwise skeleton, l = eˣ − y·x (``log_input``) or
x − y·ln(x + eps), plus Stirling's term with ``full``."""
import math

from ..cpu.poisson_nll_loss import _poisson_nll
from ._pointwise import loops, run

_KERNEL = loops(_poisson_nll)


def forward(x, y, *, need_grad, reduction="mean", log_input=True, full=False, eps=1e-8):
    return run(_KERNEL, (x, y), need_grad, reduction, (log_input, full, eps, 2 * math.pi))
