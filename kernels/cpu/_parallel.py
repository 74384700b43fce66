"""Serial and threaded compiles of one Numba kernel, chosen per call by the amount of work.

``parallel=True`` costs thread start-up on every call (0.1–0.6 ms here, by threading layer), so below
``PARALLEL_MIN`` elements the serial compile of the same source runs (``prange`` is plain ``range``).

Numba's on-disk cache keys a kernel on its own file only: a kernel that calls jitted helpers from
another module would keep running a stale compile after that module changes. ``depends`` names such
modules; a checksum of their source goes into the kernel's cached name, so editing one recompiles.

Threaded compiles run one at a time, under ``_LAUNCH`` (see ``kernels/jit.py``: the workqueue
threading layer aborts on concurrent launches). Serial compiles release the GIL and run concurrently.
A fork while another thread holds the lock would leave the child's copy locked forever, so the child
starts with a fresh one.
"""
import os
import pathlib
import threading
import types
import zlib

from ..jit import njit

PARALLEL_MIN = 1 << 16
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


class Twin:
    """``kernel(work, *args)`` runs the threaded compile when ``work >= PARALLEL_MIN``."""

    def __init__(self, func, depends=(), **options):
        tag = ""
        if depends:
            source = b"".join(pathlib.Path(m.__file__).read_bytes() for m in depends)
            tag = f"_{zlib.crc32(source):08x}"
        # the threaded copy gets its own name too: Numba's cache index does not key on target options
        self.serial = njit(_renamed(func, tag) if tag else func, **options)
        self.parallel = njit(_renamed(func, tag + "_parallel"), parallel=True, **options)

    def __call__(self, work, *args):
        if work < PARALLEL_MIN:
            return self.serial(*args)
        with _LAUNCH:
            return self.parallel(*args)


def twin(func=None, **options):
    """Decorator form of ``Twin``: ``@twin`` or ``@twin(depends=(module,), error_model="numpy")``."""
    if func is None:
        return lambda f: Twin(f, **options)
    return Twin(func, **options)
