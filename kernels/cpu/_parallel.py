"""Serial and threaded compiles of one Numba kernel, chosen per call by the amount of work.

``parallel=True`` costs thread start-up on every call (0.1–0.6 ms here, by threading layer), so below
``PARALLEL_MIN`` elements the serial compile of the same source runs (``prange`` is plain ``range``).

Numba's on-disk cache keys a kernel on its own file only: a kernel that calls jitted helpers from
another module would keep running a stale compile after that module changes. ``depends`` names such
modules; a checksum of their source (and of this module's, whose ``ordered_sum`` kernels inline)
goes into the kernel's cached name, so editing one recompiles.

Threaded compiles run one at a time, under ``_LAUNCH`` (see ``kernels/jit.py``: the workqueue
threading layer aborts on concurrent launches). Serial compiles release the GIL and run concurrently.
A fork while another thread holds the lock would leave the child's copy locked forever, so the child
starts with a fresh one.

Deterministic sums: a scalar ``total += ...`` inside ``prange`` is a Numba reduction, split by the
thread count, so 1 and 2 threads round differently. A reducing kernel instead splits its ``units``
(elements, rows, blocks) into ``pieces(units, work)`` contiguous pieces, fixed by the shape alone,
writes one float64 partial sum per piece and adds the partials in order with ``ordered_sum``
(``partial.sum()`` would itself become a threaded reduction in the parallel compile)::

    partial = np.empty(n_pieces)
    for piece in prange(n_pieces):
        part = 0.0
        for i in range(piece * units // n_pieces, (piece + 1) * units // n_pieces):
            part += ...
        partial[piece] = part
    return ordered_sum(partial)

Both compiles run the same pieces, so crossing ``PARALLEL_MIN`` regroups no sum; LLVM may still
vectorise or contract a piece's loop differently in each compile (a last-bit change; the pointwise
losses' loop compiles alike and is tested to).
"""
import os
import pathlib
import sys
import threading
import types
import zlib

from ..jit import njit

PARALLEL_MIN = 1 << 16
PIECE = 1 << 14  # elements of work per partial sum: >= 4 pieces per threaded call, each a few cache-sized blocks
_LAUNCH = threading.Lock()


def _fresh_lock():
    global _LAUNCH
    _LAUNCH = threading.Lock()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_fresh_lock)


def _renamed(func, suffix):
    clone = types.FunctionType(func.__code__, func.__globals__, func.__name__ + suffix, func.__defaults__,
                               func.__closure__)
    clone.__qualname__ = func.__qualname__ + suffix
    return clone


def pieces(units, work):
    """The number of partial sums for ``units`` items holding ``work`` elements in all: about
    ``PIECE`` elements each, at least one unit each; never the thread count."""
    return max(1, min(units, work // PIECE))


@njit(inline="always")
def ordered_sum(partial):
    """Σ partial by a serial loop (never a threaded reduction, whichever compile inlines it): one
    fixed order, on any thread count."""
    total = 0.0
    for k in range(partial.size):
        total += partial[k]
    return total


class Twin:
    """``kernel(work, *args)`` runs the threaded compile when ``work >= PARALLEL_MIN``."""

    def __init__(self, func, depends=(), **options):
        # this module too: a kernel may inline ``ordered_sum``
        source = b"".join(pathlib.Path(m.__file__).read_bytes() for m in (*depends, _SELF))
        tag = f"_{zlib.crc32(source):08x}"
        # the threaded copy gets its own name too: Numba's cache index does not key on target options
        self.serial = njit(_renamed(func, tag), **options)
        self.parallel = njit(_renamed(func, tag + "_parallel"), parallel=True, **options)

    def __call__(self, work, *args):
        if work < PARALLEL_MIN:
            return self.serial(*args)
        with _LAUNCH:
            return self.parallel(*args)


_SELF = sys.modules[__name__]


def twin(func=None, **options):
    """Decorator form of ``Twin``: ``@twin`` or ``@twin(depends=(module,), error_model="numpy")``."""
    if func is None:
        return lambda f: Twin(f, **options)
    return Twin(func, **options)
