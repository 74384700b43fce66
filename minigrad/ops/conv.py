"""2-D convolution and pooling: the Ops (kernels in ``kernels/<device>/conv2d.py`` and ``pooling.py``)
and the functionals that validate torch's arguments before any kernel runs.

    conv:  out[n, o] = b[o] + Σ_c Σ_ij W[o, c, i, j] · x[n, c, s·h + d·i − p, s·w + d·j − p]
    max:   out = max over the window; the gradient goes to the first maximum (the saved argmax)
    avg:   out = Σ window / divisor; the gradient is spread back evenly
"""
import numpy as np

from .. import dtypes
from ..autograd.op import Op
from ..tensor import Tensor


def _pair(v, name):
    if isinstance(v, Tensor):
        v = v.tolist()
    t = tuple(v) if isinstance(v, (tuple, list)) else (v, v)
    if len(t) == 1:
        t = t * 2
    if len(t) != 2 or not all(isinstance(i, int) for i in t):
        raise TypeError(f"{name} must be an int or a tuple of two ints, got {v!r}")
    return t


def _check_input(fn, input, what="3D (unbatched) or 4D (batched)"):  # noqa: A002
    if not isinstance(input, Tensor):
        raise TypeError(f"{fn}(): argument 'input' (position 1) must be Tensor, not {type(input).__name__}")
    if input.ndim not in (3, 4):
        raise RuntimeError(f"Expected {what} input to {fn}, but got input of size: {list(input.shape)}")


def _batched(fn):
    """Run ``fn`` on a 4-D tensor; an unbatched (C, H, W) input gets a batch of one and loses it after."""
    def wrapper(input, *args, **kwargs):  # noqa: A002
        if input.ndim == 3:
            out = fn(input.unsqueeze(0), *args, **kwargs)
            return tuple(o.squeeze(0) for o in out) if isinstance(out, tuple) else out.squeeze(0)
        return fn(input, *args, **kwargs)
    return wrapper


class _Convolution(Op):
    """Conv2d and ConvTranspose2d (torch names both ConvolutionBackward0): forward keeps the operands and
    geometry for backward and runs the kernel module named ``kernel``."""
    fresh_grads = True
    saves = (0, 1)
    kernel = None

    def _keep(self, x, w, geometry):
        """Keep ``x``, ``w`` and ``geometry``; return the device's kernel module."""
        self.x, self.w, self.geometry = x, w, geometry
        self.kernels = self.backend.load(self.kernel)
        return self.kernels


class Conv2d(_Convolution):
    name, kernel = "ConvolutionBackward0", "conv2d"

    def forward(self, x, w, b=None, **geometry):
        out, self.saved = self._keep(x, w, geometry).conv2d_forward(x, w, b, **geometry)
        return out

    def backward(self, g):
        needs = tuple(self.needs_input_grad) + (False,) * (3 - len(self.needs_input_grad))
        gx, gw, gb = self.kernels.conv2d_backward(g, self.x, self.w, self.saved, needs=needs, **self.geometry)
        return (gx, gw, gb)[:len(self.needs_input_grad)]


