"""The one place kernels are compiled: Numba decorators with minigrad's flags.

* ``cache=True`` so compiled kernels survive the process; when no cache directory is writable
  (read-only install, no home), compile in memory instead and warn once.
* ``FASTMATH`` allows re-association (so reductions vectorise) but keeps NaN/inf semantics:
  ``nnan``/``ninf`` would delete the checks BCE's log clamp and NaN propagation rely on.
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
    """``numba.njit`` with caching and NaN-safe fastmath; serial unless ``parallel=True``."""
    options.setdefault("fastmath", set(FASTMATH))  # numba rejects a frozenset
    options.setdefault("nogil", True)
    if func is None:
        return lambda f: _compile(numba.njit, f, options)
    return _compile(numba.njit, func, options)


prange = numba.prange
