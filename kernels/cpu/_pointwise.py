"""The CPU loop every elementwise loss shares: map a per-element function, reduce, differentiate.

A loss's element function ``elem(x, y, z, w, p) -> (l, ∂l/∂x, ∂l/∂y, ∂l/∂z)`` (``kernels/shared/
element.py``; p the loss's parameters as a tuple of the data's dtype: scalars, which no output can
alias, so LLVM keeps them in registers out of the loop) is compiled into this loop once by
``loops(elem)``; ``bind`` gives the loss's ``forward`` on the CPU (``load`` does it for a loss that
has no module here).

Over the n elements of the broadcast shape, with divisor D (n for 'mean' unless the loss gives its
own, 1 for 'sum'):

    loss = Σᵢ lᵢ / D  ('mean', 'sum')   or   lᵢ  ('none')
    ∂loss/∂xᵢ = (∂l/∂x)ᵢ / D             (likewise y and z; D = 1 for 'none')

The sum accumulates in float64, one partial sum per block of ``_BLOCK`` elements added in order
(``_parallel.Split.sum``), so it rounds the same on any thread count; each
element's math and every array written stay in the data's dtype. Numba has no float16 arithmetic,
so float16 runs in float32 and is cast back.

x and y are materialised at the broadcast shape; z and w are too unless they hold one element,
which the loop expands block by block (a scalar weight or variance is never expanded in memory). A
missing z or w reads as 1 (the neutral weight).
"""
import inspect
import types
import zlib

import numpy as np

from . import _vecmath
from ..shared.element import bound
from ._host import broadcast, result, scale
from ._parallel import Split


_BLOCK = 512  # elements per block: its six scratch rows stay in L1


def _loop(b0, b1, partial, x, y, z, w, zs, ws, p, s, out, gx, gy, gz):
    # Blocks b0 to b1, so the inner loop has no branch and LLVM vectorises it: each of the loss and the
    # three gradients goes to its output's slice when that is wanted, else to a scratch row, and z and
    # w are slices or, when they hold one element (zs/ws = 0), a scratch row filled with it once per
    # call. One partial sum per block: the split never follows the threads.
    n = x.size
    keep, nx, ny, nz = out.size > 0, gx.size > 0, gy.size > 0, gz.size > 0
    scratch = np.empty(6 * _BLOCK + 1, x.dtype)
    scratch[-1] = s  # the scale comes as a float (typed quicker than a numpy scalar), used in x's dtype
    sc = scratch[-1]
    # filled before any select: z or w may be a read-only view (np.broadcast_to's), and a slice of
    # either would give the selected row the read-only type
    if not zs:
        scratch[4 * _BLOCK:5 * _BLOCK] = z[0]
    if not ws:
        scratch[5 * _BLOCK:6 * _BLOCK] = w[0]
    for b in range(b0, b1):
        lo = b * _BLOCK
        hi = min(lo + _BLOCK, n)
        m = hi - lo
        lb = out[lo:hi] if keep else scratch[:m]
        dxb = gx[lo:hi] if nx else scratch[_BLOCK:_BLOCK + m]
        dyb = gy[lo:hi] if ny else scratch[2 * _BLOCK:2 * _BLOCK + m]
        dzb = gz[lo:hi] if nz else scratch[3 * _BLOCK:3 * _BLOCK + m]
        zb = z[lo:hi] if zs else scratch[4 * _BLOCK:4 * _BLOCK + m]
        wb = w[lo:hi] if ws else scratch[5 * _BLOCK:5 * _BLOCK + m]
        xb, yb = x[lo:hi], y[lo:hi]
        part = 0.0
        for j in range(m):
            l, dx, dy, dz = elem(xb[j], yb[j], zb[j], wb[j], p)  # noqa: F821 - bound by ``loops``
            if not SUM_APART:  # noqa: F821 - the element's flag, a constant of the compile (see element)
                part += l
            lb[j] = l
            dxb[j] = dx * sc
            dyb[j] = dy * sc
            dzb[j] = dz * sc
        if SUM_APART:  # noqa: F821
            for j in range(m):
                part += lb[j]
        partial[b] = part


