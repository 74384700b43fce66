"""Advanced indexing on the device: any numpy index key (integer arrays broadcast together, boolean
masks, mixed with ints, slices, None) as flat element offsets into a C-contiguous array.

The host turns the key into the offsets of ``a[key]``'s elements (``offsets``: numpy applies the key
to per-dim coordinate stand-ins that own one row each, so numpy's placement rules and its IndexError
for an out-of-range index hold, and ``a``'s data is never read). The index itself must be on the host
for that: an index array on the device is copied over (a key the take kernel of ``_shape`` covers,
``a[idx]``/``a[:, idx]``, never comes here) — except for a key of one integer array per dim,
broadcast together, some on the device (``take_along``'s form, as sort builds, or ``a[i, j]``): a
kernel computes its offsets on the device, Σ_d idx_d·stride_d, and flags an index out of range (one
int64 read back; a flagged key is redone on the host for numpy's IndexError). Then

    gather    out[i] = a[off[i]]
    combine   out[o] = v[p₁] ∘ v[p₂] ∘ …  for each distinct offset o, over the positions p with off[p] = o
              in index order (∘: set, +, ·, max, min; ``out[o]`` itself first unless set)

``combine`` runs one thread per distinct offset over host-sorted segments, not atomics: repeated
indices give numpy's result bit for bit (the last write wins, sums add in index order), where torch's
CUDA scatter with repeated indices leaves the order, and so the winner or the rounding, unspecified.
A sum over device offsets (the gradient of a device-key gather) adds with atomics instead, in an
unspecified order as torch's.
"""
import functools

import numpy as np

from . import _launch
from ._elementwise import astype
from ._launch import cast_like, cuda
from ._strided import broadcast_strides, flat, kernel_shape, offset
from ._transfer import from_host, to_host

SET, ADD, MUL, MAX, MIN = range(5)
OPS = {"set": SET, "sum": ADD, "prod": MUL, "amax": MAX, "amin": MIN}


def offsets(shape, key):
    """Host int64 array of the flat offsets of ``a[key]`` for a C-contiguous ``a`` of ``shape``."""
    key = tuple(to_host(k) if hasattr(k, "copy_to_host") else k for k in (key if isinstance(key, tuple) else (key,)))
    if not shape:
        return np.zeros((), np.int64)[key]
    total, step = 0, 1
    for d in range(len(shape) - 1, -1, -1):
        coord = np.lib.stride_tricks.as_strided(np.arange(shape[d], dtype=np.int64) * step, shape,
                                                [8 if k == d else 0 for k in range(len(shape))])
        total = total + coord[key]
        step *= shape[d]
    return np.asarray(total, np.int64)


@cuda.jit
def _device_offsets_kernel(arrays, strides, shape, sizes, steps, out, bad):
    for i in range(cuda.grid(1), out.size, cuda.gridsize(1)):
        o = 0
        for d in range(len(arrays)):
            t = arrays[d][offset(i, shape, strides[d])]
            t = t + sizes[d] if t < 0 else t
            if t < 0 or t >= sizes[d]:
                bad[0] = 1
                t = 0
            o += t * steps[d]
        out[i] = o


def _device_offsets(shape, key):
    """``offsets`` computed on the device for a key of one integer array per dim (some on the device),
    broadcast together; None for any other key."""
    if not (isinstance(key, tuple) and len(key) == len(shape) > 0 and any(hasattr(k, "copy_to_host") for k in key)
            and all(getattr(k, "dtype", np.dtype(object)).kind in "iu" and hasattr(k, "ndim") for k in key)):
        return None
    try:
        result = np.broadcast_shapes(*[tuple(k.shape) for k in key])
    except ValueError:
        return offsets(shape, key)  # numpy's IndexError
    arrays = tuple(flat(astype(k if hasattr(k, "copy_to_host") else from_host(np.asarray(k)), np.int64))
                   for k in key)
    kshape, _ = kernel_shape(result, ())
    strides = tuple(kernel_shape(result, broadcast_strides(tuple(k.shape), result))[1] for k in key)
    steps = tuple(int(np.prod(shape[d + 1:])) for d in range(len(shape)))
    out = cuda.device_array(result, np.int64)
    bad = from_host(np.zeros(1, np.int64))
    if out.size:
        _launch.launch(_device_offsets_kernel, out.size, False, arrays, strides, kshape, tuple(shape), steps,
                       flat(out), bad)
        if to_host(bad)[0]:
            return offsets(shape, key)  # numpy's IndexError
    return out


