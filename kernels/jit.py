"""The one place kernels are compiled: Numba decorators with minigrad's flags.

* ``cache=True`` so compiled kernels survive the process; when no cache directory is writable
  (read-only install, no home), compile in memory instead and warn once.
* ``FASTMATH`` allows re-association (so reductions vectorise) but leaves out ``nnan``/``ninf``,
  which would delete the checks BCE's log clamp and NaN propagation rely on. Re-association with
  ``nsz`` can still turn an infinite operand into NaN: LLVM may compute t·a + (1−t)·b as
  b + t·(a−b), NaN for b = −inf, t = 0 (multilabel_soft_margin_loss at x = +inf); a kernel whose
  infinite inputs must give ±inf selects between the terms instead of weighting them.

Threading layer (for ``parallel=True`` kernels): Numba's default takes OpenMP when it loads, and GNU
OpenMP kills every forked child that runs a parallel kernel ("fork() called from a process already
using GNU OpenMP, this is unsafe"), i.e. every data-loader worker. Unless the user chose a layer
(``NUMBA_THREADING_LAYER``), minigrad asks for ``forksafe``: TBB when the ``tbb`` package is
installed, else OpenMP where it is not GNU's (macOS, Windows), else workqueue (Linux). Workqueue also
launches faster here (0.08–0.2 ms per call at 70k elements against OpenMP's 0.5–4 ms), but it aborts
the process when two threads enter parallel kernels at once, so ``cpu._parallel.Twin`` runs parallel
kernels one at a time under a lock (each already uses every core). The choice is process-wide: it
also applies to the user's own ``parallel=True`` functions.
"""
import warnings

import numba

FASTMATH = frozenset({"nsz", "arcp", "contract", "afn", "reassoc"})
_warned = False

if numba.config.THREADING_LAYER == "default":
    numba.config.THREADING_LAYER = "forksafe"


def _compile(decorator, func, options):
    global _warned
    try:
        return decorator(cache=True, **options)(func)
    except RuntimeError:  # numba: "cannot cache function ... no locator available"
        if not _warned:
            _warned = True
            warnings.warn("minigrad: no writable kernel cache directory; kernels compile in memory "
                          "(set NUMBA_CACHE_DIR to a writable folder to keep them)", RuntimeWarning)
        return decorator(**options)(func)


def njit(func=None, **options):
    """``numba.njit`` with caching and NaN-safe fastmath; serial unless ``parallel=True``."""
    options.setdefault("fastmath", set(FASTMATH))  # numba rejects a frozenset
    options.setdefault("nogil", True)
    if func is None:
        return lambda f: _compile(numba.njit, f, options)
    return _compile(numba.njit, func, options)


prange = numba.prange