def _same_padding(kernel, dilation):
    """torch's 'same': total d·(k−1) per axis, the smaller half before (top, bottom, left, right)."""
    pads = []
    for k, d in zip(kernel, dilation):
        total = d * (k - 1)
        pads += [total // 2, total - total // 2]
    return tuple(pads)


def conv2d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):  # noqa: A002
    """2-D convolution over ``(N, C, H, W)`` or ``(C, H, W)`` input."""
    _check_input("conv2d", input)
    if not isinstance(weight, Tensor) or weight.ndim != 4:
        raise RuntimeError(f"weight should have at least three dimensions, got weight of size "
                           f"{list(getattr(weight, 'shape', ()))}" if isinstance(weight, Tensor) else
                           f"conv2d(): argument 'weight' (position 2) must be Tensor, not {type(weight).__name__}")
    stride, dilation = _pair(stride, "stride"), _pair(dilation, "dilation")
    if min(stride) <= 0:
        raise RuntimeError("non-positive stride is not supported")
    if min(dilation) <= 0:
        raise RuntimeError("dilation should be greater than zero")
    if not isinstance(groups, int) or groups <= 0:
        raise RuntimeError("non-positive groups is not supported")
    oc, cg, kh, kw = weight.shape
    if isinstance(padding, str):
        if padding == "valid":
            padding = (0, 0)
        elif padding == "same":
            if stride != (1, 1):
                raise RuntimeError("padding='same' is not supported for strided convolutions")
            padding = _same_padding((kh, kw), dilation)
        else:
            raise RuntimeError(f"Invalid padding string: '{padding}'")
    else:
        padding = _pair(padding, "padding")
    if min(padding) < 0:
        raise RuntimeError("negative padding is not supported")
    shape = input.shape if input.ndim == 4 else (1,) + tuple(input.shape)
    if oc % groups:
        raise RuntimeError(f"Given groups={groups}, expected weight to be divisible by {groups} at dimension 0, but "
                           f"got weight of size {list(weight.shape)} instead")
    if shape[1] != cg * groups:
        raise RuntimeError(f"Given groups={groups}, weight of size {list(weight.shape)}, expected input"
                           f"{list(shape)} to have {cg * groups} channels, but got {shape[1]} channels instead")
    top, bottom, left, right = (padding[0], padding[0], padding[1], padding[1]) if len(padding) == 2 else padding
    ph, pw = shape[2] + top + bottom, shape[3] + left + right
    eh, ew = dilation[0] * (kh - 1) + 1, dilation[1] * (kw - 1) + 1
    if ph < eh or pw < ew:
        raise RuntimeError(f"Calculated padded input size per channel: ({ph} x {pw}). Kernel size: ({eh} x {ew}). "
                           "Kernel size can't be greater than actual input size")
    if input.dtype != weight.dtype or (bias is not None and bias.dtype != weight.dtype):
        other = weight if input.dtype != weight.dtype else bias
        raise RuntimeError(f"Input type ({input.dtype.name}) and {'weight' if other is weight else 'bias'} type "
                           f"({other.dtype.name}) should be the same")
    if not input.is_floating_point() and (input.dtype is dtypes.bool or input.device.type != "cpu"):
        raise NotImplementedError(f'"slow_conv2d_{input.device.type}" not implemented for '
                                  f"'{dtypes.scalar_name(input.dtype)}'")
    if bias is not None and tuple(bias.shape) != (oc,):
        raise RuntimeError(f"Given weight of size {list(weight.shape)}, expected bias to be 1-dimensional with {oc} "
                           f"elements, but got bias of size {list(bias.shape)} instead")
    geometry = dict(stride=stride, padding=padding, dilation=dilation, groups=groups)
    if not input.is_floating_point():
        if dilation != (1, 1) and input.dtype is not dtypes.int64:  # torch's dilated integer path is Long only
            raise NotImplementedError(f'"slow_conv_dilated<>" not implemented for \'{dtypes.scalar_name(input.dtype)}\'')
        return _batched(_integer_conv2d)(input, weight, bias, **geometry)
    run = _batched(lambda x: Conv2d.apply(x, weight, **geometry) if bias is None else
                   Conv2d.apply(x, weight, bias, **geometry))
    return run(input)


