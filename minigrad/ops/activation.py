"""The activations of ``nn.functional``: one ``Pointwise`` declaration per elementwise activation
(``pointwise.py`` says what follows from one) and the functional forms, which validate torch's
arguments and call them. ``nn.functional`` re-exports the functions; the ``nn`` modules
(``nn/modules/activation.py``) carry the full docs. With ``g`` the upstream gradient, ``y`` the output:

    softplus:    y = x if βx > t else log(1 + e^(βx))/β        g·e^(βx)/(e^(βx) + 1) (g above t)
    elu family:  y = s·x (x > 0) else α·s·(e^(i·x) − 1)         g·s, or g·i·α·s·e^(i·x)
                 (elu: s = i = 1; selu: torch's α, s; celu: s = 1, i = 1/α)
    gelu:        y = x·Φ(x)                                      g·(Φ(x) + x·φ(x))
    gelu tanh:   y = ½x(1 + tanh u), u = √(2/π)(x + 0.044715x³)   g·(½(1 + tanh u) + ½x(1 − tanh²u)·u′)
    silu:        y = x·σ(x)                                      g·σ(1 + x(1 − σ))
    mish:        y = x·tanh(softplus x)                          g·(t + x·σ(x)(1 − t²)), t = tanh(softplus x)
    leaky_relu:  y = x (x > 0) else a·x                          g or a·g;  prelu: the same with a learned a
    hardtanh:    y = clamp(x, lo, hi)                            g on (lo, hi), else 0 (relu6: lo, hi = 0, 6)
    hardsigmoid: y = clamp(x/6 + ½, 0, 1)                        g/6 on (−3, 3), else 0
    hardswish:   y = x·clamp(x + 3, 0, 6)/6                      0 to −3, g(x/3 + ½) on (−3, 3), then g
    logsigmoid:  y = min(x, 0) − log(1 + e^(−|x|))               g/(1 + eˣ)
    threshold:   y = v if x ≤ t else x                           0 or g
    tanhshrink:  y = x − tanh x                                  g·tanh²x
    softshrink:  y = x ∓ λ outside [−λ, λ], else 0               g outside, 0 inside (hardshrink: y = x outside)
    rrelu:       leaky_relu with slope (lower + upper)/2, or in training a slope drawn from U(lower, upper)
                 for each x ≤ 0 (the noise multiplies the gradient)
"""
import math
from math import erf, exp, log1p, tanh  # noqa: F401 - rebound by the device loops

import numpy as np

from .. import random as _random
from ..dtypes import scalar_name
from .pointwise import Pointwise, _method
from .pointwise_math import HALF, ONE, THREE, ZERO, like, sigmoid

SIX = np.float32(6)
SQRT1_2, INV_SQRT_2PI, SQRT_2_OVER_PI = math.sqrt(0.5), 1 / math.sqrt(2 * math.pi), math.sqrt(2 / math.pi)
SELU_ALPHA, SELU_SCALE = 1.6732632423543772848170429916717, 1.0507009873554804934193349852946


def _softplus(x, p):
    bx = x * p[0]
    return x if bx > p[1] else log1p(exp(bx)) / p[0]


def _softplus_grad(g, x, y, p):
    bx = x * p[0]
    if bx > p[1]:
        return g
    z = exp(bx)
    return g * z / (z + ONE)


def _softsign(x, p):
    return x / (ONE + abs(x))


def _softsign_grad(g, x, y, p):  # as torch's composition x/(1 + |x|) differentiates it (NaN at ±inf)
    d = ONE + abs(x)
    return g / d - g * abs(x) / (d * d)


def _elu(x, p):
    return p[1] * x if x > ZERO else p[0] * p[1] * math.expm1(x * p[2])


def _elu_grad(g, x, y, p):
    return g * p[2] * p[0] * p[1] * exp(x * p[2]) if x <= ZERO else g * p[1]


def _gelu(x, p):
    return x * HALF * (ONE + erf(x * like(SQRT1_2, x)))


def _gelu_grad(g, x, y, p):
    cdf = HALF * (ONE + erf(x * like(SQRT1_2, x)))
    return g * (cdf + x * like(INV_SQRT_2PI, x) * exp(-HALF * x * x))


