"""``minigrad.nn.init``: fill a tensor in place (without recording a graph) from a distribution.

Fans of a weight of shape ``(out, in, *kernel)``: ``fan_in = in·∏kernel``, ``fan_out = out·∏kernel``.

    xavier (Glorot):  std = gain·√(2 / (fan_in + fan_out))
    kaiming (He):     std = gain / √fan        (fan = fan_in or fan_out by ``mode``)
    uniform variants draw from U(−√3·std, √3·std), which has that std.

Every function draws as torch's does (the same calls on the same generator, in the same order), so
under one seed the tensors equal torch's bit for bit; ``orthogonal_`` differs in the last bits only,
where numpy's QR rounds differently from torch's LAPACK.
"""
import math
import warnings

from ..autograd.grad_mode import no_grad
from ..tensor import Tensor

_LINEAR_GAIN = ("linear", "conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d",
                "conv_transpose3d", "sigmoid")


def calculate_gain(nonlinearity, param=None):
    """The recommended gain for ``nonlinearity``: 1 (linear, conv, sigmoid), 5/3 (tanh), √2 (relu),
    √(2/(1+slope²)) (leaky_relu, slope ``param`` defaulting to 0.01), 3/4 (selu)."""
    if nonlinearity in _LINEAR_GAIN:
        return 1
    if nonlinearity == "tanh":
        return 5.0 / 3
    if nonlinearity == "relu":
        return math.sqrt(2.0)
    if nonlinearity == "leaky_relu":
        if param is None:
            slope = 0.01
        elif isinstance(param, (int, float)) and not isinstance(param, bool):
            slope = param
        else:
            raise ValueError(f"negative_slope {param} not a valid number")
        return math.sqrt(2.0 / (1 + slope ** 2))
    if nonlinearity == "selu":
        return 3.0 / 4
    raise ValueError(f"Unsupported nonlinearity {nonlinearity}")


def _calculate_fan_in_and_fan_out(tensor):
    if tensor.dim() < 2:
        raise ValueError("Fan in and fan out can not be computed for tensor with fewer than 2 dimensions")
    receptive = math.prod(tensor.shape[2:])
    return tensor.shape[1] * receptive, tensor.shape[0] * receptive


def _calculate_correct_fan(tensor, mode):
    mode = mode.lower()
    if mode not in ("fan_in", "fan_out"):
        raise ValueError(f"Mode {mode} not supported, please use one of ['fan_in', 'fan_out']")
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    return fan_in if mode == "fan_in" else fan_out


def uniform_(tensor, a=0.0, b=1.0, generator=None):
    """Fill with U(a, b)."""
    with no_grad():
        return tensor.uniform_(a, b, generator=generator)


def normal_(tensor, mean=0.0, std=1.0, generator=None):
    """Fill with N(mean, std²)."""
    with no_grad():
        return tensor.normal_(mean, std, generator=generator)


def constant_(tensor, val):
    """Fill with ``val``."""
    with no_grad():
        return tensor.fill_(val)


def ones_(tensor):
    """Fill with 1."""
    return constant_(tensor, 1.0)


def zeros_(tensor):
    """Fill with 0."""
    return constant_(tensor, 0.0)


def xavier_uniform_(tensor, gain=1.0, generator=None):
    """Fill with U(−a, a), ``a = √3·gain·√(2 / (fan_in + fan_out))``."""
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    bound = math.sqrt(3.0) * (gain * math.sqrt(2.0 / float(fan_in + fan_out)))  # torch's rounding order
    return uniform_(tensor, -bound, bound, generator)


def xavier_normal_(tensor, gain=1.0, generator=None):
    """Fill with N(0, std²), ``std = gain·√(2 / (fan_in + fan_out))``."""
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    return normal_(tensor, 0.0, gain * math.sqrt(2.0 / float(fan_in + fan_out)), generator)


def _kaiming_std(tensor, a, mode, nonlinearity):
    return calculate_gain(nonlinearity, a) / math.sqrt(_calculate_correct_fan(tensor, mode))


def kaiming_uniform_(tensor, a=0, mode="fan_in", nonlinearity="leaky_relu", generator=None):
    """Fill with U(−b, b), ``b = gain·√(3 / fan)`` (``a``: the leaky_relu slope that sets the gain)."""
    if 0 in tensor.shape:
        warnings.warn("Initializing zero-element tensors is a no-op", stacklevel=2)
        return tensor
    bound = math.sqrt(3.0) * _kaiming_std(tensor, a, mode, nonlinearity)
    return uniform_(tensor, -bound, bound, generator)


def kaiming_normal_(tensor, a=0, mode="fan_in", nonlinearity="leaky_relu", generator=None):
    """Fill with N(0, std²), ``std = gain / √fan``."""
    if 0 in tensor.shape:
        warnings.warn("Initializing zero-element tensors is a no-op", stacklevel=2)
        return tensor
    return normal_(tensor, 0.0, _kaiming_std(tensor, a, mode, nonlinearity), generator)