def _integer_conv2d(x, w, b, stride, padding, dilation, groups):
    """Integer convolution as torch's CPU computes it: exact, wrapping on overflow, no gradient.
    out[n, g·Og + o, i, j] = Σ_{c, p, q} x_pad[n, g·Cg + c, i·sh + p·dh, j·sw + q·dw] · w[g·Og + o, c, p, q] (+ b)."""
    top, bottom, left, right = (padding[0], padding[0], padding[1], padding[1]) if len(padding) == 2 else padding
    a = np.pad(x._data, ((0, 0), (0, 0), (top, bottom), (left, right)))
    oc, cg, kh, kw = w.shape
    eh, ew = dilation[0] * (kh - 1) + 1, dilation[1] * (kw - 1) + 1
    win = np.lib.stride_tricks.sliding_window_view(a, (eh, ew), axis=(2, 3))
    win = win[:, :, ::stride[0], ::stride[1], ::dilation[0], ::dilation[1]]  # (N, C, OH, OW, kh, kw)
    n, _, oh, ow = win.shape[:4]
    win = win.reshape(n, groups, cg, oh, ow, kh, kw)
    out = np.einsum("ngchwpq,gocpq->ngohw", win, w._data.reshape(groups, oc // groups, cg, kh, kw))
    out = out.reshape(n, oc, oh, ow)
    if b is not None:
        out = out + b._data.reshape(1, oc, 1, 1)
    return Tensor._make(np.ascontiguousarray(out, dtype=x._data.dtype), x.device)


class MaxPool2d(Op):
    fresh_grads = True
    name = "MaxPool2DWithIndicesBackward0"

    def forward(self, x, **geometry):
        self.kernels, self.shape, self.geometry = self.backend.load("pooling"), x.shape, geometry
        out, self.argmax = self.kernels.max_pool2d_forward(x, **geometry)
        return out, self.argmax

    def backward(self, g):
        return self.kernels.max_pool2d_backward(g, self.argmax, self.shape, **self.geometry)


class AvgPool2d(Op):
    fresh_grads = True
    name = "AvgPool2DBackward0"

    def forward(self, x, **geometry):
        self.kernels, self.shape, self.geometry = self.backend.load("pooling"), x.shape, geometry
        return self.kernels.avg_pool2d_forward(x, **geometry)

    def backward(self, g):
        return self.kernels.avg_pool2d_backward(g, self.shape, **self.geometry)


class AdaptiveAvgPool2d(Op):
    fresh_grads = True
    name = "AdaptiveAvgPool2DBackward0"

    def forward(self, x, output_size=None):
        self.kernels, self.shape = self.backend.load("pooling"), x.shape
        return self.kernels.adaptive_avg_pool2d_forward(x, output_size)

    def backward(self, g):
        return self.kernels.adaptive_avg_pool2d_backward(g, self.shape)


def _pool_geometry(fn, input, kernel_size, stride, padding, dilation=(1, 1)):  # noqa: A002
    _check_input(fn, input, "3D or 4D (batch mode)")
    if 0 in input.shape[-3:]:
        raise RuntimeError("Expected 3D or 4D (batch mode) tensor with optional 0 dim batch size for input, but "
                           f"got:{list(input.shape)}")
    if not input.is_floating_point():
        raise RuntimeError(f"\"{fn}\" not implemented for '{input.dtype.name.capitalize()}'")
    k = _pair(kernel_size, "kernel_size")
    s = k if stride is None or stride == [] or stride == () else _pair(stride, "stride")
    p, d = _pair(padding, "padding"), _pair(dilation, "dilation")
    if min(k) <= 0:
        raise RuntimeError(f"kernel size should be greater than zero, but got kH: {k[0]} kW: {k[1]}")
    if min(s) <= 0:
        raise RuntimeError("stride should not be zero" if min(s) == 0 else
                           f"stride should be greater than zero, but got dH: {s[0]} dW: {s[1]}")
    if min(d) <= 0:
        raise RuntimeError(f"dilation should be greater than zero, but got dilationH: {d[0]} dilationW: {d[1]}")
    for pad, kk, dd in zip(p, k, d):
        if pad < 0 or pad > (dd * (kk - 1) + 1) // 2:
            raise RuntimeError(f"pad should be at most half of effective kernel size, but got pad={pad}, "
                               f"kernel_size={kk} and dilation={dd}")
    return k, s, p, d


def _check_output(input, kernels, k, s, p, d, ceil_mode):  # noqa: A002
    h, w = input.shape[-2:]
    oh = kernels.pool_output_size(h, k[0], s[0], p[0], d[0], ceil_mode)
    ow = kernels.pool_output_size(w, k[1], s[1], p[1], d[1], ceil_mode)
    if oh < 1 or ow < 1:
        c = input.shape[-3]
        raise RuntimeError(f"Given input size: ({c}x{h}x{w}). Calculated output size: ({c}x{oh}x{ow}). "
                           "Output size is too small")


def max_pool2d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,  # noqa: A002
               return_indices=False):
    """2-D max pooling; with ``return_indices`` also the flat input-plane index of each maximum."""
    k, s, p, d = _pool_geometry("max_pool2d", input, kernel_size, stride, padding, dilation)
    _check_output(input, input._backend().load("pooling"), k, s, p, d, ceil_mode)
    out, indices = _batched(lambda x: MaxPool2d.apply(x, kernel_size=k, stride=s, padding=p, dilation=d,
                                                      ceil_mode=ceil_mode))(input)
    return (out, indices) if return_indices else out


def avg_pool2d(input, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True,  # noqa: A002
               divisor_override=None):
    """2-D average pooling."""
    k, s, p, _ = _pool_geometry("avg_pool2d", input, kernel_size, stride, padding)
    if divisor_override is not None and divisor_override == 0:
        raise RuntimeError("divisor must be not zero")
    _check_output(input, input._backend().load("pooling"), k, s, p, (1, 1), ceil_mode)
    return _batched(lambda x: AvgPool2d.apply(x, kernel_size=k, stride=s, padding=p, ceil_mode=ceil_mode,
                                              count_include_pad=count_include_pad,
                                              divisor_override=divisor_override))(input)


def adaptive_avg_pool2d(input, output_size):  # noqa: A002
    """Average pooling to a fixed ``output_size`` (a None entry keeps that input size)."""
    _check_input("adaptive_avg_pool2d", input, "3D or 4D")
    size = tuple(output_size) if isinstance(output_size, (tuple, list)) else (output_size, output_size)
    if len(size) != 2:
        raise ValueError("adaptive_avg_pool2d: output_size must be 2")
    size = tuple(input.shape[-2 + i] if v is None else v for i, v in enumerate(size))
    empty = [i for i in (input.ndim - 2, input.ndim - 1) if input.shape[i] == 0]
    if empty:
        raise RuntimeError("adaptive_avg_pool2d(): Expected input to have non-zero size for non-batch dimensions, "
                           f"but input has sizes {list(input.shape)} with dimension {empty[0]} being empty")
    return _batched(lambda x: AdaptiveAvgPool2d.apply(x, output_size=size))(input)


class ConvTranspose2d(_Convolution):
    name, kernel = "ConvolutionBackward0", "conv_transpose2d"

    def forward(self, x, w, b=None, **geometry):
        return self._keep(x, w, geometry).conv_transpose2d_forward(x, w, b, **geometry)

    def backward(self, g):
        grads = self.kernels.conv_transpose2d_backward(g, self.x, self.w, needs=self.needs_input_grad, **self.geometry)
        return grads[:len(self.needs_input_grad)]


def _check_weight(fn, weight, ndim):
    if not isinstance(weight, Tensor):
        raise TypeError(f"{fn}(): argument 'weight' (position 2) must be Tensor, not {type(weight).__name__}")
    if weight.ndim != ndim:
        raise RuntimeError(f"{fn}: expected a {ndim}-D weight, got weight of size {list(weight.shape)}")


def _check_dtypes(input, weight, bias):  # noqa: A002
    if input.dtype != weight.dtype or (bias is not None and bias.dtype != weight.dtype):
        other = "weight" if input.dtype != weight.dtype else "bias"
        raise RuntimeError(f"Input type ({input.dtype.name}) and {other} type "
                           f"({(weight if other == 'weight' else bias).dtype.name}) should be the same")
    if not input.is_floating_point():
        raise RuntimeError(f"expected a floating point input, got {input.dtype}")


def conv_transpose2d(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1,  # noqa: A002
                     dilation=1):
    """2-D transposed convolution ("deconvolution") of ``(N, C_in, H, W)`` or ``(C_in, H, W)``."""
    _check_input("conv_transpose2d", input)
    _check_weight("conv_transpose2d", weight, 4)
    stride, padding = _pair(stride, "stride"), _pair(padding, "padding")
    output_padding, dilation = _pair(output_padding, "output_padding"), _pair(dilation, "dilation")
    if min(stride) <= 0:
        raise RuntimeError("non-positive stride is not supported")
    if min(dilation) <= 0:
        raise RuntimeError("dilation should be greater than zero")
    if min(padding) < 0:
        raise RuntimeError("negative padding is not supported")
    if not isinstance(groups, int) or groups <= 0:
        raise RuntimeError("non-positive groups is not supported")
    if any(o >= s and o >= d for o, s, d in zip(output_padding, stride, dilation)) or min(output_padding) < 0:
        raise RuntimeError(f"output padding must be smaller than either stride or dilation, but got "
                           f"output_padding_height: {output_padding[0]} output_padding_width: {output_padding[1]} "
                           f"stride_height: {stride[0]} stride_width: {stride[1]} dilation_height: {dilation[0]} "
                           f"dilation_width: {dilation[1]}")
    shape = input.shape if input.ndim == 4 else (1,) + tuple(input.shape)
    cin, cout_g = weight.shape[:2]
    if cin % groups:
        raise RuntimeError(f"Given groups={groups}, expected weight to be divisible by {groups} at dimension 0, but "
                           f"got weight of size {list(weight.shape)} instead")
    if shape[1] != cin:
        raise RuntimeError(f"Given transposed=1, weight of size {list(weight.shape)}, expected input{list(shape)} to "
                           f"have {cin} channels, but got {shape[1]} channels instead")
    _check_dtypes(input, weight, bias)
    if bias is not None and tuple(bias.shape) != (cout_g * groups,):
        raise RuntimeError(f"Given transposed=1, weight of size {list(weight.shape)}, expected bias to be "
                           f"1-dimensional with {cout_g * groups} elements, but got bias of size {list(bias.shape)} "
                           "instead")
    size = [(n - 1) * s - 2 * p + d * (k - 1) + o + 1 for n, k, s, p, o, d in
            zip(shape[2:], weight.shape[2:], stride, padding, output_padding, dilation)]
    if min(size) <= 0:
        raise RuntimeError(f"Given input size per channel: ({shape[2]} x {shape[3]}). Calculated output size per "
                           f"channel: ({size[0]} x {size[1]}). Output size is too small")
    geometry = dict(stride=stride, padding=padding, output_padding=output_padding, dilation=dilation, groups=groups)
    inputs = (weight,) if bias is None else (weight, bias)
    return _batched(lambda x: ConvTranspose2d.apply(x, *inputs, **geometry))(input)


def _as_2d(fn, input, weight):  # noqa: A002
    """A 1-D conv's input and weight with a height of 1."""
    if not isinstance(input, Tensor):
        raise TypeError(f"{fn}(): argument 'input' (position 1) must be Tensor, not {type(input).__name__}")
    if input.ndim not in (2, 3):
        raise RuntimeError(f"Expected 2D (unbatched) or 3D (batched) input to {fn}, but got input of size: "
                           f"{list(input.shape)}")
    _check_weight(fn, weight, 3)
    return input.unsqueeze(-2), weight.unsqueeze(-2)


def _single(v, name, fill):
    """An int or 1-sequence as torch's _single, paired with ``fill`` for the height axis."""
    if isinstance(v, str):
        return v
    t = tuple(v) if isinstance(v, (tuple, list)) else (v,)
    if len(t) != 1 or not isinstance(t[0], int):
        raise TypeError(f"{name} must be an int or a tuple of one int, got {v!r}")
    return (fill, t[0])


def conv1d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):  # noqa: A002
    """1-D convolution over ``(N, C, L)`` or ``(C, L)``: conv2d with a height of one."""
    x, w = _as_2d("conv1d", input, weight)
    out = conv2d(x, w, bias, _single(stride, "stride", 1), _single(padding, "padding", 0),
                 _single(dilation, "dilation", 1), groups)
    return out.squeeze(-2)


