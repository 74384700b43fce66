"""The CUDA backend: numba.cuda twins of the CPU backend, the same flat functions and kernel modules.

Every function takes and returns ``numba.cuda`` device arrays (C-contiguous: a layout change such
as a transpose or a slice is a copy kernel here, a view on the CPU) and keeps every result on the
device; a full reduction is a 0-d device array. Host↔device copies happen only in ``transfer``.
``load("<name>").forward`` runs a loss (or conv/pooling) kernel module, as on the CPU.

Nothing here is imported by ``import minigrad``; ``minigrad.device.backend`` imports this package the
first time a CUDA tensor runs an op. Under ``NUMBA_ENABLE_CUDASIM=1`` the same code runs in Numba's
CUDA simulator. A successor to numba.cuda plugs in as another ``kernels/<device>/`` package with
these names.
"""
import functools

from ..shared.element import kernel_module
from ..shared.shape import broadcast_axes  # noqa: F401 - shape arithmetic, the same on every device
from ._elementwise import (  # noqa: F401 - the flat API
    abs, add, astype, bitwise_and, bitwise_or, bitwise_xor, ceil, clip, copyto, divide, equal, exp, expm1, floor,
    floor_divide, fmod, greater, greater_equal, iadd, invert, isfinite, isinf, isnan, less, less_equal, log, log1p,
    logical_and, logical_not, logical_or, logical_xor, maximum, minimum, mod, multiply, negative, not_equal, power,
    sign, sqrt, subtract, tanh, trunc, where,
)
from ._cumulative import cumextreme, cumextreme_backward, cumprod_backward  # noqa: F401
from ._index import scatter_reduce  # noqa: F401
from ._matmul import matmul  # noqa: F401
from .pointwise import backward as pointwise_backward, forward as pointwise_forward  # noqa: F401
from ._reduce import (  # noqa: F401
    all, amax, amin, any, argmax, argmin, mean, put_along_axis, sum, sum_to_shape,
)
from ._scan import (  # noqa: F401
    argsort, count_nonzero, cumprod, cumsum, nonzero, prod, prod_others, round, unique,
)
from ._search import bincount, histc, searchsorted  # noqa: F401
from ._shape import (  # noqa: F401
    broadcast_to, concatenate, copy, expand_dims, fill, full_like, index, index_add, index_put, setitem, swapaxes,
    transpose, zeros,
)
from ._softmax import log_softmax, log_softmax_backward, softmax, softmax_backward  # noqa: F401
from ._transfer import from_host, to_host  # noqa: F401

name = "cuda"


class Unsupported(NotImplementedError, AttributeError):
    """A function the CPU backend has and this one lacks. Also an AttributeError, so ``hasattr`` and
    ``from kernels.cuda import <submodule>`` (which tries the attribute first) work as usual."""


def __getattr__(attr):
    """A CPU backend function this backend lacks: a clear error instead of numpy running on device data."""
    raise Unsupported(f"minigrad's CUDA backend has no '{attr}' yet; run this operation on the CPU (tensor.cpu())")


@functools.cache
def load(module):
    """The kernel module ``kernels.cuda.<module>`` (a loss, conv2d, pooling), imported once; for an
    elementwise loss with no module here, its ``kernels/shared/<module>.py`` bound to the CUDA skeleton."""
    return kernel_module(__name__, module)
