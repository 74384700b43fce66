"""``minigrad.nn.functional``: stateless forms of the layers and every loss.

The ``nn`` classes carry the full documentation; each function here has one line."""
import math
import warnings

import numpy as np

from .. import losses as _losses
from .. import random as _random
from ..device import CPU
from ..ops import linalg as _linalg
from ..ops.conv import (  # noqa: F401 - re-exported
    adaptive_avg_pool2d, adaptive_max_pool2d, avg_pool1d, avg_pool2d, conv1d, conv2d, conv_transpose1d,
    conv_transpose2d, max_pool1d, max_pool2d, max_unpool2d,
)
from ..ops.dropout import (  # noqa: F401 - re-exported
    alpha_dropout, dropout1d, dropout2d, dropout3d, feature_alpha_dropout,
)
from ..ops.embedding import embedding, embedding_bag  # noqa: F401 - re-exported
from ..ops.fold import fold, unfold  # noqa: F401 - re-exported
from ..ops.interpolate import interpolate  # noqa: F401 - re-exported
from ..ops.pad import pad  # noqa: F401 - re-exported
from ..ops.attention import scaled_dot_product_attention  # noqa: F401 - re-exported
from ..ops.normalization import (  # noqa: F401 - re-exported
    batch_norm, group_norm, instance_norm, layer_norm, local_response_norm,
)
from ..dtypes import scalar_name
from ..ops.activation import (  # noqa: F401 - re-exported
    celu, celu_, elu, elu_, gelu, glu, hardshrink, hardsigmoid, hardswish, hardtanh, hardtanh_, leaky_relu,
    leaky_relu_, logsigmoid, mish, prelu, relu6, rrelu, rrelu_, selu, selu_, silu, softplus, softshrink, softsign,
    tanhshrink, threshold, threshold_,
)
from ..tensor import Tensor, matmul
from .modules.pixelshuffle import pixel_shuffle, pixel_unshuffle  # noqa: F401 - re-exported

globals().update({name: getattr(_losses, name) for name in _losses.__all__ if not name[0].isupper()})


def _not_tensor(fn, obj, name="input", position=1):
    return TypeError(f"{fn}(): argument '{name}' (position {position}) must be Tensor, not {type(obj).__name__}")


def linear(input, weight, bias=None):  # noqa: A002 - torch's argument names throughout
    """``y = x·Wᵀ + b`` over the last dim of ``input`` (one fused node: AddmmBackward0 for 2-D input)."""
    try:
        x, w = input._data, weight._data
    except AttributeError:
        raise (_not_tensor("linear", input) if not isinstance(input, Tensor) else
               _not_tensor("linear", weight, "weight", 2)) from None
    if w.ndim != 2 and bias is None and x.ndim:  # torch computes x·Wᵀ as a plain matmul here (1-D W: a dot)
        return matmul(input, weight.t())
    if x.dtype != w.dtype or x.ndim == 0 or w.ndim != 2 or x.shape[-1] != w.shape[1]:
        _linear_error(x, w)
    if bias is None:
        return _linalg.Linear.apply(input, weight)
    b = bias._data
    if b.dtype != w.dtype:
        raise RuntimeError(f"self and mat2 must have the same dtype, but got {scalar_name(b)} and {scalar_name(w)}")
    if b.shape != (w.shape[0],):  # a broadcast bias: unfused, so its gradient is summed back by the engine
        return _linalg.Linear.apply(input, weight) + bias
    return _linalg.Linear.apply(input, weight, bias)


def bilinear(input1, input2, weight, bias=None):  # noqa: A002
    """``y_o = Σᵢⱼ x1ᵢ·W_oij·x2ⱼ + b_o`` over the last dims (leading dims shared)."""
    for t, name, pos in ((input1, "input1", 1), (input2, "input2", 2), (weight, "weight", 3)):
        if not isinstance(t, Tensor):
            raise _not_tensor("bilinear", t, name, pos)
    lead = input1.shape[:-1]
    for d, (a, c) in enumerate(zip(lead, input2.shape[:-1])):
        if a != c:
            raise RuntimeError(f"bilinear(): input batch dimensions do not match at dim {d}: got {a} and {c}")
    out, n1, n2 = weight.shape
    for got, want, name in ((input1.shape[-1], n1, "input1"), (input2.shape[-1], n2, "input2"),
                            (None if bias is None else bias.shape[-1], out, "bias")):
        if got is not None and got != want:
            raise RuntimeError(f"bilinear(): {name} size does not match weight size: got {got} but expected {want}")
    x1, x2 = input1.reshape(-1, n1), input2.reshape(-1, n2)
    t = matmul(x1, weight.permute(1, 0, 2).reshape(n1, out * n2)).reshape(-1, out, n2)  # x1ᵢ·W_oij
    y = (t * x2.unsqueeze(1)).sum(-1).reshape(*lead, out)
    return y if bias is None else y + bias


