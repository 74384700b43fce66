"""Tensor factories (``tensor`` with torch's dtype inference, ``zeros``, ``randn``, ``arange``, ...) and
functions over lists of tensors."""

import numpy as np

from . import _printing, dtypes, random
from . import device as _dev
from .ops import shape as S
from .ops.functions import write_out
from .autograd.grad_mode import no_grad
from .tensor import Tensor, _dim, _shape_args


def _finish(arr, dtype, device, requires_grad, default=None):
    dt = dtypes.get(dtype) or default or dtypes.default_float()
    t = Tensor._make(np.asarray(arr, dtype=dt.np, order="C"), _dev.CPU)
    d = _dev.get(device)
    if d != _dev.CPU:
        t = t.to(d).detach()
    if requires_grad:
        t._factory_requires_grad()
    return t


def _size(size):
    for s in size if not (len(size) == 1 and isinstance(size[0], (tuple, list))) else size[0]:
        if isinstance(s, (int, np.integer)) and not isinstance(s, bool) and s < 0:
            raise RuntimeError(f"Trying to create tensor with negative dimension {s}: {list(size)}")
    return _shape_args(size)


def zeros(*size, dtype=None, device=None, requires_grad=False, out=None):
    return _finish(np.zeros(_size(size)), dtype, device, requires_grad)


def ones(*size, dtype=None, device=None, requires_grad=False, out=None):
    return _finish(np.ones(_size(size)), dtype, device, requires_grad)


def empty(*size, dtype=None, device=None, requires_grad=False, memory_format=None):
    return _finish(np.zeros(_size(size)), dtype, device, requires_grad)


def _check_number(name, arg, pos, value):
    if not isinstance(value, (int, float, np.number, np.bool_)):
        raise TypeError(f"{name}(): argument '{arg}' (position {pos}) must be Number, not {type(value).__name__}")


def full(size, fill_value, dtype=None, device=None, requires_grad=False):
    if isinstance(fill_value, Tensor) and fill_value.ndim == 0:
        fill_value = fill_value.item()
    _check_number("full", "fill_value", 2, fill_value)
    default = dtypes.result_type(fill_value)
    return _finish(np.full(_size((size,)), fill_value), dtype, device, requires_grad, default)


def _like(fn, t, dtype, device, requires_grad):
    """``fn`` (zeros, ones, ...) with ``t``'s shape, dtype and device unless given."""
    if not isinstance(t, Tensor):
        raise TypeError(f"{fn.__name__}_like(): argument 'input' (position 1) must be Tensor, not {type(t).__name__}")
    return fn(t.shape, dtype=dtype or t.dtype, device=t.device if device is None else device,
              requires_grad=requires_grad)


def zeros_like(input, dtype=None, device=None, requires_grad=False, memory_format=None):  # noqa: A002
    return _like(zeros, input, dtype, device, requires_grad)


def ones_like(input, dtype=None, device=None, requires_grad=False, memory_format=None):  # noqa: A002
    return _like(ones, input, dtype, device, requires_grad)


def empty_like(input, dtype=None, device=None, requires_grad=False, memory_format=None):  # noqa: A002
    return _like(empty, input, dtype, device, requires_grad)


def full_like(input, fill_value, dtype=None, device=None, requires_grad=False, memory_format=None):  # noqa: A002
    if not isinstance(input, Tensor):
        raise TypeError(f"full_like(): argument 'input' (position 1) must be Tensor, not {type(input).__name__}")
    return full(input.shape, fill_value, dtype=dtype or input.dtype, device=input.device if device is None else device,
                requires_grad=requires_grad)


def rand_like(input, dtype=None, device=None, requires_grad=False, memory_format=None):  # noqa: A002
    return _like(rand, input, dtype, device, requires_grad)


def randn_like(input, dtype=None, device=None, requires_grad=False, memory_format=None):  # noqa: A002
    return _like(randn, input, dtype, device, requires_grad)


def arange(start, end=None, step=1, dtype=None, device=None, requires_grad=False):
    args = (("end", 1, start),) if end is None else (("start", 1, start), ("end", 2, end), ("step", 3, step))
    for arg, pos, value in args:
        _check_number("arange", arg, pos, value.item() if isinstance(value, Tensor) else value)
    if end is None:
        start, end = 0, start
    start, end, step = (v.item() if isinstance(v, Tensor) else v for v in (start, end, step))
    if step == 0:
        raise RuntimeError("step must be nonzero")
    if (end - start) * step < 0:
        raise RuntimeError("upper bound and lower bound inconsistent with step sign")
    default = dtypes.result_type(start, end, step)
    n = int(np.ceil((end - start) / step))
    return _finish(start + step * np.arange(n), dtype, device, requires_grad, default)


