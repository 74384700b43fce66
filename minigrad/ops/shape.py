"""Ops that move data without arithmetic: views, broadcasting, concatenation, indexing, casts.
Each backward routes the gradient back to where each element came from."""
import numpy as np

from ..autograd.op import Op


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
    stateless = True

    def forward(self, a, reps=None):
        self.in_shape = (1,) * (len(reps) - a.ndim) + a.shape
        self.reps = reps
        return self.backend.tile(a, reps)  # (no CUDA kernel yet)

    def backward(self, g):
        split = []
        for r, s in zip(self.reps, self.in_shape):
            split += [r, s]
        axes = tuple(range(0, 2 * len(self.reps), 2))
        return g.reshape(split).sum(axis=axes).reshape(self.in_shape)


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
