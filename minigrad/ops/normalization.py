"""Normalisation: the Ops over ``kernels/<device>/normalization.py`` and the functionals
``batch_norm``, ``layer_norm``, ``group_norm``, ``instance_norm`` (validation first, as torch).

    batch_norm:    statistics per channel over (N, *spatial)
    layer_norm:    per sample over the trailing ``normalized_shape``, one weight per element
    group_norm:    per (sample, group of C/G channels), one weight per channel
    instance_norm: per (sample, channel): group_norm with G = C

    y = (x − mean) / √(var + eps) · weight + bias        (var biased)

Running statistics are updated in place, as torch: r ← (1 − m)·r + m·s with the unbiased variance
(count M/(M − 1)).
"""
import math

from ..autograd.op import Op
from ..tensor import Tensor


def _check_tensor(fn, t, name, position):
    if not isinstance(t, Tensor):
        raise TypeError(f"{fn}(): argument '{name}' (position {position}) must be Tensor, not {type(t).__name__}")


def _check_param(fn, x, t, name, size):
    """A weight/bias/running stat: None or a tensor of ``size`` elements with x's dtype and device."""
    if t is None:
        return
    _check_tensor(fn, t, name, 0)
    if t.numel() != size:
        raise RuntimeError(f"{fn}: expected {name} to have {size} elements, but got {name} of size {list(t.shape)}")
    if t.dtype != x.dtype and name in ("weight", "bias"):
        raise RuntimeError(f"{fn}: expected {name} to have dtype {x.dtype}, but got {t.dtype}")


def _inputs(x, weight, bias):
    """The op's tensor inputs: (x), (x, w) or (x, w, b); a lone bias gets a constant weight of ones."""
    if weight is None and bias is None:
        return (x,)
    if weight is None:
        from .. import creation
        weight = creation.ones(tuple(bias.shape), dtype=x.dtype, device=x.device)
    return (x, weight) if bias is None else (x, weight, bias)


class _Norm(Op):
    """Shared by the normalisation ops: inputs in their own shapes (the kernels' views are taken here,
    so the gradients come back fresh, in those shapes); a missing weight or bias is ones or zeros."""
    fresh_grads = True
    saves = (0, 1)

    def params(self, x, w, b, shape):
        k = self.kernels = self.backend.load("normalization")
        self.x_shape, self.dtype, self.w_shape = x.shape, x.dtype, None if w is None else w.shape
        if w is None:
            self.saves = (0,)
        self.w = k.ones(shape, x.dtype) if w is None else w.reshape(shape)
        return self.w, k.zeros(shape, x.dtype) if b is None else b.reshape(shape)

    def grads(self, gx, dw, db):
        gx = None if gx is None else gx.reshape(self.x_shape)
        if len(self.needs_input_grad) == 1:
            return (gx,)
        be = self.backend
        return (gx, be.astype(dw.reshape(self.w_shape), self.dtype),
                be.astype(db.reshape(self.w_shape), self.dtype))[:len(self.needs_input_grad)]


