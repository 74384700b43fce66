"""Every fused optimizer's step on the CPU: the optimizer's per-element rule
(``kernels/shared/optim_rules.py``) compiled into one loop, and how that loop meets the arrays.

``step(name, p, g, buffers, scalars, done, k)`` runs optimizer ``name``'s rule over every element of
the parameter ``p`` and its state ``buffers`` (None for one that the options leave unused), in place,
in one compiled call that ends by setting ``done[k]`` (a KeyboardInterrupt lands between Python
bytecodes, never inside a compiled call, so the optimizer's ``commit`` can re-run an interrupted step
without a second update). Nothing happens when ``done[k]`` is set already. ``scalars`` are Python
numbers and bools; the loop converts the numbers to the parameter's dtype once (``in_dtype``), as
torch computes in it.

The loop is compiled for each rule and each set of buffers in use (``_loop``): the slots in use are
constants there, so an unused slot's loads and stores vanish and no two operands alias. The arrays
are passed as 1-D views in ``p``'s memory order: a C-contiguous or transposed parameter and buffers
made by ``full_like`` (which keeps the layout) as they are, only the gradient copied when its layout
differs. A parameter with no flat view (a strided slice) or a buffer in another layout is updated on
contiguous copies that one compiled ``_write_back`` then copies back, setting ``done[k]`` in the same
call: still all or nothing.

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
from numba import types as nbtypes
from numba.extending import intrinsic

from ..jit import njit
from ..shared import optim_rules
from . import _twins


@intrinsic
def in_dtype(typingctx, scalars, like):
    """``scalars`` with each number converted to the dtype of the array ``like`` (rounded to nearest,
    as numpy's cast), the bools left as they are."""
    kinds = [t if isinstance(t, nbtypes.Boolean) else like.dtype for t in scalars]
    out = nbtypes.BaseTuple.from_types(kinds)

    def codegen(context, builder, signature, args):
        values = [context.cast(builder, builder.extract_value(args[0], j), t, kind)
                  for j, (t, kind) in enumerate(zip(scalars, kinds))]
        return context.make_tuple(builder, out, values)
    return out(scalars, like), codegen


def _update(p, g, buffers, scalars, done, k):
    hyper = in_dtype(scalars, p)
    for i in range(p.size):
        optim_rules.element_step(i, p, g, buffers, hyper, RULE, LIVE)  # noqa: F821 - bound by ``_loop``
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


ARRAY_RULES = {"sgd": lambda scalars: True, "adam": lambda scalars: not scalars[-1]}  # rules, and when
# (amsgrad off), whose branches read only the scalars, so numpy runs them over whole arrays: the twins
_TWIN_DTYPES = (np.dtype(np.float32), np.dtype(np.float64))
_numpy = types.SimpleNamespace(sqrt=np.sqrt)


def _python(func):
    """``func``'s Python code, with the Numba functions it calls as Python and ``math`` as numpy's."""
    env = {name: _python(v.py_func) if hasattr(v, "py_func") else v for name, v in func.__globals__.items()
           if name in func.__code__.co_names}
    env.update(__builtins__=func.__globals__["__builtins__"], math=_numpy)
    return types.FunctionType(func.__code__, env, func.__name__)


@functools.cache
def _twin(name, live):
    """``_loop(name, live)``'s numpy twin (kernels/cpu/_twins.py): the rule over whole arrays, in the
    parameter's dtype, each operation rounded as the loop rounds it (no fused multiply-adds)."""
    rule = _python(getattr(optim_rules, name).py_func)

    def update(p, g, buffers, scalars, done, k):
        new = rule(p, g, *[b if on else p for b, on in zip(buffers, live)],
                   tuple([s if s.__class__ is bool else p.dtype.type(s) for s in scalars]))
        for a, value, on in zip((p,) + buffers, new, (True,) + live):
            if on:
                a[...] = value
        done[k] = 1
    return update


def _call(name, live, *args):
    """``_loop(name, live)(*args)``, or its numpy twin on a first run (rules in ``ARRAY_RULES``)."""
    p, scalars = args[0], args[3]
    small = p.dtype in _TWIN_DTYPES and name in ARRAY_RULES and ARRAY_RULES[name](scalars)
    return _twins.run(_loop(name, live), _twin(name, live) if small else None, small, *args)


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


def slots(p, buffers):
    """(which of the three slots are in use, three arrays with ``p`` standing in for an unused one)."""
    b0, b1, b2 = (*buffers, None, None)[:3]
    return (b0 is not None, b1 is not None, b2 is not None), (p if b0 is None else b0, p if b1 is None else b1,
                                                              p if b2 is None else b2)


_converted = ((), ())  # the last scalars given to ``_numbers`` and what it made of them (one object:
# threads read and replace it whole)


def _numbers(scalars):
    """``scalars`` with every number a float (one compile for ints and floats), bools kept. An
    optimizer passes one tuple for all of a group's parameters: the last one's conversion is reused."""
    global _converted
    last = _converted
    if scalars is not last[0]:
        last = _converted = scalars, tuple([s if s.__class__ is bool else float(s) for s in scalars])
    return last[1]


def step(name, p, g, buffers, scalars, done, k):
    """Optimizer ``name``'s update of ``p`` and ``buffers`` in place, then ``done[k]`` set; nothing
    happens when it is set already."""
    if done[k]:
        return
    live, (b0, b1, b2) = slots(p, buffers)
    kernel = _loop(name, live)
    if not kernel.overloads or _twins.EXECUTOR:  # not run in this process yet: maybe its numpy twin
        kernel = functools.partial(_call, name, live)
    scalars = _numbers(scalars)
    if p.flags.c_contiguous and g.flags.c_contiguous and (b0 is p or b0.flags.c_contiguous) \
            and (b1 is p or b1.flags.c_contiguous) and (b2 is p or b2.flags.c_contiguous):
        # the common case, without the layout search; p's flat view stands in for the unused slots too
        flat = p.reshape(-1)
        kernel(flat, g.reshape(-1), (flat if b0 is p else b0.reshape(-1), flat if b1 is p else b1.reshape(-1),
                                     flat if b2 is p else b2.reshape(-1)), scalars, done, k)
        return
    order = _memory_order(p)
    flat = [_flat(a, order) for a in (p, b0, b1, b2)]
    if all(a is not None for a in flat):
        grad = _flat(g, order)
        if grad is None:
            grad = np.ascontiguousarray(np.broadcast_to(g, p.shape).transpose(order)).reshape(-1)
        kernel(flat[0], grad, tuple(flat[1:]), scalars, done, k)
        return
    copies = {}  # one staged copy per distinct array (p stands in for unused slots)
    staged = [copies.setdefault(id(a), (a, np.array(a, order="C")))[1].reshape(-1) for a in (p, b0, b1, b2)]
    grad = np.ascontiguousarray(np.broadcast_to(g, p.shape)).reshape(-1)
    kernel(staged[0], grad, tuple(staged[1:]), scalars, np.zeros(1, np.uint8), 0)
    _write_back(tuple(copies.values()), done, k)