def _source(module):
    with open(inspect.getfile(module), "rb") as f:
        return f.read()


def loops(elem):
    """``_loop`` compiled around ``elem``, to run over threads (``_parallel.Split``).

    Each copy is named after a checksum of ``_loop``, ``elem``'s module and ``_vecmath``: Numba's
    cache only watches the file holding the function it compiles, so without the checksum an edit to
    the loss or to the math it inlines would load a stale kernel."""
    py = elem.py_func
    code = _loop.__code__
    digest = zlib.crc32(code.co_code + repr(code.co_consts).encode() + _source(inspect.getmodule(py))
                        + _source(_vecmath))
    func = types.FunctionType(code, {**_loop.__globals__, "elem": elem, "SUM_APART": elem.sum_apart}, "_loop")
    func.__qualname__ = f"_loop_{py.__name__}_{digest:08x}"  # the loss's name, or a variant's (see element)
    return Split(func, error_model="numpy")  # the inlined elem runs under the loop's flags


_ONE = {np.dtype(t): np.ones(1, t) for t in (np.float32, np.float64)}
_EMPTY = {np.dtype(t): np.empty(0, t) for t in (np.float32, np.float64)}


def run(kernel, operands, need_grad, reduction, params=(), divisor=None):
    """Run ``kernel`` (from ``loops``) over ``operands``: x, y[, z[, w]], None for a missing one;
    z and w must broadcast to the shape of x and y.

    ``need_grad`` says, per differentiable operand (x, y[, z]), whether to write its gradient;
    ``divisor`` replaces n as the mean's divisor. Returns (loss, grad per ``need_grad`` entry or
    None), the loss 0-d for 'mean'/'sum' and at the broadcast shape for 'none'."""
    x, y = operands[0], operands[1]
    dt = x.dtype
    one = _ONE.get(dt)
    if one is None:  # float16
        loss, *grads = run(kernel, [None if a is None else a.astype(np.float32) for a in operands], need_grad,
                           reduction, params, divisor)
        return (loss.astype(dt), *[None if g is None else g.astype(dt) for g in grads])
    empty = _EMPTY[dt]
    z = w = one
    if len(operands) > 2:
        z = one if operands[2] is None else operands[2]
        w = one if len(operands) < 4 or operands[3] is None else operands[3]
    z_big, w_big = z.size != 1, w.size != 1  # else the loop expands them
    shape = x.shape
    if z_big or w_big or shape != y.shape:  # (ravel below copies a strided x or y)
        shape, full = broadcast(x, y, *[a for a, big in ((z, z_big), (w, w_big)) if big])
        x, y, rest = full[0], full[1], iter(full[2:])
        z, w = next(rest) if z_big else z, next(rest) if w_big else w
    n = x.size
    s = scale(reduction, n if divisor is None else divisor)
    out = np.empty(shape, dt) if reduction == "none" else empty
    grads = [np.empty(shape, dt) if need else None for need in need_grad]
    flat = [empty if g is None else g.ravel() for g in grads]  # ravel: a C-contiguous array's view, quicker
    gx, gy, gz = flat if len(flat) == 3 else flat + [empty] * (3 - len(flat))
    total = kernel.sum(n, (n + _BLOCK - 1) // _BLOCK, x.ravel(), y.ravel(), z.ravel(), w.ravel(), int(z_big),
                       int(w_big), tuple([dt.type(v) for v in params]) if params else (), s, out.ravel(),
                       gx, gy, gz)
    return (result(reduction, total, s, out, dt), *grads)


def bind(shared):
    """The CPU ``forward`` of an elementwise loss (a ``kernels/shared/<loss>.py`` module): its
    host-level ``forward`` over ``run``, with the loop compiled around each element function it runs
    (``element.bound``)."""
    return bound(shared, loops, run)