def _gelu_tanh(x, p):
    return HALF * x * (ONE + tanh(like(SQRT_2_OVER_PI, x) * (x + like(0.044715, x) * x * x * x)))


def _gelu_tanh_grad(g, x, y, p):
    c, k = like(SQRT_2_OVER_PI, x), like(0.044715, x)
    t = tanh(c * (x + k * x * x * x))
    return g * (HALF * (ONE + t) + HALF * x * (ONE - t * t) * c * (ONE + THREE * k * x * x))


def _silu(x, p):
    return x * sigmoid(x)


def _silu_grad(g, x, y, p):
    s = sigmoid(x)
    return g * s * (ONE + x * (ONE - s))


def _mish(x, p):
    return x * tanh(log1p(exp(x)))


def _mish_grad(g, x, y, p):
    t = tanh(log1p(exp(x)))
    return g * (t + x * sigmoid(x) * (ONE - t * t))


def _leaky_relu(x, p):
    return x if x > ZERO else x * p[0]


def _leaky_relu_grad(g, x, y, p):
    return g if x > ZERO else g * p[0]


def _hardtanh(x, p):
    return p[0] if x < p[0] else p[1] if x > p[1] else x


def _hardtanh_grad(g, x, y, p):
    return g if p[0] < x < p[1] else ZERO


def _hardsigmoid(x, p):
    return ZERO if x <= -THREE else ONE if x >= THREE else x / SIX + HALF


def _hardsigmoid_grad(g, x, y, p):
    return g / SIX if -THREE < x < THREE else ZERO


def _hardswish(x, p):  # x·clamp(x + 3, 0, 6)/6 as torch (−inf·0 = NaN, −0 below −3)
    s = x + THREE
    return x * (ZERO if s < ZERO else SIX if s > SIX else s) / SIX


def _hardswish_grad(g, x, y, p):
    return ZERO if x <= -THREE else g * (x / THREE + HALF) if x < THREE else g


def _logsigmoid(x, p):
    return (x if x < ZERO else ZERO) - log1p(exp(-abs(x)))


def _logsigmoid_grad(g, x, y, p):
    return g / (ONE + exp(x))


def _threshold(x, p):
    return p[1] if x <= p[0] else x


def _threshold_grad(g, x, y, p):
    return ZERO if x <= p[0] else g


def _tanhshrink(x, p):
    return x - tanh(x)


def _tanhshrink_grad(g, x, y, p):
    t = tanh(x)
    return g * t * t


def _softshrink(x, p):
    return x - p[0] if x > p[0] else x + p[0] if x < -p[0] else x * ZERO


def _shrink_grad(g, x, y, p):
    return g if x < -p[0] or x > p[0] else ZERO


def _hardshrink(x, p):
    return ZERO if -p[0] <= x <= p[0] else x


def _rrelu_with_noise(x, noise, p):
    return x if x > ZERO else x * noise


def _rrelu_with_noise_grad(g, x, noise, y, p):
    return (g if x > ZERO else g * noise), ZERO


def _prelu(x, w, p):
    return x if x > ZERO else w * x


def _prelu_grad(g, x, w, y, p):
    return (g if x > ZERO else w * g), (ZERO if x > ZERO else x * g)


def _softplus_options(dt, beta=1.0, threshold=20.0):
    return (beta, threshold)


def _elu_options(dt, alpha=1.0):
    return (alpha, 1.0, 1.0)


def _selu_options(dt):
    return (SELU_ALPHA, SELU_SCALE, 1.0)


def _celu_options(dt, alpha=1.0):
    if alpha == 0:
        raise RuntimeError("ZeroDivisionError")
    return (alpha, 1.0, 1.0 / alpha)


def _slope_options(dt, negative_slope=0.01):
    return (negative_slope,)


def _hardtanh_options(dt, min_val=-1.0, max_val=1.0):
    if min_val > max_val:
        raise ValueError("min_val cannot be greater than max_val")
    return (min_val, max_val)


def _threshold_options(dt, threshold, value):
    return (threshold, value)


def _lambd_options(dt, lambd=0.5):
    return (lambd,)


def _softshrink_options(dt, lambd=0.5):
    if lambd < 0:
        raise RuntimeError(f"lambda must be in range [0, {np.finfo(dt).max:g}] for input dtype {scalar_name(dt)}, but "
                           f"found {lambd:g}")
    return (lambd,)


