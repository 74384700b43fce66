"""Indexing: ``t[index]``, ``t[index] = v`` and in-place changes made through a view.

A torch index (ints, slices, None, Ellipsis, bools, integer/bool tensors, lists) is translated to a
numpy one once (``parse``), validated there, before any backend runs. Basic indices give views;
advanced indices gather, and their gradient scatter-adds:

    y = a[k]:        da = zeros_like(a) with g added at k (repeated indices sum)
    y = put(a, k, v): da = g with the slots at k zeroed,  dv = g[k]

An in-place op on a basic-index view writes back into its base as ``put(base, key, value)``
(torch's CopySlices; see ``shape.rebase``).
"""
import builtins
import numbers
import warnings

import numpy as np

from ..autograd.grad_mode import no_grad
from ..autograd.grad_mode import state as _grad_state
from ..autograd.op import Op
from ..dtypes import scalar_name
from .functions import check_tensor, write_out
from .functions import dim as _dim


class Index(Op):
    """``a[index]`` for a numpy-ready index; advanced indices scatter-add their gradient. Basic
    indexing returns a view, as torch does."""

    def forward(self, a, index=None, name="IndexBackward0", advanced=False):
        self.name, self.index, self.shape, self.advanced = name, index, a.shape, advanced
        self.is_view = self.stateless = not advanced
        return self.backend.index(a, index)

    def backward(self, g):
        return self.backend.index_add(self.shape, self.index, g, self.advanced)

    @staticmethod
    def unview(base, value, index=None, **_):
        return IndexPut.apply(base, value, index=index, name="CopySlices")


class IndexPut(Op):
    """``a[index] = v`` out of place (torch's CopySlices): ``a`` gets g with the slots zeroed."""

    def forward(self, a, v, index=None, name="CopySlices"):
        self.index, self.name = index, name
        return self.backend.index_put(a, index, v)

    def backward(self, g):
        b = self.backend
        ga = b.index_put(g, self.index, 0) if self.needs_input_grad[0] else None
        return ga, (b.index(g, self.index) if self.needs_input_grad[1] else None)


def parse(t, index):
    """Translate a torch index on ``t`` to a numpy one. Returns ``(numpy index, advanced, name, alias)``:
    ``name`` is the node torch records for ``t[index]`` (the last view it applies: Select, Slice or
    Unsqueeze; Index for advanced indexing; Alias when none) and ``alias`` says the index selects
    everything unchanged (torch then treats an assignment as ``copy_``/``fill_``)."""
    bare = not isinstance(index, tuple)
    items = (index,) if bare else index
    shape, ndim = t._data.shape, t._data.ndim
    out, takes, advanced = [], [], False  # takes: how many dims each item consumes
    tensor_type = _tensor_type()
    for it in items:
        if isinstance(it, tensor_type):
            if it._data.dtype.kind == "f":
                raise IndexError("tensors used as indices must be long, int, byte or bool tensors")
            if it._device.type != "cpu" and it._data.dtype.kind in "iu" and it._data.ndim:
                out.append(it._data)  # an integer index stays on its device (the backend gathers)
                takes.append(1)
                advanced = True
                continue
            arr = it._host()
            it = int(arr) if arr.ndim == 0 and arr.dtype.kind in "iu" else arr
        elif isinstance(it, (list, np.ndarray)):
            it = np.asarray(it)
            if it.size == 0 and it.dtype.kind == "f":
                it = it.astype(np.int64)
        if isinstance(it, np.ndarray):
            advanced = True
            takes.append(it.ndim if it.dtype == np.bool_ else 1)
        elif it is None or isinstance(it, builtins.bool):
            advanced = advanced or it is not None
            takes.append(0)
        elif it is Ellipsis:
            takes.append(None)
        elif isinstance(it, (numbers.Integral, np.integer, slice)):
            if ndim == 0 and not isinstance(it, slice):
                raise IndexError("invalid index of a 0-dim tensor. Use `tensor.item()` in Python or "
                                 "`tensor.item<T>()` in C++ to convert a 0-dim tensor to a number")
            takes.append(1)
        else:
            raise IndexError("only integers, slices (`:`), ellipsis (`...`), None and long or byte Variables "
                             f"are valid indices (got {type(it).__name__})")
        out.append(it)
    used = sum(n for n in takes if n is not None)
    if used > ndim:
        raise IndexError(f"too many indices for tensor of dimension {ndim}")
    name, alias, d = "AliasBackward0", True, 0
    for it, take in zip(out, takes):
        if take is None:
            d += ndim - used
            continue
        if isinstance(it, np.ndarray) and it.dtype == np.bool_:
            for k, (m, s) in enumerate(zip(it.shape, shape[d:d + it.ndim])):
                if m != s:
                    raise IndexError(f"The shape of the mask {list(it.shape)} at index {k} does not match the "
                                     f"shape of the indexed tensor {list(shape)} at index {d + k}")
        if isinstance(it, slice) and it.indices(shape[d]) == (0, shape[d], 1):
            if bare:
                name = "SliceBackward0"
        else:
            alias = False
            name = "UnsqueezeBackward0" if it is None else "SliceBackward0" if isinstance(it, slice) else \
                "SelectBackward0"
        d += take
    return tuple(out), advanced, "IndexBackward0" if advanced else name, alias and not advanced


