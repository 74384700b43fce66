"""Padding layers: ``ConstantPad{1,2,3}d``, ``ZeroPad{1,2,3}d``, ``ReflectionPad{1,2,3}d``,
``ReplicationPad{1,2,3}d`` and ``CircularPad{1,2,3}d``, each ``F.pad`` with its mode over the last
1, 2 or 3 dims (``ops/pad.py`` checks the input and computes the values and the gradient)."""
from ...ops.pad import pad
from .module import Module


class _PadNd(Module):
    r"""Pads the last ``n`` dims of the input: ``padding`` is an int (every side) or a ``2n``-tuple
    ``(left, right, top, bottom, front, back)`` read from the last dim backwards, as ``F.pad`` reads it.

    Example::

        >>> nn.ReflectionPad2d(1)(minigrad.arange(9.0).view(1, 1, 3, 3)).shape
        minigrad.Size([1, 1, 5, 5])
    """
    n = 1
    mode = "constant"

    def __init__(self, padding):
        super().__init__()
        self.padding = (padding,) * (2 * self.n) if isinstance(padding, int) else tuple(padding)

    def forward(self, input):  # noqa: A002 - torch's argument name
        return pad(input, self.padding, self.mode)

    def extra_repr(self):
        return f"{self.padding}"


class _ConstantPadNd(_PadNd):
    """Pads with ``value``."""

    def __init__(self, padding, value):
        super().__init__(padding)
        self.value = value

    def forward(self, input):  # noqa: A002
        return pad(input, self.padding, "constant", self.value)

    def extra_repr(self):
        return f"padding={self.padding}, value={self.value}"


class _ZeroPadNd(_ConstantPadNd):
    """Pads with zeros."""

    def __init__(self, padding):
        super().__init__(padding, 0.0)

    def extra_repr(self):
        return f"{self.padding}"


def _layer(name, bases, n, mode=None, how=None):
    """The class ``{name}{n}d``: ``bases`` over the last ``n`` dims (with ``mode``)."""
    attrs = {"n": n, "__doc__": (bases[0].__doc__ if how is None else f"Pads by {how} the input's borders.")
             + f" Over the last {n} dim{'s' if n > 1 else ''}; see ``_PadNd`` for ``padding``."}
    if mode is not None:
        attrs["mode"] = mode
    return type(f"{name}{n}d", bases, attrs)


DIMS = (1, 2, 3)
ConstantPad1d, ConstantPad2d, ConstantPad3d = (_layer("ConstantPad", (_ConstantPadNd,), n) for n in DIMS)
ZeroPad1d, ZeroPad2d, ZeroPad3d = (_layer("ZeroPad", (_ZeroPadNd, constant), n)  # a ZeroPad2d is a ConstantPad2d
                                   for n, constant in zip(DIMS, (ConstantPad1d, ConstantPad2d, ConstantPad3d)))
ReflectionPad1d, ReflectionPad2d, ReflectionPad3d = (_layer("ReflectionPad", (_PadNd,), n, "reflect", "reflecting")
                                                     for n in DIMS)
ReplicationPad1d, ReplicationPad2d, ReplicationPad3d = (
    _layer("ReplicationPad", (_PadNd,), n, "replicate", "repeating the edge values of") for n in DIMS)
CircularPad1d, CircularPad2d, CircularPad3d = (_layer("CircularPad", (_PadNd,), n, "circular", "wrapping around")
                                               for n in DIMS)