FUNCTIONAL = ()  # activations with no torch.<name>/method form of their own
SOFTPLUS = Pointwise("softplus", _softplus, _softplus_grad, inputs="float_only", options=_softplus_options,
                     api=FUNCTIONAL)
SOFTSIGN = Pointwise("softsign", _softsign, _softsign_grad, grad_fn="DivBackward0", api=FUNCTIONAL)
ELU = Pointwise("elu", _elu, _elu_grad, inputs="float_only", options=_elu_options, api=FUNCTIONAL)
SELU = Pointwise("selu", _elu, _elu_grad, inputs="float_only", options=_selu_options, grad_fn="EluBackward0",
                 kernel_name="elu_cpu", api=("function",))
CELU = Pointwise("celu", _elu, _elu_grad, inputs="float_only", options=_celu_options, kernel_name="elu_cpu",
                 api=("function",))
GELU = Pointwise("gelu", _gelu, _gelu_grad, inputs="float_only", kernel_name="GeluKernelImpl", api=FUNCTIONAL)
GELU_TANH = Pointwise("gelu_tanh", _gelu_tanh, _gelu_tanh_grad, inputs="float_only", grad_fn="GeluBackward0",
                      kernel_name="GeluKernelImpl", api=FUNCTIONAL)
SILU = Pointwise("silu", _silu, _silu_grad, inputs="float_only", api=FUNCTIONAL)
MISH = Pointwise("mish", _mish, _mish_grad, inputs="float_only", api=FUNCTIONAL)
LEAKY_RELU = Pointwise("leaky_relu", _leaky_relu, _leaky_relu_grad, inputs="float_only", options=_slope_options,
                       api=FUNCTIONAL)
HARDTANH = Pointwise("hardtanh", _hardtanh, _hardtanh_grad, inputs="keep", options=_hardtanh_options,
                     integer=lambda b, x, lo, hi: b.astype(b.clip(x, lo, hi), x.dtype), api=FUNCTIONAL)
HARDSIGMOID = Pointwise("hardsigmoid", _hardsigmoid, _hardsigmoid_grad, inputs="float_only", api=FUNCTIONAL)
HARDSWISH = Pointwise("hardswish", _hardswish, _hardswish_grad, inputs="float_only", api=FUNCTIONAL)
LOGSIGMOID = Pointwise("logsigmoid", _logsigmoid, _logsigmoid_grad, inputs="float_only",
                       grad_fn="LogSigmoidBackward0", kernel_name="log_sigmoid_cpu", api=FUNCTIONAL)
THRESHOLD = Pointwise("threshold", _threshold, _threshold_grad, inputs="keep", options=_threshold_options,
                      integer=lambda b, x, t, v: b.where(b.less_equal(x, t), b.astype(np.asarray(v), x.dtype), x),
                      api=("function",))
TANHSHRINK = Pointwise("tanhshrink", _tanhshrink, _tanhshrink_grad, grad_fn="SubBackward0", api=FUNCTIONAL)
SOFTSHRINK = Pointwise("softshrink", _softshrink, _shrink_grad, inputs="float_only", options=_softshrink_options,
                       kernel_name="softshrink_check", api=FUNCTIONAL)
HARDSHRINK = Pointwise("hardshrink", _hardshrink, _shrink_grad, inputs="float_only", options=_lambd_options,
                       api=("function", "method"))
RRELU = Pointwise("rrelu", _leaky_relu, _leaky_relu_grad, inputs="float_only", options=_slope_options,
                  grad_fn="RreluWithNoiseBackward0", kernel_name="leaky_relu_cpu", api=FUNCTIONAL)
RRELU_WITH_NOISE = Pointwise("rrelu_with_noise", _rrelu_with_noise, _rrelu_with_noise_grad, other="tensor",
                             inputs="float_only", api=FUNCTIONAL)
PRELU = Pointwise("prelu", _prelu, _prelu_grad, inputs="float_only", other="tensor", other_name="weight",
                  grad_fn="PreluKernelBackward0", api=FUNCTIONAL)

# torch names an in-place node differently for these
_INPLACE_NODE = {ELU: "EluBackward1", SELU: "EluBackward1", CELU: "CeluBackward1", LEAKY_RELU: "LeakyReluBackward1",
                 THRESHOLD: "ThresholdBackward1", RRELU: "RreluWithNoiseBackward1"}


