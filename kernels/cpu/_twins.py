"""numpy twins: run a kernel's numpy version while the compiled kernel is not ready.

A first run compiles every kernel it touches (0.2-2 s of CPU each), while its arrays are small. A
kernel with a numpy twin (the random draws, max_pool2d, ReLU, nll_loss on (N, C) rows and the class
losses' target check, the SGD and Adam updates) runs the twin instead, compiling nothing, as long
as the compiled kernel is not ready (neither run in this process nor in Numba's on-disk cache), the
call is small (the kernel's own bound), and numpy has spent less than
``COMPILE_SECONDS`` on that kernel in this process; past that budget compiling pays (ski rental:
never more than about twice the cost of compiling at once). A twin gives the kernel's results
bit for bit (the tests run both). ``minigrad warmup`` compiles the kernels into the cache, after
which the twins never run.
"""
import contextlib
import time

import numpy as np

from ._parallel import Split, ordered_sum

COMPILE_SECONDS = 0.5
EXECUTOR = None  # "numpy" or "compiled" forces one where the twin may run (tests, warm-up); None chooses
_spent = {}  # dispatcher -> seconds its twin has run in this process
_readiness = {}  # (dispatcher, argument dtypes) -> whether the on-disk cache holds the kernel for them


def ready(dispatcher, args):
    """Whether ``dispatcher`` runs ``args`` without compiling: it has run in this process (for any
    arguments: from then on it runs, a check of ~0.1 µs per call on the hot path), or it is compiled
    for these in the on-disk cache (Numba's own first step when it compiles). Remembered per
    argument dtypes (Numba's typing of the arguments costs ~90 µs)."""
    if dispatcher.overloads:
        return True
    key = (dispatcher,) + tuple(a.dtype if isinstance(a, np.ndarray) else type(a) for a in args)
    known = _readiness.get(key)
    if known is not None:
        return known
    sig = tuple(dispatcher.typeof_pyval(a) for a in args)
    try:
        found = dispatcher._cache.load_overload(sig, dispatcher.targetctx) is not None
    except Exception:  # noqa: BLE001 - another Numba's internals: compile, as without this check
        found = True
    _readiness[key] = found
    return found


def run(kernel, twin, small, *args):
    """``kernel(*args)`` (a Numba dispatcher, or a ``Split`` called as ``kernel(work, units, ...)``),
    or ``twin(*args)`` where the twin may take the call (``small``: its size and options) while the
    kernel is not ready and the twin's time on this kernel stays under ``COMPILE_SECONDS``; returns
    what the one that ran returns."""
    split = kernel.__class__ is Split
    dispatcher = kernel.kernel if split else kernel
    if EXECUTOR is None and dispatcher.overloads or EXECUTOR == "compiled" or not small:  # the hot path first
        return kernel(*args)
    if EXECUTOR is None and (_spent.get(dispatcher, 0.0) > COMPILE_SECONDS
                             or ready(dispatcher, (0, 0) + args[2:] if split else args)):
        return kernel(*args)
    start = time.perf_counter()
    out = twin(*args)
    _spent[dispatcher] = _spent.get(dispatcher, 0.0) + time.perf_counter() - start
    return out


def run_sum(kernel, twin, small, work, n_pieces, *args):
    """``kernel.sum(work, n_pieces, *args)`` (a reducing ``Split``) through ``run``: the twin writes
    the same partial sums."""
    partial = np.empty(n_pieces)
    run(kernel, twin, small, work, n_pieces, partial, *args)
    return ordered_sum(partial)


@contextlib.contextmanager
def executor(name):
    """Run every twinned kernel as ``name`` ("numpy" or "compiled") inside, whatever is ready."""
    global EXECUTOR
    before, EXECUTOR = EXECUTOR, name
    try:
        yield
    finally:
        EXECUTOR = before
