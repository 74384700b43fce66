"""Compile a declared op's scalar math (``minigrad/ops/pointwise_math.py``, ``ops/activation.py``) for
a device's elementwise loop.

The math is plain Python over scalars, so the same function runs on every device. It names a few
functions whose best form differs by device (``exp``, ``log``, ``log1p``, ``sin``, ``cos``, ``tanh``,
``erf``, ``atan2``, ``like``, ``floor``, ``ceil``, ``trunc``, ``fmod``); each device passes its own
``bindings`` for them (the CPU: ``_vecmath``'s and ``_vecmath_special``'s vectorisable float32 polynomials and
numpy's float-valued rounding; CUDA: libdevice). ``scalar``
rebuilds the function with those names bound, compiles every plain-Python helper it calls the same
way, and returns a Numba function inlined into the loop that calls it (so it
runs under the loop's flags, and LLVM can vectorise the loop).
"""
import types

import numba


def scalar(func, bindings, _done=None):
    """``func`` compiled for inlining, with ``bindings`` replacing its globals of those names and the
    Python functions it calls compiled alike."""
    done = {} if _done is None else _done
    if func in done:
        return done[func]
    env = dict(func.__globals__)
    env.update(bindings)
    for name in func.__code__.co_names:
        helper = env.get(name)
        if name not in bindings and isinstance(helper, types.FunctionType):
            env[name] = scalar(helper, bindings, done)
    clone = types.FunctionType(func.__code__, env, func.__name__, func.__defaults__, func.__closure__)
    done[func] = compiled = numba.njit(clone, inline="always", error_model="numpy")
    return compiled


def _no_grad(g, x, y, p):  # the backward branch of an op without a gradient (compiled, never run)
    return g


def _no_grad2(g, a, b, y, p):
    return g, g


def compiled(decl, bindings):
    """The declared op's ``(f, grad)`` compiled with a device's ``bindings`` (a stand-in ``grad``
    for an op without one, so its loop's backward branch still types)."""
    grad = decl.grad or (_no_grad if decl.arity == 1 else _no_grad2)
    return scalar(decl.f, bindings), scalar(grad, bindings)


def params(p, dt):
    """An op's options as the three scalars of dtype ``dt`` its math reads (unused ones 0)."""
    return tuple(dt.type(v) for v in p) + (dt.type(0),) * (3 - len(p))