def conv_transpose1d(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1,  # noqa: A002
                     dilation=1):
    """1-D transposed convolution over ``(N, C_in, L)`` or ``(C_in, L)``."""
    x, w = _as_2d("conv_transpose1d", input, weight)
    out = conv_transpose2d(x, w, bias, _single(stride, "stride", 1), _single(padding, "padding", 0),
                           _single(output_padding, "output_padding", 0), groups, _single(dilation, "dilation", 1))
    return out.squeeze(-2)


class AdaptiveMaxPool2d(Op):
    fresh_grads = True
    name = "AdaptiveMaxPool2DBackward0"

    def forward(self, x, output_size=None):
        self.kernels, self.shape = self.backend.load("adaptive_max_pool2d"), x.shape
        out, self.argmax = self.kernels.adaptive_max_pool2d_forward(x, output_size)
        return out, self.argmax

    def backward(self, g):
        return (self.kernels.adaptive_max_pool2d_backward(g, self.argmax, self.shape),)


class MaxUnpool2d(Op):
    fresh_grads = True
    stateless = True
    name = "MaxUnpool2DBackward0"

    def forward(self, x, indices=None, output_size=None):
        self.kernels, self.indices = self.backend.load("max_unpool2d"), indices
        return self.kernels.max_unpool2d_forward(x, indices, output_size)

    def backward(self, g):
        return (self.kernels.max_unpool2d_backward(g, self.indices),)


