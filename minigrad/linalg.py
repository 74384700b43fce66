"""``torch.linalg``: vector and matrix norms and the cross product (no decompositions yet).

    vector_norm(x, p) = (Σ|x|ᵖ)^(1/p)   (p = ±inf: max/min |x|; p = 0: the count of non-zeros)
    matrix_norm(A, 'fro') = √Σ A²;  1 / −1: max / min column sum of |A|;  inf / −inf: max / min row sum
"""
import math

from . import dtypes
from .ops.functions import check_tensor, write_out
from .ops.functions import dim as _dim
from .ops.linalg import linalg_cross as cross  # noqa: F401 - torch.linalg.cross


def _float_input(name, x):
    check_tensor(f"linalg.{name}", "input", x, 1)
    if not x.is_floating_point():
        raise RuntimeError(f"linalg.{name}: Expected a floating point or complex tensor as input. Got "
                           f"{dtypes.scalar_name(x)}")


def vector_norm(x, ord=2, dim=None, keepdim=False, *, dtype=None, out=None):  # noqa: A002 - torch's names
    """The ``ord``-norm of ``x`` over ``dim`` (every element when None), as one vector."""
    _float_input("vector_norm", x)
    if isinstance(ord, str):
        raise RuntimeError(f"linalg.vector_norm: ord must be a number, got {ord!r}")
    return write_out("linalg_vector_norm", x.norm(p=float(ord), dim=dim, keepdim=keepdim, dtype=dtype), out)


def matrix_norm(A, ord="fro", dim=(-2, -1), keepdim=False, *, dtype=None, out=None):  # noqa: A002
    """The ``ord``-norm of the matrices over the two dims ``dim`` ('fro', 1, -1, inf, -inf)."""
    _float_input("matrix_norm", A)
    if A.ndim < 2:
        raise RuntimeError("linalg.matrix_norm: The input tensor A must have at least 2 dimensions.")
    x = A if dtype is None else A.to(dtype)
    d0, d1 = (_dim(d, A.ndim) for d in dim)
    if ord == "fro":
        result = x.norm(2.0, dim=(d0, d1), keepdim=keepdim)
    elif ord in (1, -1, math.inf, -math.inf):
        summed, other = (d0, d1) if ord in (1, -1) else (d1, d0)  # column sums for 1, row sums for inf
        sums = x.abs().sum(summed, keepdim=True)
        result = (sums.amax if ord > 0 else sums.amin)(other, keepdim=True)
        if not keepdim:
            result = result.squeeze((d0, d1))
    else:
        raise NotImplementedError(f"linalg.matrix_norm: ord={ord!r} needs singular values, which minigrad does not "
                                  "compute yet")
    return write_out("linalg_matrix_norm", result, out)


def norm(A, ord=None, dim=None, keepdim=False, *, dtype=None, out=None):  # noqa: A002
    """A vector norm (1-D input or an int ``dim``; ord None: 2, over everything when ``dim`` is None)
    or a matrix norm (2-D input or two dims)."""
    check_tensor("linalg.norm", "input", A, 1)
    if ord is None:
        result = vector_norm(A, 2, dim, keepdim, dtype=dtype)
    elif isinstance(dim, int) or (dim is None and A.ndim == 1):
        result = vector_norm(A, ord, dim, keepdim, dtype=dtype)
    elif (dim is None and A.ndim == 2) or (dim is not None and len(dim) == 2):
        result = matrix_norm(A, ord, (-2, -1) if dim is None else dim, keepdim, dtype=dtype)
    else:
        raise RuntimeError(f"linalg.norm: If dim is not specified but ord is, the input must be 1D or 2D. Got "
                           f"{A.ndim}D.")
    return write_out("linalg_norm", result, out)
