"""Serial and threaded compiles of one Numba kernel, chosen per call by the amount of work.

``parallel=True`` costs ~0.6 ms of thread start-up per call, so below ``PARALLEL_MIN`` elements the
serial compile of the same source runs (``prange`` is plain ``range`` there).
"""
import types

from ..jit import njit

PARALLEL_MIN = 1 << 16


class Twin:
    """``kernel(work, *args)`` runs the threaded compile when ``work >= PARALLEL_MIN``."""

    def __init__(self, func, **options):
        # the threaded copy gets its own qualified name so Numba caches the two in separate files
        # (its cache index does not key on target options)
        clone = types.FunctionType(func.__code__, func.__globals__, func.__name__ + "_parallel",
                                   func.__defaults__, func.__closure__)
        clone.__qualname__ = func.__qualname__ + "_parallel"
        self.serial = njit(func, **options)
        self.parallel = njit(clone, parallel=True, **options)

    def __call__(self, work, *args):
        return (self.parallel if work >= PARALLEL_MIN else self.serial)(*args)


def twin(func=None, **options):
    """Decorator form of ``Twin``: ``@twin`` or ``@twin(error_model="numpy")``."""
    if func is None:
        return lambda f: Twin(f, **options)
    return Twin(func, **options)
