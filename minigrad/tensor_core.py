"""``TensorCore``: the fields every op reads and writes on a tensor, and ``make``, the constructor
every op's result goes through. ``Tensor`` (tensor.py) subclasses it and adds the API.

When the package is built, Cython compiles this module with ``tensor_core.pxd``: the fields become
a C struct (typed code such as ``Op.apply`` reads them without an attribute lookup) and ``make`` a
C function. Uncompiled (``MINIGRAD_PURE_PYTHON=1``, see ``minigrad/_compiled.py``) the same source
runs as a class with ``__slots__``.

* ``_data``: the device array; ``_device``: its ``minigrad.device``;
* ``_requires_grad``, ``_grad`` (a tensor or None), ``_grad_fn`` (the ``Op`` that made it, None for a leaf);
* ``_version``: a one-element list, shared by a tensor and its views, bumped by in-place ops;
* ``_retains_grad``: ``retain_grad()`` was called.
"""
from .device import CPU

_Tensor = None  # the class ``make`` builds by default: ``Tensor``, set by tensor.py once defined


class TensorCore:
    __slots__ = ("_data", "_device", "_requires_grad", "_grad", "_grad_fn", "_version", "_retains_grad")

    @classmethod
    def _make(cls, arr, device=CPU, requires_grad=False, subclass=None):
        """A new tensor (a plain ``Tensor`` unless ``subclass``, whatever ``cls``) around ``arr``."""
        return make(arr, device, requires_grad, subclass)


def make(arr, device, requires_grad=False, cls=None):
    """A new leaf of class ``cls`` (default ``Tensor``) holding ``arr`` on ``device``, version 0."""
    t = TensorCore.__new__(_Tensor if cls is None else cls)
    t._data = arr
    t._device = device
    t._requires_grad = requires_grad
    t._grad = None
    t._grad_fn = None
    t._version = [0]
    t._retains_grad = False
    return t
