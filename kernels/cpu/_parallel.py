"""Threaded kernels: one serial Numba compile, run over disjoint ranges of its work by Python threads.

A ``split`` kernel ``kernel(lo, hi, *args)`` does units ``lo`` to ``hi`` (rows, planes or pieces) of
its work. ``kernel(work, units, *args)`` runs it over ``[0, units)``: in the calling thread below
``PARALLEL_MIN`` elements of ``work``, else cut into ``get_num_threads()`` contiguous ranges, one per
thread of a small pool, the calling thread taking the first. Kernels are compiled ``nogil``, so the
ranges run at the same time.

Why not ``prange``: a ``parallel=True`` kernel runs a gufunc that Numba compiles twice, once on its
own and once more inside the kernel's module. A fresh process calls the first copy, a process that
loads the kernel from the on-disk cache calls the second, and LLVM's re-association rounds the two
differently, so the first run on an empty cache gave other bits than every later run. It also brought
a process-wide threading layer (GNU OpenMP kills forked children; workqueue aborts when two threads
launch at once) and 0.1–0.6 ms of launch per call. A serial compile is one object, the same fresh or
cached, and a thread pool costs tens of µs per call.

Deterministic sums: a reducing kernel splits its units into ``pieces(units, work)`` contiguous
pieces, fixed by the shape alone, never by the thread count, and writes one float64 partial sum per
piece; ``Split.sum`` allocates the partials and adds them in order (``ordered_sum``)::

    @split
    def kernel(lo, hi, partial, x, ...):
        for piece in range(lo, hi):
            part = 0.0
            for i in range(piece * units // partial.size, (piece + 1) * units // partial.size):
                part += ...
            partial[piece] = part

    total = kernel.sum(work, pieces(units, work), x, ...)

Numba's on-disk cache keys a kernel on its own file only: a kernel that calls jitted helpers from
another module would keep running a stale compile after that module changes. ``depends`` names such
modules; a checksum of their source goes into the kernel's cached name, so editing one recompiles.
"""
import concurrent.futures
import os
import pathlib
import threading
import types
import zlib

import numba
import numpy as np

from ..jit import njit

PARALLEL_MIN = 1 << 16
PIECE = 1 << 14  # elements of work per partial sum: >= 4 pieces per threaded call, each a few cache-sized blocks

_threads = numba.config.NUMBA_NUM_THREADS  # NUMBA_NUM_THREADS, else the CPU count
_pool = None
_pool_lock = threading.Lock()


def get_num_threads():
    """The number of threads a kernel's work is split over (torch's ``get_num_threads``)."""
    return _threads


def set_num_threads(n):
    """Split kernels over ``n`` threads from now on (torch's ``set_num_threads``); 1 runs everything in
    the calling thread. Results do not depend on it."""
    global _threads, _pool
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)):
        raise RuntimeError(f"set_num_threads expects an int, but got {type(n).__name__}")
    if n < 1:
        raise RuntimeError("set_num_threads expects a positive integer")
    with _pool_lock:
        _threads, old, _pool = int(n), _pool, None
    if old is not None:
        old.shutdown(wait=False)


def _workers():
    global _pool
    with _pool_lock:
        if _pool is None:
            _pool = concurrent.futures.ThreadPoolExecutor(_threads - 1, thread_name_prefix="minigrad")
        return _pool


def _forget_pool():
    """In a forked child: the parent's pool threads do not exist there; the next call starts new ones."""
    global _pool, _pool_lock
    _pool, _pool_lock = None, threading.Lock()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forget_pool)


def _renamed(func, suffix):
    clone = types.FunctionType(func.__code__, func.__globals__, func.__name__ + suffix, func.__defaults__,
                               func.__closure__)
    clone.__qualname__ = func.__qualname__ + suffix
    return clone


def pieces(units, work):
    """The number of partial sums for ``units`` items holding ``work`` elements in all: about
    ``PIECE`` elements each, at least one unit each; never the thread count."""
    return max(1, min(units, work // PIECE))


def ordered_sum(partial):
    """Σ partial in index order: one fixed order, on any thread count."""
    total = 0.0
    for v in partial.tolist():
        total += v
    return total


class Split:
    """``kernel(work, units, *args)``: the compiled ``func(lo, hi, *args)`` over ``[0, units)``, split
    over threads when ``work >= PARALLEL_MIN``. ``split_calls`` counts the calls that large (split
    over however many threads there are)."""

    def __init__(self, func, depends=(), **options):
        source = b"".join(pathlib.Path(m.__file__).read_bytes() for m in depends)
        self.kernel = njit(_renamed(func, f"_{zlib.crc32(source):08x}") if depends else func, **options)
        self.split_calls = 0

    def __call__(self, work, units, *args):
        if work < PARALLEL_MIN:
            self.kernel(0, units, *args)
            return
        self.split_calls += 1
        threads = min(_threads, units)
        if threads <= 1:
            self.kernel(0, units, *args)
            return
        bounds = [units * k // threads for k in range(threads + 1)]
        pool = _workers()
        rest = [pool.submit(self.kernel, bounds[k], bounds[k + 1], *args) for k in range(1, threads)]
        try:
            self.kernel(0, bounds[1], *args)
        finally:  # even when interrupted: no range still writes once this returns
            concurrent.futures.wait(rest)
        for future in rest:
            future.result()

    def sum(self, work, n_pieces, *args):
        """Run a reducing kernel ``func(lo, hi, partial, *args)`` over ``n_pieces`` pieces and return
        Σ partial (``ordered_sum``)."""
        partial = np.empty(n_pieces)
        self(work, n_pieces, partial, *args)
        return ordered_sum(partial)


def split(func=None, **options):
    """Decorator form of ``Split``: ``@split`` or ``@split(depends=(module,), error_model="numpy")``."""
    if func is None:
        return lambda f: Split(f, **options)
    return Split(func, **options)
