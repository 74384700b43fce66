"""The device loop of every declared pointwise op: the same scalar ``f``/``grad`` as the CPU loop
(``kernels/cpu/pointwise.py`` describes them), one thread an element, over flat C-contiguous device
arrays; a binary op's operands are expanded to their broadcast shape first. ``exp``/``log``/
``log1p``/``sin``/``cos``/``tanh``/``erf``/``atan2`` compile to libdevice (``_math``), ``like`` to a cast,
``floor``/``ceil``/``trunc``/``fmod`` to their float-valued device forms. Each op's kernel is compiled on first use (once per dtype); float16 runs
in float32.
"""
import functools
import math

import numpy as np

from ..cpu import _vecmath
from ..scalar import compiled, params
from ._elementwise import _fceil, _ffloor, _ffmod, _ftrunc
from ._host import broadcast, empty, expand
from ._launch import cast_like, cuda, launch

BINDINGS = {"exp": _vecmath.exp, "log": _vecmath.log, "log1p": _vecmath.log1p, "sin": math.sin, "cos": math.cos,
            "tanh": math.tanh, "erf": math.erf, "atan2": math.atan2, "like": cast_like, "floor": _ffloor, "ceil": _fceil, "trunc": _ftrunc,
            "fmod": _ffmod}


@functools.cache
def _kernel(decl):
    f, grad = compiled(decl, BINDINGS)
    if decl.arity == 1:
        @cuda.jit
        def loop(backward, x, y, g, out, out_b, p0, p1, p2):
            p = (p0, p1, p2)
            for i in range(cuda.grid(1), out.size, cuda.gridsize(1)):
                if backward:
                    out[i] = grad(g[i], x[i], y[i], p)
                else:
                    out[i] = f(x[i], p)
    else:
        @cuda.jit
        def loop(backward, a, b, y, g, out, out_b, p0, p1, p2):
            p = (p0, p1, p2)
            for i in range(cuda.grid(1), out.size, cuda.gridsize(1)):
                if backward:
                    da, db = grad(g[i], a[i], b[i], y[i], p)
                    out[i] = da
                    out_b[i] = db
                else:
                    out[i] = f(a[i], b[i], p)
    return loop


def _run(decl, backward, operands, out, out_b, p, dt):
    if out.size:
        flat = [a.reshape(-1) for a in operands]
        launch(_kernel(decl), out.size, False, backward, *flat, out.reshape(-1), out_b.reshape(-1),
               *params(p, dt))


def forward(decl, arrays, p):
    """``f`` over device ``arrays`` (one, or two that broadcast) with options ``p``: a new array."""
    dt = arrays[0].dtype
    if dt == np.float16:
        out = forward(decl, [expand(a, a.shape, np.float32) for a in arrays], p)
        return expand(out, out.shape, decl.out_dtype or dt)
    shape, arrays = broadcast(*arrays)
    out = empty(shape, decl.out_dtype or dt)
    stand_in = arrays[0]
    operands = [stand_in, stand_in, stand_in] if decl.arity == 1 else [*arrays, stand_in, stand_in]
    _run(decl, False, operands, out, out, p, dt)
    return out


def backward(decl, g, arrays, out, p):
    """The gradient of each input (at the broadcast shape), as the CPU ``backward``."""
    dt = g.dtype
    if dt == np.float16:
        up = [None if a is None else expand(a, a.shape, np.float32) for a in (g, out, *arrays)]
        return tuple(expand(x, x.shape, dt) for x in backward(decl, up[0], up[2:], up[1], p))
    shape = tuple(g.shape)
    y = g if out is None else out
    inputs = [g if a is None else expand(a, shape) for a in arrays]
    grads = [empty(shape, dt) for _ in arrays]
    _run(decl, True, [*inputs, y, g], grads[0], grads[-1], p, dt)
    return tuple(grads)
