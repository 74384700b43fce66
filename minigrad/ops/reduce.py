"""Reductions. ``axis`` is a tuple of non-negative dims (None: all); backward re-inserts the reduced
dims and broadcasts.

    d sum = g        d mean = g/n        d max = g at the (first) argmax
    d amax = g shared evenly by the elements equal to the max (max over everything does the same)
    d cumsum = the running sum of g from the end
    d var = 2(x−x̄)/(n−c)·g              d logsumexp = softmax(x)·g
    d prod = prod/x·g (computed without dividing, so zeros are exact)
    d ‖x‖ₚ = sign(x)|x|ᵖ⁻¹/‖x‖ₚᵖ⁻¹·g
"""
import math

import numpy as np

from ..autograd.op import Op


def _expand(g, axis, keepdim, shape):
    """Give ``g`` (reduced over ``axis``) back the reduced dims so it broadcasts to ``shape``."""
    if keepdim or g.ndim == len(shape):
        return g
    return g.reshape(_reduced_shape(shape, axis, True))


def _reduced_shape(shape, axis, keepdim):
    """The shape of a reduction of ``shape`` over ``axis`` (None: all dims)."""
    if keepdim:
        return tuple(1 if axis is None or d in axis else n for d, n in enumerate(shape))
    return tuple(n for d, n in enumerate(shape) if axis is not None and d not in axis)


class Sum(Op):
    stateless = True

    def forward(self, a, axis=None, keepdim=False, dtype=None):
        self.name = "SumBackward0" if axis is None else "SumBackward1"
        self.axis, self.keepdim, self.shape, self.in_dtype = axis, keepdim, a.shape, a.dtype
        return self.backend.sum(a, axis=axis, keepdims=keepdim, dtype=dtype)

    def backward(self, g):
        b = self.backend
        return b.astype(b.broadcast_to(_expand(g, self.axis, self.keepdim, self.shape), self.shape), self.in_dtype)


class Mean(Op):
    stateless = True

    def forward(self, a, axis=None, keepdim=False, dtype=None):
        self.name = "MeanBackward0" if axis is None else "MeanBackward1"
        self.axis, self.keepdim, self.shape, self.in_dtype = axis, keepdim, a.shape, a.dtype
        self.n = a.size if axis is None else math.prod(a.shape[i] for i in axis)
        b = self.backend
        if self.n == 0:  # the mean of nothing is NaN (numpy would also warn)
            out = b.zeros(_reduced_shape(a.shape, axis, keepdim), dtype or a.dtype)
            b.fill(out, math.nan)
            return out
        return b.mean(a, axis=axis, keepdims=keepdim, dtype=dtype)

    def backward(self, g):
        b = self.backend
        g = b.divide(g, g.dtype.type(self.n)) if self.n else b.multiply(g, math.nan)
        return b.astype(b.broadcast_to(_expand(g, self.axis, self.keepdim, self.shape), self.shape), self.in_dtype)


class Amax(Op):
    """amax/amin over ``axis`` (None: everything); elements tied for the extreme share the gradient
    evenly. ``max()``/``min()`` without a dim are this op named MaxBackward1/MinBackward1."""
    saves = (0,)
    saves_output = True

    def forward(self, a, axis=None, keepdim=False, largest=True, name=None):
        self.name = name or ("AmaxBackward0" if largest else "AminBackward0")
        self.a, self.axis, self.keepdim = a, axis, keepdim
        b = self.backend
        self.out = (b.amax if largest else b.amin)(a, axis=axis, keepdims=True)
        return self.out if keepdim else self.out.reshape(_reduced_shape(a.shape, axis, False))

    def backward(self, g):
        a, out, b = self.a, self.out, self.backend
        mask = b.equal(a, out)
        if a.dtype.kind == "f":
            mask = b.logical_or(mask, b.logical_and(b.isnan(a), b.isnan(out)))
        share = b.astype(b.divide(mask, b.sum(mask, axis=self.axis, keepdims=True)), g.dtype)
        return b.multiply(share, _expand(g, self.axis, self.keepdim, a.shape))


class Extreme(Op):
    """max/min along one dim, returning (values, indices); the gradient goes to the returned index
    (the first extreme, or the first NaN)."""
    saves = (0,)

    def forward(self, a, axis=None, keepdim=False, largest=True):
        self.largest, self.axis, self.keepdim, self.shape = largest, axis, keepdim, a.shape
        self.name = "MaxBackward0" if largest else "MinBackward0"
        b = self.backend
        # the first extreme, or the first NaN (numpy's and torch's rule); its value is the amax/amin
        self.idx = (b.argmax if largest else b.argmin)(a, axis=axis, keepdims=True)
        vals = (b.amax if largest else b.amin)(a, axis=axis, keepdims=True)
        if not keepdim:
            shape = _reduced_shape(a.shape, (axis,), False)
            return vals.reshape(shape), self.idx.reshape(shape)
        return vals, self.idx

    def backward(self, g):
        gk = g.reshape(self.idx.shape)
        return self.backend.put_along_axis(self.shape, self.idx, gk, self.axis)


