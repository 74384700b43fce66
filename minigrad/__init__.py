"""minigrad: PyTorch-style tensors, autograd, nn and optim on numpy, with Numba/Cython kernels.

``import minigrad as torch`` works for the tutorials' code; ``python -m minigrad run SCRIPT`` runs an
unchanged ``import torch`` script against minigrad (see ``minigrad.compat``)."""
import builtins

from . import _compiled  # noqa: F401 - first: MINIGRAD_PURE_PYTHON=1 must precede the compiled imports
from . import autograd, cuda, dtypes, random
from .autograd import (
    enable_grad, inference_mode, is_grad_enabled, is_inference_mode_enabled, no_grad, set_grad_enabled,
)
from .creation import (
    BoolTensor, ByteTensor, CharTensor, DoubleTensor, FloatTensor, HalfTensor, IntTensor, LongTensor, ShortTensor,
    arange, as_tensor, cat, concat, concatenate, empty, empty_like, eye, from_numpy, full, full_like, linspace,
    logspace, normal, ones, ones_like, rand, rand_like, randint, randn, randn_like, randperm, stack, zeros, zeros_like,
)
from .creation import bernoulli, multinomial, poisson, randint_like
from .device import device
from .dtypes import (
    bool, double, dtype, float, float16, float32, float64, half, int, int8, int16, int32, int64, long, short, uint8,
)
from .dtypes import can_cast, finfo, iinfo, promote_types
from .random import Generator, default_generator, get_rng_state, initial_seed, manual_seed, seed, set_rng_state
from .ops.pointwise import FUNCTIONS as _pointwise_functions
from .ops import indexing as _indexing
from .ops.functions import write_out as _write_out
from .ops import linalg as _linalg
from .ops import scan as _scan
from .ops import shape as _shape
from .creation import tensor
from .tensor import Size, Tensor, matmul, maximum, minimum, where

from . import backends, linalg, nn, optim  # noqa: E402 - built on everything above
from . import utils  # noqa: E402 - torch.utils.data
from . import serialization  # noqa: E402
from .serialization import load, save  # noqa: E402

from . import version  # noqa: E402
from .version import __version__  # noqa: E402 - minigrad's own; the torch alias reports version.torch


def _method(name):
    def fn(input, *args, out=None, **kwargs):  # noqa: A002 - torch's argument name
        if out is not None and name in _OUT_SETS_DTYPE:
            kwargs.setdefault("dtype", out.dtype)
        return _write_out(name, getattr(input, name)(*args, **kwargs), out,
                          "exact" if name in _OUT_EXACT_DTYPE else "cast")
    fn.__name__ = name
    fn.__doc__ = f"``torch.{name}(input, ...)``: same as ``input.{name}(...)``."
    return fn


_OUT_SETS_DTYPE = ("sum", "prod", "cumsum")  # torch computes these in out's dtype
_OUT_EXACT_DTYPE = ("mm", "dot", "max", "min", "amax", "amin", "argmax", "argmin", "sort", "topk")
for _name in ("add", "sub", "mul", "div",
              "pow", "clamp", "clip", "masked_fill", "softmax", "log_softmax",
              "logsumexp", "norm", "sum", "mean", "max", "min", "amax", "amin", "argmax", "argmin", "prod", "var",
              "std", "flatten", "reshape", "squeeze", "unsqueeze", "permute", "transpose", "t", "chunk", "split",
              "unbind", "isnan", "isinf", "isfinite", "eq", "ne", "lt", "le", "gt",
              "ge", "equal", "allclose", "logical_not", "logical_and", "logical_or", "logical_xor", "all", "any",
              "nonzero", "count_nonzero", "cumsum", "sort", "gather", "topk", "unique", "dot", "mm", "clone",
              "detach", "numel", "true_divide", "multiply", "subtract", "clamp_min", "clamp_max",
              "divide", "greater", "greater_equal", "less", "less_equal", "not_equal", "ravel", "is_same_size",
              "argsort", "isclose", "is_nonzero", "is_floating_point", "nansum", "nanmean", "median",
              "kthvalue",
              ):
    globals()[_name] = _method(_name)
del _name
globals().update(_pointwise_functions)  # torch.sin, torch.exp, ...: the declared pointwise ops (ops/pointwise.py)
for _mod in (_indexing, _linalg, _scan, _shape):  # torch.bmm, torch.einsum, ... (ops/functions.py)
    globals().update(_mod.FUNCTIONS)
del _mod


def is_tensor(obj):
    return isinstance(obj, Tensor)


def std_mean(input, dim=None, unbiased=None, keepdim=False, *, correction=None):  # noqa: A002
    """``(std, mean)`` over ``dim``; ``std`` as ``Tensor.std``."""
    return input.std(dim, unbiased, keepdim, correction), input.mean(dim, keepdim)