def linspace(start, end, steps, dtype=None, device=None, requires_grad=False):
    if steps < 0:
        raise RuntimeError("number of steps must be non-negative")
    return _finish(np.linspace(start, end, steps), dtype, device, requires_grad)


def logspace(start, end, steps, base=10.0, dtype=None, device=None, requires_grad=False):
    """``steps`` values ``base ** linspace(start, end, steps)``."""
    if steps < 0:
        raise RuntimeError("number of steps must be non-negative")
    return _finish(np.logspace(start, end, steps, base=base), dtype, device, requires_grad)


def eye(n, m=None, dtype=None, device=None, requires_grad=False):
    for name, v in (("n", n), ("m", m)):
        if v is not None and v < 0:
            raise RuntimeError(f"{name} must be greater or equal to 0, got {v}")
    return _finish(np.eye(n, n if m is None else m), dtype, device, requires_grad)


def _random(draw, size, dtype, device, requires_grad, default=None, out=None):
    """A new tensor of ``size`` from ``draw(shape, numpy dtype)`` (drawn on the host), or ``out``
    refilled (its dtype drawn unless ``dtype`` says otherwise)."""
    dt = dtypes.get(dtype) or (out.dtype if out is not None else default or dtypes.default_float())
    with random.drawing_for(_dev.get(device)):
        values = draw(_size(size), dt.np)
    return _out(_finish(values, dt, device, requires_grad), out)


def _out(result, out):
    from .ops.functions import write_out
    return write_out("random", result, out)


def _draws_float(kernel, dtype):
    dt = dtypes.get(dtype)
    if dt is not None and not dt.is_floating_point:
        raise NotImplementedError(f'"{kernel}" not implemented for \'{dtypes.scalar_name(dt)}\'')


def rand(*sizes, size=None, generator=None, dtype=None, device=None, requires_grad=False, out=None):
    _draws_float("check_uniform_bounds", dtype)
    return _random(lambda s, dt: random.uniform(s, dt, 0.0, 1.0, generator), _sizes(sizes, size), dtype, device,
                   requires_grad, out=out)


def randn(*sizes, size=None, generator=None, dtype=None, device=None, requires_grad=False, out=None):
    _draws_float("normal_kernel_cpu", dtype)
    return _random(lambda s, dt: random.normal(s, dt, 0.0, 1.0, generator), _sizes(sizes, size), dtype, device,
                   requires_grad, out=out)


def _sizes(sizes, size):
    """The dimensions given positionally (``rand(2, 3)``, ``rand((2, 3))``) or as ``size=``."""
    if size is not None and sizes:
        raise TypeError("got multiple values for argument 'size'")
    return sizes if size is None else (size,)


def randint(low, high=None, size=None, generator=None, dtype=None, device=None, requires_grad=False, out=None):
    if size is None:
        low, high, size = 0, low, high
    if size is None:
        raise TypeError("randint() missing required argument 'size'")
    if high is None:
        low, high = 0, low
    if low >= high:
        raise RuntimeError(f"random_ expects 'from' to be less than 'to', but got from={low} >= to={high}")
    return _random(lambda s, dt: random.integers(low, high, s, dt, generator), (size,), dtype, device,
                   requires_grad, dtypes.int64, out)


def randint_like(input, low=0, high=None, dtype=None, device=None, requires_grad=False):  # noqa: A002
    if high is None:
        low, high = 0, low
    return randint(low, high, input.shape, dtype=dtype or input.dtype,
                   device=input.device if device is None else device, requires_grad=requires_grad)


def randperm(n, generator=None, dtype=None, device=None, requires_grad=False, out=None):
    if n < 0:
        raise RuntimeError(f"Trying to create tensor with negative dimension {n}: [{n}]")
    default = out.dtype if out is not None else dtypes.int64
    with random.drawing_for(_dev.get(device)):
        perm = random.permutation(n, generator)
    return _out(_finish(perm, dtype, device, requires_grad, default), out)


