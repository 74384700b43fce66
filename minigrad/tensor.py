"""The Tensor: an array on a device plus what autograd needs (``requires_grad``, ``grad``,
``grad_fn``, a version counter shared with its views). Math goes through the ops in
``minigrad.ops``; this module only validates arguments, promotes dtypes and dispatches."""
import builtins
import math
import numbers
import warnings

import numpy as np

from . import _printing, dtypes
from . import device as _dev
from . import random as _random
from . import autograd as _autograd
from . import tensor_core as _tensor_core
from .tensor_core import TensorCore
from .autograd.grad_mode import state as _grad_state
from .ops import elementwise as E
from .ops import functions as _functions
from .ops import scan as _scan
from .ops import indexing as I
from .ops import linalg as L
from .ops import activation as _activation  # noqa: F401 - declares the activations
from .ops import pointwise as _pointwise
from .ops import pointwise_math as _pointwise_math  # noqa: F401 - declares the tensor math
from .ops import reduce as R
from .ops import shape as S
from .ops import softmax as SM


class Size(tuple):
    """A tuple of dims that prints as torch's ``torch.Size([2, 3])``."""

    def __repr__(self):
        return _printing.size_repr(self)

    __str__ = __repr__

    def numel(self):
        return int(np.prod(self, dtype=np.int64))


class _ReturnTypes(tuple):
    """``(values, indices)`` of max/min along a dim, named as torch names them."""

    def __new__(cls, name, values, indices):
        self = super().__new__(cls, (values, indices))
        self.name = name
        return self

    values = property(lambda self: self[0])
    indices = property(lambda self: self[1])

    def __repr__(self):
        return f"{_printing.namespace()}.return_types.{self.name}(\nvalues={self[0]!r},\nindices={self[1]!r})"


def _dim(d, ndim, allow_scalar=True):
    """Wrap a possibly negative dim; torch's IndexError when out of range."""
    n = builtins.max(ndim, 1) if allow_scalar else ndim
    if not -n <= d < n:
        raise IndexError(f"Dimension out of range (expected to be in range of [{-n}, {n - 1}], but got {d})")
    return d % n if ndim else 0


def _dims(dim, ndim):
    """Normalise a dim argument (int, tuple, list or None) to a sorted tuple (``()`` for a 0-d
    tensor) or None for "every dim"."""
    if dim is None:
        return None
    if isinstance(dim, (tuple, list)):
        if len(dim) == 0:
            return None
        out = sorted(_dim(d, ndim) for d in dim)
        for a, b in zip(out, out[1:]):
            if a == b:
                raise RuntimeError(f"dim {a} appears multiple times in the list of dims")
        return tuple(out) if ndim else ()
    d = _dim(dim, ndim)
    return (d,) if ndim else ()


def _shape_args(args):
    """Sizes given as ``f(2, 3)`` or ``f((2, 3))``, as a tuple of ints (anything with ``__index__``)."""
    if len(args) == 1 and isinstance(args[0], (tuple, list)):
        args = args[0]
    out = []
    for i, a in enumerate(args):
        if type(a) is not int:
            if isinstance(a, builtins.bool) or not hasattr(a, "__index__"):
                raise TypeError(f"argument 'size' must be tuple of ints, but found element of type "
                                f"{type(a).__name__} at pos {i}")
            a = a.__index__()
        out.append(a)
    return tuple(out)


def _cast_method(name, dtype):
    """The method ``Tensor.<name>()``: the tensor cast to ``dtype``."""
    def cast(self):
        return self._cast(dtype)
    cast.__name__, cast.__qualname__ = name, f"Tensor.{name}"
    return cast


def _compare_method(name, fn):
    """The method ``Tensor.<name>(other)``: the backend's ``fn`` of the operands, no gradient
    (NotImplemented for an operand that is not a tensor or a number)."""
    def compare(self, other):
        a, b = self._operands(other)
        if a is None:
            return NotImplemented
        return _np_binary(fn, a, b)
    compare.__name__, compare.__qualname__ = name, f"Tensor.{name}"
    return compare


