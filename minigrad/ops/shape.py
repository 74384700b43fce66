"""Ops that move data without arithmetic: views, broadcasting, concatenation, indexing, casts.
Each backward routes the gradient back to where each element came from."""
import numpy as np

from ..autograd.grad_mode import no_grad
from ..autograd.op import Op
from .functions import check_tensor, write_out
from .functions import dim as _dim
from .indexing import Index


class View(Op):
    """reshape/view/flatten/squeeze/unsqueeze; ``name`` is the torch node the caller asked for."""
    is_view = stateless = True

    def forward(self, a, shape=None, name="ViewBackward0"):
        self.name, self.in_shape = name, a.shape
        self.is_view = name != "UnsafeViewBackward0"  # reshape of a non-contiguous tensor copies
        return a.reshape(shape)

    def backward(self, g):
        return g.reshape(self.in_shape)

    @staticmethod
    def unview(base, value, **_):
        return View.apply(value, shape=base.shape)


class Permute(Op):
    is_view = stateless = True

    def forward(self, a, dims=None, name="PermuteBackward0"):
        self.name, self.inverse = name, tuple(np.argsort(dims))
        return self.backend.transpose(a, dims)

    def backward(self, g):
        return self.backend.transpose(g, self.inverse)

    @staticmethod
    def unview(base, value, dims=None, **_):
        return Permute.apply(value, dims=tuple(np.argsort(dims)))


class Expand(Op):
    is_view = stateless = True

    def forward(self, a, shape=None):
        return self.backend.broadcast_to(a, shape)

    def backward(self, g):
        return g  # the engine sums the broadcast dims back


class Repeat(Op):
    """``a`` tiled ``reps`` times per dim: viewed as (1, s₀, 1, s₁, …), broadcast to (r₀, s₀, r₁, s₁, …)
    and merged pairwise; the gradient sums the r dims of g viewed the same way."""
    stateless = True

    def forward(self, a, reps=None):
        self.in_shape = (1,) * (len(reps) - a.ndim) + a.shape
        self.split = tuple(n for r, s in zip(reps, self.in_shape) for n in (r, s))
        b = self.backend
        spread = b.broadcast_to(a.reshape(tuple(n for s in self.in_shape for n in (1, s))), self.split)
        return b.copy(spread).reshape(tuple(r * s for r, s in zip(reps, self.in_shape)))

    def backward(self, g):
        axes = tuple(range(0, len(self.split), 2))
        return self.backend.sum(g.reshape(self.split), axis=axes).reshape(self.in_shape)


class Cat(Op):
    """Concatenation; like torch, 1-D empty tensors are skipped whatever the others' shapes."""
    stateless = True

    def forward(self, *arrays, axis=0):
        self.axis = axis
        self.skip = [a.ndim == 1 and a.size == 0 for a in arrays]
        if all(self.skip) or not any(self.skip):
            self.skip = None
        used = arrays if self.skip is None else [a for a, s in zip(arrays, self.skip) if not s]
        self.bounds = np.cumsum([0] + [a.shape[axis] for a in used])
        return self.backend.concatenate(used, axis=axis)

    def backward(self, g):
        b, lead = self.backend, (slice(None),) * self.axis
        parts = [b.index(g, lead + (slice(lo, hi),)) for lo, hi in zip(self.bounds[:-1], self.bounds[1:])]
        if self.skip is None:
            return tuple(parts)
        parts = iter(parts)
        return tuple(b.zeros(0, g.dtype) if s else next(parts) for s in self.skip)


class Stack(Op):
    stateless = True

    def forward(self, *arrays, axis=0):
        self.axis = axis
        return self.backend.concatenate([self.backend.expand_dims(a, axis) for a in arrays], axis=axis)

    def backward(self, g):
        lead = (slice(None),) * self.axis
        return tuple(self.backend.index(g, lead + (i,)) for i in range(g.shape[self.axis]))


class Cast(Op):
    name = "ToCopyBackward0"
    stateless = True

    def forward(self, a, dtype=None):
        self.in_dtype = a.dtype
        return self.backend.astype(a, dtype)

    def backward(self, g):
        return self.backend.astype(g, self.in_dtype)


class Clone(Op):
    stateless = True

    def forward(self, a):
        return self.backend.copy(a)

    def backward(self, g):
        return g


