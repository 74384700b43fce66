"""Elementwise math on the device: numpy's names and broadcasting, one kernel family for every op.

An op is a scalar function ``f`` (below, compiled with numpy's error model: x/0 gives ±inf or NaN, as
on the CPU). ``_map(f, arity)`` compiles, once per ``f``, the kernel

    out[i] = f(a[offset_a(i)], b[offset_b(i)], ...)      i over the C-contiguous output

where each operand is read through its broadcast strides (``_strided``), or is a scalar passed by
value (``_at``), so ``add(x, 1)`` launches no copy and transfers nothing.

Dtypes follow numpy's rules (``np.result_type``, Python scalars weak): arithmetic gives the common
dtype, comparisons and logic give bool, float math on integers gives float64. A Python scalar is
converted to the common dtype before the launch, and constants are cast to the data's type
(``cast_like``), so float32 math stays float32.
"""
import functools
import math
import numbers

import numba
import numpy as np
from numba.extending import overload

from . import _launch
from ._launch import cast_like, cuda
from ._strided import broadcast_strides, flat, kernel_shape, offset

_scalar = numba.njit(error_model="numpy", inline="always")


def _at(x, i):
    """``x[i]`` for an operand array, ``x`` itself for a scalar (Python stand-in of the overload)."""
    return x if isinstance(x, (numbers.Number, np.bool_)) else x[i]


@overload(_at)
def _at_overload(x, i):
    if isinstance(x, numba.types.Array):
        return lambda x, i: x[i]
    return lambda x, i: x


@functools.cache
def _map(f, arity):
    """The elementwise kernel of ``f`` over ``arity`` operands (each an array with its strides, or a
    scalar with a dummy stride tuple)."""
    if arity == 1:
        @cuda.jit
        def kernel(out, shape, a, sa):
            for i in range(cuda.grid(1), out.size, cuda.gridsize(1)):
                out[i] = f(_at(a, offset(i, shape, sa)))
    elif arity == 2:
        @cuda.jit
        def kernel(out, shape, a, sa, b, sb):
            for i in range(cuda.grid(1), out.size, cuda.gridsize(1)):
                out[i] = f(_at(a, offset(i, shape, sa)), _at(b, offset(i, shape, sb)))
    else:
        @cuda.jit
        def kernel(out, shape, a, sa, b, sb, c, sc):
            for i in range(cuda.grid(1), out.size, cuda.gridsize(1)):
                out[i] = f(_at(a, offset(i, shape, sa)), _at(b, offset(i, shape, sb)), _at(c, offset(i, shape, sc)))
    return kernel


def _is_array(x):
    return getattr(type(x), "__cuda_ndarray__", False)  # a device array (numba's, or the simulator's)


def run(f, operands, out_dtype=None, compute_dtype=None, out=None):
    """``f`` over broadcast ``operands`` (device arrays or scalars) into a new C-contiguous array
    (or ``out``, which must have the broadcast shape). ``compute_dtype`` (default: numpy's result
    type) is the dtype scalars are converted to; ``out_dtype`` defaults to it."""
    arrays = [x for x in operands if _is_array(x)]
    dt = np.dtype(compute_dtype) if compute_dtype is not None else np.result_type(
        *[x.dtype if _is_array(x) else x for x in operands])
    shape = tuple(out.shape) if out is not None else np.broadcast_shapes(*[tuple(a.shape) for a in arrays])
    if out is None:
        out = cuda.device_array(shape, out_dtype or dt)
    if out.size == 0:
        return out
    kshape, _ = kernel_shape(shape, ())
    args = []
    for x in operands:
        if _is_array(x):
            args += [flat(x), kernel_shape(shape, broadcast_strides(tuple(x.shape), shape))[1]]
        else:
            args += [dt.type(x), (0,) * len(kshape)]
    _launch.launch(_map(f, len(operands)), out.size, False, flat(out), kshape, *args)
    return out


def _float_dtype(*operands):
    """numpy's result type of float math over ``operands``: their common type, float64 for integers."""
    dt = np.result_type(*[x.dtype if _is_array(x) else x for x in operands])
    return dt if dt.kind == "f" else np.dtype(np.float64)


# ---- the scalar functions --------------------------------------------------------------------
@_scalar
def _add(x, y):
    return x + y


@_scalar
def _subtract(x, y):
    return x - y


@_scalar
def _multiply(x, y):
    return x * y


@_scalar
def _divide(x, y):
    return x / y


@_scalar
def _power(x, y):
    return x ** y


@_scalar
def _maximum(x, y):  # NaN propagates, as numpy's maximum
    return x if x != x or x > y else y


@_scalar
def _minimum(x, y):
    return x if x != x or x < y else y


@_scalar
def _equal(x, y):
    return x == y


@_scalar
def _not_equal(x, y):
    return x != y


@_scalar
def _less(x, y):
    return x < y


@_scalar
def _less_equal(x, y):
    return x <= y


@_scalar
def _greater(x, y):
    return x > y


@_scalar
def _greater_equal(x, y):
    return x >= y


@_scalar
def _logical_and(x, y):
    return bool(x) and bool(y)


@_scalar
def _logical_or(x, y):
    return bool(x) or bool(y)


@_scalar
def _logical_xor(x, y):
    return bool(x) != bool(y)


@_scalar
def _negative(x):
    return -x


@_scalar
def _abs(x):  # (the builtin's name is this module's flat function)
    return x if x >= 0 else -x


@_scalar
def _sign(x):  # sign(NaN) = NaN, as numpy's
    return cast_like((x > 0) - (x < 0), x) if x == x else x


@_scalar
def _logical_not(x):
    return not x


@_scalar
def _exp(x):
    return math.exp(x)


@_scalar
def _expm1(x):
    return math.expm1(x)


