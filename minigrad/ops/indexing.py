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

import numpy as np

from ..autograd.grad_mode import state as _grad_state
from ..autograd.op import Op


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
    from ..tensor import _expand_error, tensor
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