class Copy(Op):
    """``dst.copy_(src)`` out of place: src broadcast and cast to dst's dtype; dst's old value gets
    a zero gradient, src the gradient (cast back to its dtype)."""
    name = "CopyBackwards"
    stateless = True

    def forward(self, dst, src):
        self.src_dtype = src.dtype
        return self.backend.copy(self.backend.broadcast_to(src, dst.shape), dst.dtype)

    def backward(self, g):
        return self.backend.full_like(g, 0), self.backend.astype(g, self.src_dtype)


class Fill(Op):
    """``t.fill_(value)``/``t.zero_()`` out of place: the old value gets a zero gradient."""
    stateless = True

    def forward(self, a, value=0, name="FillBackward2"):
        self.name = name
        return self.backend.full_like(a, value)

    def backward(self, g):
        return self.backend.full_like(g, 0)


def rebase(t, result):
    """Make ``t`` continue the graph from ``result``, the recorded out-of-place result of an in-place op
    on ``t``. When ``t`` is a view (``_view_of``: its base, view op and options), the base first takes
    the new values back through the view op's ``unview`` (for an index: put at the index, torch's
    CopySlices), and ``t`` is then re-read from the new base, as torch rebases a view's history."""
    view_of = t.__dict__.get("_view_of")
    if view_of is None:
        t._data, t._grad_fn, t._requires_grad = result._data, result._grad_fn, True
        return
    base, op, options = view_of
    rebase(base, op.unview(base._snapshot(), result, **options))
    new = op.apply(base, **options)
    new._grad_fn.name = "AsStridedBackward0"
    t._data, t._grad_fn, t._requires_grad = new._data, new._grad_fn, True


def write_back(t):
    """Put the values of ``t``, a view changed in place without recording a node, into its base (and
    on up): on a device whose views are copies (CUDA arrays), the base would not see them otherwise."""
    base, op, options = t.__dict__["_view_of"]
    with no_grad():
        new = op.unview(base.detach(), t.detach(), **options)
    base._backend().copyto(base._data, new._data)
    if "_view_of" in base.__dict__:
        write_back(base)


class Flip(Op):
    """Reverse ``dims`` (a copy, as torch): a read through reversed slices; its own gradient."""
    stateless = True

    def forward(self, a, dims=()):
        self.key = tuple(slice(None, None, -1) if d in dims else slice(None) for d in range(a.ndim))
        return self.backend.copy(self.backend.index(a, self.key))

    def backward(self, g):
        return self.backend.copy(self.backend.index(g, self.key))


# ---- public functions (torch.<name>, Tensor.<name>) ---------------------------------------------
def _dims_list(dims, ndim):
    dims = [dims] if isinstance(dims, int) else list(dims)
    out = [_dim(d, ndim) for d in dims]
    if len(set(out)) != len(out):
        raise RuntimeError(f"dim {out[0]} appears multiple times in the list of dims")
    return out


def flip(input, *dims):
    """``input`` reversed along ``dims`` (given as a list or one by one)."""
    check_tensor("flip", "input", input, 1)
    dims = dims[0] if len(dims) == 1 else dims
    return Flip.apply(input, dims=tuple(_dims_list(dims, input.ndim)))


def fliplr(input):
    """Reverse the columns (dim 1) of a tensor of at least 2 dims."""
    if input.ndim < 2:
        raise RuntimeError("Input must be >= 2-d.")
    return flip(input, 1)


def flipud(input):
    """Reverse the rows (dim 0) of a tensor of at least 1 dim."""
    if input.ndim < 1:
        raise RuntimeError("Input must be >= 1-d.")
    return flip(input, 0)


def roll(input, shifts, dims=None):
    """Elements shifted along ``dims`` by ``shifts``, wrapping around (no dims: over the flattened tensor)."""
    check_tensor("roll", "input", input, 1)
    shifts = [shifts] if isinstance(shifts, int) else list(shifts)
    if dims is None:
        if len(shifts) != 1:
            raise RuntimeError(f"shifts and dimensions must align. shifts: {len(shifts)}, dims:0")
        return roll(input.reshape(-1), shifts, 0).view(input.shape)
    dims = [dims] if isinstance(dims, int) else list(dims)
    if len(shifts) != len(dims):
        raise RuntimeError(f"shifts and dimensions must align. shifts: {len(shifts)}, dims:{len(dims)}")
    out = input
    for s, d in zip(shifts, dims):  # the last n - s elements along d, then the first ones
        d = _dim(d, input.ndim)
        n = input.shape[d]
        if n and s % n:
            lead = (slice(None),) * d
            out = Cat.apply(Index.apply(out, index=lead + (slice(n - s % n, n),), name="SliceBackward0"),
                            Index.apply(out, index=lead + (slice(0, n - s % n),), name="SliceBackward0"), axis=d)
    out = out.clone() if out is input else out
    if out._grad_fn is not None:
        out._grad_fn.name = "RollBackward0"
    return out