def _adaptive_size(fn, input, output_size):  # noqa: A002
    """The (H_out, W_out) of an adaptive pooling, a None entry keeping the input's size."""
    _check_input(fn, input, "3D or 4D")
    size = tuple(output_size) if isinstance(output_size, (tuple, list)) else (output_size, output_size)
    if len(size) != 2:
        raise ValueError(f"{fn}: output_size must be 2")
    size = tuple(input.shape[-2 + i] if v is None else v for i, v in enumerate(size))
    empty = [i for i in (input.ndim - 2, input.ndim - 1) if input.shape[i] == 0]
    if empty:
        raise RuntimeError(f"{fn}(): Expected input to have non-zero size for non-batch dimensions, but input has "
                           f"sizes {list(input.shape)} with dimension {empty[0]} being empty")
    return size


def adaptive_max_pool2d(input, output_size, return_indices=False):  # noqa: A002
    """Max pooling to a fixed ``output_size``; with ``return_indices`` also the flat index of each maximum."""
    size = _adaptive_size("adaptive_max_pool2d", input, output_size)
    out, indices = _batched(lambda x: AdaptiveMaxPool2d.apply(x, output_size=size))(input)
    return (out, indices) if return_indices else out


def max_unpool2d(input, indices, kernel_size, stride=None, padding=0, output_size=None):  # noqa: A002
    """The partial inverse of ``max_pool2d``: each value put back at its index, zeros elsewhere."""
    _check_input("max_unpool2d", input)
    k = _pair(kernel_size, "kernel_size")
    s = k if stride is None else _pair(stride, "stride")
    p = _pair(padding, "padding")
    default = [(n - 1) * ss - 2 * pp + kk for n, ss, pp, kk in zip(input.shape[-2:], s, p, k)]
    if output_size is None:
        size = default
    else:
        size = list(output_size)[-2:]
        if len(list(output_size)) not in (2, input.ndim):
            raise ValueError(f"output_size should be a sequence containing 2 or {input.ndim} elements, but it has a "
                             f"length of '{len(list(output_size))}'")
        for d in range(2):
            lo, hi = default[d] - s[d], default[d] + s[d]
            if not lo < size[d] < hi:
                raise ValueError(f'invalid output_size "{list(output_size)}" (dim {d} must be between {lo} and {hi})')
    if not isinstance(indices, Tensor) or tuple(indices.shape) != tuple(input.shape):
        raise RuntimeError(f"Expected shape of indices to be same as that of the input tensor "
                           f"({list(input.shape)}) but got indices tensor with shape "
                           f"{list(getattr(indices, 'shape', []))}")
    if indices.dtype.name != "int64":
        raise RuntimeError(f"elements in indices should be type int64 but got: {indices.dtype.name.capitalize()}")
    idx = indices._host()
    plane = size[0] * size[1]
    bad = idx[(idx < 0) | (idx >= plane)]
    if bad.size:
        raise RuntimeError(f"Found an invalid max index: {bad[0]} (output volumes are of size {size[0]}x{size[1]})")
    ix = indices if input.ndim == 4 else indices.unsqueeze(0)
    return _batched(lambda x: MaxUnpool2d.apply(x, indices=ix._data, output_size=tuple(size)))(input)


