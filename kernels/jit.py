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

Kernels are called through Numba's dispatcher, which types each argument per call. Skipping that
does not pay (issue 20, measured on mse's loop, 15 arguments, 64×10 float32): the dispatcher call
takes 1.20 µs, the compiled entry point (``dispatcher.overloads[sig].entry_point``) 0.83 µs, but a
Python wrapper keeping entry points under a key the caller passes (the dtype) 1.13 µs and one that
computes a type key itself 3.3 µs: the 0.4 µs of typing is 2-3% of a tiny loss's forward+backward.
An entry point is also unsafe to reuse: it checks dtype and rank only, so it reads a strided view
given to a C-contiguous signature as if it were contiguous (wrong values, no error).
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

