"""Pointwise ops declared once.

A ``Pointwise`` declaration states one op: its scalar math (the value ``f`` and the input gradient
``grad``, plain Python over scalars that each device's elementwise loop compiles:
``kernels/cpu/pointwise.py``, ``kernels/cuda/pointwise.py``), what the gradient reads (the inputs
``x``, the output ``y``, or nothing), how integer input is treated, its options and its torch
names. Everything else follows from it (``install``):

* ``torch.<name>(input, [other,] *options, out=None)`` and its aliases (``FUNCTIONS``),
* ``Tensor.<name>(...)`` and the in-place ``Tensor.<name>_(...)``,
* the autograd node ``PointwiseOp`` named as torch names it (``SinBackward0``),
* dtype promotion: a binary op's operands are promoted as torch's ``result_type``; integer and
  bool input then goes to the default float (``inputs="float"``), keeps its dtype through a
  backend function (``"keep"``) or is refused as torch refuses it (``"float_only"``).

The declarations themselves live in ``pointwise_math.py`` (torch's tensor math) and
``activation.py`` (``nn.functional``'s activations). An op built from others (``lerp`` with a tensor
weight, ``addcmul``, ``float_power``) registers with ``@composed()`` for the same three forms.
``write_out`` is ``out=``'s rule, shared with ``functions.py``.
"""
import inspect
import re
import warnings

import numpy as np

from .. import dtypes
from ..dtypes import scalar_name
from ..autograd.grad_mode import state as _grad_state
from ..autograd.op import Op

DECLARED = []  # every declaration, in order
COMPOSED = []  # (function, api) of the ops built from others (``composed``)
FUNCTIONS = {}  # torch.<name> for each declaration with a function form, aliases included


def _node_name(name):
    """torch's node name for an op: ``log1p`` -> ``Log1PBackward0``, ``nan_to_num`` -> ``NanToNumBackward0``."""
    return re.sub(r"(?:^|_)([a-z])|(?<=\d)([a-z])", lambda m: (m.group(1) or m.group(2)).upper(), name) + "Backward0"


def _no_options(dt):
    return ()