def _as_1d_pool(fn, input):  # noqa: A002
    if not isinstance(input, Tensor):
        raise TypeError(f"{fn}(): argument 'input' (position 1) must be Tensor, not {type(input).__name__}")
    if input.ndim not in (2, 3):
        raise RuntimeError(f"{fn}: Expected 2D or 3D (batch mode) tensor with optional 0 dim batch size for input, "
                           f"but got: {list(input.shape)}")
    return input.unsqueeze(-2)


def _one(v, name, fill):
    t = tuple(v) if isinstance(v, (tuple, list)) else (v,)
    if len(t) != 1:
        raise TypeError(f"{name} must be an int or a tuple of one int, got {v!r}")
    return (fill, t[0])


def max_pool1d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,  # noqa: A002
               return_indices=False):
    """1-D max pooling over ``(N, C, L)`` or ``(C, L)`` (max_pool2d with a height of one)."""
    x = _as_1d_pool("max_pool1d", input)
    stride = None if stride is None or stride == [] or stride == () else _one(stride, "stride", 1)
    out = max_pool2d(x, _one(kernel_size, "kernel_size", 1), stride, _one(padding, "padding", 0),
                     _one(dilation, "dilation", 1), ceil_mode, return_indices)
    return (out[0].squeeze(-2), out[1].squeeze(-2)) if return_indices else out.squeeze(-2)


def avg_pool1d(input, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True):  # noqa: A002
    """1-D average pooling over ``(N, C, L)`` or ``(C, L)``."""
    x = _as_1d_pool("avg_pool1d", input)
    stride = None if stride is None or stride == [] or stride == () else _one(stride, "stride", 1)
    return avg_pool2d(x, _one(kernel_size, "kernel_size", 1), stride, _one(padding, "padding", 0), ceil_mode,
                      count_include_pad).squeeze(-2)