class BatchNorm(_Norm):
    """x (N, C, *) normalised per channel; with ``training`` the batch's statistics (and the running
    ones, when given, updated in place), else the running ones."""
    name = "NativeBatchNormBackward0"

    def forward(self, x, w=None, b=None, running_mean=None, running_var=None, training=True, momentum=0.1,
                eps=1e-5):
        C = x.shape[1]
        w, b = self.params(x, w, b, (C,))
        k, self.training = self.kernels, training
        self.x = x = x.reshape(x.shape[0], C, x.size // (x.shape[0] * C) if x.size else 0)
        if training:
            self.mean, self.invstd = k.empty(C), k.empty(C)
        else:
            self.mean, self.invstd = k.eval_stats(running_mean, running_var, eps)
        out = k.batch_norm_forward(x, w, b, self.mean, self.invstd, training, eps)
        if training and running_mean is not None:
            count = x.size // C
            k.update_running_stats(running_mean, running_var, self.mean, self.invstd, eps, momentum,
                                   count / (count - 1))
        return out.reshape(self.x_shape)

    def backward(self, g):
        gx, dw, db = self.kernels.batch_norm_backward(g.reshape(self.x.shape), self.x, self.w, self.mean, self.invstd,
                                                      self.training, self.needs_input_grad[0])
        return self.grads(gx, dw, db)


class RowNorm(_Norm):
    """x seen as (rows, K) normalised per row; affine (G, Cg) with row r in group r % G, element k in
    column k // L."""

    def forward(self, x, w=None, b=None, rows=1, groups=1, L=1, eps=1e-5, running_mean=None, running_var=None,
                momentum=0.1):
        K = x.size // rows if rows else 0
        w, b = self.params(x, w, b, (groups, K // L if L else 0))
        k, self.L = self.kernels, L
        self.x = x = x.reshape(rows, K)
        out, self.mean, self.rstd = k.row_norm_forward(x, w, b, L, eps)
        if running_mean is not None:  # instance norm: the rows' statistics averaged over the batch
            k.update_running_stats(running_mean, running_var, self.mean, self.rstd, eps, momentum, L / (L - 1))
        return out.reshape(self.x_shape)

    def backward(self, g):
        gx, dw, db = self.kernels.row_norm_backward(g.reshape(self.x.shape), self.x, self.w, self.L, self.mean,
                                                    self.rstd)
        return self.grads(gx, dw, db)


class LayerNorm(RowNorm):
    name = "NativeLayerNormBackward0"


class GroupNorm(RowNorm):
    name = "NativeGroupNormBackward0"


def batch_norm(input, running_mean, running_var, weight=None, bias=None, training=False,  # noqa: A002
               momentum=0.1, eps=1e-5):
    """Batch normalisation over dim 1 of ``(N, C, *)``; see :class:`minigrad.nn.BatchNorm2d`."""
    _check_tensor("batch_norm", input, "input", 1)
    if input.ndim < 2:
        raise ValueError(f"Expected 2D or higher input to batch_norm (got {input.ndim}D input)")
    C = input.shape[1]
    if training:
        count = input.shape[0] * math.prod(input.shape[2:])
        if count == 1:
            raise ValueError(f"Expected more than 1 value per channel when training, got input size {input.shape}")
    elif running_mean is None or running_var is None:
        raise RuntimeError("running_mean and running_var must be defined in evaluation mode")
    for t, name in ((weight, "weight"), (bias, "bias"), (running_mean, "running_mean"), (running_var, "running_var")):
        _check_param("batch_norm", input, t, name, C)
    if not input.is_floating_point():
        raise RuntimeError(f"\"batch_norm\" not implemented for '{input.dtype.name.capitalize()}'")
    stats = dict(running_mean=None if running_mean is None else running_mean._data,
                 running_var=None if running_var is None else running_var._data)
    out = BatchNorm.apply(*_inputs(input, weight, bias), training=training, momentum=momentum, eps=eps, **stats)
    for t in (running_mean, running_var):
        if training and t is not None:
            t._version[0] += 1
    return out


def layer_norm(input, normalized_shape, weight=None, bias=None, eps=1e-5):  # noqa: A002
    """Normalise over the trailing ``normalized_shape`` dims; see :class:`minigrad.nn.LayerNorm`."""
    _check_tensor("layer_norm", input, "input", 1)
    shape = (normalized_shape,) if isinstance(normalized_shape, int) else tuple(normalized_shape)
    d = len(shape)
    if d == 0 or tuple(input.shape[input.ndim - d:]) != shape or input.ndim < d:
        raise RuntimeError(f"Given normalized_shape={list(shape)}, expected input with shape "
                           f"[*, {', '.join(map(str, shape))}], but got input of size{list(input.shape)}")
    K = math.prod(shape)
    for t, name in ((weight, "weight"), (bias, "bias")):
        _check_param("layer_norm", input, t, name, K)
    rows = math.prod(input.shape[:input.ndim - d])
    return LayerNorm.apply(*_inputs(input, weight, bias), rows=rows, groups=1, L=1, eps=eps)


def group_norm(input, num_groups, weight=None, bias=None, eps=1e-5):  # noqa: A002
    """Normalise over groups of channels; see :class:`minigrad.nn.GroupNorm`."""
    _check_tensor("group_norm", input, "input", 1)
    if input.ndim < 2:
        raise RuntimeError(f"Expected at least 2 dimensions for input tensor but received {input.ndim}")
    N, C = input.shape[:2]
    if num_groups <= 0 or C % num_groups:
        raise RuntimeError(f"Expected number of channels in input to be divisible by num_groups, but got input of "
                           f"shape {list(input.shape)} and num_groups={num_groups}")
    for t, name in ((weight, "weight"), (bias, "bias")):
        _check_param("group_norm", input, t, name, C)
    return _grouped(input, num_groups, weight, bias, eps)


def _grouped(input, groups, weight, bias, eps, **stats):  # noqa: A002
    N = input.shape[0]
    return GroupNorm.apply(*_inputs(input, weight, bias), rows=N * groups, groups=groups,
                           L=math.prod(input.shape[2:]), eps=eps, **stats)


def instance_norm(input, running_mean=None, running_var=None, weight=None, bias=None,  # noqa: A002
                  use_input_stats=True, momentum=0.1, eps=1e-5):
    """Normalise each (sample, channel) over its spatial values; see :class:`minigrad.nn.InstanceNorm2d`."""
    _check_tensor("instance_norm", input, "input", 1)
    if input.ndim < 3:
        raise ValueError(f"Expected 3D or higher input to instance_norm (got {input.ndim}D input)")
    N, C = input.shape[:2]
    for t, name in ((weight, "weight"), (bias, "bias"), (running_mean, "running_mean"), (running_var, "running_var")):
        _check_param("instance_norm", input, t, name, C)
    if not use_input_stats:
        return batch_norm(input, running_mean, running_var, weight, bias, False, momentum, eps)
    L = math.prod(input.shape[2:])
    if L == 1:
        raise ValueError(f"Expected more than 1 spatial element when training, got input size {list(input.shape)}")
    if running_mean is None or running_var is None:
        return _grouped(input, C, weight, bias, eps)
    out = _grouped(input, C, weight, bias, eps, running_mean=running_mean._data, running_var=running_var._data,
                   momentum=momentum)
    running_mean._version[0] += 1
    running_var._version[0] += 1
    return out


def local_response_norm(input, size, alpha=1e-4, beta=0.75, k=1.0):  # noqa: A002
    """Normalise each value by its neighbours across channels; see :class:`minigrad.nn.LocalResponseNorm`."""
    from .conv import avg_pool2d
    _check_tensor("local_response_norm", input, "input", 1)
    if input.ndim < 3:
        raise ValueError(f"Expected 3D or higher dimensionality                          input (got {input.ndim} "
                         "dimensions)")
    if input.numel() == 0:
        return input
    N, C = input.shape[:2]
    sq = (input * input).reshape(N, 1, C, -1)
    # zero padding size//2 before and (size−1)//2 after: a symmetric size//2 and the extra last row dropped
    div = avg_pool2d(sq, (size, 1), stride=1, padding=(size // 2, 0))[:, 0, :C]
    return input / (div.reshape(input.shape) * alpha + k) ** beta
