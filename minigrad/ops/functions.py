"""``torch.<name>`` and ``Tensor.<name>`` for the non-pointwise ops (``linalg``, ``shape``,
``indexing``, ``scan``): each of those modules lists its public functions in ``FUNCTIONS`` (name ->
function whose first argument is the tensor), the ones torch also has as methods in ``METHODS`` and
the in-place ones in ``INPLACE``; ``install`` gives the Tensor those methods.

``out=`` follows torch's rules per kind of function (``write_out``): most want ``out`` in the
result's dtype exactly, concatenations and elementwise math cast to it when the category allows,
sums and products compute in ``out``'s dtype (callers pass it as ``dtype``); every kind resizes
``out`` as torch does and refuses autograd through it.
"""
from ..dtypes import c_name, scalar_name
from .pointwise import _inplace
from .pointwise import write_out as _write_pointwise_out


def write_out(name, result, out, rule="exact"):
    """``result`` written into ``out`` and ``out`` returned (``result`` when ``out`` is None). ``rule``:
    "exact" (``out`` must have the result's dtype: products, gathers, triangles), "cast" (any dtype
    the result's category casts to: elementwise math, reductions), "cat" (as "cast", with
    torch.cat's TypeError)."""
    if out is None:
        return result
    if isinstance(result, tuple):  # (values, indices)
        for r, o in zip(result, out):
            write_out(name, r, o)
        return out
    if hasattr(out, "_data"):
        if rule == "exact" and out.dtype is not result.dtype:
            raise RuntimeError(f"Expected out tensor to have dtype {c_name(result)}, but got {c_name(out)} instead")
        if rule == "cat" and result.dtype.category > out.dtype.category:
            raise TypeError(f"torch.cat(): input types can't be cast to the desired output type "
                            f"{scalar_name(out)}")
    return _write_pointwise_out(name, result, out)


def install(tensor_type, *modules):
    """Give ``tensor_type`` the methods and in-place methods each module lists."""
    for mod in modules:
        for name in mod.METHODS:
            setattr(tensor_type, name, mod.FUNCTIONS[name])
        for name in getattr(mod, "INPLACE", ()):
            setattr(tensor_type, name + "_", _inplace(mod.FUNCTIONS[name]))


def check_tensor(fn, name, value, pos):
    """torch's TypeError for a non-tensor argument where only a tensor is accepted."""
    from ..tensor import _tensor_arg
    _tensor_arg(fn, name, value, pos)


def dim(d, ndim):
    """A dim wrapped into ``[0, ndim)`` (a 0-d tensor takes -1 and 0); torch's IndexError when out of range."""
    from ..tensor import _dim
    return _dim(d, ndim)


def same_dtype(a, b):
    if a.dtype is not b.dtype:
        raise RuntimeError(f"expected scalar type {scalar_name(a)} but found {scalar_name(b)}")