@_scalar
def _log(x):
    return math.log(x) if x > 0 else cast_like(-math.inf if x == 0 else math.nan, x)


@_scalar
def _log1p(x):
    return math.log1p(x) if x > -1 else cast_like(-math.inf if x == -1 else math.nan, x)


@_scalar
def _sqrt(x):
    return math.sqrt(x) if x >= 0 else cast_like(math.nan, x)


@_scalar
def _tanh(x):
    return math.tanh(x)


@_scalar
def _where(c, x, y):
    return x if c else y


@_scalar
def _clip(x, lo, hi):  # min(max(x, lo), hi), as numpy's clip (NaN kept)
    return hi if x > hi else lo if x < lo else x


@_scalar
def _identity(x):
    return x


def _device_math(np_fn, math_fn):
    """A float function that compiles to numpy's ``np_fn`` on the CPU (the simulator runs the CPU
    compile) and to ``math_fn`` on the device, where math.floor/ceil/trunc give floats and
    math.fmod exists (on the CPU they give ints, or are missing)."""
    def stand_in(*x):
        return np_fn(*x)
    if np_fn is np.fmod:
        overload(stand_in)(lambda x, y: lambda x, y: np.fmod(x, y))
        overload(stand_in, target="cuda")(lambda x, y: lambda x, y: math_fn(x, y))
    else:
        overload(stand_in)(lambda x: lambda x: np_fn(x))
        overload(stand_in, target="cuda")(lambda x: lambda x: math_fn(x))
    return stand_in


_ffloor, _fceil, _ftrunc, _ffmod = (_device_math(n, m) for n, m in ((np.floor, math.floor), (np.ceil, math.ceil),
                                                                      (np.trunc, math.trunc), (np.fmod, math.fmod)))


@_scalar
def _floor(x):
    return _ffloor(x)


@_scalar
def _ceil(x):
    return _fceil(x)


@_scalar
def _trunc(x):
    return _ftrunc(x)


@_scalar
def _fmod(x, y):
    return _ffmod(x, y)


@_scalar
def _mod(x, y):  # integers: Python's %, the sign of y
    return x % y


@_scalar
def _floor_divide(x, y):  # ⌊x/y⌋ (floats: the Remainder gradient)
    return _floor(x / y)


@_scalar
def _isnan(x):
    return x != x


@_scalar
def _isinf(x):
    return math.isinf(x)


@_scalar
def _isfinite(x):
    return x == x and not math.isinf(x)


@_scalar
def _invert(x):
    return ~x


@_scalar
def _bitwise_and(x, y):
    return x & y


@_scalar
def _bitwise_or(x, y):
    return x | y


@_scalar
def _bitwise_xor(x, y):
    return x ^ y


# ---- the flat API ----------------------------------------------------------------------------
def _binary(f, kind="arith"):
    def op(a, b):
        if kind == "arith":
            return run(f, (a, b))
        if kind == "divide":
            return run(f, (a, b), compute_dtype=_float_dtype(a, b))
        return run(f, (a, b), out_dtype=np.bool_)
    op.__name__ = f.__name__[1:] if hasattr(f, "__name__") else "op"
    return op


def _unary(f, kind="arith"):
    def op(a):
        if kind == "float":
            return run(f, (a,), compute_dtype=_float_dtype(a))
        if kind == "bool":
            return run(f, (a,), out_dtype=np.bool_)
        return run(f, (a,))
    return op


add, subtract, multiply, power = (_binary(f) for f in (_add, _subtract, _multiply, _power))
maximum, minimum = _binary(_maximum), _binary(_minimum)
divide = _binary(_divide, "divide")
equal, not_equal, less, less_equal, greater, greater_equal, logical_and, logical_or, logical_xor = (
    _binary(f, "bool") for f in (_equal, _not_equal, _less, _less_equal, _greater, _greater_equal,
                                 _logical_and, _logical_or, _logical_xor))
negative, abs, sign = (_unary(f) for f in (_negative, _abs, _sign))  # noqa: A001
exp, expm1, log, log1p, sqrt, tanh = (_unary(f, "float") for f in (_exp, _expm1, _log, _log1p, _sqrt, _tanh))
logical_not = _unary(_logical_not, "bool")
floor, ceil, trunc, invert = (_unary(f) for f in (_floor, _ceil, _trunc, _invert))
isnan, isinf, isfinite = (_unary(f, "bool") for f in (_isnan, _isinf, _isfinite))
fmod, mod, floor_divide, bitwise_and, bitwise_or, bitwise_xor = (
    _binary(f) for f in (_fmod, _mod, _floor_divide, _bitwise_and, _bitwise_or, _bitwise_xor))


def where(cond, a, b):
    dt = np.result_type(*[x.dtype if _is_array(x) else x for x in (a, b)])
    return run(_where, (cond, a, b), compute_dtype=dt)


def clip(a, lo, hi):
    lo = -math.inf if lo is None else lo
    hi = math.inf if hi is None else hi
    return run(_clip, (a, lo, hi), compute_dtype=a.dtype)


def astype(a, dtype):
    """``a`` cast to ``dtype`` (``a`` itself when it already has it)."""
    dtype = np.dtype(dtype)
    return a if a.dtype == dtype else run(_identity, (a,), out_dtype=dtype, compute_dtype=a.dtype)


def copyto(dst, src):
    """dst[...] = src broadcast to dst's shape and cast to its dtype, in place."""
    run(_identity, (src,), compute_dtype=dst.dtype if not _is_array(src) else src.dtype, out=dst)


def iadd(dst, src):
    """dst += src (broadcast to dst's shape, cast to its dtype), in place."""
    run(_add, (dst, src), compute_dtype=dst.dtype, out=dst)