def _tensor_type():
    from ..tensor import Tensor
    return Tensor


def getitem(t, index):
    if type(index) is int and t._data.ndim:  # the common t[i] and t[a:b]
        idx, advanced, name = index, False, "SelectBackward0"
    elif type(index) is slice and t._data.ndim:
        idx, advanced, name = index, False, "SliceBackward0"
    else:
        idx, advanced, name, _ = parse(t, index)
    try:
        return Index.apply(t, index=idx, name=name, advanced=advanced)
    except IndexError as e:
        raise IndexError(str(e).replace("axis", "dimension")) from None


def views(t, keys, name):
    """``t[key]`` for each basic key, as the outputs of one multi-view function (split, unbind): an
    in-place op that records a node on one of them raises, as in torch."""
    out = tuple(Index.apply(t, index=key, name=name) for key in keys)
    for i, v in enumerate(out):
        v.__dict__["_view_of"] = (t, _MultiView(i, name[:-len("Backward0")]), {})
    return out


class _MultiView:
    """The ``_view_of`` op of a split/unbind output: it cannot write back."""

    def __init__(self, i, fn):
        self.i, self.fn = i, fn

    def unview(self, base, value):
        raise RuntimeError(f"Output {self.i} of {self.fn} is a view and is being modified inplace. This view is the "
                           "output of a function that returns multiple views. Such functions do not allow the output "
                           "views to be modified inplace. You should replace the inplace operation by an out-of-place "
                           "one.")


def setitem(t, index, value):
    from ..creation import tensor
    from ..tensor import _expand_error
    idx, advanced, _, alias = parse(t, index)
    if not isinstance(value, _tensor_type()):
        value = tensor(value, dtype=t.dtype, device=t._device)
    t._check_inplace()
    try:
        if _grad_state.enabled and (t._requires_grad or value._requires_grad):
            name = "IndexPutBackward0" if advanced else \
                ("CopyBackwards" if value.ndim else "FillBackward3") if alias else "CopySlices"
            t._replace(IndexPut, value._cast(t.dtype), index=idx, name=name)
            return
        t._backend().setitem(t._data, idx, value.to(t._device)._data)
    except IndexError as e:
        raise IndexError(str(e).replace("axis", "dimension")) from None
    except ValueError:
        raise _expand_error(value.shape, t._data[idx].shape) from None
    t._bump()


def take_along(idx, axis):
    """The advanced index that picks ``idx[..., i, ...]`` along ``axis`` (numpy's take_along_axis)."""
    grid = list(np.indices(idx.shape, sparse=True))
    grid[axis] = idx
    return tuple(grid)


class IndexAdd(Op):
    """``a`` with ``v`` added at ``index`` (repeated indices add up): da = g, dv = g[index]."""
    stateless = True

    def forward(self, a, v, index=None, name="IndexAddBackward0"):
        self.index, self.name = index, name
        return self.backend.add(a, self.backend.index_add(a.shape, index, v, True))

    def backward(self, g):
        return g, (self.backend.index(g, self.index) if self.needs_input_grad[1] else None)


