"""The elementwise losses on the device: each loss's per-element function from ``kernels/shared``, run
by one CUDA skeleton.

A loss's math is written once, as ``elem(x, y, z, w, p) -> (l, ∂l/∂x, ∂l/∂y, ∂l/∂z)`` in
``kernels/shared/<loss>.py`` (its derivation is there); ``loops(elem)`` compiles it into a device
kernel and ``run`` takes and returns what the CPU ``_pointwise.run`` does, so ``bind`` gives the
loss's shared ``forward`` over this skeleton. Over the n elements of the broadcast shape:

    thread, element i:  l, dx, dy, dz = elem(xᵢ, yᵢ, zᵢ, wᵢ, p)
                        out[i] = l ('none'),  gx[i] = dx·s,  gy[i] = dy·s,  gz[i] = dz·s  (the wanted ones)
    loss = (Σᵢ lᵢ)·s     float64 partial sums per block (``_launch``); s = 1/D for 'mean', else 1

x and y are materialised at the broadcast shape, z and w too unless they hold one element (read in
place); a missing z or w reads as 1. Each element's math and every array written stay in the data's
dtype; float16 runs in float32.

On the device the element function's scalar math compiles through ``_math``. The element function
runs under numpy's error model (x/0 gives ±inf or NaN, as in torch) on both devices; the simulator
runs its CPU compile.
"""
import functools

import numba
import numpy as np
from numba import cuda, float64

from ..shared.element import bound
from ._host import broadcast, empty, narrowed, scale, widened
from ._launch import SCRATCH, reduced, write_partial

_PARAMS = 4  # the most parameters an element function reads from p
_MISSING, _SINGLE, _FULL = 0, 1, 2


@cuda.jit(device=True)
def _operand(a, i, mode, one):
    if mode == _FULL:
        return a[i]
    return a[0] if mode == _SINGLE else one


def loops(elem):
    """``dtype -> kernel``: the skeleton compiled around ``elem``, one kernel per data dtype (its
    parameters live in a local array of that dtype)."""
    apply = numba.njit(error_model="numpy", inline="always")(lambda x, y, z, w, p: elem(x, y, z, w, p))

    @functools.cache
    def kernel(dtype):
        dt, one = numba.from_dtype(dtype), dtype.type(1)

        @cuda.jit
        def loop(x, y, z, w, zmode, wmode, p0, p1, p2, p3, s, out, gx, gy, gz, partial):
            p = cuda.local.array(_PARAMS, dt)
            scratch = cuda.shared.array(SCRATCH, float64)
            p[0] = p0
            p[1] = p1
            p[2] = p2
            p[3] = p3
            keep, nx, ny, nz = out.size > 0, gx.size > 0, gy.size > 0, gz.size > 0
            acc = 0.0
            for i in range(cuda.grid(1), x.size, cuda.gridsize(1)):
                l, dx, dy, dz = apply(x[i], y[i], _operand(z, i, zmode, one), _operand(w, i, wmode, one), p)
                acc += l
                if keep:
                    out[i] = l
                if nx:
                    gx[i] = dx * s
                if ny:
                    gy[i] = dy * s
                if nz:
                    gz[i] = dz * s
            write_partial(acc, partial, scratch)

        return loop

    return kernel


def run(kernel, operands, need_grad, reduction, params=(), divisor=None):
    """Run ``kernel`` (from ``loops``) over device ``operands``: x, y[, z[, w]], None for a missing one;
    z and w must broadcast to the shape of x and y.

    ``need_grad`` says, per differentiable operand (x, y[, z]), whether to write its gradient;
    ``divisor`` replaces n as the mean's divisor. Returns (loss, grad per ``need_grad`` entry or None)
    as device arrays, the loss 0-d for 'mean'/'sum' and at the broadcast shape for 'none'."""
    dt = operands[0].dtype
    if dt == np.float16:
        return narrowed(run(kernel, widened(operands), need_grad, reduction, params, divisor))
    x, y, *zw = operands
    zw += [None] * (2 - len(zw))
    full = [a is not None and a.size != 1 for a in zw]
    shape, (x, y, *rest) = broadcast(x, y, *[a for a, f in zip(zw, full) if f])
    rest = iter(rest)
    modes = [_FULL if f else _MISSING if a is None else _SINGLE for a, f in zip(zw, full)]
    zw = [next(rest) if f else x if a is None else a for a, f in zip(zw, full)]  # x stands in for a missing one
    s = scale(reduction, x.size if divisor is None else divisor)
    out = empty(shape if reduction == "none" else 0, dt)
    grads = [empty(shape, dt) if need else None for need in need_grad]
    flat = [empty(0, dt) if g is None else g.reshape(-1) for g in grads] + [empty(0, dt)] * (3 - len(grads))
    p = [dt.type(v) for v in params] + [dt.type(0)] * (_PARAMS - len(params))
    args = (x.reshape(-1), y.reshape(-1), zw[0].reshape(-1), zw[1].reshape(-1), *modes, *p, dt.type(s),
            out.reshape(-1), *flat)
    return (reduced(kernel(dt), x.size, False, args, reduction, s, dt, out), *grads)



def bind(shared):
    """The CUDA ``forward`` of an elementwise loss (a ``kernels/shared/<loss>.py`` module): its
    host-level ``forward`` over ``run``, with the loop compiled around each element function it runs
    (``element.bound``)."""
    return bound(shared, loops, run)