@cuda.jit
def _gather(a, off, out):
    for i in range(cuda.grid(1), out.size, cuda.gridsize(1)):
        out[i] = a[off[i]]


def gather(a, key):
    """``a[key]`` as a new array."""
    off = _device_offsets(tuple(a.shape), key)
    off = from_host(offsets(tuple(a.shape), key)) if off is None else off
    out = cuda.device_array(tuple(off.shape), a.dtype)
    if out.size:
        _launch.launch(_gather, out.size, False, flat(a), flat(off), flat(out))
    return out


@cuda.jit(device=True)
def _step(acc, x, op):
    if op == SET:
        return x
    if op == ADD:
        return cast_like(acc + x, acc)
    if op == MUL:
        return cast_like(acc * x, acc)
    if acc != acc or x != x:  # NaN wins a max/min, as numpy's maximum.at
        return x if x != x else acc
    if op == MAX:
        return x if x > acc else acc
    return x if x < acc else acc


@functools.cache
def _combine(op):
    @cuda.jit
    def kernel(v, vshape, vstrides, order, starts, dest, out):
        for s in range(cuda.grid(1), dest.size, cuda.gridsize(1)):
            o = dest[s]
            acc = out[o]
            for k in range(starts[s], starts[s + 1]):
                acc = _step(acc, v[offset(order[k], vshape, vstrides)], op)
            out[o] = acc
    return kernel


@cuda.jit
def _add_at(v, vshape, vstrides, off, out):
    for i in range(cuda.grid(1), off.size, cuda.gridsize(1)):
        cuda.atomic.add(out, off[i], v[offset(i, vshape, vstrides)])


def combine(out, key, value, op):
    """``out[key] ∘= value`` in place (``op`` one of OPS's names; value: a device array broadcast to
    the indexed shape, or a number), each distinct position combined in index order (a sum over a
    device key: with atomics)."""
    if not hasattr(value, "copy_to_host"):
        value = from_host(np.asarray(value, out.dtype).reshape(()))
    value = astype(value, out.dtype)
    atomic = op == "sum" and out.dtype in (np.float32, np.float64, np.int32, np.int64)
    off = _device_offsets(tuple(out.shape), key) if atomic else None
    off = offsets(tuple(out.shape), key) if off is None else off
    shape = tuple(off.shape)
    np.broadcast_shapes(tuple(value.shape), shape)  # numpy's ValueError when it cannot broadcast
    if not off.size:
        return
    vshape, vstrides = kernel_shape(shape, broadcast_strides(tuple(value.shape), shape))
    if hasattr(off, "copy_to_host"):
        _launch.launch(_add_at, off.size, False, flat(value), vshape, vstrides, flat(off), flat(out))
        return
    off = off.reshape(-1)
    order = np.argsort(off, kind="stable")
    ordered = off[order]
    first = np.flatnonzero(np.concatenate([[True], ordered[1:] != ordered[:-1]]))
    _launch.launch(_combine(OPS[op]), first.size, False, flat(value), vshape, vstrides, from_host(order),
                   from_host(np.append(first, off.size)), from_host(ordered[first]), flat(out))


def scatter_reduce(a, key, v, reduce):
    """A copy of ``a`` with ``v`` combined into ``a[key]`` by ``reduce`` ('sum', 'prod', 'amax',
    'amin'), repeated positions in index order."""
    out = cuda.device_array_like(a)
    out.copy_to_device(a)
    combine(out, key, v, reduce)
    return out