def rot90(input, k=1, dims=(0, 1)):
    """Rotation by ``k`` quarter turns in the plane of ``dims``, from the first towards the second."""
    check_tensor("rot90", "input", input, 1)
    if len(dims) != 2:
        raise RuntimeError(f"expected total rotation dims == 2, but got dims = {len(dims)}")
    if input.ndim < 2:
        raise RuntimeError(f"expected total dims >= 2, but got total dims = {input.ndim}")
    d0, d1 = _dim(dims[0], input.ndim), _dim(dims[1], input.ndim)
    if d0 == d1:
        raise RuntimeError(f"expected rotation dims to be different, but got dim0 = {d0} and dim1 = {d1}")
    k %= 4
    if k == 1:
        out = flip(input, d1).transpose(d0, d1)
    elif k == 2:
        out = flip(input, (d0, d1))
    elif k == 3:
        out = flip(input, d0).transpose(d0, d1)
    else:
        out = input.clone()
    if out._grad_fn is not None:
        out._grad_fn.name = "Rot90Backward0"
    return out


def movedim(input, source, destination):
    """``input`` with the dims in ``source`` moved to the positions in ``destination``."""
    check_tensor("movedim", "input", input, 1)
    src = [source] if isinstance(source, int) else list(source)
    dst = [destination] if isinstance(destination, int) else list(destination)
    if len(src) != len(dst):
        raise RuntimeError(f"movedim: Invalid source or destination dims: source ({src} dims) should contain the "
                           f"same number of dims as destination ({dst} dims)")
    src, dst = _dims_list(src, input.ndim), _dims_list(dst, input.ndim)
    order = [None] * input.ndim
    for s, d in zip(src, dst):
        order[d] = s
    rest = iter(i for i in range(input.ndim) if i not in src)
    order = [next(rest) if o is None else o for o in order]
    return input.permute(order)


def narrow(input, dim, start, length):
    """The view ``input[..., start:start + length, ...]`` along ``dim``."""
    check_tensor("narrow", "input", input, 1)
    if input.ndim == 0:
        raise RuntimeError("narrow() cannot be applied to a 0-dim tensor.")
    d = _dim(dim, input.ndim)
    n = input.shape[d]
    start = int(start)
    if not -n <= start <= n:
        raise IndexError(f"start out of range (expected to be in range of [{-n}, {n}], but got {start})")
    start %= n if n else 1
    if length < 0:
        raise RuntimeError("narrow(): length must be non-negative.")
    if start + length > n:
        raise RuntimeError(f"start ({start}) + length ({length}) exceeds dimension size ({n}).")
    return Index.apply(input, index=(slice(None),) * d + (slice(start, start + length),), name="SliceBackward0")


def select(input, dim, index):
    """The view of ``input`` at ``index`` along ``dim`` (that dim removed)."""
    check_tensor("select", "input", input, 1)
    if input.ndim == 0:
        raise IndexError("select() cannot be applied to a 0-dim tensor.")
    d = _dim(dim, input.ndim)
    n = input.shape[d]
    if not -n <= index < n:
        raise IndexError(f"select(): index {index} out of range for tensor of size {list(input.shape)} at dimension "
                         f"{d}")
    return Index.apply(input, index=(slice(None),) * d + (int(index) % n,), name="SelectBackward0")


def broadcast_to(input, *size):
    """``input.expand(size)``."""
    return input.expand(*size)


def broadcast_tensors(*tensors):
    """The tensors expanded to their common broadcast shape."""
    from ..tensor import _broadcast_shape
    shape = _broadcast_shape(*[t.shape for t in tensors])
    return tuple(t.expand(shape) for t in tensors)


def tile(input, dims):
    """``input`` repeated ``dims`` times per dim (missing leading counts are 1)."""
    dims = tuple(dims) if isinstance(dims, (tuple, list)) else (dims,)
    return input.repeat((1,) * (input.ndim - len(dims)) + dims)