def normal(mean, std=1.0, size=None, generator=None, dtype=None, device=None, requires_grad=False, out=None):
    """torch's overloads: (Tensor, Tensor) and (number, Tensor) draw N(0, 1) then ·std + mean;
    (Tensor, number) draws N(0, std²) then + mean; (number, number, size) draws N(mean, std²)."""
    if isinstance(mean, Tensor) or isinstance(std, Tensor):
        if isinstance(std, Tensor) and std.numel() and not bool((std >= 0).all()):
            raise RuntimeError("normal expects all elements of std >= 0.0")
        if not isinstance(std, Tensor) and std < 0:
            raise RuntimeError(f"normal expects std >= 0.0, but found std {std}")
        ref = mean if isinstance(mean, Tensor) else std
        shape = np.broadcast_shapes(tuple(mean.shape) if isinstance(mean, Tensor) else (),
                                    tuple(std.shape) if isinstance(std, Tensor) else ())
        with no_grad():
            z = empty(shape, dtype=ref.dtype, device=ref.device)
            if isinstance(std, Tensor):
                return _out(z.normal_(0.0, 1.0, generator=generator) * std + mean, out)
            return _out(z.normal_(0.0, std, generator=generator) + mean, out)
    if size is None:
        raise TypeError("normal() missing required argument 'size' when mean and std are numbers")
    if std < 0:
        raise RuntimeError(f"normal expects std >= 0.0, but found std {std}")
    _draws_float("normal_kernel_cpu", dtype)
    return _random(lambda s, dt: random.normal(s, dt, mean, std, generator), (size,), dtype, device, requires_grad,
                   out=out)


def bernoulli(input, p=None, generator=None, out=None):  # noqa: A002
    """1 with probability ``input[i]`` (or ``p``), else 0, in ``input``'s dtype."""
    return _out(input.bernoulli(p, generator=generator), out)


def multinomial(input, num_samples, replacement=False, generator=None, out=None):  # noqa: A002
    """Indices drawn from each row of ``input`` with probability proportional to its entries."""
    return _out(input.multinomial(num_samples, replacement, generator=generator), out)


def poisson(input, generator=None):  # noqa: A002
    """Counts from Poisson(``input[i]``), in ``input``'s dtype."""
    if input.numel() and not bool((input >= 0).all()):
        raise RuntimeError("invalid Poisson rate, expected rate to be non-negative")
    with random.drawing_for(input.device):
        counts = random.poisson(input.detach().cpu().numpy(), generator)
    return Tensor._make(counts).to(input.device)


def _as_array(data, dtype):
    """numpy array for ``tensor(data)``: Python floats → the default dtype, ints → int64, as torch infers."""
    if isinstance(data, Tensor):
        return data._host().astype(dtype.np if dtype else data._data.dtype, copy=True)
    if isinstance(data, (list, tuple)) and any(isinstance(x, Tensor) for x in _flat(data)):
        data = _tensors_to_lists(data)
    if isinstance(data, (np.ndarray, np.generic)):  # numpy data keeps its dtype
        arr = np.array(data, dtype=None if dtype is None else dtype.np, copy=True)
    else:
        try:
            arr = np.array(data, dtype=None if dtype is None else dtype.np)
        except ValueError:
            raise _ragged_error(data) from None
        if dtype is None:
            if arr.dtype.kind == "f":  # Python floats take the default dtype, numpy float64 scalars stay double
                keep = arr.dtype == np.float64 and any(isinstance(x, np.float64) for x in _flat(_as_list(data)))
                arr = arr if keep else arr.astype(dtypes.default_float().np)
            elif arr.dtype.kind == "i" and arr.dtype != np.int64 and not any(
                    isinstance(x, np.integer) for x in _flat(_as_list(data))):
                arr = arr.astype(np.int64)
            elif arr.dtype.kind not in "biu":
                raise _infer_error(data)
    dtypes.from_numpy(arr.dtype)
    return arr


def _infer_error(data):
    """torch's error for data that is not numbers: TypeError for a string, ValueError for strings in a
    list, else RuntimeError naming the type."""
    if isinstance(data, str):
        return TypeError("new(): invalid data type 'str'")
    bad = next((x for x in _flat(_as_list(data)) if not isinstance(x, (bool, int, float, np.number, np.bool_))), data)
    if isinstance(bad, str):
        return ValueError("too many dimensions 'str'")
    if isinstance(bad, (complex, np.complexfloating)):  # torch has complex dtypes; minigrad does not
        return TypeError("new(): invalid data type 'complex'")
    return RuntimeError(f"Could not infer dtype of {type(bad).__name__}")


def _as_list(data):
    return data if isinstance(data, (list, tuple)) else [data]


def _ragged_error(data, dim=0):
    """torch's ValueError for a nested sequence whose lengths disagree."""
    if isinstance(data, (list, tuple)) and data:
        lengths = [len(x) if isinstance(x, (list, tuple)) else None for x in data]
        for n in lengths[1:]:
            if n != lengths[0]:
                return ValueError(f"expected sequence of length {lengths[0]} at dim {dim + 1} (got {n})")
        for x in data:
            err = _ragged_error(x, dim + 1)
            if err is not None:
                return err
    return ValueError(f"could not convert {type(data).__name__} to a tensor") if dim == 0 else None


