"""Scalar math the CPU kernels' element functions use, made to compile for the device.

* ``cpu._vecmath``'s ``exp``/``log``/``log1p`` stand-ins evaluate float32 polynomials through bit
  casts and ``np.floor`` (vectorisable on the CPU; ``np.floor`` does not exist on the device): on
  the device they are libdevice's functions.
* numba 0.68's built-in CUDA target cannot compile the generic ``max(*x)``/``min(*x)`` overloads
  (their star-args implementation fails as a device function), so two-number ``max``/``min`` get
  device overloads with Python's (and Numba's CPU) rule: ``max(a, b)`` is b if b > a else a, so a
  NaN ``a`` is kept and a NaN ``b`` ignored.

Device-target overloads take precedence over the generic ones there and leave the CPU untouched.
"""
import math

from numba import types
from numba.extending import overload

from ..cpu import _vecmath


def _libdevice(func):
    def typer(v):
        return lambda v: func(v)
    return typer


for _stand_in, _func in ((_vecmath.exp, math.exp), (_vecmath.exp_nonpositive, math.exp), (_vecmath.log, math.log),
                       (_vecmath.log1p, math.log1p), (_vecmath.log1p_unit, math.log1p)):
    overload(_stand_in, target="cuda")(_libdevice(_func))


@overload(max, target="cuda")
def _max(a, b):
    if isinstance(a, types.Number) and isinstance(b, types.Number):
        return lambda a, b: b if b > a else a


@overload(min, target="cuda")
def _min(a, b):
    if isinstance(a, types.Number) and isinstance(b, types.Number):
        return lambda a, b: b if b < a else a