class ScatterExtreme(Op):
    """scatter_reduce with amax/amin/prod: ``a`` (or the reduction's identity where ``include_self``
    is off) combined with ``v`` at ``index``. amax/amin share the gradient evenly among the elements
    equal to the result (``a``'s and ``v``'s); prod passes g·out/x to each factor x."""
    name = "ScatterReduceBackward0"
    saves = (0, 1)
    saves_output = True

    def forward(self, a, v, index=None, reduce="amax", include_self=True):
        b = self.backend
        self.a, self.v, self.index, self.reduce, self.include_self = a, v, index, reduce, include_self
        base = a if include_self else b.index_put(a, index, _identity(reduce, a.dtype))
        self.out = b.scatter_reduce(base, index, v, reduce)
        return self.out

    def backward(self, g):
        b, a, v, out, index = self.backend, self.a, self.v, self.out, self.index
        # elements of ``a`` that took part in their result
        self_in = True if self.include_self else b.equal(b.index_put(b.full_like(a, 0), index, 1), 0)
        if self.reduce == "prod":
            return self._prod_backward(g, self_in)
        a_eq, v_eq = b.equal(a, out), b.equal(v, b.index(out, index))  # (a tie with ``a`` counts even when left out)
        count = b.add(b.astype(a_eq, g.dtype), b.index_add(a.shape, index, b.astype(v_eq, g.dtype), True))
        share = b.divide(g, b.where(b.equal(count, 0), 1, count))
        return b.where(b.logical_and(a_eq, self_in), share, 0), b.where(v_eq, b.index(share, index), 0)


    def _prod_backward(self, g, self_in):
        """Each factor x of out = Π x gets g·(the product of the other factors): g·out/x where x ≠ 0; where
        x is the only zero among its output's factors, g·(the product of the nonzero ones); else 0."""
        b, a, v, out, index = self.backend, self.a, self.v, self.out, self.index
        a_zero, v_zero = b.logical_and(b.equal(a, 0), self_in), b.equal(v, 0)
        zeros = b.add(b.astype(a_zero, g.dtype), b.index_add(a.shape, index, b.astype(v_zero, g.dtype), True))
        nonzero = b.scatter_reduce(b.where(b.logical_or(a_zero, b.logical_not(self_in)), 1, a), index,
                                   b.where(v_zero, 1, v), "prod")
        alone = b.where(b.equal(zeros, 1), b.multiply(g, nonzero), 0)  # the gradient of a lone zero factor
        g_out = b.multiply(g, out)
        ga = b.where(a_zero, alone, b.divide(g_out, b.where(a_zero, 1, a)))
        gv = b.where(v_zero, b.index(alone, index), b.divide(b.index(g_out, index), b.where(v_zero, 1, v)))
        return b.where(self_in, ga, 0), gv


def _identity(reduce, dtype):
    """The value an amax/amin/prod reduction starts from in ``dtype``."""
    if reduce == "prod":
        return 1
    if dtype.kind == "f":
        return -np.inf if reduce == "amax" else np.inf
    if dtype.kind == "b":
        return reduce == "amin"
    return np.iinfo(dtype).min if reduce == "amax" else np.iinfo(dtype).max


class NoDerivative(Op):
    """A result (``value``) that torch records without a derivative: backward raises, as torch's."""
    name = "NotImplemented"

    def forward(self, a, value=None, op=""):
        self.op = op
        return value

    def backward(self, g):
        raise RuntimeError(f"derivative for aten::{self.op} is not implemented")


# ---- public functions (torch.<name>, Tensor.<name>) ---------------------------------------------
def _index_arg(name, index, dtypes_msg="int32 or int64"):
    check_tensor(name, "index", index, 3)
    if index.dtype.name not in ("int64", "int32"):
        raise RuntimeError(f"{name}(): Expected dtype {dtypes_msg} for index")
    return index._host().astype(np.int64)


def _check_range(idx, n, d, error=RuntimeError):
    if idx.size and (idx.min() < -n or idx.max() >= n):
        bad = idx.max() if idx.max() >= n else idx.min()
        raise error(f"index {bad} is out of bounds for dimension {d} with size {n}")


