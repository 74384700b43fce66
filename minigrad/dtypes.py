"""dtype objects and torch's type-promotion rules.

Categories order bool < integer < floating. Operands rank by priority: tensors with dimensions,
then 0-d tensors, then Python scalars. A lower-priority operand changes the result only when its
category is higher, and a Python scalar then contributes the default dtype of its category.
"""
import builtins

import numpy as np


class dtype:
    __slots__ = ("name", "np", "is_floating_point", "is_signed", "itemsize", "category")

    def __init__(self, name, np_dtype, category):
        self.name = name
        self.np = np.dtype(np_dtype)
        self.category = category  # 0 bool, 1 integer, 2 floating
        self.is_floating_point = category == 2
        self.is_signed = np_dtype not in (np.bool_, np.uint8)
        self.itemsize = self.np.itemsize

    def __repr__(self):
        from . import _printing
        return f"{_printing.namespace()}.{self.name}"

    def __reduce__(self):
        return (_by_name, (self.name,))


float16 = half = dtype("float16", np.float16, 2)
float32 = float = dtype("float32", np.float32, 2)
float64 = double = dtype("float64", np.float64, 2)
int8 = dtype("int8", np.int8, 1)
int16 = short = dtype("int16", np.int16, 1)
int32 = int = dtype("int32", np.int32, 1)
int64 = long = dtype("int64", np.int64, 1)
uint8 = dtype("uint8", np.uint8, 1)
bool = dtype("bool", np.bool_, 0)  # noqa: A001 - torch's name

ALL = (float16, float32, float64, int8, int16, int32, int64, uint8, bool)
_FROM_NP = {d.np: d for d in ALL}
_NAMES = {d.name: d for d in ALL}
_DEFAULT_FOR_CATEGORY = [bool, int64, float32]  # the float entry is torch.get_default_dtype()


# torch's names for each dtype: its ScalarType ("Float", in "result type Float can't be cast ..."), its
# C++ type ("float", in "expected m1 and m2 to have the same dtype, but got: float != double") and the
# legacy tensor type ("FloatTensor")
SCALAR_NAMES = {"float32": "Float", "float64": "Double", "float16": "Half", "int64": "Long", "int32": "Int",
                "int16": "Short", "int8": "Char", "uint8": "Byte", "bool": "Bool"}
C_NAMES = {"float32": "float", "float64": "double", "float16": "c10::Half", "int64": "long int", "int32": "int",
           "int16": "short int", "int8": "signed char", "uint8": "unsigned char", "bool": "bool"}
TYPE_NAMES = {"FloatTensor": float32, "DoubleTensor": float64, "HalfTensor": float16, "LongTensor": int64,
              "IntTensor": int32, "ShortTensor": int16, "CharTensor": int8, "ByteTensor": uint8, "BoolTensor": bool}


def _of(d):
    """The minigrad dtype of a dtype, a numpy dtype, or a tensor or array (its ``dtype``)."""
    if not isinstance(d, (dtype, np.dtype, type)):
        d = d.dtype
    return d if isinstance(d, dtype) else from_numpy(d)


def scalar_name(d):
    """torch's scalar type name of ``d`` (a dtype, numpy dtype, tensor or array): ``'Float'``, ``'Long'``."""
    return SCALAR_NAMES[_of(d).name]


def c_name(d):
    """torch's C++ type name of ``d``: ``'float'``, ``'long int'``."""
    return C_NAMES[_of(d).name]


def _by_name(name):
    return _NAMES[name]


def from_numpy(np_dtype):
    """The minigrad dtype of a numpy dtype (TypeError for one torch has no equivalent of)."""
    d = _FROM_NP.get(np_dtype)  # the hot path: a numpy dtype object
    if d is not None:
        return d
    try:
        return _FROM_NP[np.dtype(np_dtype)]
    except (KeyError, TypeError):
        raise TypeError(f"can't convert np.ndarray of type numpy.{np.dtype(np_dtype).type.__name__}. The only "
                        "supported types are: float64, float32, float16, int64, int32, int16, int8, uint8, and "
                        "bool.") from None


