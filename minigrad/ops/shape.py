"""Ops that move data without arithmetic: views, broadcasting, concatenation, indexing, casts.
Each backward routes the gradient back to where each element came from."""
import numpy as np

from ..autograd.op import Op


class View(Op):
    """reshape/view/flatten/squeeze/unsqueeze; ``name`` is the torch node the caller asked for."""

    def forward(self, a, shape=None, name="ViewBackward0"):
        self.name, self.in_shape = name, a.shape
        return a.reshape(shape)

    def backward(self, g):
        return g.reshape(self.in_shape)


class Permute(Op):
    def forward(self, a, dims=None, name="PermuteBackward0"):
        self.name, self.inverse = name, tuple(np.argsort(dims))
        return a.transpose(dims)

    def backward(self, g):
        return g.transpose(self.inverse)


class Expand(Op):
    def forward(self, a, shape=None):
        return np.broadcast_to(a, shape)

    def backward(self, g):
        return g  # the engine sums the broadcast dims back


class Repeat(Op):
    def forward(self, a, reps=None):
        self.in_shape = (1,) * (len(reps) - a.ndim) + a.shape
        self.reps = reps
        return np.tile(a, reps)

    def backward(self, g):
        split = []
        for r, s in zip(self.reps, self.in_shape):
            split += [r, s]
        axes = tuple(range(0, 2 * len(self.reps), 2))
        return g.reshape(split).sum(axis=axes).reshape(self.in_shape)


class Cat(Op):
    def forward(self, *arrays, axis=0, name="CatBackward0"):
        self.name, self.axis = name, axis
        self.bounds = np.cumsum([a.shape[axis] for a in arrays])[:-1]
        return np.concatenate(arrays, axis=axis)

    def backward(self, g):
        return tuple(np.split(g, self.bounds, axis=self.axis))


class Stack(Op):
    def forward(self, *arrays, axis=0):
        self.axis = axis
        return np.stack(arrays, axis=axis)

    def backward(self, g):
        return tuple(np.moveaxis(g, self.axis, 0))


class Index(Op):
    """``a[index]`` for a numpy-ready index; advanced indices scatter-add their gradient."""

    def forward(self, a, index=None, name="IndexBackward0", advanced=False):
        self.name, self.index, self.shape, self.advanced = name, index, a.shape, advanced
        return a[index]  # basic indexing returns a view, as torch does

    def backward(self, g):
        out = np.zeros(self.shape, dtype=g.dtype)
        if self.advanced:
            np.add.at(out, self.index, g)
        else:
            out[self.index] = g
        return out


class IndexPut(Op):
    """``a[index] = v`` out of place (torch's CopySlices): ``a`` gets g with the slots zeroed."""
    name = "CopySlices"

    def forward(self, a, v, index=None):
        self.index = index
        out = a.copy()
        out[index] = v
        return out

    def backward(self, g):
        ga = None
        if self.needs_input_grad[0]:
            ga = g.copy()
            ga[self.index] = 0
        return ga, (g[self.index] if self.needs_input_grad[1] else None)


class Cast(Op):
    name = "ToCopyBackward0"

    def forward(self, a, dtype=None):
        self.in_dtype = a.dtype
        return a.astype(dtype)

    def backward(self, g):
        return g.astype(self.in_dtype)


class Clone(Op):
    def forward(self, a):
        return a.copy()

    def backward(self, g):
        return g
