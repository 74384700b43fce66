"""What the margin and distance losses share: torch's argument-type and broadcast errors, float
promotion, and the grad_fn names of the losses torch composes from primitives."""
import numbers

import numpy as np

from .. import dtypes
from ..dtypes import scalar_name
from ..tensor import Tensor, _mismatch
from ._base import FusedLoss


def tensor_arg(x, fn, name, pos):
    """``x`` when it is a Tensor, else torch's argument-parser TypeError."""
    if not isinstance(x, Tensor):
        raise TypeError(f"{fn}(): argument '{name}' (position {pos}) must be Tensor, not {type(x).__name__}")
    return x


def float_arg(v, fn, name, pos=None):
    """A float argument as torch's parser accepts it (a real number or a one-element tensor)."""
    if type(v) is float or type(v) is int:  # the common calls: no abstract-class check
        return float(v)
    if isinstance(v, Tensor) and v.numel() == 1:
        return float(v.item())
    if isinstance(v, numbers.Real):
        return float(v)
    where = "" if pos is None else f" (position {pos})"
    raise TypeError(f"{fn}(): argument '{name}'{where} must be float, not {type(v).__name__}")


def check_subtractable(a, b):
    """torch's error for ``a − b`` on two bool tensors."""
    if a._data.dtype == np.bool_ and b._data.dtype == np.bool_:
        raise RuntimeError("Subtraction, the `-` operator, with two bool tensors is not supported. Use the `^` or "
                           "`logical_xor()` operator instead.")


def check_norm_dim(shape, p):
    """torch's error for a p-norm without an identity (p < 0 or ±inf) over an empty last dim."""
    if shape and shape[-1] == 0 and (p < 0 or p == float("inf")):
        raise RuntimeError(f"linalg.vector_norm cannot compute the {p:g} norm on the dimension {len(shape) - 1}"
                           "because this dimension is empty and the operation does not have an identity")


def sizes(t):
    """A shape as torch's messages print it: [3, 5]."""
    return f"[{', '.join(map(str, t.shape))}]"


def check_class_input(input, kernel):  # noqa: A002
    """torch's rule for (C) / (N, C) class scores (0-d counts as one class); ``kernel`` names torch's
    kernel in the error for a non-float input."""
    shape, dt = input._data.shape, input._data.dtype  # (the arrays': quicker than the tensor's Size and dtype)
    if not ((len(shape) == 2 and shape[1]) or (len(shape) == 1 and shape[0]) or not shape):
        raise RuntimeError(f"Expected non-empty vector or matrix with optional 0-dim batch size, but got: "
                           f"{sizes(input)}")
    if dt.kind != "f" or dt == np.float16:
        raise NotImplementedError(f'"{kernel}" not implemented for \'{scalar_name(input.dtype)}\'')


def check_dtype(t, dtype, name):
    """torch's RuntimeError for a tensor argument of the wrong dtype."""
    if t.dtype is not dtype:
        raise RuntimeError(f"expected scalar type {scalar_name(dtype)} but found "
                           f"{scalar_name(t.dtype)} (argument '{name}')")


def broadcast_shape(*shapes):
    """The broadcast of ``shapes``, folded left to right as torch's ops meet them; a mismatch raises
    torch's RuntimeError naming the sizes and the dimension."""
    out = shapes[0]
    for shape in shapes:  # a loop, not ``all`` over a generator: most calls have equal shapes
        if shape != out:
            break
    else:
        return out
    for shape in shapes[1:]:
        try:
            out = np.broadcast_shapes(out, shape)
        except ValueError:
            a, b, dim = _mismatch(out, shape)
            raise RuntimeError(f"The size of tensor a ({a}) must match the size of tensor b ({b}) at "
                               f"non-singleton dimension {dim}") from None
    return out


def all_dtype(tensors, dtype):
    """Whether every tensor's data has ``dtype`` (a loop: quicker than ``all`` over a generator)."""
    for t in tensors:
        d = t._data.dtype
        if d is not dtype and d != dtype:
            return False
    return True


def common_dtype(*tensors):
    """torch's result type of ``tensors`` (``dtypes.result_type``), read off the first when all agree."""
    return tensors[0].dtype if all_dtype(tensors, tensors[0]._data.dtype) else dtypes.result_type(*tensors)


def promote(*tensors):
    """The tensors cast to their common dtype, integer and bool results becoming float32 (torch adds
    a float margin or eps, which promotes them)."""
    first = tensors[0]._data.dtype
    if first.kind == "f" and all_dtype(tensors, first):
        return tensors
    dt = dtypes.result_type(*tensors)
    if not dt.is_floating_point:
        dt = dtypes.float32
    return [t._cast(dt) for t in tensors]


class ComposedLoss(FusedLoss):
    """A fused loss that torch builds from primitives, so its grad_fn is named after torch's last
    primitive: MeanBackward0 / SumBackward0, or ``none_name`` for reduction='none'."""
    none_name = None

    def forward(self, *arrays, **options):
        reduction = options["reduction"]
        self.name = "MeanBackward0" if reduction == "mean" else "SumBackward0" if reduction == "sum" else self.none_name
        return self.fused(arrays, options)