class Pointwise:
    """One pointwise op.

    ``f(x, p)`` / ``grad(g, x, y, p)`` (unary) or ``f(a, b, p)`` / ``grad(g, a, b, y, p) -> (g_a, g_b)``
    (binary): scalar math over one element, ``p`` the options as three scalars. ``f`` may instead
    name a backend function (``"floor"``), called as ``backend.<f>(*arrays, *p)``.
    ``grad`` may be ``"zero"`` (a piecewise-constant op), ``"not_implemented"`` (torch records a node
    whose backward raises) or None (no gradient, no node: a bool result).
    ``reads``: what ``grad`` reads, ``"x"`` (the inputs), ``"y"`` (the output), both or ``""``.
    ``options(dtype, *args, **kwargs) -> p``: the op's keyword arguments (its signature is the
    method's), validated, as numbers. ``integer(backend, *arrays, *p)``: the result for integer
    input when ``inputs="keep"``. ``grad_fn_scalar``: the node's name when ``other`` is a number.
    ``grad_fn_options``: its name when options are given (``round(x, decimals=2)``). ``check(x[, other])``:
    the op's own validation, before promotion.
    ``other="tensor"``: torch takes only a tensor as the second operand. ``api``: which of
    ``function``, ``method``, ``inplace`` exist.
    """

    def __init__(self, name, f, grad=None, *, reads="x", inputs="float", integer=None, options=_no_options,
                 grad_fn=None, grad_fn_scalar=None, aliases=(), out_dtype=None, other="any", other_name="other",
                 arity=None, kernel_name=None, grad_fn_options=None, check=None,
                 api=("function", "method", "inplace")):
        self.name = name
        self.arity = arity or len(inspect.signature(f).parameters) - 1
        self.f = f
        self.backward = grad if isinstance(grad, str) or grad is None else "kernel"
        self.grad = grad if self.backward == "kernel" else None
        self.reads = reads
        self.inputs, self.integer, self.options = inputs, integer, options
        self.grad_fn = grad_fn or _node_name(name)
        self.grad_fn_scalar = grad_fn_scalar or self.grad_fn
        self.aliases, self.api = aliases, api
        self.out_dtype = None if out_dtype is None else np.dtype(out_dtype)
        self.other, self.other_name = other, other_name
        self.kernel_name = kernel_name or f"{name}_cpu"
        self.grad_fn_options, self.check = grad_fn_options, check
        DECLARED.append(self)

    def __repr__(self):
        return f"Pointwise({self.name!r})"

    def __call__(self, x, *args, **kwargs):
        """The op on tensor ``x`` (and its second operand, first in ``args``) with its options."""
        scalar_other = False
        if self.check is not None:
            self.check(x, *args[:self.arity - 1])
        if self.arity == 2:
            if args:
                other, args = args[0], args[1:]
            elif self.other_name in kwargs:
                other = kwargs.pop(self.other_name)
            else:
                raise TypeError(f"{self.name}() missing 1 required positional argument: '{self.other_name}'")
            scalar_other = not hasattr(other, "_data")
            if scalar_other and self.other == "tensor":
                raise TypeError(f"{self.name}(): argument '{self.other_name}' (position 2) must be Tensor, not "
                                f"{type(other).__name__}")
            a, b = x._operands(other) if hasattr(x, "_data") else other._operands(x)[::-1]
            if a is None:
                raise TypeError(f"{self.name}(): argument '{self.other_name}' (position 2) must be Tensor or "
                                f"Number, not {type(other).__name__}")
            if a._data.shape != b._data.shape:
                from ..tensor import _broadcast_shape
                _broadcast_shape(a._data.shape, b._data.shape)  # torch's error when they do not broadcast
            operands = (a, b)
        else:
            operands = (x,)
        first = operands[0]
        if first._data.dtype.kind != "f":
            if self.inputs == "float":
                operands = tuple(t._cast(dtypes.default_float()) for t in operands)
            elif self.inputs == "float_only":
                raise NotImplementedError(f"\"{self.kernel_name}\" not implemented for "
                                          f"'{scalar_name(first)}'")
        p = self.options(operands[0]._data.dtype, *args, **kwargs)
        if self.backward is None:  # a bool result: no node
            operands = tuple(t.detach() for t in operands)
        if operands[0]._data.dtype.kind != "f":  # kept integer input: no gradient
            out = self.integer(first._backend(), *[t._data for t in operands], *p)
            return first._make(np.asarray(out) if isinstance(out, np.generic) else out, first._device)
        out = PointwiseOp.apply(*operands, decl=self, p=p)
        if out._grad_fn is not None and (scalar_other or (p and self.grad_fn_options)):
            out._grad_fn.name = self.grad_fn_scalar if scalar_other else self.grad_fn_options
        return out


class PointwiseOp(Op):
    """A declared op's autograd node (``decl`` and ``p`` as options): the declaration's forward, and
    its gradient from what the declaration says it reads."""

    fresh_grads = True  # backward returns new arrays (a leaf keeps its first gradient without a copy)

    def forward(self, *arrays, decl=None, p=()):
        self.decl, self.p = decl, p
        self.name = decl.grad_fn
        b = self.backend
        if isinstance(decl.f, str):
            out = getattr(b, decl.f)(*arrays, *p)
            out = np.asarray(out) if isinstance(out, np.generic) else out
        else:
            out = b.pointwise_forward(decl, arrays, p)
        if "x" in decl.reads:
            self.saves, self.x = tuple(range(len(arrays))), arrays
        if "y" in decl.reads:
            self.saves_output, self.out = True, out
        if not decl.reads:
            self.stateless = True
        return out

    def backward(self, g):
        decl, b = self.decl, self.backend
        if decl.backward == "not_implemented":
            raise RuntimeError(f"the derivative for '{decl.name}' is not implemented.")
        if decl.backward == "zero":
            grads = (b.full_like(g, 0),) * decl.arity
        else:
            x = self.x if "x" in decl.reads else (None,) * decl.arity
            grads = b.pointwise_backward(decl, g, x, self.out if "y" in decl.reads else None, self.p)
        if decl.arity == 1:
            return grads[0]
        return tuple(gr if need else None for gr, need in zip(grads, self.needs_input_grad))