class Prod(Op):
    saves = (0,)

    def forward(self, a, axis=None, keepdim=False):
        self.name = "ProdBackward0" if axis is None else "ProdBackward1"
        if a.ndim == 0:
            axis = None
        self.a, self.axis, self.keepdim = a, axis, keepdim
        return self.backend.prod(a, axis=axis, keepdims=keepdim)

    def backward(self, g):
        a, axis, b = self.a, self.axis, self.backend
        if a.size == 0:
            return b.zeros(a.shape, g.dtype)
        return b.multiply(b.prod_others(a, axis), _expand(g, None if axis is None else (axis,), self.keepdim, a.shape))


class Var(Op):
    """Variance with Bessel-style ``correction``; ``std=True`` returns its square root."""
    saves = (0,)

    def forward(self, a, axis=None, correction=1, keepdim=False, std=False):
        self.name = "StdBackward0" if std else "VarBackward0"
        self.a, self.axis, self.keepdim, self.std = a, axis, keepdim, std
        n = a.size if axis is None else math.prod(a.shape[i] for i in axis)
        self.denom = max(n - correction, 0)
        b = self.backend
        self.mean = b.mean(a, axis=axis, keepdims=True)
        d = b.subtract(a, self.mean)
        var = b.divide(b.sum(b.multiply(d, d), axis=axis, keepdims=keepdim), a.dtype.type(self.denom))
        self.out = b.sqrt(var) if std else var
        return b.astype(self.out, a.dtype)

    def backward(self, g):
        b = self.backend
        if self.std:  # d√v = dv/(2√v), taken as 0 where the std is 0 (as torch)
            g = b.where(b.equal(self.out, 0), 0, b.divide(g, b.multiply(self.out, 2)))
        g = _expand(g, self.axis, self.keepdim, self.a.shape)
        d = b.divide(b.multiply(b.subtract(self.a, self.mean), 2), g.dtype.type(self.denom))
        return b.astype(b.multiply(d, g), self.a.dtype)


class LogSumExp(Op):
    name = "LogsumexpBackward0"
    saves = (0,)

    def forward(self, a, axis=None, keepdim=False):
        self.a, self.axis, self.keepdim = a, axis, keepdim
        b = self.backend
        m = b.amax(a, axis=axis, keepdims=True) if a.size else b.zeros((1,) * a.ndim, a.dtype)
        m = b.astype(b.where(b.isfinite(m), m, 0), a.dtype)
        out = b.add(b.log(b.sum(b.exp(b.subtract(a, m)), axis=axis, keepdims=True)), m)
        self.out = out
        return out if keepdim else out.reshape(_reduced_shape(a.shape, axis, False))

    def backward(self, g):
        b = self.backend
        g = _expand(g, self.axis, self.keepdim, self.a.shape)
        return b.multiply(g, b.exp(b.subtract(self.a, self.out)))


class Norm(Op):
    """Vector p-norm over ``axis`` (torch.norm / linalg.vector_norm)."""
    name = "LinalgVectorNormBackward0"
    saves = (0,)

    def forward(self, a, p=2.0, axis=None, keepdim=False):
        self.a, self.p, self.axis, self.keepdim = a, p, axis, keepdim
        b = self.backend
        x = b.abs(a)
        if p == np.inf:
            out = b.amax(x, axis=axis, keepdims=True)
        elif p == -np.inf:
            out = b.amin(x, axis=axis, keepdims=True)
        elif p == 0:
            out = b.sum(b.not_equal(x, 0), axis=axis, keepdims=True)
        elif p == 1:
            out = b.sum(x, axis=axis, keepdims=True)
        elif p == 2:
            out = b.sqrt(b.sum(b.multiply(x, x), axis=axis, keepdims=True))
        else:
            out = b.power(b.sum(b.power(x, p), axis=axis, keepdims=True), 1.0 / p)
        self.out = b.astype(out, a.dtype)
        return self.out if keepdim else self.out.reshape(_reduced_shape(a.shape, axis, False))

    def backward(self, g):
        a, p, out, b = self.a, self.p, self.out, self.backend
        g = _expand(g, self.axis, self.keepdim, a.shape)
        if p == 0:
            r = b.full_like(a, 0)
        elif p == 1:
            r = b.sign(a)
        elif p in (np.inf, -np.inf):
            mask = b.equal(b.abs(a), out)
            r = b.divide(b.multiply(b.sign(a), mask), b.sum(mask, axis=self.axis, keepdims=True))
        elif p == 2:
            r = b.where(b.equal(out, 0), 0, b.divide(a, out))
        else:  # for p < 1 the derivative at a zero element is taken as 0, as torch does
            r = b.where(b.logical_or(b.equal(out, 0), b.equal(a, 0)), 0,
                        b.divide(b.multiply(b.sign(a), b.power(b.abs(a), p - 1)), b.power(out, p - 1)))
        return b.astype(b.multiply(r, g), a.dtype)


class Cumsum(Op):
    """Running sum along ``axis``; integer and bool inputs accumulate in int64, as torch."""
    stateless = True

    def forward(self, a, axis=0):
        self.axis = axis
        return self.backend.cumsum(a, axis=axis, dtype=None if a.dtype.kind == "f" else np.int64).reshape(a.shape)

    def backward(self, g):
        if g.ndim == 0:
            return g
        b = self.backend
        back = (slice(None),) * self.axis + (slice(None, None, -1),)  # the running sum from the end
        return b.copy(b.index(b.cumsum(b.index(g, back), axis=self.axis), back))