def index_select(input, dim, index, *, out=None):
    """The slices of ``input`` at ``index`` (a vector) along ``dim``."""
    check_tensor("index_select", "input", input, 1)
    idx = _index_arg("index_select", index)
    if idx.ndim > 1:
        raise IndexError("index_select(): Index is supposed to be a vector")
    d = _dim(dim, input.ndim)
    n = input.shape[d] if input.ndim else 1
    if idx.size and (idx.min() < 0 or idx.max() >= n):
        raise RuntimeError(f"INDICES element is out of DATA bounds, id={idx[(idx < 0) | (idx >= n)][0]} axis_dim={n}")
    x = input.reshape(1) if input.ndim == 0 else input
    result = Index.apply(x, index=(slice(None),) * d + (idx.reshape(-1),), advanced=True, name="IndexSelectBackward0")
    return write_out("index_select", result.reshape(()) if input.ndim == 0 else result, out)


def masked_select(input, mask, *, out=None):
    """The elements of ``input`` where ``mask`` (broadcast together), as a 1-D tensor."""
    check_tensor("masked_select", "input", input, 1)
    check_tensor("masked_select", "mask", mask, 2)
    if mask.dtype.name != "bool":
        raise RuntimeError("masked_select: expected BoolTensor for mask")
    from ..tensor import _broadcast_shape
    shape = _broadcast_shape(input.shape, mask.shape)
    m = np.broadcast_to(mask._host(), shape)
    x = input if tuple(input.shape) == shape else input.expand(shape)
    return write_out("masked_select", Index.apply(x, index=(m,), advanced=True, name="MaskedSelectBackward0"), out)


def take(input, index, *, out=None):
    """``input`` read as 1-D at ``index`` (the result has index's shape)."""
    check_tensor("take", "input", input, 1)
    idx = _index_arg("take", index, "int64")
    n = input.numel()
    if idx.size and (idx.min() < -n or idx.max() >= n):
        bad = idx.max() if idx.max() >= n else idx.min()
        raise IndexError(f"out of range: tried to access index {bad} on a tensor of {n} elements.")
    return write_out("take", Index.apply(input.reshape(-1), index=(idx,), advanced=True, name="TakeBackward0"), out)


def take_along_dim(input, indices, dim=None, *, out=None):
    """``input`` gathered at ``indices`` along ``dim`` (the two broadcast over the other dims; no dim:
    both flattened)."""
    check_tensor("take_along_dim", "input", input, 1)
    idx = _index_arg("take_along_dim", indices, "int64")
    if dim is None:
        n = input.numel()
        _check_range(idx, n, 0)
        idx = idx.reshape(-1) % max(n, 1)
        return write_out("take_along_dim", Index.apply(input.reshape(-1), index=(idx,), advanced=True,
                                                       name="GatherBackward0"), out)
    d = _dim(dim, input.ndim)
    if idx.ndim != input.ndim:
        raise RuntimeError("torch.take_along_dim(): input and indices should have the same number of dimensions, "
                           f"but got {input.ndim} dimensions for input, and {idx.ndim} dimensions for indices")
    from ..tensor import _broadcast_shape
    shape_x, shape_i = list(input.shape), list(idx.shape)
    shape_x[d] = shape_i[d] = 1
    common = list(_broadcast_shape(shape_x, shape_i))
    x = input.expand(common[:d] + [input.shape[d]] + common[d + 1:])
    idx = np.broadcast_to(idx, common[:d] + [idx.shape[d]] + common[d + 1:])
    _check_range(idx, input.shape[d], d)
    return write_out("take_along_dim", Index.apply(x, index=take_along(idx % max(input.shape[d], 1), d),
                                                   advanced=True, name="GatherBackward0"), out)