def write_out(name, result, out):
    """``torch.<name>(..., out=out)``: ``result`` written into ``out`` with torch's rules (no autograd
    through ``out=``, a result dtype that casts to ``out``'s, ``out`` resized to the result's shape,
    with torch's warning when it held elements) and ``out`` returned."""
    if not hasattr(out, "_data"):
        raise TypeError(f"{name}(): argument 'out' must be Tensor, not {type(out).__name__}")
    if _grad_state.enabled and (result._requires_grad or out._requires_grad):
        raise RuntimeError(f"{name}(): functions with out=... arguments don't support automatic differentiation, "
                           "but one of the arguments requires grad.")
    if result.dtype.category > out.dtype.category:
        raise RuntimeError(f"result type {scalar_name(result)} can't be cast to the desired output type "
                           f"{scalar_name(out)}")
    if result._device != out._device:
        raise RuntimeError(f"Expected out tensor to have device {result._device}, but got {out._device} instead")
    b = out._backend()
    if out._data.shape != result._data.shape:
        if out._data.size:
            warnings.warn(f"An output with one or more elements was resized since it had shape {list(out.shape)}, "
                          "which does not match the required output shape "
                          f"{list(result.shape)}. This behavior is deprecated, and in a future PyTorch release "
                          "outputs will not be resized unless they have zero elements. You can explicitly reuse an "
                          "out tensor t by resizing it, inplace, to zero elements with t.resize_(0).",
                          UserWarning, stacklevel=3)
        out._data = b.astype(result._data, out._data.dtype)
        if out._data is result._data:
            out._data = b.copy(out._data)
    else:
        b.copyto(out._data, result._data)
    out._version[0] += 1
    return out


def _method(decl):
    def method(self, *args, **kwargs):
        return decl(self, *args, **kwargs)
    method.__name__ = method.__qualname__ = decl.name
    method.__doc__ = f"``torch.{decl.name}`` on this tensor."
    return method


def _inplace(method):
    def inplace(self, *args, **kwargs):
        return self._inplace(method, *args, **kwargs)
    inplace.__name__ = inplace.__qualname__ = method.__name__ + "_"
    inplace.__doc__ = f"In-place ``{method.__name__}``."
    return inplace


def _function(decl, tensor_type):
    def function(input, *args, out=None, **kwargs):  # noqa: A002 - torch's argument name
        if not isinstance(input, tensor_type) and not (decl.arity == 2 and args and isinstance(args[0], tensor_type)):
            raise TypeError(f"{decl.name}(): argument 'input' (position 1) must be Tensor, not "
                            f"{type(input).__name__}")
        result = decl(input, *args, **kwargs)
        return result if out is None else write_out(decl.name, result, out)
    function.__name__ = function.__qualname__ = decl.name
    function.__doc__ = f"``torch.{decl.name}(input, ...)``: elementwise, as ``Tensor.{decl.name}``."
    return function


def composed(*api):
    """Register ``fn(input, ...)``, an op built from other ops, for the forms in ``api`` (default:
    function with ``out=``, method, in-place)."""
    def register(fn):
        COMPOSED.append((fn, api or ("function", "method", "inplace")))
        return fn
    return register


def _out_function(fn):
    def function(*args, out=None, **kwargs):
        result = fn(*args, **kwargs)
        return result if out is None else write_out(fn.__name__, result, out)
    function.__name__ = function.__qualname__ = fn.__name__
    function.__doc__ = fn.__doc__
    return function


def install(tensor_type):
    """Give ``tensor_type`` each declared and composed op's methods and fill ``FUNCTIONS``."""
    for fn, api in COMPOSED:
        if "method" in api:
            setattr(tensor_type, fn.__name__, fn)
        if "inplace" in api:
            setattr(tensor_type, fn.__name__ + "_", _inplace(fn))
        if "function" in api:
            FUNCTIONS[fn.__name__] = _out_function(fn)
    for decl in DECLARED:
        names = (decl.name, *decl.aliases)
        method = _method(decl)
        for n in names:
            if "method" in decl.api:
                setattr(tensor_type, n, method)
            if "inplace" in decl.api:
                setattr(tensor_type, n + "_", _inplace(method))
            if "function" in decl.api:
                FUNCTIONS[n] = _function(decl, tensor_type)
