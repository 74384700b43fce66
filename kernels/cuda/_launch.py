"""Launch geometry, the block reduction and the scalar result that every CUDA loss kernel shares.

Geometry. A kernel covers ``units`` work items: elements, one a thread, or rows (``rows``), one a
block, its THREADS_PER_BLOCK threads spread over the row's elements. It runs ``blocks(units, rows)``
≤ MAX_BLOCKS blocks and strides over the rest, so every kernel loops ``for u in range(first, units,
step)``. Both constants are read at each launch: tests patch them small so tiny inputs still cross
blocks and strides.

Two layouts of one loop (``coop``): the class-target losses run a row per block when the class dim
is contiguous (threads over classes, block reductions) and a position per thread otherwise (a loop
over classes, no reduction), from one kernel body: ``units``/``lanes`` give the loop bounds and
``lane_reduce`` reduces across the block only in the cooperative layout.

The loss sum is deterministic (no atomics): each thread sums its items' losses in float64, each
block sums its threads' sums in shared memory (``block_reduce``) into ``partial[block]``, and
``_finish`` sums the partials in one block and writes the 0-d loss

    total · s                    (s: the host's normaliser, 1/n for 'mean', else 1)
    total · s / divisor          (nll / cross_entropy: W, a device scalar; W = 0 gives NaN for CE)

in the loss dtype.
"""
import math

import numpy as np
from numba import config, float64
from numba import cuda as numba_cuda
from numba.extending import intrinsic, overload

from . import _math  # noqa: F401 - registers the device math every kernel may use


class _Simulated:
    """``cuda`` for this module under the simulator: the running kernel's simulated module.

    The simulator swaps its module into a device function's globals for each call and restores the
    real one when that call returns, so with other modules' kernels calling this module's device
    functions, the first thread of a block to return would pull ``cuda`` from under the others.
    Looking the module up per access avoids the swap (it replaces only globals that are numba.cuda)."""

    def __getattr__(self, name):
        from numba.cuda.simulator.kernel import _get_kernel_context
        return getattr(_get_kernel_context() or numba_cuda, name)


cuda = _Simulated() if config.ENABLE_CUDASIM else numba_cuda

THREADS_PER_BLOCK = 256
MAX_BLOCKS = 1024
SCRATCH = 1024  # float64 shared scratch a kernel declares for its reductions: the largest block
SUM, MAX, MIN = 0, 1, 2


def blocks(units, rows):
    """Blocks for ``units`` work items, a row a block (``rows``) or an item a thread: at least 1, at
    most MAX_BLOCKS."""
    return max(1, min(MAX_BLOCKS, -(-units // (1 if rows else THREADS_PER_BLOCK))))


def launch(kernel, units, rows, *args):
    """``kernel(*args)`` on ``blocks(units, rows)`` blocks of THREADS_PER_BLOCK threads."""
    kernel[blocks(units, rows), THREADS_PER_BLOCK](*args)


def reduced(kernel, units, rows, args, reduction, s, dtype, out, divisor=None, mode=0):
    """Launch ``kernel(*args, partial)`` and return the loss: ``out`` for 'none', else the 0-d
    device array of Σ partial · s, for 'mean' divided by ``divisor[()]`` when one is given and
    ``mode`` is 1 (2: and NaN where it is 0)."""
    n = blocks(units, rows)
    partial = cuda.device_array(n, np.float64)
    kernel[n, THREADS_PER_BLOCK](*args, partial)
    if reduction == "none":
        return out
    loss = cuda.device_array((), dtype)
    if divisor is None or reduction != "mean":
        divisor, mode = loss, 0  # any 0-d array: not read
    _finish[1, THREADS_PER_BLOCK](partial, float(s), divisor, mode, loss)
    return loss


def cast_like(value, like):
    """``value`` converted to the type of ``like`` (Python stand-in; kernels compile the overload):
    a dtype-generic cast, e.g. a float64 block maximum back to float32 data."""
    return type(like)(value)


@intrinsic
def _cast(typingctx, value, like):
    return like(value, like), lambda context, builder, sig, args: context.cast(builder, args[0], sig.args[0],
                                                                                sig.return_type)


@overload(cast_like)
def _cast_like(value, like):
    return lambda value, like: _cast(value, like)


@cuda.jit(device=True)
def _combine(a, b, op):
    if op == SUM:
        return a + b
    if a != a or b != b:  # NaN propagates through a max/min
        return a + b
    if op == MAX:
        return a if a >= b else b
    return a if a <= b else b


@cuda.jit(device=True)
def tree_stride(n):
    """The first stride of a tree reduction over ``n`` threads: the largest power of two below n."""
    step = 1
    while step < n:
        step *= 2
    return step // 2


@cuda.jit(device=True)
def block_reduce(value, op, scratch):
    """The SUM, MAX or MIN of ``value`` over the block's threads, in float64, returned to every
    thread: a tree over any block size in ``scratch``, the kernel's float64 shared array of SCRATCH
    elements (declared once per kernel: a device function's own shared array would be defined again
    in every library that links it). Every thread of the block must call it."""
    tid, n = cuda.threadIdx.x, cuda.blockDim.x
    scratch[tid] = value
    cuda.syncthreads()
    step = tree_stride(n)
    while step > 0:
        if tid < step and tid + step < n:
            scratch[tid] = _combine(scratch[tid], scratch[tid + step], op)
        cuda.syncthreads()
        step //= 2
    total = scratch[0]
    cuda.syncthreads()  # the scratch is free for the next reduction
    return total


@cuda.jit(device=True)
def write_partial(acc, partial, scratch):
    """partial[block] = Σ over the block's threads of ``acc`` (every thread of the block calls it)."""
    total = block_reduce(acc, SUM, scratch)
    if cuda.threadIdx.x == 0:
        partial[cuda.blockIdx.x] = total


@cuda.jit(device=True)
def units(coop):
    """(first, step) of this thread's work items: rows of a block (coop) or items of a thread."""
    if coop:
        return cuda.blockIdx.x, cuda.gridDim.x
    return cuda.grid(1), cuda.gridsize(1)


@cuda.jit(device=True)
def lanes(coop):
    """(first, step) of this thread's elements within a work item: shared by the block (coop) or
    all its own."""
    if coop:
        return cuda.threadIdx.x, cuda.blockDim.x
    return 0, 1


@cuda.jit(device=True)
def lane_reduce(value, op, coop, scratch):
    """``block_reduce`` in the cooperative layout; a thread's own value otherwise."""
    return block_reduce(value, op, scratch) if coop else value


@cuda.jit(device=True)
def lead(coop):
    """Whether this thread records its work item's scalars (the block's first thread, or any)."""
    return cuda.threadIdx.x == 0 or not coop


@cuda.jit(device=True)
def record(acc, loss, out, u, coop):
    """``acc`` plus work item u's loss, counted once per item (by its ``lead`` thread), which also
    writes out[u] = loss when ``out`` is not empty."""
    if lead(coop):
        if out.size > 0:
            out[u] = loss
        return acc + loss
    return acc


@cuda.jit
def _finish(partial, s, divisor, mode, out):
    scratch = cuda.shared.array(SCRATCH, float64)
    acc = 0.0
    for b in range(cuda.threadIdx.x, partial.size, cuda.blockDim.x):
        acc += partial[b]
    total = block_reduce(acc, SUM, scratch)
    if cuda.threadIdx.x == 0:
        value = total * s
        if mode:
            d = divisor[()]
            value = math.nan if mode == 2 and d == 0 else value / d
        out[()] = value