def _flat(data):
    for x in data:
        if isinstance(x, (list, tuple)):
            yield from _flat(x)
        else:
            yield x


def _tensors_to_lists(data):
    if isinstance(data, Tensor):
        return data.tolist()
    if isinstance(data, (list, tuple)):
        return [_tensors_to_lists(x) for x in data]
    return data


def tensor(data, dtype=None, device=None, requires_grad=False, pin_memory=False):
    with np.errstate(all="ignore"):  # a value out of the dtype's range becomes inf, as in torch
        t = Tensor._make(_as_array(data, dtypes.get(dtype)), _dev.CPU)
    if requires_grad:
        t._factory_requires_grad()
    d = _dev.get(device)
    return t if d == _dev.CPU else t.to(d).detach().requires_grad_(requires_grad)


def from_numpy(arr):
    if not isinstance(arr, np.ndarray):
        raise TypeError(f"expected np.ndarray (got {type(arr).__name__})")
    dtypes.from_numpy(arr.dtype)
    return Tensor._make(arr, _dev.CPU)


def as_tensor(data, dtype=None, device=None):
    if isinstance(data, Tensor) and (dtype is None or dtypes.get(dtype) == data.dtype) and device is None:
        return data
    if isinstance(data, np.ndarray) and dtype is None and device is None:
        return from_numpy(data)
    return tensor(data, dtype=dtype, device=device)


def _check_same(tensors, name):
    if not isinstance(tensors, (list, tuple)):
        raise TypeError(f"{name}(): argument 'tensors' (position 1) must be tuple of Tensors, not "
                        f"{type(tensors).__name__}")
    if not tensors:
        if name == "stack":
            raise RuntimeError("stack expects a non-empty TensorList")
        raise ValueError(f"{_printing.namespace()}.{name}(): expected a non-empty list of Tensors")
    dt = dtypes.result_type(*tensors)
    return [t._cast(dt) for t in tensors]


def cat(tensors, dim=0, out=None):
    tensors = _check_same(tensors, "cat")
    for i, t in enumerate(tensors):
        if t.ndim == 0:
            raise RuntimeError(f"zero-dimensional tensor (at position {i}) cannot be concatenated")
    used = [t for t in tensors if not (t.ndim == 1 and t.numel() == 0)] or tensors[:1]  # torch skips 1-D empties
    ref = used[0]
    d = _dim(dim, ref.ndim, False)
    skipped = {id(t) for t in tensors} - {id(t) for t in used}
    for i, t in enumerate(tensors):
        if id(t) in skipped:
            continue
        if t.ndim != ref.ndim:
            raise RuntimeError(f"Tensors must have same number of dimensions: got {ref.ndim} and {t.ndim}")
        for k in range(ref.ndim):
            if k != d and t.shape[k] != ref.shape[k]:
                raise RuntimeError(f"Sizes of tensors must match except in dimension {d}. Expected size "
                                   f"{ref.shape[k]} but got size {t.shape[k]} for tensor number {i} in the list.")
    return write_out("cat", S.Cat.apply(*tensors, axis=d), out, rule="cat")


concat = concatenate = cat


def stack(tensors, dim=0, out=None):
    tensors = _check_same(tensors, "stack")
    for i, t in enumerate(tensors):
        if t.shape != tensors[0].shape:
            raise RuntimeError(f"stack expects each tensor to be equal size, but got {list(tensors[0].shape)} at "
                               f"entry 0 and {list(t.shape)} at entry {i}")
    return write_out("stack", S.Stack.apply(*tensors, axis=_dim(dim, tensors[0].ndim + 1, False)), out, rule="cat")


class _LegacyType(type):
    """The legacy typed tensor classes: ``FloatTensor(2, 3)`` / ``LongTensor([1, 2])`` construct,
    ``isinstance(x, FloatTensor)`` tests a CPU tensor's dtype, ``x.type(FloatTensor)`` casts."""

    def __call__(cls, *args, device=None):
        return Tensor(*args, dtype=cls.dtype, device=device)

    def __instancecheck__(cls, obj):
        return isinstance(obj, Tensor) and obj.dtype is cls.dtype and obj.device.type == "cpu"

    def __repr__(cls):
        return f"<class '{_printing.namespace()}.{cls.__name__}'>"


FloatTensor, DoubleTensor, HalfTensor, LongTensor, IntTensor, ShortTensor, CharTensor, ByteTensor, \
    BoolTensor = (_LegacyType(n, (), {"dtype": dtypes.TYPE_NAMES[n]}) for n in (
        "FloatTensor", "DoubleTensor", "HalfTensor", "LongTensor", "IntTensor", "ShortTensor", "CharTensor",
        "ByteTensor", "BoolTensor"))