def _scatter_key(name, input, dim, index, src):
    """The advanced index of the positions ``scatter`` writes, and ``src`` cut to ``index``'s shape."""
    check_tensor(name, "input", input, 1)
    idx = _index_arg(name, index, "int32/int64")
    d = _dim(dim, input.ndim)
    if idx.ndim != max(input.ndim, 1) and idx.size:
        raise RuntimeError("Index tensor must have the same number of dimensions as self tensor")
    for k, (i, s) in enumerate(zip(idx.shape, input.shape)):
        if k != d and i > s:
            raise RuntimeError(f"Expected index {list(idx.shape)} to be no larger than self {list(input.shape)} apart "
                               f"from dimension {d}")
    if hasattr(src, "_data"):
        if src.ndim != idx.ndim and idx.size:
            raise RuntimeError("Index tensor must have the same number of dimensions as src tensor")
        for k, (i, s) in enumerate(zip(idx.shape, src.shape)):
            if i > s:
                raise RuntimeError(f"Expected index {list(idx.shape)} to be no larger than src {list(src.shape)}")
        src = src._cast(input.dtype)
        if tuple(src.shape) != idx.shape:
            src = src[tuple(slice(0, n) for n in idx.shape)]
    else:
        src = input._scalar(src)
    _check_range(idx, input.shape[d] if input.ndim else 1, d)
    return take_along(idx % max(input.shape[d] if input.ndim else 1, 1), d), src


def scatter(input, dim, index, src=None, *, value=None, reduce=None, out=None):
    """``input`` with ``src`` (a tensor, or a number ``value``) written at ``index`` along ``dim``."""
    src = value if src is None else src
    key, v = _scatter_key("scatter", input, dim, index, src)
    if reduce is not None:
        if reduce not in ("add", "multiply"):
            raise RuntimeError(f"reduce argument must be either add or multiply. Got {reduce}")
        if hasattr(src, "_data"):
            warnings.warn("The reduce argument of torch.scatter with Tensor src is deprecated and will be removed in a "
                          "future PyTorch release. Use torch.scatter_reduce instead for more reduction options.",
                          UserWarning, stacklevel=2)
        with no_grad():  # torch has no derivative for these
            if reduce == "multiply":
                result = ScatterExtreme.apply(input, v, index=key, reduce="prod", include_self=True)
            else:
                result = IndexAdd.apply(input, v, index=key)
        return write_out("scatter", NoDerivative.apply(input, value=result._data, op="scatter"), out)
    name = "ScatterBackward0" if hasattr(src, "_data") else "ScatterBackward1"
    return write_out("scatter", IndexPut.apply(input, v, index=key, name=name), out)


def scatter_add(input, dim, index, src, *, out=None):
    """``input`` with ``src`` added at ``index`` along ``dim`` (repeated indices add up)."""
    check_tensor("scatter_add", "src", src, 4)
    key, v = _scatter_key("scatter_add", input, dim, index, src)
    return write_out("scatter_add", IndexAdd.apply(input, v, index=key, name="ScatterAddBackward0"), out)


def scatter_reduce(input, dim, index, src, reduce, *, include_self=True, out=None):
    """``input`` combined with ``src`` at ``index`` along ``dim`` by sum, prod, mean, amax or amin."""
    reduce = {"max": "amax", "min": "amin"}.get(reduce, reduce)
    if reduce not in ("sum", "prod", "mean", "amax", "amin"):
        raise RuntimeError(f"reduce argument must be either sum, prod, mean, amax or amin, got {reduce}")
    check_tensor("scatter_reduce", "src", src, 4)
    key, v = _scatter_key("scatter_reduce", input, dim, index, src)
    if reduce in ("amax", "amin", "prod"):
        result = ScatterExtreme.apply(input, v, index=key, reduce=reduce, include_self=include_self)
        return write_out("scatter_reduce", result, out)
    base = input if include_self else IndexPut.apply(input, input._scalar(0), index=key)
    result = IndexAdd.apply(base, v, index=key, name="ScatterReduceBackward0")
    if reduce == "mean":
        count = np.full(input.shape, 1 if include_self else 0, np.int64)
        np.add.at(count, key, 1)
        count = input._make(input._backend().from_host(np.maximum(count, 1).astype(input._data.dtype)),
                            input._device)
        result = result // count if not input.is_floating_point() else result / count
        if result._grad_fn is not None:
            result._grad_fn.name = "ScatterReduceBackward0"
    return write_out("scatter_reduce", result, out)


def _index_along(name, input, dim, index, n_source=None, error=RuntimeError):
    """The advanced index of the slices ``index`` (a vector) selects along ``dim``, validated."""
    check_tensor(name, "input", input, 1)
    idx = _index_arg(name, index)
    if idx.ndim > 1:
        raise IndexError(f"{name}(): Index is supposed to be a vector")
    d = _dim(dim, input.ndim)
    if n_source is not None and n_source != idx.size:
        raise RuntimeError(f"{name}(): Number of indices ({idx.size}) should be equal to source.size(dim): "
                           f"({n_source}), for dim: {d}")
    n = input.shape[d] if input.ndim else 1
    _check_range(idx, n, d, error)
    return (slice(None),) * d + (idx.reshape(-1) % max(n, 1),), d


