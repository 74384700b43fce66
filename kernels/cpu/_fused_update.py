"""Every fused optimizer's step on the CPU: the optimizer's per-element rule
(``kernels/shared/optim_rules.py``) compiled into one loop, and how that loop meets the arrays.

``step(name, p, g, buffers, scalars, done, k)`` runs optimizer ``name``'s rule over every element of
the parameter ``p`` and its state ``buffers`` (None for one that the options leave unused), in place,
in one compiled call that ends by setting ``done[k]`` (a KeyboardInterrupt lands between Python
bytecodes, never inside a compiled call, so the optimizer's ``commit`` can re-run an interrupted step
without a second update). Nothing happens when ``done[k]`` is set already.

The loop is compiled for each rule and each set of buffers in use (``_loop``): the slots in use are
constants there, so an unused slot's loads and stores vanish and no two operands alias. The arrays are
passed as 1-D views in ``p``'s memory order: a C-contiguous or transposed parameter and buffers made
by ``full_like`` (which keeps the layout) as they are, only the gradient copied when its layout
differs. A parameter with no flat view (a strided slice) or a buffer in another layout is updated on
contiguous copies that one compiled ``_write_back`` then copies back, setting ``done[k]`` in the
same call: still all or nothing.

The loops compile with ``fastmath=False`` (torch's rounding: no fused multiply-adds) and
``error_model="numpy"``: a division by zero gives inf/NaN as in torch instead of a Python exception,
and the loop without that check vectorises (10M-element Adam: 150 → 18 ms).
"""
import functools
import inspect
import types
import zlib

import numpy as np
from numba import literal_unroll

from ..jit import njit
from ..shared import optim_rules

SLOTS = 3  # the most state buffers a rule updates


def _update(p, g, buffers, scalars, done, k):
    for i in range(p.size):
        optim_rules.element_step(i, p, g, buffers, scalars, RULE, LIVE)  # noqa: F821 - bound by ``_loop``
    done[k] = 1


with open(inspect.getfile(optim_rules), "rb") as _f:
    _RULES_CRC = zlib.crc32(_f.read())


@functools.cache
def _loop(name, live):
    """``_update`` compiled around the rule ``optim_rules.<name>`` with the slots ``live`` (bools) in
    use; named after them and a checksum of the rules' file (Numba's cache watches only this file)."""
    code = _update.__code__
    digest = zlib.crc32(code.co_code + repr(code.co_consts).encode(), _RULES_CRC)
    func = types.FunctionType(code, {**_update.__globals__, "RULE": getattr(optim_rules, name), "LIVE": live},
                              "_update")
    func.__qualname__ = f"_update_{name}_{''.join('01'[on] for on in live)}_{digest:08x}"
    return njit(fastmath=False, error_model="numpy")(func)


def _memory_order(a):
    """The axes of ``a`` from the largest stride to the smallest."""
    return tuple(sorted(range(a.ndim), key=lambda axis: -abs(a.strides[axis])))


def _flat(a, order):
    """``a`` as a 1-D view in the axis order ``order``, or None when no such view exists."""
    t = a.transpose(order)
    return t.reshape(-1) if t.flags.c_contiguous else None


@njit(fastmath=False)
def _write_back(pairs, done, k):
    for pair in literal_unroll(pairs):
        dst, src = pair
        for i in np.ndindex(dst.shape):
            dst[i] = src[i]
    done[k] = 1


def cast(scalars, dtype):
    """The float hyper-parameters in the parameter's dtype (the rules compute in it, as torch does);
    flags stay bools."""
    return tuple(s if isinstance(s, (bool, np.bool_)) else dtype.type(s) for s in scalars)


def slots(p, buffers):
    """(the slots in use, SLOTS arrays with ``p`` standing in for an unused one)."""
    buffers = tuple(buffers) + (None,) * (SLOTS - len(buffers))
    return tuple(b is not None for b in buffers), tuple(p if b is None else b for b in buffers)


def step(name, p, g, buffers, scalars, done, k):
    """Optimizer ``name``'s update of ``p`` and ``buffers`` in place, then ``done[k]`` set; nothing
    happens when it is set already."""
    if done[k]:
        return
    live, buffers = slots(p, buffers)
    kernel, scalars = _loop(name, live), cast(scalars, p.dtype)
    arrays = (p, g, *buffers)
    if all(a.flags.c_contiguous for a in arrays):  # the common case, without the layout search
        kernel(p.reshape(-1), g.reshape(-1), tuple(b.reshape(-1) for b in buffers), scalars, done, k)
        return
    order = _memory_order(p)
    flat = [_flat(a, order) for a in (p, *buffers)]
    if all(a is not None for a in flat):
        grad = _flat(g, order)
        if grad is None:
            grad = np.ascontiguousarray(np.broadcast_to(g, p.shape).transpose(order)).reshape(-1)
        kernel(flat[0], grad, tuple(flat[1:]), scalars, done, k)
        return
    copies = {}  # one staged copy per distinct array (p stands in for unused slots)
    staged = [copies.setdefault(id(a), (a, np.array(a, order="C")))[1] for a in (p, *buffers)]
    grad = np.ascontiguousarray(np.broadcast_to(g, p.shape)).reshape(-1)
    kernel(staged[0].reshape(-1), grad, tuple(s.reshape(-1) for s in staged[1:]), scalars, np.zeros(1, np.uint8), 0)
    _write_back(tuple(copies.values()), done, k)
