"""The one place kernels are compiled: Numba decorators with minigrad's flags.

* ``cache=True`` so compiled kernels survive the process; when no cache directory is writable
  (read-only install, no home), compile in memory instead and warn once.
* ``FASTMATH`` allows re-association (so reductions vectorise) but leaves out ``nnan``/``ninf``,
  which would delete the checks BCE's log clamp and NaN propagation rely on. Re-association with
  ``nsz`` can still turn an infinite operand into NaN: LLVM may compute t·a + (1−t)·b as
  b + t·(a−b), NaN for b = −inf, t = 0 (multilabel_soft_margin_loss at x = +inf); a kernel whose
  infinite inputs must give ±inf selects between the terms instead of weighting them.

Nothing here is ``parallel=True``: ``cpu._parallel`` splits serial kernels over Python threads (it
says why), so minigrad never starts or configures a Numba threading layer.
"""
import warnings

import numba

FASTMATH = frozenset({"nsz", "arcp", "contract", "afn", "reassoc"})
_warned = False


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
    """``numba.njit`` with caching, NaN-safe fastmath and the GIL released."""
    options.setdefault("fastmath", set(FASTMATH))  # numba rejects a frozenset
    options.setdefault("nogil", True)
    if func is None:
        return lambda f: _compile(numba.njit, f, options)
    return _compile(numba.njit, func, options)