def var_mean(input, dim=None, unbiased=None, keepdim=False, *, correction=None):  # noqa: A002
    """``(var, mean)`` over ``dim``; ``var`` as ``Tensor.var``."""
    return input.var(dim, unbiased, keepdim, correction), input.mean(dim, keepdim)


def typename(obj):
    """``'torch.FloatTensor'`` for a tensor (its legacy type), else the object's qualified class name."""
    if isinstance(obj, Tensor):
        return obj.type()
    cls = type(obj)
    return cls.__qualname__ if cls.__module__ == "builtins" else f"{cls.__module__}.{cls.__qualname__}"


def broadcast_shapes(*shapes):
    """The shape tensors of ``shapes`` broadcast to (torch's RuntimeError when they do not)."""
    from .tensor import _broadcast_shape
    return Size(_broadcast_shape(*(tuple(s) if isinstance(s, (tuple, list)) else (s,) for s in shapes)))


def numel(input):  # noqa: A002
    return input.numel()


def result_type(a, b):
    return dtypes.result_type(a, b)


def get_num_threads():
    """The number of threads CPU kernels split large work over: ``NUMBA_NUM_THREADS``, else the CPU count."""
    from .kernels.cpu import _parallel
    return _parallel.get_num_threads()


def set_num_threads(n):
    """Split large CPU kernels over ``n`` threads (1: run them in the calling thread). Results are
    bit-identical for every ``n``."""
    from .kernels.cpu import _parallel
    _parallel.set_num_threads(n)


def get_default_dtype():
    """The dtype of Python floats in ``tensor(...)``, of float factories and of integer-to-float promotion."""
    return dtypes.default_float()


def set_default_dtype(d):
    """Make the floating dtype ``d`` the default for ``tensor([1.5])``, ``zeros``, ``randn``, layers'
    parameters and integer-to-float promotion (``int_tensor / 2``, ``sin(int_tensor)``)."""
    if not isinstance(d, dtype):
        raise TypeError("invalid dtype object: only floating-point types are supported as the default type")
    if not d.is_floating_point:
        raise TypeError("only floating-point types are supported as the default type")
    dtypes.set_default_float(d)


def set_default_tensor_type(t):
    """Deprecated form of ``set_default_dtype`` taking a legacy type: ``DoubleTensor`` or
    ``'torch.DoubleTensor'``. CUDA types (a default device) are not supported."""
    import warnings
    warnings.warn("torch.set_default_tensor_type() is deprecated as of PyTorch 2.1, please use "
                  "torch.set_default_dtype() and torch.set_default_device() as alternatives.", UserWarning,
                  stacklevel=2)
    if isinstance(t, str):
        if ".cuda." in t:
            raise TypeError(f"type {t} not available: minigrad has no default device; move tensors with .to('cuda')")
        if t.split(".")[-1] not in dtypes.TYPE_NAMES:
            raise TypeError(f"invalid type: '{t}'")
        t = dtypes.TYPE_NAMES[t.split(".")[-1]]
    else:
        t = getattr(t, "dtype", None) if isinstance(t, type) else None
        if not isinstance(t, dtype):
            raise TypeError("invalid type object: only floating-point types are supported as the default type")
    set_default_dtype(t)


def set_printoptions(precision=None, threshold=None, edgeitems=None, linewidth=None, profile=None, sci_mode=None):
    from . import _printing
    for key, value in (("PRECISION", precision), ("THRESHOLD", threshold), ("EDGEITEMS", edgeitems),
                       ("LINEWIDTH", linewidth), ("SCI_MODE", sci_mode)):
        if value is not None:
            setattr(_printing, key, value)


_DETERMINISTIC = {"mode": False, "warn_only": False}


def use_deterministic_algorithms(mode, *, warn_only=False):
    """Recorded for ``are_deterministic_algorithms_enabled``; minigrad's kernels are deterministic
    anyway (the same bits on every run and thread count)."""
    if not isinstance(mode, builtins.bool):
        raise TypeError(f"use_deterministic_algorithms(): argument 'mode' (position 1) must be bool, not "
                        f"{type(mode).__name__}")
    _DETERMINISTIC.update(mode=mode, warn_only=warn_only)


def are_deterministic_algorithms_enabled():
    return _DETERMINISTIC["mode"]


def is_deterministic_algorithms_warn_only_enabled():
    return _DETERMINISTIC["warn_only"]


def compile(model=None, *, fullgraph=False, dynamic=None, backend="inductor", mode=None,  # noqa: A001
            options=None, disable=False):
    """``torch.compile``: minigrad runs eagerly with compiled kernels already, so the module or
    function comes back unchanged (torch's ``backend="eager"``); without ``model``, a decorator."""
    if model is None:
        return lambda fn: fn
    if not callable(model):
        raise RuntimeError("torch.compile: model must be callable")
    return model