def _source(name, input, key, d, source):
    check_tensor(name, "source", source, 4)
    want = list(input.shape)
    if input.ndim:
        want[d] = key[d].size
    if list(source.shape) != want and source.numel() != int(np.prod(want)):
        raise RuntimeError(f"{name}(): Source/destination tensor must have same slice shapes. Destination slice shape:"
                           f" {want} at dimension {d} and source slice shape: {list(source.shape)}")
    return source._cast(input.dtype).reshape(want)


def index_add(input, dim, index, source, *, alpha=1, out=None):
    """``input`` with ``alpha·source`` added to the slices ``index`` selects along ``dim``."""
    check_tensor("index_add", "source", source, 4)
    key, d = _index_along("index_add_", input, dim, index, source.shape[_dim(dim, source.ndim)]
                          if source.ndim else 1)
    v = _source("index_add_", input, key, d, source)
    v = v if alpha == 1 else v * alpha
    return write_out("index_add", IndexAdd.apply(input, v, index=key, name="IndexAddBackward0"), out)


def index_copy(input, dim, index, source, *, out=None):
    """``input`` with the slices ``index`` selects along ``dim`` replaced by ``source``'s."""
    key, d = _index_along("index_copy_", input, dim, index)
    v = _source("index_copy_", input, key, d, source)
    return write_out("index_copy", IndexPut.apply(input, v, index=key, name="IndexCopyBackward0"), out)


def index_fill(input, dim, index, value):
    """``input`` with the slices ``index`` selects along ``dim`` set to ``value`` (a number or 0-d tensor)."""
    key, _ = _index_along("index_fill_", input, dim, index, error=IndexError)
    if hasattr(value, "_data"):
        if value.ndim:
            raise RuntimeError(f"index_fill_ only supports a 0-dimensional value tensor, but got tensor with "
                               f"{value.ndim} dimension(s).")
        v = value._cast(input.dtype)
    else:
        v = input._scalar(value)
    return IndexPut.apply(input, v, index=key, name="IndexFillBackward0" if not hasattr(value, "_data") else
                          "IndexFillBackward1")


def index_put(input, indices, values, accumulate=False):
    """``input`` with ``values`` put (or added, when ``accumulate``) at ``input[indices]``, ``indices``
    a tuple of index tensors (integer or bool)."""
    check_tensor("index_put", "input", input, 1)
    check_tensor("index_put", "values", values, 3)
    key, _, _, _ = parse(input, tuple(indices))
    target = np.lib.stride_tricks.as_strided(np.zeros(1), tuple(input.shape), (0,) * input.ndim)
    try:
        shape = target[key].shape  # (a zero-stride stand-in: the indexed shape without reading input)
    except IndexError as e:
        raise IndexError(str(e).replace("axis", "dimension")) from None
    try:
        np.broadcast_shapes(tuple(values.shape), shape)
    except ValueError:
        raise RuntimeError(f"shape mismatch: value tensor of shape {list(values.shape)} cannot be broadcast to "
                           f"indexing result of shape {list(shape)}") from None
    v = values._cast(input.dtype)
    op = IndexAdd if accumulate else IndexPut
    return op.apply(input, v, index=key, name="IndexPutBackward0")


