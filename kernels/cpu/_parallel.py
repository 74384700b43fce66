"""Threaded kernels: one serial Numba compile, run over disjoint ranges of its work by Python threads.

A ``split`` kernel ``kernel(lo, hi, *args)`` does units ``lo`` to ``hi`` (rows, planes or pieces) of
its work. ``kernel(work, units, *args)`` runs it over ``[0, units)``: in the calling thread below
``PARALLEL_MIN`` elements of ``work``; above, either there too or cut into a few contiguous ranges
per thread that the calling thread and a small pool's ``get_num_threads() - 1`` workers claim one at
a time, whichever this kernel has measured faster. Kernels are compiled ``nogil``, so the ranges run
at the same time.

When to split, so that the split never loses: whether a second thread pays depends on the kernel's
bytes and arithmetic per element, the size (caches) and whether another core is actually free. On
this 2-core machine shared by a dozen processes it usually is not, and a worker holding the GIL when
the scheduler parks it stalls the calling thread: sin over 1 M float32 took 0.59 ms on one thread,
0.9-1.5 ms split; mse forward+backward at 1 M 0.5 ms against 1.8-3.9 ms. No fixed size threshold
gets that right, so each kernel times itself (``Split.speed``: seconds per element of work, serial
and split, per power-of-two size, a running average), runs each way once per size, then the faster
way, re-timing the other every ``PROBE_EVERY`` calls (the interval doubling up to ``PROBE_MAX``
while the re-timings confirm the choice) so it follows the load. A kernel whose serial
run takes under ``SPLIT_MIN_SECONDS`` stays serial (the submit and the per-range dispatch, a few µs
each, would eat what a split saves). Ranges are claimed rather than assigned, so a worker that wakes
after the calling thread has claimed the last range does nothing and nobody waits for it.

That choice is made while the thread count is left automatic. Before timing anything a call also
checks that the load average leaves a core idle (``core_free``): on a busy machine the cost of a
split lands after it, on the next calls, when the parked worker holds the GIL, so timing the split
call alone underestimates it. A thread count asked for (``set_num_threads``, ``NUMBA_NUM_THREADS``)
is used as asked: every call from ``PARALLEL_MIN`` on splits over that many threads, as torch does.

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
import itertools
import os
import pathlib
import threading
import time
import types
import zlib

import numba
import numpy as np

from ..jit import njit

PARALLEL_MIN = 1 << 16  # elements of work below which a kernel never splits
SPLIT_MIN_SECONDS = 100e-6  # measured serial time below which it does not either (see the module docs)
PROBE_EVERY, PROBE_MAX = 16, 1024  # calls of a kernel at one size between re-timings of the way not chosen:
# doubled after each re-timing that confirms the choice, so a loaded machine pays for a slow probe rarely
CHUNKS_PER_THREAD = 4  # ranges per thread of a split call, so a thread that starts late takes fewer
CHUNK_WORK = 1 << 15  # elements of work per range at least: a range's dispatch (≈2 µs) stays small
PIECE = 1 << 14  # elements of work per partial sum: >= 4 pieces per threaded call, each a few cache-sized blocks

_threads = numba.config.NUMBA_NUM_THREADS  # NUMBA_NUM_THREADS, else the CPU count
_auto = "NUMBA_NUM_THREADS" not in os.environ  # no thread count asked for: split only where it measures faster
_load = [0.0, False]  # (when read, whether a core was free then)
_pool = None
_pool_lock = threading.Lock()


def get_num_threads():
    """The number of threads a kernel's work is split over (torch's ``get_num_threads``)."""
    return _threads


def set_num_threads(n):
    """Split kernels over ``n`` threads from now on (torch's ``set_num_threads``); 1 runs everything in
    the calling thread. Results do not depend on it."""
    global _threads, _pool, _auto
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)):
        raise RuntimeError(f"set_num_threads expects an int, but got {type(n).__name__}")
    if n < 1:
        raise RuntimeError("set_num_threads expects a positive integer")
    with _pool_lock:
        _threads, old, _pool, _auto = int(n), _pool, None, False
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


def core_free():
    """Whether the 1-minute load average leaves a core idle (read at most once a second); True where
    the system keeps no load average (Windows): the kernels' own timing decides alone there."""
    now = time.monotonic()
    if now - _load[0] > 1.0:
        try:
            free = os.getloadavg()[0] < (os.cpu_count() or 1) - 0.5
        except (AttributeError, OSError):
            free = True
        _load[:] = now, free
    return _load[1]


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
    """``kernel(work, units, *args)``: the compiled ``func(lo, hi, *args)`` over ``[0, units)``, run
    split over threads or serially (see the module docs); ``split_calls`` counts the calls that took
    the threaded path (with one thread asked for, those that would have).

    A split call cuts ``[0, units)`` into ``chunks`` ranges that the calling thread and the pool's
    workers claim one at a time from a shared counter; the calling thread starts at once and returns
    when every claimed range is done, so a worker that wakes late finds nothing left."""

    def __init__(self, func, depends=(), **options):
        source = b"".join(pathlib.Path(m.__file__).read_bytes() for m in depends)
        self.kernel = njit(_renamed(func, f"_{zlib.crc32(source):08x}") if depends else func, **options)
        self.split_calls = 0
        self.speed = {}  # work.bit_length() -> [calls, probe interval, serial s/work, split s/work]

    def _choose(self, work):
        """(split this call?, is it a re-timing of the way not chosen?, the entry its timing goes to)."""
        entry = self.speed.setdefault(work.bit_length(), [0, PROBE_EVERY, None, None])
        entry[0] += 1
        calls, every, serial, threaded = entry
        if threaded is None or serial is None:
            return threaded is None, False, entry  # time each way once
        if serial * work < SPLIT_MIN_SECONDS:
            return False, False, entry
        probe = calls % every == 0
        return (threaded < serial) != probe, probe, entry

    def __call__(self, work, units, *args):
        if work < PARALLEL_MIN:
            self.kernel(0, units, *args)
            return
        threads = min(_threads, units)
        if not _auto:  # a thread count was asked for (set_num_threads, NUMBA_NUM_THREADS): use it
            self.split_calls += 1
            if threads > 1:
                self._split(threads, work, units, args)
            else:
                self.kernel(0, units, *args)
            return
        if threads <= 1 or not core_free():
            self.kernel(0, units, *args)
            return
        threaded, probe, entry = self._choose(work)
        start = time.perf_counter()
        if threaded:
            self.split_calls += 1
            self._split(threads, work, units, args)
        else:
            self.kernel(0, units, *args)
        rate, old, other = (time.perf_counter() - start) / work, entry[2 + threaded], entry[3 - threaded]
        if probe:  # replaces the estimate; one that confirms the choice comes twice as late next time
            entry[1] = min(2 * entry[1], PROBE_MAX) if rate >= other else PROBE_EVERY
        entry[2 + threaded] = rate if old is None or probe else 0.75 * old + 0.25 * rate

    def _split(self, threads, work, units, args):
        chunks = min(units, max(threads, min(threads * CHUNKS_PER_THREAD, work // CHUNK_WORK)))
        claim, finished, errors = itertools.count(), itertools.count(1), []
        done = threading.Event()

        def drain():
            while True:
                c = next(claim)  # atomic: each range is claimed once
                if c >= chunks:
                    return
                try:
                    self.kernel(units * c // chunks, units * (c + 1) // chunks, *args)
                except BaseException as exc:  # noqa: BLE001 - re-raised in the calling thread
                    errors.append(exc)
                    raise
                finally:
                    if next(finished) == chunks:
                        done.set()

        pool = _workers()
        for _ in range(threads - 1):
            pool.submit(drain)
        try:
            drain()
        finally:  # even when interrupted: claim what is left, so no range still writes once this returns
            while next(claim) < chunks:
                if next(finished) == chunks:
                    done.set()
            done.wait()
        if errors:
            raise errors[0]

    def sum(self, work, n_pieces, *args):
        """Run a reducing kernel ``func(lo, hi, partial, *args)`` over ``n_pieces`` pieces and return
        Σ partial (``ordered_sum``)."""
        partial = np.empty(n_pieces)
        if work < PARALLEL_MIN:  # (as ``__call__`` would, a Python call earlier)
            self.kernel(0, n_pieces, partial, *args)
        else:
            self(work, n_pieces, partial, *args)
        return ordered_sum(partial)


def split(func=None, **options):
    """Decorator form of ``Split``: ``@split`` or ``@split(depends=(module,), error_model="numpy")``."""
    if func is None:
        return lambda f: Split(f, **options)
    return Split(func, **options)