def get(d):
    """Accept a minigrad dtype, a numpy dtype, a Python type or None (→ None)."""
    if d is None or isinstance(d, dtype):
        return d
    if isinstance(d, str):
        raise TypeError(f"expected a dtype such as minigrad.float32, got the string {d!r}")
    if d is builtins.float:
        return float64
    if d is builtins.int:
        return int64
    if d is builtins.bool:
        return bool
    return from_numpy(d)


def default_for_category(category):
    return _DEFAULT_FOR_CATEGORY[category]


def default_float():
    """The dtype Python floats, float factories and integer-to-float promotion give (``get_default_dtype``)."""
    return _DEFAULT_FOR_CATEGORY[2]


def set_default_float(d):
    """Make the floating dtype ``d`` the default (``torch.set_default_dtype``)."""
    _DEFAULT_FOR_CATEGORY[2] = d


def _combine(a, b):
    if a is None:
        return b
    if a.category != b.category:
        return a if a.category > b.category else b
    return from_numpy(np.promote_types(a.np, b.np))


def result_type(*operands):
    """torch.result_type over tensors (anything with ``.dtype`` and ``.ndim``) and Python scalars."""
    dim_t = zero_t = None
    scalar_cat = -1
    for x in operands:
        d = getattr(x, "dtype", None)
        if isinstance(d, dtype):
            if x.ndim:
                dim_t = _combine(dim_t, d)
            else:
                zero_t = _combine(zero_t, d)
        else:
            cat = 0 if isinstance(x, builtins.bool) else 1 if isinstance(x, builtins.int) else 2
            scalar_cat = max(scalar_cat, cat)
    out = dim_t
    if zero_t is not None and (out is None or zero_t.category > out.category):
        out = zero_t
    if scalar_cat >= 0 and (out is None or scalar_cat > out.category):
        out = _DEFAULT_FOR_CATEGORY[scalar_cat]
    return out



class finfo:
    """Limits of a floating dtype (the default dtype when none is given): ``bits``, ``eps``, ``max``,
    ``min``, ``tiny`` (= ``smallest_normal``) and ``resolution`` (10^-decimal digits)."""

    def __init__(self, type=None):  # noqa: A002 - torch's argument name
        d = type or default_float()
        if not isinstance(d, dtype) or not d.is_floating_point:
            raise TypeError("torch.finfo() requires a floating point input type. Use torch.iinfo to handle "
                            "'torch.finfo'")
        info = np.finfo(d.np)
        self.bits, self.dtype = info.bits, d.name
        self.eps, self.max, self.min = builtins.float(info.eps), builtins.float(info.max), builtins.float(info.min)
        self.tiny = self.smallest_normal = builtins.float(info.smallest_normal)
        self.resolution = 10.0 ** -builtins.int(info.precision)

    def __repr__(self):
        fields = ("resolution", "min", "max", "eps", "smallest_normal", "tiny")
        return "finfo(" + ", ".join(f"{k}={getattr(self, k):g}" for k in fields) + f", dtype={self.dtype})"


class iinfo:
    """Limits of an integer dtype: ``bits``, ``max``, ``min``."""

    def __init__(self, type):  # noqa: A002
        if not isinstance(type, dtype) or type.category != 1:
            raise TypeError("torch.iinfo() requires an integer input type. Use torch.finfo to handle 'torch.iinfo'")
        info = np.iinfo(type.np)
        self.bits, self.max, self.min, self.dtype = info.bits, builtins.int(info.max), builtins.int(info.min), type.name

    def __repr__(self):
        return f"iinfo(min={self.min:g}, max={self.max:g}, dtype={self.dtype})"


def promote_types(a, b):
    """The dtype torch computes ``a`` and ``b`` operands in (the higher category, then the wider type)."""
    return _combine(a, b)


def can_cast(from_, to):
    """Whether torch casts ``from_`` to ``to`` implicitly: never down a category (float → int, int → bool)."""
    return from_.category <= to.category