def normalize(input, p=2.0, dim=1, eps=1e-12, out=None):  # noqa: A002
    """``x / max(‖x‖_p, eps)`` along ``dim``."""
    y = input / input.norm(p, dim, keepdim=True).clamp_min(eps).expand_as(input)
    if out is not None:
        from ..ops.pointwise import write_out
        return write_out("normalize", y, out)
    return y


def one_hot(tensor, num_classes=-1):
    """An int64 tensor of shape ``(*, num_classes)`` with a 1 at each class index of ``tensor``."""
    if not isinstance(tensor, Tensor):
        raise _not_tensor("one_hot", tensor, "self")
    if tensor.dtype.name != "int64":
        raise RuntimeError("one_hot is only applicable to index tensor of type LongTensor.")
    idx = tensor._host()
    if num_classes == -1:
        if idx.size == 0:
            raise RuntimeError("Can not infer total number of classes from empty tensor.")
        num_classes = int(idx.max()) + 1
    if idx.size and idx.min() < 0:
        raise RuntimeError("Class values must be non-negative.")
    if idx.size and idx.max() >= num_classes:
        raise RuntimeError("Class values must be smaller than num_classes.")
    out = (idx[..., None] == np.arange(num_classes)).astype(np.int64)
    return Tensor._make(out, CPU).to(tensor.device)


def _linear_error(x, w):
    if x.ndim == 0:
        raise RuntimeError(f"both arguments to linear need to be at least 1D, but they are {x.ndim}D and {w.ndim}D")
    if w.ndim != 2:
        raise RuntimeError(f"mat2 must be a matrix, got {w.ndim}-D tensor")
    if x.dtype != w.dtype:
        raise RuntimeError(f"mat1 and mat2 must have the same dtype, but got {scalar_name(x)} and {scalar_name(w)}")
    raise RuntimeError(f"mat1 and mat2 shapes cannot be multiplied ({math.prod(x.shape[:-1])}x{x.shape[-1]} and "
                       f"{w.shape[1]}x{w.shape[0]})")


def relu_(input):  # noqa: A002
    """In-place ``relu``."""
    return relu(input, inplace=True)


def relu(input, inplace=False):  # noqa: A002
    """``max(x, 0)`` elementwise."""
    if not isinstance(input, Tensor):
        raise _not_tensor("relu", input)
    return input.relu_() if inplace else input.relu()


def sigmoid(input):  # noqa: A002
    """``1 / (1 + e⁻ˣ)`` elementwise."""
    return input.sigmoid()


def tanh(input):  # noqa: A002
    """``tanh(x)`` elementwise."""
    return input.tanh()


def _softmax_dim(name, ndim, stacklevel):
    """torch's legacy choice when ``dim`` is omitted (with its deprecation warning)."""
    warnings.warn(f"Implicit dimension choice for {name} has been deprecated. Change the call to include dim=X "
                  "as an argument.", UserWarning, stacklevel=stacklevel)
    return 0 if ndim in (0, 1, 3) else 1


def softmax(input, dim=None, _stacklevel=3, dtype=None):  # noqa: A002
    """``eˣ / Σ eˣ`` along ``dim``."""
    if dim is None:
        dim = _softmax_dim("softmax", input.ndim, _stacklevel)
    return input.softmax(dim, dtype=dtype)


def softmin(input, dim=None, _stacklevel=3, dtype=None):  # noqa: A002
    """``softmax(−x)`` along ``dim``."""
    if dim is None:
        dim = _softmax_dim("softmin", input.ndim, _stacklevel)
    return (-input).softmax(dim, dtype=dtype)


def log_softmax(input, dim=None, _stacklevel=3, dtype=None):  # noqa: A002
    """``x − log Σ eˣ`` along ``dim``."""
    if dim is None:
        dim = _softmax_dim("log_softmax", input.ndim, _stacklevel)
    return input.log_softmax(dim, dtype=dtype)


def dropout(input, p=0.5, training=True, inplace=False):  # noqa: A002
    """Zero each element with probability ``p`` and scale the rest by ``1/(1−p)`` (identity when not training)."""
    if p < 0.0 or p > 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
    if not isinstance(input, Tensor):
        raise _not_tensor("dropout", input)
    if not training or p == 0 or input.numel() == 0:
        return input
    if not input.is_floating_point():
        raise RuntimeError(f"result type Float can't be cast to the desired output type {scalar_name(input._data)}")
    dt = input._data.dtype
    if p == 1:  # torch multiplies by a zero scalar: no draws
        keep = np.zeros((), dt)
    else:  # torch's mask: empty_like(input).bernoulli_(1 − p) / (1 − p), from the input device's generator
        with _random.drawing_for(input.device):
            keep = _random.bernoulli(input._data.shape, dt, 1 - p) / dt.type(1 - p)
    mask = Tensor._make(keep, CPU)
    if input.device != CPU:
        mask = mask.to(input.device)
    return input.mul_(mask) if inplace else input * mask
