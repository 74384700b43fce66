"""The element functions of the elementwise losses: one per loss, in ``kernels/shared/<loss>.py``,
named after it, compiled by each device's elementwise loop (``kernels/<device>/_pointwise.py``).

An element function ``f(x, y, z, w, p) -> (l, ∂l/∂x, ∂l/∂y, ∂l/∂z)`` gets one element of the input
x, the target y and the optional third and fourth operands z and w (a weight, a variance; 1 when
absent), and the loss's parameters p as a tuple of the data's dtype. Constants exact in float32
(0, ½, 1, ...) are float32 globals, which Numba folds without widening float32 math; float64 data
promotes them. The loss module's ``forward(run, *arrays, need_grad, **options)`` maps its options
onto ``run(operands, need_grad, reduction, params=(), divisor=None, elem=<the module's function>)``,
the device's loop compiled around ``elem`` (``bind`` in each device's ``_pointwise``). A loss whose
options switch between formulas passes the element function compiled for them as ``elem``
(``poisson_nll_loss``): a switch read from p inside the loop would compute every formula per element.
"""
import functools
import importlib
import types

import numba


def element(func=None, *, sum_apart=False):
    """Compile a per-element function for the loops: inlined into the loop in Numba's IR (LLVM would
    leave a call, which stops vectorisation), so it runs under the loop's flags: the kernels'
    fastmath and numpy's error model (x/0 gives ±inf or NaN, as in torch). It has no cache of its
    own: its code is cached inside each loop, keyed by ``loops`` on its source.

    ``sum_apart``: the CPU loop sums a block's losses in a pass of its own, after the element loop.
    For a function bound by its arithmetic (exp, log): a float64 accumulator beside it would make
    LLVM run its loop on 4 float32 lanes instead of 16 (BCE 9.8 -> 8.5 ms, poisson_nll 2.9 -> 2.3 ms
    at 4M float32). A memory-bound one (mse, l1) sums in its loop, which saves that pass (mse 2.0 ->
    1.85 ms)."""
    if func is None:
        return lambda f: element(f, sum_apart=sum_apart)
    compiled = numba.njit(func, inline="always")
    compiled.sum_apart = sum_apart
    return compiled


def bound(shared, loops, run):
    """``shared.forward`` over a device's ``run``, each element function it asks for compiled once
    into that device's loop by ``loops``."""
    default = getattr(shared, shared.__name__.rpartition(".")[2])
    kernels = {}

    def run_elem(operands, need_grad, reduction, params=(), divisor=None, elem=default):
        kernel = kernels.get(elem)
        if kernel is None:
            kernel = kernels[elem] = loops(elem)
        return run(kernel, operands, need_grad, reduction, params, divisor)
    return functools.partial(shared.forward, run_elem)


def kernel_module(backend, name):
    """A backend's kernel module ``name``: ``<backend>.<name>`` when it has one, else a module-like
    namespace whose ``forward`` is the elementwise loss ``kernels/shared/<name>.py`` bound to the
    backend's loop (its ``_pointwise.bind``)."""
    try:
        return importlib.import_module(f"{backend}.{name}")
    except ModuleNotFoundError as exc:
        if exc.name != f"{backend}.{name}":
            raise
    shared = importlib.import_module(f"{__package__}.{name}")
    forward = importlib.import_module(f"{backend}._pointwise").bind(shared)
    return types.SimpleNamespace(__name__=f"{backend}.{name}", forward=forward)