def searchsorted(sorted_sequence, input, *, out_int32=False, right=False, side=None, sorter=None, out=None):
    """For each value, the index where inserting it keeps each row of ``sorted_sequence`` sorted
    (left: before equal elements; ``right``/``side='right'``: after)."""
    check_tensor("searchsorted", "sorted_sequence", sorted_sequence, 1)
    if side is not None:
        if side not in ("left", "right"):
            raise RuntimeError(f"torch.searchsorted(): side can only be 'left' or 'right' but got {side}")
        if right and side == "left":
            raise RuntimeError("torch.searchsorted(): side and right can't be set to opposites, got side of left while "
                               "right was True")
        right = side == "right"
    b, device = sorted_sequence._backend(), sorted_sequence._device
    seq = sorted_sequence._data
    values = input.to(device)._data if hasattr(input, "_data") else b.from_host(np.asarray(input))
    srt = None if sorter is None else sorter.to(device)._data
    if seq.ndim > 1 and (values.ndim != seq.ndim or values.shape[:-1] != seq.shape[:-1]):
        raise RuntimeError("torch.searchsorted(): boundaries tensor should be 1 dimension or the first N-1 dimensions "
                           "of boundaries tensor and input value tensor must match, but we got boundaries tensor "
                           f"{list(seq.shape)} and input value tensor {list(values.shape)}")
    result = b.searchsorted(seq, values, side="right" if right else "left", sorter=srt)
    return write_out("searchsorted", sorted_sequence._make(b.astype(result, np.int32 if out_int32 else np.int64),
                                                           device), out)


def bucketize(input, boundaries, *, out_int32=False, right=False, out=None):
    """The bucket of each element of ``input`` among the sorted 1-D ``boundaries``."""
    check_tensor("bucketize", "boundaries", boundaries, 2)
    if boundaries.ndim != 1:
        raise RuntimeError(f"boundaries tensor must be 1 dimension, but got dim({boundaries.ndim})")
    return searchsorted(boundaries, input, out_int32=out_int32, right=right, out=out)


def histc(input, bins=100, min=0, max=0, *, out=None):  # noqa: A002 - torch's argument names
    """Histogram of ``input`` over ``bins`` equal bins in [min, max] (both 0: the data's range);
    elements outside are ignored."""
    check_tensor("histc", "input", input, 1)
    if not input.is_floating_point():
        raise NotImplementedError(f'"histogram_cpu" not implemented for \'{scalar_name(input)}\'')
    if bins <= 0:
        raise RuntimeError("torch.histc(): bins must be > 0, but got " + str(bins))
    if min > max:
        raise RuntimeError("torch.histc(): max must be larger than min")
    b, x = input._backend(), input._data
    lo, hi = float(min), float(max)
    if lo == hi and x.size:  # (two numbers read back)
        lo, hi = float(b.to_host(b.amin(x))), float(b.to_host(b.amax(x)))
    if lo == hi:
        lo, hi = lo - 1, hi + 1
    if not (np.isfinite(lo) and np.isfinite(hi)):
        raise RuntimeError(f"torch.histc(): range of [{lo}, {hi}] is not finite")
    return write_out("histc", input._make(b.histc(x, bins, lo, hi), input._device), out)


def bincount(input, weights=None, minlength=0):
    """How often each non-negative integer occurs in the 1-D ``input`` (summing ``weights`` instead)."""
    check_tensor("bincount", "input", input, 1)
    if input.is_floating_point():
        raise NotImplementedError(f'"bincount_cpu" not implemented for \'{scalar_name(input)}\'')
    b, x = input._backend(), input._data
    if x.ndim != 1 or (x.size and b.to_host(b.amin(x)) < 0):  # (one number read back)
        raise RuntimeError("bincount only supports 1-d non-negative integral inputs.")
    if minlength < 0:
        raise RuntimeError("minlength should be >= 0")
    if weights is None:
        return input._make(b.astype(b.bincount(x, minlength=minlength), np.int64), input._device)
    w = weights.to(input._device)._data
    if tuple(w.shape) != tuple(x.shape):
        raise RuntimeError("weights should be 1-d and have the same length as input")
    dt = w.dtype if w.dtype.kind == "f" else np.float64
    return input._make(b.astype(b.bincount(x, w, minlength=minlength), dt), input._device)


FUNCTIONS = {f.__name__: f for f in (
    bincount, bucketize, histc, index_add, index_copy, index_fill, index_put, index_select, masked_select, scatter,
    scatter_add, scatter_reduce, searchsorted, take, take_along_dim)}
METHODS = ("bincount", "histc", "index_add", "index_copy", "index_fill", "index_put", "index_select", "masked_select",
           "scatter", "scatter_add", "scatter_reduce", "take", "take_along_dim")
INPLACE = ("index_add", "index_copy", "index_fill", "index_put", "scatter", "scatter_add", "scatter_reduce")
