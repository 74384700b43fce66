"""The CPU loop of every declared pointwise op (``minigrad/ops/pointwise.py`` declares them).

An op's math is two scalar functions, its value ``f(x, p)`` and its input gradient
``grad(g, x, y, p)`` (binary: ``f(a, b, p)`` and ``grad(g, a, b, y, p) -> (g_a, g_b)``), with ``y``
the op's output, ``g`` the upstream gradient and ``p`` the op's options as a tuple of three
scalars of the data's dtype. One kernel per op holds both directions over flat C-contiguous arrays:

    forward:  out[i] = f(x[i], p)                       (binary: f(a[i], b[i], p))
    backward: out[i] = grad(g[i], x[i], y[i], p)        (binary: out[i], out_b[i] = grad(...))

compiled on first use, once per dtype (float32, float64; float16 runs in float32), and split over
threads by ``_parallel.Split``, with IEEE semantics (no fastmath but fused multiply-adds). A binary op's operands are expanded to their broadcast shape first.
The loop is cached under a checksum of the op's module, ``_vecmath`` and ``_vecmath_special`` (Numba
only watches this file), so an edit to the math recompiles.
"""
import inspect
import types
import zlib

import numpy as np

from ..scalar import compiled, params, scalar
from . import _vecmath, _vecmath_special
from ._host import broadcast
from ._parallel import Split
from ._twins import run

BINDINGS = {"exp": _vecmath.exp, "log": _vecmath.log, "log1p": _vecmath.log1p, "sin": _vecmath_special.sin,
            "cos": _vecmath_special.cos, "tanh": _vecmath_special.tanh, "erf": _vecmath_special.erf,
            "atan2": _vecmath_special.atan2, "like": _vecmath_special.like, "floor": np.floor, "ceil": np.ceil,
            "trunc": np.trunc, "fmod": np.fmod}


# fused multiply-adds only: elementwise loops vectorise without reassociation, and the kernels'
# other flags would change special values (an approximate 1/√x gives NaN at 0 and inf, ``nsz``
# loses the sign of zero that signbit and copysign read)
_FASTMATH = {"contract"}


def _unary(lo, hi, backward, x, y, g, out, p):
    # slices, so every index is provably ≥ 0 and the loop reads contiguous memory (an index from
    # ``lo`` could be negative: Numba's wraparound select would make LLVM gather and scatter)
    xs, ys, gs, os = x[lo:hi], y[lo:hi], g[lo:hi], out[lo:hi]
    if backward:
        for i in range(hi - lo):
            os[i] = grad(gs[i], xs[i], ys[i], p)  # noqa: F821 - bound by ``_kernel``
    else:
        for i in range(hi - lo):
            os[i] = f(xs[i], p)  # noqa: F821


def _binary(lo, hi, backward, a, b, y, g, out, out_b, p):
    as_, bs, ys, gs, os, obs = a[lo:hi], b[lo:hi], y[lo:hi], g[lo:hi], out[lo:hi], out_b[lo:hi]
    if backward:
        for i in range(hi - lo):
            da, db = grad(gs[i], as_[i], bs[i], ys[i], p)  # noqa: F821
            os[i] = da
            obs[i] = db
    else:
        for i in range(hi - lo):
            os[i] = f(as_[i], bs[i], p)  # noqa: F821


def _source(obj):
    with open(inspect.getfile(obj), "rb") as fh:
        return fh.read()


_kernels = {}


def _kernel(decl):
    k = _kernels.get(decl)
    if k is None:
        loop = _unary if decl.arity == 1 else _binary
        f, grad = compiled(decl, BINDINGS)
        env = {**loop.__globals__, "f": f, "grad": grad}
        digest = zlib.crc32(_source(decl.f) + _source(_vecmath) + _source(_vecmath_special) + _source(scalar))
        func = types.FunctionType(loop.__code__, env, loop.__name__)
        func.__qualname__ = f"{loop.__name__}_{decl.name}_{digest:08x}"
        k = _kernels[decl] = Split(func, error_model="numpy", fastmath=_FASTMATH)
    return k


def _relu_numpy(work, units, backward, x, y, g, out, p):
    """relu's loop as numpy (its twin, kernels/cpu/_twins.py): y = 0 where x < 0, else x (NaN and −0
    pass); the gradient 0 where y ≤ 0, else g."""
    zero = out.dtype.type(0)
    out[...] = np.where(y <= zero, zero, g) if backward else np.where(x < zero, zero, x)


TWINS = {"relu": _relu_numpy}  # the declared ops whose loop has a numpy twin


def _loop(decl, *args):
    """``_kernel(decl)(*args)``, or its numpy twin (``TWINS``) while the kernel is not ready."""
    twin = TWINS.get(decl.name)
    return _kernel(decl)(*args) if twin is None else run(_kernel(decl), twin, True, *args)


def _flat(a):
    return (a if a.flags.c_contiguous else np.ascontiguousarray(a)).reshape(-1)


_params = {}


def _scalars(p, dt):
    """``params(p, dt)``, kept per (options, dtype): a small tensor's call is mostly this overhead."""
    key = (p, dt)
    v = _params.get(key)
    if v is None:
        v = _params[key] = params(p, dt)
    return v


def forward(decl, arrays, p):
    """``f`` over ``arrays`` (one, or two that broadcast) with options ``p``: a new array."""
    x = arrays[0]
    dt = x.dtype
    if dt == np.float16:
        return forward(decl, [a.astype(np.float32) for a in arrays], p).astype(decl.out_dtype or dt)
    if decl.arity == 1:
        out = np.empty(x.shape, decl.out_dtype or dt)
        flat = _flat(x)
        _loop(decl, flat.size, flat.size, False, flat, flat, flat, out.reshape(-1), _scalars(p, dt))
        return out
    shape, arrays = broadcast(*arrays)
    out = np.empty(shape, decl.out_dtype or dt)
    a, b = _flat(arrays[0]), _flat(arrays[1])
    _loop(decl, a.size, a.size, False, a, b, a, a, out.reshape(-1), out.reshape(-1), _scalars(p, dt))
    return out


def backward(decl, g, arrays, out, p):
    """The gradient of each input (at the broadcast shape) from upstream ``g``, the saved inputs
    (``arrays``, None where not saved) and output ``out`` (None where not saved)."""
    dt = g.dtype
    if dt == np.float16:
        up = [None if a is None else a.astype(np.float32) for a in (g, out, *arrays)]
        grads = backward(decl, up[0], up[2:], up[1], p)
        return tuple(x.astype(dt) for x in grads)
    flat_g = _flat(g)
    n = flat_g.size
    stand_in = flat_g  # the array passed where the math reads nothing (the declaration says what it reads)
    y = stand_in if out is None else _flat(out)
    if decl.arity == 1:
        x = stand_in if arrays[0] is None else _flat(arrays[0])
        gx = np.empty(g.shape, dt)
        _loop(decl, n, n, True, x, y, flat_g, gx.reshape(-1), _scalars(p, dt))
        return (gx,)
    a, b = [stand_in if v is None else _flat(np.broadcast_to(v, g.shape)) for v in arrays]
    ga, gb = np.empty(g.shape, dt), np.empty(g.shape, dt)
    _loop(decl, n, n, True, a, b, y, flat_g, ga.reshape(-1), gb.reshape(-1), _scalars(p, dt))
    return ga, gb