class Tensor(TensorCore):
    """A tensor: the fields and ``_make`` in ``TensorCore`` (tensor_core.py, compiled), the API here."""
    __array_priority__ = 1000

    def __new__(cls, *args, device=None, dtype=None):
        """Legacy constructor: ``Tensor(2, 3)`` (zero-filled) or ``Tensor(data)`` (a copy), in the default dtype."""
        dt = dtypes.get(dtype) or dtypes.default_float()
        if len(args) == 1 and not isinstance(args[0], (numbers.Integral, np.integer, Size)):
            data = args[0]
            arr = np.array(data._host() if isinstance(data, Tensor) else data, dtype=dt.np)
        else:
            arr = np.zeros(_shape_args(args) if args else (0,), dtype=dt.np)
        d = _dev.get(device)
        return cls._make(arr if d is _dev.CPU else _dev.backend(d).from_host(arr), d, subclass=cls)

    def _backend(self):
        return _dev.backend(self._device)

    def _host(self):
        """The data as a numpy array (a copy from the device for CUDA tensors)."""
        return self._data if self._device.type == "cpu" else self._backend().to_host(self._data)

    # ---- properties -------------------------------------------------------------------------
    @property
    def shape(self):
        return Size(self._data.shape)

    def size(self, dim=None):
        return Size(self._data.shape) if dim is None else self._data.shape[_dim(dim, self.ndim, False)]

    @property
    def ndim(self):
        return self._data.ndim

    def dim(self):
        return self._data.ndim

    ndimension = dim

    def numel(self):
        return self._data.size

    nelement = numel

    @property
    def dtype(self):
        return dtypes.from_numpy(self._data.dtype)

    @property
    def device(self):
        return self._device

    @property
    def is_cuda(self):
        return self._device.type == "cuda"

    def is_floating_point(self):
        return self._data.dtype.kind == "f"

    def element_size(self):
        return self._data.dtype.itemsize

    itemsize = property(element_size)

    @property
    def nbytes(self):
        return self._data.size * self._data.dtype.itemsize

    @property
    def is_cpu(self):
        return self._device.type == "cpu"

    def get_device(self):
        """The CUDA device index, -1 for a CPU tensor."""
        return -1 if self._device.type == "cpu" else self._device.index or 0

    def stride(self, dim=None):
        """Steps in elements between neighbours along each dim (one dim's when ``dim`` is given)."""
        steps = tuple(s // self._data.dtype.itemsize for s in self._data.strides)
        return steps if dim is None else steps[_dim(dim, self.ndim)]

    def data_ptr(self):
        """The address of the first element (host or device memory)."""
        face = "__array_interface__" if self._device.type == "cpu" else "__cuda_array_interface__"
        return getattr(self._data, face)["data"][0]

    def is_signed(self):
        return self.dtype.is_signed

    def is_complex(self):
        return False

    def is_same_size(self, other):
        return self.shape == other.shape

    @property
    def requires_grad(self):
        return self._requires_grad

    @requires_grad.setter
    def requires_grad(self, value):
        if self._grad_fn is not None:
            if value:
                return
            raise RuntimeError("you can only change requires_grad flags of leaf variables. If you want to use a "
                               "computed variable in a subgraph that doesn't require differentiation use "
                               "var_no_grad = var.detach().")
        if value and self._data.dtype.kind != "f":
            raise RuntimeError("only Tensors of floating point dtype can require gradients")
        self._requires_grad = builtins.bool(value)

    def _factory_requires_grad(self):
        """``requires_grad=True`` given to a factory (``tensor``, ``zeros``, ...), with torch's wording."""
        if self._data.dtype.kind != "f":
            raise RuntimeError("Only Tensors of floating point and complex dtype can require gradients")
        self._requires_grad = True
        return self

    def requires_grad_(self, requires_grad=True):
        self.requires_grad = requires_grad
        return self

    @property
    def grad(self):
        if self._grad is None and self._grad_fn is not None and not self._retains_grad:
            warnings.warn("The .grad attribute of a Tensor that is not a leaf Tensor is being accessed. Its .grad "
                          "attribute won't be populated during autograd.backward(). If you indeed want the .grad "
                          "field to be populated for a non-leaf Tensor, use .retain_grad() on the non-leaf Tensor.",
                          UserWarning, stacklevel=2)
        return self._grad

    @grad.setter
    def grad(self, value):
        if value is not None:
            if not isinstance(value, Tensor):
                raise TypeError(f"assigned grad expected to be a Tensor or None but got grad of type "
                                f"{type(value).__name__}")
            if value.shape != self.shape:
                raise RuntimeError(f"attempting to assign a gradient of size '{list(value.shape)}' to a tensor of "
                                   f"size '{list(self.shape)}'. Please ensure that the gradient and the tensor are "
                                   "the same size")
            if value.dtype != self.dtype:
                raise RuntimeError(f"attempting to assign a gradient with dtype '{dtypes.c_name(value.dtype)}' to a "
                                   f"tensor with dtype '{dtypes.c_name(self.dtype)}'")
        self._grad = value

    @property
    def grad_fn(self):
        return self._grad_fn

    @property
    def is_leaf(self):
        return self._grad_fn is None

    def retain_grad(self):
        if not self._requires_grad:
            raise RuntimeError("can't retain_grad on Tensor that has requires_grad=False")
        if self._grad_fn is not None:
            import weakref
            self._grad_fn.retained = weakref.ref(self)
        self._retains_grad = True

    @property
    def retains_grad(self):
        return self._retains_grad and self._grad_fn is not None

    @property
    def data(self):
        return self.detach()

    @data.setter
    def data(self, value):
        self._data = value._data if isinstance(value, Tensor) else np.asarray(value)
        self._version[0] += 1

    # ---- conversion -------------------------------------------------------------------------
    def item(self):
        if self._data.size != 1:
            raise RuntimeError(f"a Tensor with {self._data.size} elements cannot be converted to Scalar")
        return self._host().reshape(()).item()

    def tolist(self):
        return self._host().tolist()

    def numpy(self, force=False):
        if self._requires_grad and not force:
            raise RuntimeError("Can't call numpy() on Tensor that requires grad. Use tensor.detach().numpy() "
                               "instead.")
        if self._device.type != "cpu":
            raise TypeError(f"can't convert {self._device} device type tensor to numpy. Use Tensor.cpu() to "
                            "copy the tensor to host memory first.")
        return self._data

    def __array__(self, dtype=None, copy=None):
        a = self.numpy(force=True)  # torch's TypeError for a CUDA tensor: no silent copy
        return a if dtype is None else a.astype(dtype)

    def __float__(self):
        return float(self.item())

    def __int__(self):
        return int(self.item())

    def __bool__(self):
        if self._data.size != 1:
            raise RuntimeError("Boolean value of Tensor with more than one value is ambiguous")
        return builtins.bool(self.item())

    def is_nonzero(self):
        if self._data.size == 0:
            raise RuntimeError("Boolean value of Tensor with no values is ambiguous")
        return self.__bool__()

    def apply_(self, callable):  # noqa: A002 - torch's argument name
        """Replace each element ``x`` by ``callable(x)`` (a Python function; CPU tensors only, slow)."""
        return self.map_(self, lambda x, _: callable(x))

    def map_(self, tensor, callable):  # noqa: A002
        """Replace each element ``x`` by ``callable(x, y)``, ``y`` the matching element of ``tensor``
        broadcast to this tensor's shape (CPU tensors only, slow)."""
        if self._device.type != "cpu" or tensor._device.type != "cpu":
            raise TypeError(f"{'apply_' if tensor is self else 'map_'} is only implemented on CPU tensors")
        self._check_inplace()
        a, b = self._data, np.broadcast_to(tensor._data, self._data.shape)
        for idx in np.ndindex(a.shape):
            a[idx] = callable(a[idx].item(), b[idx].item())
        return self._bump()

    def __index__(self):
        if self._data.dtype.kind not in "iub" or self._data.size != 1:
            raise TypeError("only integer tensors of a single element can be converted to an index")
        return int(self.item())

    def __len__(self):
        if self._data.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return self._data.shape[0]

    def __iter__(self):
        if self._data.ndim == 0:
            raise TypeError("iteration over a 0-d tensor")
        return (self[i] for i in range(self._data.shape[0]))

    def __hash__(self):
        return id(self)

    def __reduce_ex__(self, proto):
        return (_rebuild, (self._host(), str(self._device), self._requires_grad))

    def detach(self):
        t = Tensor._make(self._data, self._device)
        t._version = self._version
        return t

    def detach_(self):
        self._grad_fn = None
        self._requires_grad = False
        return self

    def clone(self, memory_format=None):
        return S.Clone.apply(self)

    def contiguous(self, memory_format=None):
        if self.is_contiguous():
            return self
        return S.Clone.apply(self)

    def is_contiguous(self, memory_format=None):
        return self._device.type != "cpu" or self._data.flags.c_contiguous  # device arrays are kept C-contiguous

    def to(self, *args, dtype=None, device=None, non_blocking=False, copy=False):
        for a in args:
            if isinstance(a, Tensor):
                dtype, device = a.dtype, a.device
            elif isinstance(a, dtypes.dtype):
                dtype = a
            elif a is not None:
                device = a
        out = self
        if device is not None:
            d = _dev.get(device)
            if d != self._device:
                from .ops.transfer import ToDevice
                out = ToDevice.apply(out, device=d)
        if dtype is not None and dtypes.get(dtype) != out.dtype:
            out = out._cast(dtypes.get(dtype))
        if copy and out is self:
            out = self.clone()
        return out

    def cpu(self):
        return self.to("cpu")

    def cuda(self, device=None, non_blocking=False):
        return self.to("cuda" if device is None else device)

    def _cast(self, dt):
        if dt.np == self._data.dtype:
            return self
        if dt.category == 2 and self.is_floating_point():
            return S.Cast.apply(self, dtype=dt.np)
        return Tensor._make(self._backend().astype(self._data, dt.np), self._device)

    def type(self, dtype=None, non_blocking=False):
        if dtype is None:
            return self._printing_type()
        device = None  # a legacy type names its device too: 'torch.cuda.FloatTensor', FloatTensor (the CPU)
        if isinstance(dtype, type) and isinstance(getattr(dtype, "dtype", None), dtypes.dtype):
            dtype, device = dtype.dtype, "cpu"
        elif isinstance(dtype, str):
            if dtype.split(".")[-1] not in dtypes.TYPE_NAMES:
                raise ValueError(f"invalid type: '{dtype}'")
            dtype, device = dtypes.TYPE_NAMES[dtype.split(".")[-1]], "cuda" if ".cuda." in dtype else "cpu"
        return (self if device is None else self.to(device))._cast(dtypes.get(dtype))

    def _printing_type(self):
        name = {v: k for k, v in dtypes.TYPE_NAMES.items()}[self.dtype]
        cuda = "cuda." if self._device.type == "cuda" else ""
        return f"{_printing.namespace()}.{cuda}{name}"

    # the casts named after torch's types
    float = _cast_method("float", dtypes.float32)
    double = _cast_method("double", dtypes.float64)
    half = _cast_method("half", dtypes.float16)
    long = _cast_method("long", dtypes.int64)
    int = _cast_method("int", dtypes.int32)
    bool = _cast_method("bool", dtypes.bool)
    byte = _cast_method("byte", dtypes.uint8)
    short = _cast_method("short", dtypes.int16)
    char = _cast_method("char", dtypes.int8)

    def type_as(self, other):
        """This tensor in ``other``'s type: its dtype and device."""
        return self.type(other.type())

    # ---- factories in this tensor's dtype and on its device ---------------------------------
    def new_tensor(self, data, *, dtype=None, device=None, requires_grad=False, layout=None, pin_memory=False):
        """``tensor(data)`` in this tensor's dtype and on its device unless given; a tensor's values are
        copied (detached), with torch's warning."""
        if isinstance(data, Tensor):
            warnings.warn("To copy construct from a tensor, it is recommended to use sourceTensor.detach().clone() "
                          "or sourceTensor.detach().clone().requires_grad_(True), rather than "
                          "tensor.new_tensor(sourceTensor).", UserWarning, stacklevel=2)
        return _creation.tensor(data, dtype=dtype or self.dtype, device=self._device if device is None else device,
                                requires_grad=requires_grad)

    def _new_options(self, name, size, dtype, device, requires_grad):
        """``size`` checked as torch's ``new_*`` check it, and the factory keywords defaulting to this tensor's."""
        if len(size) == 1 and not isinstance(size[0], (builtins.int, np.integer, tuple, list)):
            raise TypeError(f"{name}(): argument 'size' (position 1) must be tuple of ints, not "
                            f"{type(size[0]).__name__}")
        return dict(dtype=dtype or self.dtype, device=self._device if device is None else device,
                    requires_grad=requires_grad)

    def new_zeros(self, *sizes, size=None, dtype=None, device=None, requires_grad=False, layout=None,
                  pin_memory=False):
        """``zeros(size)`` in this tensor's dtype and on its device unless given."""
        size = _creation._sizes(sizes, size)
        return _creation.zeros(*size, **self._new_options("new_zeros", size, dtype, device, requires_grad))

    def new_ones(self, *sizes, size=None, dtype=None, device=None, requires_grad=False, layout=None,
                 pin_memory=False):
        """``ones(size)`` in this tensor's dtype and on its device unless given."""
        size = _creation._sizes(sizes, size)
        return _creation.ones(*size, **self._new_options("new_ones", size, dtype, device, requires_grad))

    def new_empty(self, *sizes, size=None, dtype=None, device=None, requires_grad=False, layout=None,
                  pin_memory=False):
        """``empty(size)`` in this tensor's dtype and on its device unless given."""
        size = _creation._sizes(sizes, size)
        return _creation.empty(*size, **self._new_options("new_empty", size, dtype, device, requires_grad))

    def new_full(self, size, fill_value, *, dtype=None, device=None, requires_grad=False, layout=None,
                 pin_memory=False):
        """``full(size, fill_value)`` in this tensor's dtype and on its device unless given."""
        if not isinstance(size, (tuple, list)):
            raise TypeError(f"new_full(): argument 'size' (position 1) must be tuple of ints, not "
                            f"{type(size).__name__}")
        return _creation.full(tuple(size), fill_value,
                              **self._new_options("new_full", (tuple(size),), dtype, device, requires_grad))

    def new(self, *args, device=None):
        """Legacy ``x.new(2, 3)`` / ``x.new(data)``: the legacy constructor in this tensor's dtype."""
        return Tensor(*args, dtype=self.dtype, device=self._device if device is None else device)

    # ---- printing ---------------------------------------------------------------------------
    def __repr__(self, prefix="tensor("):
        fn = self._grad_fn
        return _printing.tensor_repr(
            self._host(), self.dtype.name, requires_grad=self._requires_grad and fn is None,
            grad_fn_name=None if fn is None else fn.name,
            device=None if self._device.type == "cpu" else str(self._device), prefix=prefix)

    __str__ = __repr__

    def __format__(self, spec):
        if self._data.ndim == 0 and spec:
            return format(self.item(), spec)
        return object.__format__(self, spec) if spec else repr(self)

    # ---- autograd ---------------------------------------------------------------------------
    def backward(self, gradient=None, retain_graph=None, create_graph=False, inputs=None):
        _autograd.backward(self, gradient, retain_graph, create_graph, inputs)

    def register_hook(self, hook):
        """``hook(grad)`` runs on this tensor's gradient in backward; a returned tensor replaces it."""
        return _autograd.hooks.register_hook(self, hook)

    def register_post_accumulate_grad_hook(self, hook):
        """``hook(tensor)`` runs after a backward has accumulated into this leaf's ``.grad``."""
        return _autograd.hooks.register_post_accumulate_grad_hook(self, hook)

    # ---- in place ---------------------------------------------------------------------------
    def _check_inplace(self):
        """torch's errors for an in-place change of a leaf that requires grad, or of a view of one."""
        if not _grad_state.enabled or not self._requires_grad:
            return
        if self._grad_fn is None:
            raise RuntimeError("a leaf Variable that requires grad is being used in an in-place operation.")
        fn = self._grad_fn
        while fn.is_view:
            base = fn.inputs[0]
            if base._grad_fn is None:
                raise RuntimeError("a view of a leaf Variable that requires grad is being used in an in-place "
                                   "operation.")
            fn = base._grad_fn

    def _bump(self):
        self._version[0] += 1
        if self._device.type != "cpu" and "_view_of" in self.__dict__ and not (
                _grad_state.enabled and self._requires_grad):
            S.write_back(self)  # a device view is a copy: its base takes the new values
        return self

    def _snapshot(self):
        """A new handle on this tensor's current value and graph position. An in-place op records its
        node on the snapshot, so the node reads the old value and points at the old ``grad_fn``."""
        t = Tensor._make(self._data, self._device, self._requires_grad)
        t._grad_fn = self._grad_fn
        t._version = [self._version[0]]
        return t

    def _inplace(self, fn, *args, **kwargs):
        """``self.<op>_(...)``: run ``fn(self, ...)`` out of place and make ``self`` hold the result.
        When that records a node, ``self`` continues the graph from it (its buffer is replaced, so
        views taken earlier no longer alias it); otherwise the values are written into ``self``'s
        buffer, which its views see. Either way the version counter moves on."""
        self._check_inplace()
        result = fn(self._snapshot() if _grad_state.enabled else self, *args, **kwargs)
        if result is NotImplemented:
            raise TypeError(f"unsupported operand type for in-place {fn.__name__}: '{type(args[0]).__name__}'")
        if result._data.shape != self._data.shape:
            raise RuntimeError(f"output with shape {list(self.shape)} doesn't match the broadcast shape "
                               f"{list(result.shape)}")
        if result.dtype != self.dtype:
            if result.dtype.category > self.dtype.category:
                raise RuntimeError(f"result type {dtypes.scalar_name(result.dtype)} can't be cast to the "
                                   f"desired output type {dtypes.scalar_name(self.dtype)}")
            result = result._cast(self.dtype)
        if result._grad_fn is None:
            self._backend().copyto(self._data, result._data)
        else:
            S.rebase(self, result)
        return self._bump()

    def _replace(self, op, *inputs, **options):
        """Make ``self`` the output of ``op`` applied to a snapshot of itself and ``inputs`` (for
        in-place ops whose node torch names after the op: CopyBackwards, CopySlices, FillBackward)."""
        S.rebase(self, op.apply(self._snapshot(), *inputs, **options))
        return self._bump()

    def fill_(self, value):
        self._check_inplace()
        if isinstance(value, Tensor):
            value = value.item()
        if _grad_state.enabled and self._requires_grad:
            return self._replace(S.Fill, value=value, name="FillBackward2")
        self._backend().fill(self._data, value)
        return self._bump()

    def zero_(self):
        self._check_inplace()
        if _grad_state.enabled and self._requires_grad:
            return self._replace(S.Fill, value=0, name="ZeroBackward0")
        self._backend().fill(self._data, 0)
        return self._bump()

    def copy_(self, src, non_blocking=False):
        src = (src if isinstance(src, Tensor) else _creation.tensor(src)).to(self._device)
        self._check_inplace()
        try:
            if _grad_state.enabled and (self._requires_grad or src._requires_grad):
                return self._replace(S.Copy, src)
            b = self._backend()
            b.copyto(self._data, b.broadcast_to(src._data, self._data.shape))
        except ValueError:
            shape = _broadcast_shape(self._data.shape, src._data.shape)
            raise RuntimeError(f"output with shape {list(self.shape)} doesn't match the broadcast shape "
                               f"{list(shape)}") from None
        return self._bump()

    def add_(self, other, alpha=1):
        return self._inplace(Tensor.add, other, alpha=alpha)

    def sub_(self, other, alpha=1):
        return self._inplace(Tensor.sub, other, alpha=alpha)

    def mul_(self, other):
        return self._inplace(Tensor.mul, other)

    def div_(self, other, rounding_mode=None):
        return self._inplace(Tensor.div, other, rounding_mode=rounding_mode)

    def clamp_(self, min=None, max=None):  # noqa: A002
        return self._inplace(Tensor.clamp, min, max)

    def masked_fill_(self, mask, value):
        return self._inplace(Tensor.masked_fill, mask, value)

    __iadd__ = add_
    __isub__ = sub_
    __imul__ = mul_
    __itruediv__ = div_

    # ---- indexing (minigrad/ops/indexing.py) ------------------------------------------------
    __getitem__ = I.getitem
    __setitem__ = I.setitem

    # ---- shape ------------------------------------------------------------------------------
    def _resolve_shape(self, shape):
        """The target of view/reshape with a ``-1`` filled in; torch's error when it cannot hold the data."""
        shape = _shape_args(shape)
        n = self._data.size
        if -1 in shape:
            if shape.count(-1) > 1:
                raise RuntimeError("only one dimension can be inferred")
            rest = math.prod(s for s in shape if s != -1)
            if rest > 0 and n % rest == 0:
                i = shape.index(-1)
                shape = shape[:i] + (n // rest,) + shape[i + 1:]
        if math.prod(shape) != n or min(shape, default=0) < 0:
            for s in shape:
                if s < -1:
                    raise RuntimeError(f"invalid shape dimension {s} at index {shape.index(s)} of shape "
                               f"[{', '.join(map(str, shape))}]")
            raise RuntimeError(f"shape '[{', '.join(map(str, shape))}]' is invalid for input of size {n}")
        return shape

    def view(self, *shape):
        if len(shape) == 1 and isinstance(shape[0], dtypes.dtype):
            raise NotImplementedError("view(dtype) is not supported by minigrad")
        shape = self._resolve_shape(shape)
        if not self.is_contiguous() and self._data.size > 1:
            try:
                self._data.view().shape = shape
            except AttributeError:
                raise RuntimeError("view size is not compatible with input tensor's size and stride (at least one "
                                   "dimension spans across two contiguous subspaces). Use .reshape(...) "
                                   "instead.") from None
        return S.View.apply(self, shape=shape)

    def reshape(self, *shape):
        return S.View.apply(self, shape=self._resolve_shape(shape),
                            name="ViewBackward0" if self.is_contiguous() else "UnsafeViewBackward0")

    def view_as(self, other):
        return self.view(other.shape)

    def reshape_as(self, other):
        return self.reshape(other.shape)

    def flatten(self, start_dim=0, end_dim=-1):
        if self._data.ndim == 0:
            return self.reshape(1)
        s, e = _dim(start_dim, self.ndim), _dim(end_dim, self.ndim)
        if s > e:
            raise RuntimeError("flatten() has invalid args: start_dim cannot come after end_dim")
        if s == e:
            return self  # nothing to merge: torch returns the tensor itself
        shp = self._data.shape
        return self.reshape(shp[:s] + (math.prod(shp[s:e + 1]),) + shp[e + 1:])

    def unflatten(self, dim, sizes):
        d = _dim(dim, self.ndim)
        shp = self._data.shape
        sizes = _shape_args((sizes,))
        known = math.prod(s for s in sizes if s != -1)
        if (-1 not in sizes and known != shp[d]) or (-1 in sizes and (known == 0 or shp[d] % known)):
            raise RuntimeError(f"unflatten: Provided sizes {list(sizes)} don't multiply up to the size of dim {d} "
                               f"({shp[d]}) in the input tensor")
        return self.view(shp[:d] + sizes + shp[d + 1:])

    def squeeze(self, dim=None):
        shp = self._data.shape
        if dim is None:
            return S.View.apply(self, shape=tuple(s for s in shp if s != 1), name="SqueezeBackward0")
        dims = _dims(dim, self.ndim) or ()
        new = tuple(s for i, s in enumerate(shp) if not (i in dims and s == 1))
        return S.View.apply(self, shape=new,
                            name="SqueezeBackward2" if isinstance(dim, (tuple, list)) else "SqueezeBackward1")

    def unsqueeze(self, dim):
        d = _dim(dim, self.ndim + 1, False)
        shp = self._data.shape
        return S.View.apply(self, shape=shp[:d] + (1,) + shp[d:], name="UnsqueezeBackward0")

    def permute(self, *dims):
        dims = _shape_args(dims)
        if len(dims) != self.ndim:
            raise RuntimeError(f"permute(sparse_coo): number of dimensions in the tensor input does not match "
                               f"the length of the desired ordering of dimensions i.e. input.dim() = {self.ndim} "
                               f"is not equal to len(dims) = {len(dims)}")
        dims = tuple(_dim(d, self.ndim) for d in dims)
        if len(set(dims)) != len(dims):
            raise RuntimeError("permute(): duplicate dims are not allowed.")
        return S.Permute.apply(self, dims=dims)

    def transpose(self, dim0, dim1):
        n = self.ndim
        order = list(range(n))
        a, b = _dim(dim0, n), _dim(dim1, n)
        if n:
            order[a], order[b] = order[b], order[a]
        return S.Permute.apply(self, dims=tuple(order), name="TransposeBackward0")

    swapaxes = transpose

    def _restride(self, view, name, *args):
        """``self.<view>_(...)``: this tensor becomes ``view(self, ...)``, the same memory read with new
        sizes and strides (views taken before still share it); a recorded graph continues from the
        view's node, named ``name`` as torch names the in-place form's."""
        self._check_inplace()
        result = view(self._snapshot() if _grad_state.enabled and self._requires_grad else self, *args)
        self._data = result._data
        if result._grad_fn is not None:
            self._grad_fn, result._grad_fn.name = result._grad_fn, name
        self.__dict__.pop("_view_of", None)  # no longer the view op's output: in-place writes do not map back
        return self._bump()

    def unsqueeze_(self, dim):
        return self._restride(Tensor.unsqueeze, "UnsqueezeBackward1", dim)

    def squeeze_(self, dim=None):
        return self._restride(Tensor.squeeze, "SqueezeBackward3" if dim is None else "SqueezeBackward4", dim)

    def transpose_(self, dim0, dim1):
        return self._restride(Tensor.transpose, "TransposeBackward1", dim0, dim1)

    def t_(self):
        return self._restride(Tensor.t, "TBackward1")

    swapaxes_ = swapdims_ = transpose_

    def t(self):
        if self.ndim > 2:
            raise RuntimeError(f"t() expects a tensor with <= 2 dimensions, but self is {self.ndim}D")
        return S.Permute.apply(self, dims=tuple(range(self.ndim))[::-1], name="TBackward0")

    @property
    def T(self):
        return S.Permute.apply(self, dims=tuple(range(self.ndim))[::-1], name="PermuteBackward0")

    @property
    def mT(self):
        return self.transpose(-2, -1)

    def expand(self, *sizes):
        sizes = _shape_args(sizes)
        shp = self._data.shape
        if len(sizes) < len(shp):
            raise RuntimeError(f"expand({self._printing_type()}{{{list(shp)}}}, size=[{', '.join(map(str, sizes))}]): "
                               "the number of sizes provided (%d) must be greater or equal to the number of "
                               "dimensions in the tensor (%d)" % (len(sizes), len(shp)))
        lead = len(sizes) - len(shp)
        target = []
        for i, s in enumerate(sizes):
            cur = shp[i - lead] if i >= lead else None
            if s == -1:
                if cur is None:
                    raise RuntimeError("The expanded size of the tensor (-1) isn't allowed in a leading, "
                                       "non-existing dimension %d" % i)
                s = cur
            elif cur is not None and cur != 1 and cur != s:
                raise _expand_error(shp, sizes)
            target.append(s)
        return S.Expand.apply(self, shape=tuple(target))

    def expand_as(self, other):
        return self.expand(other.shape)

    def repeat(self, *reps):
        reps = _shape_args(reps)
        if len(reps) < self.ndim:
            raise RuntimeError("Number of dimensions of repeat dims can not be smaller than number of dimensions "
                               "of tensor")
        if min(reps, default=0) < 0:
            shape = (1,) * (len(reps) - self.ndim) + self._data.shape
            out = [r * s for r, s in zip(reps, shape)]
            raise RuntimeError(f"Trying to create tensor with negative dimension {min(out)}: {out}")
        return S.Repeat.apply(self, reps=reps)

    def chunk(self, chunks, dim=0):
        if chunks <= 0:
            raise RuntimeError(f"chunk expects `chunks` to be greater than 0, got: {chunks}")
        d = _dim(dim, self.ndim, False)
        return self.split(builtins.max(1, -(-self._data.shape[d] // chunks)), d)

    def split(self, split_size, dim=0):
        d = _dim(dim, self.ndim, False)
        n = self._data.shape[d]
        if isinstance(split_size, (list, tuple)):
            sizes, name = _shape_args((split_size,)), "SplitWithSizesBackward0"
            if sum(sizes) != n or min(sizes, default=0) < 0:
                raise RuntimeError(f"split_with_sizes expects split_sizes to sum exactly to {n} (input tensor's size "
                                   f"at dimension {d}), but got split_sizes={list(sizes)}")
        else:
            if split_size <= 0 and not (split_size == 0 and n == 0):
                raise RuntimeError(f"split_size can only be 0 if dimension size is 0, but got dimension size of {n}")
            sizes = [builtins.min(split_size, n - i) for i in range(0, n, split_size)] if n else [0]
            name = "SplitBackward0"
        bounds = np.cumsum([0] + list(sizes))
        return I.views(self, [(slice(None),) * d + (slice(lo, hi),) for lo, hi in zip(bounds[:-1], bounds[1:])], name)

    def unbind(self, dim=0):
        d = _dim(dim, self.ndim, False)
        return I.views(self, [(slice(None),) * d + (i,) for i in range(self._data.shape[d])], "UnbindBackward0")

    # ---- arithmetic -------------------------------------------------------------------------
    def _operands(self, other, name=None):
        """Promote ``self`` and ``other`` (tensor, Python/numpy scalar, list or array) to torch's
        common dtype; (None, None) for an operand type tensors do not combine with."""
        if isinstance(other, Tensor):
            if other._data.dtype == self._data.dtype:
                return self, other
            dt = dtypes.result_type(self, other)
            return self._cast(dt), other._cast(dt)
        if isinstance(other, (builtins.int, builtins.float, np.number, np.bool_)) and not isinstance(other, complex):
            # (tensor, scalar): the scalar changes the dtype only when its category is higher
            cat = 0 if isinstance(other, (builtins.bool, np.bool_)) else \
                2 if isinstance(other, (builtins.float, np.floating)) else 1
            a = self if cat <= self.dtype.category else \
                self._cast(dtypes.default_for_category(cat))
            return a, a._scalar(other)
        if isinstance(other, (list, tuple, np.ndarray)):
            return self._operands(_creation.tensor(other, device=self._device))
        return None, None

    def _scalar(self, value):
        """A 0-d tensor holding ``value`` in this tensor's dtype (integers wrap, as torch's do)."""
        try:
            arr = np.asarray(value, dtype=self._data.dtype)
        except OverflowError:
            arr = np.asarray(value).astype(self._data.dtype)
        return Tensor._make(arr, self._device)

    def _binary(self, op, other, reverse=False, float_result=False, name=None, **options):
        a, b = self._operands(other)
        if a is None:
            return NotImplemented
        if float_result and a._data.dtype.kind != "f":
            a, b = a._cast(dtypes.default_float()), b._cast(dtypes.default_float())
        if reverse:
            a, b = b, a
        try:
            out = op.apply(a, b, **options)
        except ValueError as e:
            _broadcast_shape(a._data.shape, b._data.shape)
            raise RuntimeError(str(e)) from None
        if name is not None and out._grad_fn is not None:
            out._grad_fn.name = name
        return out

    def _check_bool_sub(self, other):
        mine = self._data.dtype == np.bool_
        theirs = other._data.dtype == np.bool_ if isinstance(other, Tensor) else isinstance(other, (builtins.bool,
                                                                                                    np.bool_))
        if mine and theirs:
            raise RuntimeError("Subtraction, the `-` operator, with two bool tensors is not supported. Use the `^` "
                               "or `logical_xor()` operator instead.")
        if mine or theirs:
            raise RuntimeError("Subtraction, the `-` operator, with a bool tensor is not supported. If you are "
                               "trying to invert a mask, use the `~` or `logical_not()` operator instead.")

    def add(self, other, alpha=1):
        other, alpha = _alpha_last("add", other, alpha)
        return self._binary(E.Add, other, alpha=alpha)

    def sub(self, other, alpha=1):
        other, alpha = _alpha_last("sub", other, alpha)
        self._check_bool_sub(other)
        return self._binary(E.Sub, other, alpha=alpha)

    def mul(self, other):
        return self._binary(E.Mul, other)

    def div(self, other, rounding_mode=None):
        if rounding_mode is None:
            return self._binary(E.Div, other, float_result=True)
        if rounding_mode not in ("floor", "trunc"):
            raise RuntimeError(f"div expected rounding_mode to be one of None, 'trunc', or 'floor' but found "
                               f"'{rounding_mode}'")
        a, b = self._operands(other)
        if a is None:
            raise TypeError(f"div(): argument 'other' must be Tensor or Number, not {type(other).__name__}")
        if a._data.dtype.kind == "f":  # rounded quotient: a zero gradient (torch's DivBackward2)
            return getattr(self._binary(E.Div, other), rounding_mode)()._renamed("DivBackward2")
        k, x, y = self._backend(), a._data, b._data
        q = _array(k.floor_divide(x, y))
        if rounding_mode == "trunc":  # floor rounds towards -inf; step back where the quotient is inexact
            q = _array(k.add(q, k.logical_and(k.less(q, 0), k.not_equal(k.multiply(q, y), x))))
        return Tensor._make(q, self._device)

    def _renamed(self, name):
        """This tensor with its grad_fn given torch's name for the operation that produced it."""
        if self._grad_fn is not None:
            self._grad_fn.name = name
        return self

    def __add__(self, other):
        return self._binary(E.Add, other)

    def __radd__(self, other):
        return self._binary(E.Add, other, reverse=True)

    def __sub__(self, other):
        return self.sub(other)

    def __rsub__(self, other):
        self._check_bool_sub(other)
        return self._binary(E.Sub, other, reverse=True, name="RsubBackward1")

    def __mul__(self, other):
        return self._binary(E.Mul, other)

    def __rmul__(self, other):
        return self._binary(E.Mul, other, reverse=True)

    def __truediv__(self, other):
        return self._binary(E.Div, other, float_result=True)

    def __rtruediv__(self, other):  # torch computes s / x as reciprocal(x) * s
        return self._binary(E.Div, other, reverse=True, float_result=True, name="MulBackward0")

    def __floordiv__(self, other):
        a, b = self._operands(other)
        return NotImplemented if a is None else _np_binary("floor_divide", a, b)

    def __rfloordiv__(self, other):
        a, b = self._operands(other)
        return NotImplemented if a is None else _np_binary("floor_divide", b, a)

    def __mod__(self, other):
        return self.remainder(other)

    def __rmod__(self, other):
        return _pointwise.FUNCTIONS["remainder"](other, self)

    def __pow__(self, other):
        return self._binary(E.Pow, other, scalar_exponent=not isinstance(other, Tensor))

    def __rpow__(self, other):
        return self._binary(E.Pow, other, reverse=True, scalar_base=True)

    pow = __pow__
    true_divide = __truediv__
    multiply = mul
    subtract = sub

    def __matmul__(self, other):
        return matmul(self, other)

    def __rmatmul__(self, other):
        return matmul(_creation.tensor(other), self)

    def __neg__(self):
        return self.neg()

    def __pos__(self):
        return self

    def __abs__(self):
        return self.abs()

    def _nondiff(self, name):
        """The backend function ``name`` of this tensor's data (no gradient)."""
        return Tensor._make(_array(getattr(self._backend(), name)(self._data)), self._device)

    def isnan(self):
        return self._nondiff("isnan")

    def isinf(self):
        return self._nondiff("isinf")

    def isfinite(self):
        return self._nondiff("isfinite")

    def clamp(self, min=None, max=None):  # noqa: A002
        if min is None and max is None:
            raise RuntimeError("torch.clamp: At least one of 'min' or 'max' must not be None")
        bounds = [b for b in (min, max) if b is not None]
        if any(isinstance(b, Tensor) for b in bounds):
            if not builtins.all(isinstance(b, Tensor) for b in bounds):
                raise TypeError("clamp() received an invalid combination of arguments: min and max must both be "
                                "Tensors or both be Numbers")
            dt = dtypes.result_type(self, *bounds)
            bounds = [_as_tensor(b, dt, self._device) for b in bounds]
            try:
                return E.ClampTensor.apply(self._cast(dt), *bounds, has_min=min is not None, has_max=max is not None)
            except ValueError:
                _broadcast_shape(self._data.shape, *[b._data.shape for b in bounds])
                raise
        x = self._cast(dtypes.result_type(self, *bounds))
        return E.Clamp.apply(x, min=min, max=max)

    clip = clamp

    def clamp_min(self, min):  # noqa: A002
        return self.clamp(min=min)._renamed("ClampMinBackward0")

    def clamp_max(self, max):  # noqa: A002
        return self.clamp(max=max)._renamed("ClampMaxBackward0")

    def maximum(self, other):
        _tensor_arg("maximum", "other", other, 1)
        return self._binary(E.Maximum, other)

    def minimum(self, other):
        _tensor_arg("minimum", "other", other, 1)
        return self._binary(E.Minimum, other)

    def masked_fill(self, mask, value):
        if not isinstance(mask, Tensor):
            raise TypeError(f"masked_fill(): argument 'mask' (position 1) must be Tensor, not {type(mask).__name__}")
        if mask.dtype is not dtypes.bool:
            raise RuntimeError("masked_fill_ only supports boolean masks, but got mask with dtype "
                               f"{dtypes.c_name(mask.dtype)}")
        if isinstance(value, Tensor):
            if value.ndim:
                raise RuntimeError("masked_fill_ only supports a 0-dimensional value tensor, but got tensor with "
                                   f"{value.ndim} dimension(s).")
            value = value._cast(self.dtype)
        try:
            if isinstance(value, Tensor):
                return E.MaskedFill.apply(self, value, mask=mask._data)
            return E.MaskedFill.apply(self, mask=mask._data, value=value)
        except ValueError:
            _broadcast_shape(mask._data.shape, self._data.shape)
            raise

    def where(self, condition, other):
        return where(condition, self, other)

    # ---- comparisons and logic (no gradient) ------------------------------------------------
    __eq__ = _compare_method("__eq__", "equal")
    __ne__ = _compare_method("__ne__", "not_equal")
    __lt__ = _compare_method("__lt__", "less")
    __le__ = _compare_method("__le__", "less_equal")
    __gt__ = _compare_method("__gt__", "greater")
    __ge__ = _compare_method("__ge__", "greater_equal")

    eq, ne, lt, le, gt, ge = __eq__, __ne__, __lt__, __le__, __gt__, __ge__

    def equal(self, other):
        return self.shape == other.shape and builtins.bool(np.array_equal(self._host(), other._host()))

    def isclose(self, other, rtol=1e-05, atol=1e-08, equal_nan=False):
        """|self − other| ≤ atol + rtol·|other| elementwise (equal infinities are close; NaNs when
        ``equal_nan``)."""
        if not isinstance(other, Tensor):
            raise TypeError(f"isclose(): argument 'other' (position 2) must be Tensor, not {type(other).__name__}")
        if other.dtype is not self.dtype:
            raise RuntimeError(f"{dtypes.scalar_name(self.dtype)} did not match {dtypes.scalar_name(other.dtype)}")
        if rtol < 0 or atol < 0:
            raise RuntimeError(f"{'rtol' if rtol < 0 else 'atol'} must be greater than or equal to zero, but got "
                               f"{rtol if rtol < 0 else atol}")
        with _autograd.no_grad():
            close = self == other
            if self.dtype is not dtypes.bool:
                a, b = self._float_or_cast(), other._float_or_cast()
                close = close | (((a - b).abs() <= atol + rtol * b.abs()) & b.isfinite())  # inf, -inf: not close
            if equal_nan:
                close = close | (self.isnan() & other.isnan())
        return close

    def allclose(self, other, rtol=1e-05, atol=1e-08, equal_nan=False):
        return builtins.bool(np.allclose(self._host(), other._host(), rtol=rtol, atol=atol, equal_nan=equal_nan))

    __and__ = _compare_method("__and__", "bitwise_and")
    __or__ = _compare_method("__or__", "bitwise_or")
    __xor__ = _compare_method("__xor__", "bitwise_xor")

    __rand__, __ror__, __rxor__ = __and__, __or__, __xor__

    def __invert__(self):
        if self.is_floating_point():
            raise TypeError("~ (operator.invert) is only implemented on integer and Boolean-type tensors")
        return self._nondiff("invert")

    def logical_not(self):
        return self._nondiff("logical_not")

    logical_and = _compare_method("logical_and", "logical_and")
    logical_or = _compare_method("logical_or", "logical_or")
    logical_xor = _compare_method("logical_xor", "logical_xor")

    # ---- reductions -------------------------------------------------------------------------
    def sum(self, dim=None, keepdim=False, dtype=None):
        dt = dtypes.get(dtype)
        if dt is None and self._data.dtype.kind != "f":
            dt = dtypes.int64
        return R.Sum.apply(self, axis=_dims(dim, self.ndim), keepdim=keepdim, dtype=None if dt is None else dt.np)

    def mean(self, dim=None, keepdim=False, dtype=None):
        dt = dtypes.get(dtype)
        if not (dt or self.dtype).is_floating_point:
            which = "Input" if dt is None else "Optional"
            raise RuntimeError(f"mean(): could not infer output dtype. {which} dtype must be either a floating point "
                               f"or complex dtype. Got: {dtypes.scalar_name(dt or self.dtype)}")
        return R.Mean.apply(self, axis=_dims(dim, self.ndim), keepdim=keepdim, dtype=None if dt is None else dt.np)

    def _check_reducible(self, name, dim):
        """torch's IndexError for reducing an empty tensor (or an empty dim) to an extreme."""
        if dim is None:
            if self._data.size == 0:
                raise (RuntimeError if name in ("max", "min") else IndexError)(
                    f"{name}(): Expected reduction dim to be specified for input.numel() == 0." +
                    (" Specify the reduction dim with the 'dim' argument." if name in ("max", "min") else ""))
            return None
        dims = _dims(dim, self.ndim)
        for d in dims:
            if self._data.shape[d] == 0:
                raise IndexError(f"{name}(): Expected reduction dim {d} to have non-zero size.")
        return dims

    def _extreme(self, dim, keepdim, largest, name):
        if isinstance(dim, Tensor):
            return maximum(self, dim) if largest else minimum(self, dim)
        dims = self._check_reducible(name, dim)
        if dims is None:
            return R.Amax.apply(self, largest=largest, name="MaxBackward1" if largest else "MinBackward1")
        x, keepdim = (self.reshape(1), False) if self.ndim == 0 else (self, keepdim)
        values, indices = R.Extreme.apply(x, axis=dims[0] if dims else 0, keepdim=keepdim, largest=largest)
        return _ReturnTypes(name, values, indices)

    def max(self, dim=None, keepdim=False):
        return self._extreme(dim, keepdim, True, "max")

    def min(self, dim=None, keepdim=False):
        return self._extreme(dim, keepdim, False, "min")

    def amax(self, dim=(), keepdim=False):
        dims = self._check_reducible("amax", None if dim in ((), []) else dim)
        return R.Amax.apply(self, axis=dims, keepdim=keepdim, largest=True)

    def amin(self, dim=(), keepdim=False):
        dims = self._check_reducible("amin", None if dim in ((), []) else dim)
        return R.Amax.apply(self, axis=dims, keepdim=keepdim, largest=False)

    def _arg(self, dim, keepdim, name):
        if self._data.dtype == np.bool_:
            raise RuntimeError(f"{name}(): does not support bool input")
        dims = self._check_reducible(name, dim)
        b, a = self._backend(), self._data
        if dims == ():  # a 0-d tensor along its (only) dim
            return Tensor._make(b.zeros((), np.int64), self._device)
        out = getattr(b, name)(a, axis=None if dims is None else dims[0], keepdims=keepdim)
        return Tensor._make(out, self._device)

    def argmax(self, dim=None, keepdim=False):
        return self._arg(dim, keepdim, "argmax")

    def argmin(self, dim=None, keepdim=False):
        return self._arg(dim, keepdim, "argmin")

    def prod(self, dim=None, keepdim=False, dtype=None):
        dt = dtypes.get(dtype) or (None if self._data.dtype.kind == "f" else dtypes.int64)
        x = self if dt is None else self._cast(dt)
        if dim is None:
            return R.Prod.apply(x)
        return R.Prod.apply(x, axis=_dim(dim, self.ndim), keepdim=keepdim)

    def var(self, dim=None, unbiased=None, keepdim=False, correction=None):
        return self._var(dim, unbiased, keepdim, correction, False)

    def std(self, dim=None, unbiased=None, keepdim=False, correction=None):
        return self._var(dim, unbiased, keepdim, correction, True)

    def _var(self, dim, unbiased, keepdim, correction, std):
        if isinstance(dim, builtins.bool):
            dim, unbiased = None, dim
        c = correction if correction is not None else (1 if unbiased is None or unbiased else 0)
        return R.Var.apply(self, axis=_dims(dim, self.ndim), correction=c, keepdim=keepdim, std=std)

    def logsumexp(self, dim, keepdim=False):
        return R.LogSumExp.apply(self._float_or_cast(), axis=_dims(dim, self.ndim), keepdim=keepdim)

    def _float_or_cast(self):
        return self if self._data.dtype.kind == "f" else self._cast(dtypes.default_float())

    def norm(self, p="fro", dim=None, keepdim=False, dtype=None):
        p = 2.0 if p in ("fro", None) else p
        if isinstance(p, str):
            raise RuntimeError(f"norm(): unsupported norm type {p!r}; minigrad computes vector p-norms")
        x = self._float_or_cast() if dtype is None else self._cast(dtypes.get(dtype))
        return R.Norm.apply(x, p=float(p), axis=_dims(dim, self.ndim), keepdim=keepdim)

    def softmax(self, dim, dtype=None):
        x = self if dtype is None else self._cast(dtypes.get(dtype))
        return SM.Softmax.apply(x._float_or_cast(), axis=_dim(dim, self.ndim))

    def log_softmax(self, dim, dtype=None):
        x = self if dtype is None else self._cast(dtypes.get(dtype))
        return SM.LogSoftmax.apply(x._float_or_cast(), axis=_dim(dim, self.ndim))

    def matmul(self, other):
        return matmul(self, other)

    mm = matmul

    def dot(self, other):
        if self.ndim != 1 or other.ndim != 1:
            raise RuntimeError(f"1D tensors expected, but got {self.ndim}D and {other.ndim}D tensors")
        return matmul(self, other)

    def _logical_reduce(self, name, dim, keepdim):
        axis = None if dim is None else _dims(dim, self.ndim)
        return Tensor._make(_array(getattr(self._backend(), name)(self._data, axis=axis, keepdims=keepdim)),
                            self._device)

    def all(self, dim=None, keepdim=False):
        return self._logical_reduce("all", dim, keepdim)

    def any(self, dim=None, keepdim=False):
        return self._logical_reduce("any", dim, keepdim)

    def nonzero(self, as_tuple=False):
        k = self._backend()
        nz = [k.astype(i, np.int64) for i in k.nonzero(self._data)]
        if as_tuple:
            return tuple(Tensor._make(i, self._device) for i in nz)
        return Tensor._make(k.concatenate([k.expand_dims(i, 1) for i in nz], axis=1), self._device)

    def count_nonzero(self, dim=None):
        axis = None if dim is None else _dims(dim, self.ndim)
        return Tensor._make(self._backend().count_nonzero(self._data, axis=axis), self._device)

    def cumsum(self, dim, dtype=None):
        x = self if dtype is None else self._cast(dtypes.get(dtype))
        d = _dim(dim, self.ndim)  # a 0-d tensor takes dim -1 or 0, as torch
        return R.Cumsum.apply(x, axis=d if self.ndim else None)

    def sort(self, dim=-1, descending=False, stable=False):
        a = self._data
        d = _dim(dim, self.ndim)
        if self.ndim == 0:
            return _ReturnTypes("sort", self.clone(), Tensor._make(np.zeros((), np.int64), self._device))
        k = self._backend()
        if descending:  # (n−1) − reversed(stable ascending order of reversed a): NaN first, ties in order
            rev = tuple(slice(None, None, -1) if i == d else slice(None) for i in range(a.ndim))
            up = k.astype(k.argsort(k.copy(k.index(a, rev)), axis=d, kind="stable"), np.int64)
            idx = k.subtract(a.shape[d] - 1, k.copy(k.index(up, rev)))
        else:
            idx = k.astype(k.argsort(a, axis=d, kind="stable"), np.int64)
        values = I.Index.apply(self, index=I.take_along(idx, d), advanced=True)._renamed("SortBackward0")
        return _ReturnTypes("sort", values, Tensor._make(idx, self._device))

    def nansum(self, dim=None, keepdim=False, dtype=None):
        """Σ over the elements that are not NaN (NaNs count as 0 and get no gradient)."""
        x = self.masked_fill(self.isnan(), 0) if self.is_floating_point() else self
        return x.sum(dim, keepdim, dtype)._renamed("NansumBackward0")

    def nanmean(self, dim=None, keepdim=False, dtype=None):
        """The mean over the elements that are not NaN: nansum / their count."""
        if not self.is_floating_point():
            raise RuntimeError(f"nanmean(): expected input to have floating point or complex dtype but got "
                               f"{dtypes.scalar_name(self.dtype)}")
        return self.nansum(dim, keepdim, dtype) / self.isnan().logical_not().sum(dim, keepdim)

    def _order_statistic(self, position, dim, keepdim):
        """The element at sorted position ``position(n, nan_count)`` along ``dim`` (over all elements
        when ``dim`` is None: the value alone) and its index. NaNs sort last, as torch's do."""
        x = self.reshape(-1) if dim is None or self.ndim == 0 else self
        d = 0 if x is not self else _dim(dim, self.ndim)
        values, indices = x.sort(d, stable=True)
        keep = tuple(1 if i == d else s for i, s in enumerate(x.shape))
        nans = (x.isnan().sum(d, keepdim=True) if x.is_floating_point() else
                Tensor._make(np.zeros(keep, np.int64), self._device))
        pos = position(x.shape[d], nans)
        v, i = values.gather(d, pos), indices.gather(d, pos)
        if self.ndim == 0 or (dim is not None and not keepdim):
            shape = tuple(self.shape[:d] + self.shape[d + 1:])
            v, i = v.reshape(shape), i.reshape(shape)
        return v, i

    def median(self, dim=None, keepdim=False):
        """The lower median (element ⌊(n−1)/2⌋ in sorted order; NaN where a NaN is present), over all
        elements or, with ``dim``, along it with its index."""
        if dim is None and self.numel() == 0:
            return _creation.full((), float("nan"), dtype=self.dtype, device=self._device)

        def position(n, nans):
            return where(nans > 0, n - nans, (n - 1) // 2)
        v, i = self._order_statistic(position, dim, keepdim)
        if dim is None and not (self._requires_grad and _grad_state.enabled):
            return v.reshape(())
        if dim is None:  # torch spreads the gradient evenly over every element equal to the median (NaN: NaNs)
            v = v.reshape(()).detach()
            ties = (self == v) | (self.isnan() & v.isnan())
            spread = self.masked_fill(ties.logical_not(), 0).sum() / ties.sum()
            return (v + (spread - spread.detach()))._renamed("MedianBackward0")  # the value stays v exactly
        return _ReturnTypes("median", v._renamed("MedianBackward1"), i)

    def kthvalue(self, k, dim=-1, keepdim=False):
        """The k-th smallest element along ``dim`` and its index (NaNs count as the largest)."""
        d = _dim(dim, self.ndim)
        n = self.shape[d] if self.ndim else 1
        if not 1 <= k <= n:
            raise RuntimeError(f"kthvalue(): selected number k out of range for dimension {d}")
        v, i = self._order_statistic(lambda n, nans: nans.new_full(tuple(nans.shape), k - 1), d, keepdim)
        return _ReturnTypes("kthvalue", v._renamed("KthvalueBackward0"), i)

    def argsort(self, dim=-1, descending=False, stable=False):
        """The indices that sort along ``dim`` (``sort(...).indices``)."""
        return self.sort(dim, descending, stable)[1]

    def gather(self, dim, index):
        d = _dim(dim, self.ndim)
        if not isinstance(index, Tensor) or index._data.dtype.kind not in "iu":
            raise RuntimeError("gather(): Expected dtype int32/int64 for index")
        idx = index._host()
        if idx.ndim != builtins.max(self.ndim, 1) and idx.size:
            raise RuntimeError("Index tensor must have the same number of dimensions as input tensor")
        n = self._data.shape[d] if self.ndim else 1
        if idx.size and (idx.min() < -n or idx.max() >= n):
            bad = idx.max() if idx.max() >= n else idx.min()
            raise RuntimeError(f"index {bad} is out of bounds for dimension {d} with size {n}")
        if self.ndim == 0:
            return I.Index.apply(self, index=(), advanced=False).clone()._renamed("GatherBackward0")
        for k, (i, s) in enumerate(zip(idx.shape, self._data.shape)):
            if k != d and i > s:
                raise RuntimeError(f"Size does not match at dimension {k} expected index {list(idx.shape)} to be no "
                                   f"larger than self {list(self.shape)} apart from dimension {d}")
        return I.Index.apply(self, index=I.take_along(idx, d), advanced=True)._renamed("GatherBackward0")

    def topk(self, k, dim=-1, largest=True, sorted=True):  # noqa: A002
        d = _dim(dim, self.ndim)
        n = self._data.shape[d] if self.ndim else 1
        if not 0 <= k <= n:
            raise RuntimeError("selected index k out of range")
        values, indices = self.sort(dim, descending=largest)
        sl = (slice(None),) * d + (slice(0, k),)
        return _ReturnTypes("topk", values[sl]._renamed("TopkBackward0"), indices[sl])

    def unique(self, sorted=True, return_inverse=False, return_counts=False, dim=None):  # noqa: A002
        k = self._backend()
        u = k.unique(self._data, return_inverse=return_inverse, return_counts=return_counts)
        if not isinstance(u, tuple):
            return Tensor._make(u, self._device)
        return tuple(Tensor._make(x if i == 0 else k.astype(x, np.int64), self._device) for i, x in enumerate(u))


_tensor_core._Tensor = Tensor  # what TensorCore.make builds by default


def _alpha_last(name, other, alpha):
    """``(other, alpha)`` of ``add``/``sub``, also from torch's deprecated order ``add(input, alpha, other)``
    (a number, then a tensor), which torch still accepts with a warning."""
    if isinstance(alpha, Tensor) and not isinstance(other, Tensor):
        warnings.warn(f"This overload of {name} is deprecated:\n\t{name}(Tensor input, Number alpha, Tensor other, *, "
                      f"Tensor out = None)\nConsider using one of the following signatures instead:\n\t{name}(Tensor "
                      f"input, Tensor other, *, Number alpha = 1, Tensor out = None)", UserWarning, stacklevel=3)
        return alpha, other
    return other, alpha


def _expand_error(shape, sizes):
    """torch's RuntimeError for expanding ``shape`` to ``sizes`` (the first dim that cannot)."""
    lead = len(sizes) - len(shape)
    for i, s in enumerate(sizes):
        cur = shape[i - lead] if i >= lead else 1
        if cur not in (1, s):
            break
    else:
        i, s, cur = 0, sizes[0] if sizes else 0, shape[0] if shape else 0
    return RuntimeError(f"The expanded size of the tensor ({s}) must match the existing size ({cur}) at non-singleton "
                        f"dimension {i}.  Target sizes: [{', '.join(map(str, sizes))}].  Tensor sizes: "
                        f"[{', '.join(map(str, shape))}]")


def _array(out):
    """A backend result as an array (numpy's ufuncs give 0-d inputs a scalar)."""
    return np.asarray(out) if isinstance(out, np.generic) else out


def _np_binary(name, a, b):
    """A tensor of the backend function ``name`` over two promoted tensors (no gradient), with torch's
    broadcast error."""
    try:
        return Tensor._make(_array(getattr(a._backend(), name)(a._data, b._data)), a._device)
    except ValueError:
        _broadcast_shape(a._data.shape, b._data.shape)
        raise


def _broadcast_shape(*shapes):
    """The broadcast of ``shapes``; torch's RuntimeError naming the first pair that cannot broadcast."""
    out = ()
    for s in shapes:
        try:
            out = np.broadcast_shapes(out, s)
        except ValueError:
            m = _mismatch(out, s)
            raise RuntimeError(f"The size of tensor a ({m[0]}) must match the size of tensor b ({m[1]}) at "
                               f"non-singleton dimension {m[2]}") from None
    return out


def _mismatch(a, b):
    n = builtins.max(len(a), len(b))
    a, b = (1,) * (n - len(a)) + tuple(a), (1,) * (n - len(b)) + tuple(b)
    for i in range(n - 1, -1, -1):
        if a[i] != b[i] and a[i] != 1 and b[i] != 1:
            return a[i], b[i], i
    return a[-1], b[-1], n - 1


def _rebuild(arr, device, requires_grad):
    return _creation.tensor(arr, device=device, requires_grad=requires_grad)


_pointwise.install(Tensor)
from . import creation as _creation  # noqa: E402 - tensor() (creation imports this module)
_random.install(Tensor)  # uniform_, normal_, bernoulli_, multinomial, ... (random.py)
_functions.install(Tensor, I, L, S, _scan)  # bmm, einsum, tril, ...: the non-pointwise ops (ops/functions.py)
for _alias, _name in (("divide", "div"), ("greater", "gt"), ("greater_equal", "ge"), ("less", "lt"),  # torch's
                      ("less_equal", "le"), ("not_equal", "ne"), ("ravel", "flatten")):           # other names
    setattr(Tensor, _alias, getattr(Tensor, _name))
for _name in ("divide", "multiply", "subtract", "true_divide", "pow", "eq", "ne", "lt", "le", "gt", "ge", "greater",
              "greater_equal", "less", "less_equal", "not_equal", "clamp_min", "clamp_max", "clip", "logical_and",
              "logical_or", "logical_xor", "logical_not", "cumsum"):
    if not hasattr(Tensor, _name + "_"):
        setattr(Tensor, _name + "_", _pointwise._inplace(getattr(Tensor, _name)))
del _alias, _name


# ---- functions over several tensors -----------------------------------------------------------
def matmul(a, b, *, out=None):
    if not isinstance(b, Tensor) or not isinstance(a, Tensor):
        raise TypeError(f"matmul(): argument 'other' (position 1) must be Tensor, not {type(b).__name__}")
    if a.ndim == 0 or b.ndim == 0:
        raise RuntimeError(f"both arguments to matmul need to be at least 1D, but they are {a.ndim}D and {b.ndim}D")
    if a.dtype != b.dtype:
        raise RuntimeError(f"expected m1 and m2 to have the same dtype, but got: {dtypes.c_name(a.dtype)} != "
                           f"{dtypes.c_name(b.dtype)}")
    ka, kb = a.shape[-1], b.shape[-2] if b.ndim > 1 else b.shape[0]
    if b.ndim > 2:  # a batched product: the batch dims must broadcast, then the inner sizes agree
        batch = _broadcast_shape(a.shape[:-2], b.shape[:-2])
        if ka != kb:
            raise RuntimeError(f"Expected size for first two dimensions of batch2 tensor to be: "
                               f"[{math.prod(batch)}, {ka}] but got: [{math.prod(batch)}, {kb}].")
    elif ka != kb:  # torch folds a's leading dims into rows
        rows = math.prod(a.shape[:-1])
        if a.ndim == 1 and b.ndim == 1:
            raise RuntimeError(f"inconsistent tensor size, expected tensor [{ka}] and src [{kb}] to have the same "
                               f"number of elements, but got {ka} and {kb} elements respectively")
        if b.ndim == 1:
            raise RuntimeError(f"size mismatch, got input ({rows}), mat ({rows}x{ka}), vec ({kb})")
        raise RuntimeError(f"mat1 and mat2 shapes cannot be multiplied ({rows}x{ka} and {b.shape[0]}x{b.shape[1]})")
    return _functions.write_out("matmul", L.Matmul.apply(a, b), out)


def _tensor_arg(fn, name, value, pos):
    """torch's TypeError for a non-tensor argument where only a tensor is accepted."""
    if not isinstance(value, Tensor):
        kind = type(value)
        kind = kind.__name__ if kind.__module__ == "builtins" else f"{kind.__module__}.{kind.__name__}"
        raise TypeError(f"{fn}(): argument '{name}' (position {pos}) must be Tensor, not {kind}")


def maximum(a, b):
    _tensor_arg("maximum", "input", a, 1)
    _tensor_arg("maximum", "other", b, 2)
    return a.maximum(b)


def minimum(a, b):
    _tensor_arg("minimum", "input", a, 1)
    _tensor_arg("minimum", "other", b, 2)
    return a.minimum(b)


def _as_tensor(x, dt, device):
    return x._cast(dt) if isinstance(x, Tensor) else Tensor._make(np.asarray(x, dtype=dt.np), device)


def where(condition, input=None, other=None, *, out=None):  # noqa: A002
    if input is None and other is None:
        return condition.nonzero(as_tuple=True)
    cond = condition._data if isinstance(condition, Tensor) else np.asarray(condition)
    if cond.dtype == np.uint8:  # torch still accepts byte masks
        cond = condition._backend().astype(cond, np.bool_) if isinstance(condition, Tensor) else cond.astype(np.bool_)
    if cond.dtype != np.bool_:
        raise RuntimeError(f"where expected condition to be a boolean tensor, but got a tensor with dtype "
                           f"{dtypes.scalar_name(dtypes.from_numpy(cond.dtype))}")
    dev = next((x._device for x in (input, other) if isinstance(x, Tensor)), _dev.CPU)
    dt = dtypes.result_type(input, other)
    a, b = _as_tensor(input, dt, dev), _as_tensor(other, dt, dev)
    try:
        return _functions.write_out("where", E.Where.apply(a, b, cond=cond), out)
    except ValueError:
        _broadcast_shape(cond.shape, a._data.shape, b._data.shape)
        raise