def repeat_interleave(input, repeats=None, dim=None, *, output_size=None):
    """Each element (or slice along ``dim``) repeated ``repeats`` times in place."""
    if repeats is None:  # torch.repeat_interleave(repeats): the indices repeated
        counts = input._host()
        if counts.ndim > 1:
            raise RuntimeError("repeats must be 0-dim or 1-dim tensor")
        return input._make(np.repeat(np.arange(counts.size), counts), input._device)
    x = input.reshape(-1) if dim is None else input
    d = 0 if dim is None else _dim(dim, input.ndim)
    n = x.shape[d] if x.ndim else 1
    counts = repeats._host() if hasattr(repeats, "_data") else np.asarray(repeats)
    if counts.ndim > 1:
        raise RuntimeError("repeats must be 0-dim or 1-dim tensor")
    if counts.size and counts.min() < 0:
        raise RuntimeError("repeats can not be negative" if hasattr(repeats, "_data") else
                           "Repeats must be non-negative")
    if counts.ndim == 1 and counts.size != 1 and counts.size != n:
        raise RuntimeError(f"repeats must have the same size as input along dim, but got repeats.size(0) = "
                           f"{counts.size} and input.size({d}) = {n}")
    idx = np.repeat(np.arange(n), counts.reshape(-1) if counts.size != 1 else int(counts.reshape(-1)[0]))
    return Index.apply(x if x.ndim else x.reshape(1), index=(slice(None),) * d + (idx,), advanced=True,
                       name="IndexSelectBackward0")


def meshgrid(*tensors, indexing=None):
    """Coordinate grids: output ``i`` holds ``tensors[i]`` along dim ``i`` ('ij') or with the first two
    dims swapped ('xy')."""
    if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)):
        tensors = tuple(tensors[0])
    if indexing is None:
        import warnings
        warnings.warn("torch.meshgrid: in an upcoming release, it will be required to pass the indexing argument.",
                      UserWarning, stacklevel=2)
        indexing = "ij"
    if indexing not in ("ij", "xy"):
        raise RuntimeError(f'torch.meshgrid: indexing must be one of "xy" or "ij", but received: {indexing}')
    for t in tensors:
        if t.ndim > 1:
            raise RuntimeError(f"torch.meshgrid: Expected 0D or 1D tensor in the tensor list but got: {t}")
        if t.dtype is not tensors[0].dtype:
            raise RuntimeError("meshgrid expects all tensors to have the same dtype")
    flat = [t.reshape(-1) for t in tensors]
    swap = indexing == "xy" and len(flat) >= 2
    if swap:
        flat[0], flat[1] = flat[1], flat[0]
    shape = [t.shape[0] for t in flat]
    grids = [t.reshape([-1 if j == i else 1 for j in range(len(flat))]).expand(shape) for i, t in enumerate(flat)]
    if swap:
        grids[0], grids[1] = grids[1], grids[0]
    return tuple(grids)


def atleast_1d(*tensors):
    out = tuple(t.reshape(1) if t.ndim == 0 else t for t in _unpack(tensors))
    return out if len(out) != 1 else out[0]


def atleast_2d(*tensors):
    out = tuple(t.reshape(1, -1) if t.ndim < 2 else t for t in _unpack(tensors))
    return out if len(out) != 1 else out[0]


def atleast_3d(*tensors):
    out = tuple(t.reshape(1, -1, 1) if t.ndim < 2 else t.unsqueeze(-1) if t.ndim == 2 else t for t in _unpack(tensors))
    return out if len(out) != 1 else out[0]


def _unpack(tensors):
    return tuple(tensors[0]) if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)) else tensors


def _stacked(name, tensors, dim, out):
    from ..creation import cat
    return write_out(name, cat(tensors, dim), out, rule="cat")


def hstack(tensors, *, out=None):
    """Concatenation along dim 1 (dim 0 for 1-D tensors)."""
    ts = [atleast_1d(t) for t in tensors]
    return _stacked("hstack", ts, 0 if ts and ts[0].ndim == 1 else 1, out)


def vstack(tensors, *, out=None):
    """Concatenation along dim 0 of the tensors made at least 2-D."""
    return _stacked("vstack", [atleast_2d(t) for t in tensors], 0, out)


def dstack(tensors, *, out=None):
    """Concatenation along dim 2 of the tensors made at least 3-D."""
    return _stacked("dstack", [atleast_3d(t) for t in tensors], 2, out)