def trunc_normal_(tensor, mean=0.0, std=1.0, a=-2.0, b=2.0, generator=None):
    """Fill with N(mean, std²) truncated to [a, b], by rejection as torch 2.13 samples it. When the
    interval holds more than 30% of the mass: draw N(mean, std²) over the whole tensor and redraw
    (a whole tensor's worth each round) where a value falls outside. Otherwise: propose U(a, b) and
    accept where ln U(0, 1) ≤ −½((x − mean)/std)² − (that at the mode), again whole-tensor rounds."""
    import numpy as np

    from ..random import drawing_for
    if mean < a - 2 * std or mean > b + 2 * std:
        warnings.warn("mean is more than 2 std from [a, b] in nn.init.trunc_normal_. The distribution of values "
                      "may be incorrect.", stacklevel=2)
    dt = tensor._data.dtype
    with drawing_for(tensor.device):
        result = _truncated_normal(tuple(tensor.shape), dt, mean, std, a, b, tensor.is_contiguous(), generator)
    with no_grad():
        return tensor.copy_(Tensor._make(np.ascontiguousarray(result, dt)))


def _truncated_normal(shape, dt, mean, std, a, b, contiguous, generator):
    """trunc_normal_'s draws (numpy, ``dt``), by the path torch 2.13 takes."""
    import numpy as np

    from .. import random
    t = dt.type

    def cdf(x):
        return (1.0 + math.erf(x / math.sqrt(2.0))) / 2.0
    if cdf((b - mean) / std) - cdf((a - mean) / std) > 0.3:
        result = random.normal(shape, dt, mean, std, generator, contiguous)
        while True:
            outside = (result < t(a)) | (result > t(b))
            if not outside.any():
                return result
            result = np.where(outside, random.normal(shape, dt, mean, std, generator), result)
    log_peak = t(-0.5 * ((max(a, min(mean, b)) - mean) / std) ** 2)

    def rejected(x):  # ln U(0, 1) > log pdf(x) − log pdf(mode), in the tensor's dtype
        z = (x - t(mean)) / t(std)
        return np.log(random.uniform(shape, dt, 0.0, 1.0, generator)) > z * z * t(-0.5) - log_peak
    result = random.uniform(shape, dt, a, b, generator)
    pending = rejected(result)
    while pending.any():
        proposal = random.uniform(shape, dt, a, b, generator)
        result = np.where(pending, proposal, result)
        pending = np.where(pending, rejected(proposal), pending)
    return result


def orthogonal_(tensor, gain=1, generator=None):
    """Fill with a (semi-)orthogonal matrix, the trailing dims flattened: the Q of the QR of a
    standard normal (rows, cols) matrix (transposed when rows < cols), columns signed by diag(R), times ``gain``."""
    import numpy as np

    from ..random import drawing_for, normal
    if tensor.dim() < 2:
        raise ValueError("Only tensors with 2 or more dimensions are supported")
    if tensor.numel() == 0:
        return tensor
    rows = tensor.shape[0]
    cols = tensor.numel() // rows
    dt = tensor._data.dtype
    with drawing_for(tensor.device):
        flat = normal((rows, cols), dt, 0.0, 1.0, generator)
    if rows < cols:
        flat = flat.T
    q, r = np.linalg.qr(flat)
    q = (q * np.sign(np.diag(r))).astype(dt)
    if rows < cols:
        q = q.T
    with no_grad():
        tensor.copy_(Tensor._make(np.ascontiguousarray(q).reshape(tensor.shape)))
        tensor.mul_(gain)
    return tensor


def sparse_(tensor, sparsity, std=0.01, generator=None):
    """Fill a 2-D tensor with N(0, std²) and zero ⌈sparsity·rows⌉ random rows of each column (the rows
    from ``randperm`` on the default generator, as torch draws them)."""
    from ..creation import randperm
    if tensor.ndim != 2:
        raise ValueError("Only tensors with 2 dimensions are supported")
    rows, cols = tensor.shape
    num_zeros = int(math.ceil(sparsity * rows))
    with no_grad():
        tensor.normal_(0, std, generator=generator)
        for col in range(cols):
            tensor[randperm(rows)[:num_zeros], col] = 0
    return tensor


def eye_(tensor):
    """Fill a 2-D tensor with the identity (ones on the diagonal)."""
    from ..creation import eye
    if tensor.ndim != 2:
        raise ValueError("Only tensors with 2 dimensions are supported")
    with no_grad():
        return tensor.copy_(eye(*tensor.shape, dtype=tensor.dtype))


def _deprecated(new):
    old_name = new.__name__[:-1]

    def old(*args, **kwargs):
        warnings.warn(f"`nn.init.{old_name}` is now deprecated in favor of `nn.init.{new.__name__}`.",
                      FutureWarning, stacklevel=2)
        return new(*args, **kwargs)
    old.__name__ = old_name
    old.__doc__ = f"Deprecated alias of :func:`{new.__name__}`."
    return old


uniform, normal, constant = _deprecated(uniform_), _deprecated(normal_), _deprecated(constant_)
xavier_uniform, xavier_normal = _deprecated(xavier_uniform_), _deprecated(xavier_normal_)
kaiming_uniform, kaiming_normal = _deprecated(kaiming_uniform_), _deprecated(kaiming_normal_)
orthogonal, sparse = _deprecated(orthogonal_), _deprecated(sparse_)