def _not_tensor(fn, obj, name="input", position=1):
    return TypeError(f"{fn}(): argument '{name}' (position {position}) must be Tensor, not {type(obj).__name__}")


def _run(decl, input, inplace, *options, name=None):  # noqa: A002 - torch's argument name
    """``decl`` on ``input`` (in place when ``inplace``), torch's TypeError for a non-tensor."""
    if not hasattr(input, "_data"):
        raise _not_tensor(name or decl.name, input)
    if inplace:
        out = input._inplace(_method(decl), *options)
        return out._renamed(_INPLACE_NODE[decl]) if decl in _INPLACE_NODE else out
    return decl(input, *options)


def softplus(input, beta=1.0, threshold=20.0):  # noqa: A002
    """``log(1 + e^(βx))/β``, linear above ``threshold``."""
    return _run(SOFTPLUS, input, False, beta, threshold)


def softsign(input):  # noqa: A002
    """``x / (1 + |x|)``."""
    return _run(SOFTSIGN, input, False)


def elu(input, alpha=1.0, inplace=False):  # noqa: A002
    """``x`` above 0, ``α(eˣ − 1)`` below."""
    return _run(ELU, input, inplace, alpha)


def selu(input, inplace=False):  # noqa: A002
    """``scale·elu(x, α)`` with torch's fixed α and scale."""
    return _run(SELU, input, inplace)


def celu(input, alpha=1.0, inplace=False):  # noqa: A002
    """``max(0, x) + min(0, α(e^(x/α) − 1))``."""
    return _run(CELU, input, inplace, alpha)


def gelu(input, approximate="none"):  # noqa: A002
    """``x·Φ(x)``, or its tanh approximation (``approximate='tanh'``)."""
    if approximate not in ("none", "tanh"):
        raise RuntimeError("approximate argument must be either none or tanh.")
    return _run(GELU if approximate == "none" else GELU_TANH, input, False, name="gelu")


def silu(input, inplace=False):  # noqa: A002
    """``x·σ(x)``."""
    return _run(SILU, input, inplace)


def mish(input, inplace=False):  # noqa: A002
    """``x·tanh(softplus(x))``."""
    return _run(MISH, input, inplace)


def leaky_relu(input, negative_slope=0.01, inplace=False):  # noqa: A002
    """``x`` above 0, ``negative_slope·x`` below."""
    return _run(LEAKY_RELU, input, inplace, negative_slope)


def hardtanh(input, min_val=-1.0, max_val=1.0, inplace=False):  # noqa: A002
    """``clamp(x, min_val, max_val)``."""
    return _run(HARDTANH, input, inplace, min_val, max_val)


def relu6(input, inplace=False):  # noqa: A002
    """``min(max(0, x), 6)``."""
    return _run(HARDTANH, input, inplace, 0.0, 6.0, name="relu6")


def hardsigmoid(input, inplace=False):  # noqa: A002
    """``clamp(x/6 + ½, 0, 1)``."""
    return _run(HARDSIGMOID, input, inplace)


def hardswish(input, inplace=False):  # noqa: A002
    """``x·hardsigmoid(x)``."""
    return _run(HARDSWISH, input, inplace)


def logsigmoid(input):  # noqa: A002
    """``log σ(x)``."""
    return _run(LOGSIGMOID, input, False)


def threshold(input, threshold, value, inplace=False):  # noqa: A002
    """``value`` where ``x ≤ threshold``, else ``x``."""
    return _run(THRESHOLD, input, inplace, threshold, value)


def tanhshrink(input):  # noqa: A002
    """``x − tanh x``."""
    return _run(TANHSHRINK, input, False)


def softshrink(input, lambd=0.5):  # noqa: A002
    """``x ∓ λ`` outside ``[−λ, λ]``, 0 inside."""
    return _run(SOFTSHRINK, input, False, lambd)


def hardshrink(input, lambd=0.5):  # noqa: A002
    """``x`` outside ``[−λ, λ]``, 0 inside."""
    return _run(HARDSHRINK, input, False, lambd)