def column_stack(tensors, *, out=None):
    """The tensors as columns (0-/1-D ones become (n, 1)) concatenated along dim 1."""
    return _stacked("column_stack", [t.reshape(-1, 1) if t.ndim < 2 else t for t in tensors], 1, out)


def tensor_split(input, indices_or_sections, dim=0):
    """Views split along ``dim`` into ``n`` nearly equal parts (an int) or at the given indices."""
    d = _dim(dim, input.ndim)
    n = input.shape[d]
    if isinstance(indices_or_sections, int) or (hasattr(indices_or_sections, "_data")
                                               and indices_or_sections.ndim == 0):
        k = int(indices_or_sections)
        if k <= 0:
            raise RuntimeError(f"number of sections must be larger than 0, got {k}")
        sizes = [n // k + 1] * (n % k) + [n // k] * (k - n % k)
        bounds = np.cumsum([0] + sizes)
    else:
        idx = [int(i) for i in indices_or_sections]
        bounds = [0] + [min(max(i, 0), n) for i in idx] + [n]  # (a decreasing index gives an empty part)
    return tuple(Index.apply(input, index=(slice(None),) * d + (slice(lo, hi),), name="SliceBackward0")
                 for lo, hi in zip(bounds[:-1], bounds[1:]))


def _directional_split(name, input, sections, d, min_ndim):
    if input.ndim < min_ndim:
        raise RuntimeError(f"torch.{name} requires a tensor with at least {min_ndim} dimension, but got a tensor "
                           f"with {input.ndim} dimensions!")
    if isinstance(sections, int) and sections and input.shape[d] % sections:
        raise RuntimeError(f"torch.{name} attempted to split along dimension {d}, but the size of the dimension "
                           f"{input.shape[d]} is not divisible by the split_size {sections}!")
    return tensor_split(input, sections, d)


def hsplit(input, sections):
    return _directional_split("hsplit", input, sections, 1 if input.ndim > 1 else 0, 1)


def vsplit(input, sections):
    return _directional_split("vsplit", input, sections, 0, 2)


def dsplit(input, sections):
    return _directional_split("dsplit", input, sections, 2, 3)


def split_with_sizes(input, split_sizes, dim=0):
    return input.split(list(split_sizes), dim)


def diff(input, n=1, dim=-1, prepend=None, append=None):
    """The ``n``-th forward difference along ``dim`` (``prepend``/``append`` joined first)."""
    check_tensor("diff", "input", input, 1)
    if input.ndim == 0:
        raise RuntimeError("diff expects input to be at least one-dimensional")
    if n < 0:
        raise RuntimeError(f"order must be non-negative but got {n}")
    d = _dim(dim, input.ndim)
    from ..creation import cat
    parts = [t.expand(tuple(input.shape[:d]) + (t.shape[d] if t.ndim else 1,) + tuple(input.shape[d + 1:]))
             if t.ndim != input.ndim else t for t in (prepend, input, append) if t is not None]
    x = cat(parts, d) if len(parts) > 1 else input
    for _ in range(n):
        m = x.shape[d]
        hi, lo = narrow(x, d, 1, max(m - 1, 0)), narrow(x, d, 0, max(m - 1, 0))
        x = hi.logical_xor(lo) if x.dtype.name == "bool" else hi - lo
    return x


def swapdims(input, dim0, dim1):
    return input.transpose(dim0, dim1)


def unflatten(input, dim, sizes):
    return input.unflatten(dim, sizes)


FUNCTIONS = {f.__name__: f for f in (
    atleast_1d, atleast_2d, atleast_3d, broadcast_tensors, broadcast_to, column_stack, diff, dsplit, dstack, flip,
    fliplr, flipud, hsplit, hstack, meshgrid, movedim, narrow, repeat_interleave, roll, rot90, select,
    split_with_sizes, swapdims, tensor_split, tile, unflatten, vsplit, vstack)}
FUNCTIONS.update(moveaxis=movedim, row_stack=vstack, swapaxes=swapdims)
METHODS = ("broadcast_to", "diff", "dsplit", "flip", "fliplr", "flipud", "hsplit", "movedim", "moveaxis", "narrow",
           "repeat_interleave", "roll", "rot90", "select", "split_with_sizes", "swapdims", "tensor_split", "tile",
           "vsplit")