def _rrelu_noise(input, lower, upper):
    """The training slopes as torch draws them: 1 where x > 0; for each x ≤ 0 in memory order one float64
    unit draw u, then u·(upper − lower) + lower in float64 (bounds rounded to the input's dtype first, no
    fused multiply-add), rounded to the input's dtype."""
    dt = input._data.dtype
    with _random.drawing_for(input.device):
        x = input._backend().to_host(input._data)
        noise = np.ones(x.shape, dt)
        slot = noise.reshape(-1)  # a view: the array is new and C-contiguous
        low = ~(np.ravel(x) > 0)
        lo, hi = float(dt.type(lower)), float(dt.type(upper))
        slot[low] = (_random.uniform((int(low.sum()),), np.float64) * (hi - lo) + lo).astype(dt)  # no fma
    return input._backend().from_host(noise)


def rrelu(input, lower=1.0 / 8, upper=1.0 / 3, training=False, inplace=False):  # noqa: A002
    """leaky_relu with slope ``(lower + upper)/2``; in training, a slope drawn from U(lower, upper) per
    element ≤ 0, drawn as torch draws it (same numbers for the same seed)."""
    if not training:
        return _run(RRELU, input, inplace, (lower + upper) / 2, name="rrelu")
    if not hasattr(input, "_data"):
        raise _not_tensor("rrelu", input)
    if not input.is_floating_point():
        raise NotImplementedError(f"\"rrelu_with_noise_cpu\" not implemented for '{input.dtype.name}'")
    noise = input._make(_rrelu_noise(input, lower, upper), input.device)
    if inplace:
        return input._inplace(lambda t: RRELU_WITH_NOISE(t, noise))._renamed("RreluWithNoiseBackward1")
    return RRELU_WITH_NOISE(input, noise)._renamed("RreluWithNoiseBackward0")


def prelu(input, weight):  # noqa: A002
    """``x`` above 0, ``weight·x`` below, ``weight`` one value or one per channel (dim 1)."""
    if not hasattr(input, "_data"):
        raise _not_tensor("prelu", input)
    if not hasattr(weight, "_data"):
        raise _not_tensor("prelu", weight, "weight", 2)
    n = weight.numel()
    if n != 1:
        channels = input.shape[1] if input.ndim >= 2 else (input.shape[0] if input.ndim == 1 else 1)
        if weight.ndim != 1 or n != channels:
            raise RuntimeError(f"Mismatch of parameter numbers and input channel size. Found parameter numbers = "
                               f"{n} and channel size = {channels}.")
        if input.ndim >= 2:
            weight = weight.reshape((n,) + (1,) * (input.ndim - 2))
    if weight.dtype != input.dtype:
        raise RuntimeError(f"prelu: Type promoting not supported. Got {scalar_name(input)} and {scalar_name(weight)}")
    return PRELU(input, weight.reshape(()) if n == 1 else weight)


def glu(input, dim=-1):  # noqa: A002
    """``a·σ(b)`` of the two halves ``a, b`` of ``input`` along ``dim``."""
    if not hasattr(input, "_data"):
        raise _not_tensor("glu", input)
    if input.ndim == 0:
        raise RuntimeError("glu does not support scalars because halving size must be even")
    d = dim % input.ndim if -input.ndim <= dim < input.ndim else dim
    if not -input.ndim <= dim < input.ndim:
        raise IndexError(f"Dimension out of range (expected to be in range of [{-input.ndim}, {input.ndim - 1}], "
                         f"but got {dim})")
    n = input.shape[d]
    if n % 2:
        raise RuntimeError(f"Halving dimension must be even, but dimension {d} is size {n}")
    a, b = input.split(n // 2, d)
    return (a * b.sigmoid())._renamed("GluBackward0")


def _inplace_form(fn):
    """``F.<name>_``: ``fn`` with ``inplace=True``."""
    def inplace(input, *args, **kwargs):  # noqa: A002
        return fn(input, *args, inplace=True, **kwargs)
    inplace.__name__ = inplace.__qualname__ = fn.__name__ + "_"
    inplace.__doc__ = f"In-place ``{fn.__name__}``."
    return inplace


elu_, celu_, selu_, leaky_relu_, hardtanh_, rrelu_, threshold_ = (
    _inplace_form(f) for f in (elu, celu, selu, leaky_relu, hardtanh, rrelu, threshold))
