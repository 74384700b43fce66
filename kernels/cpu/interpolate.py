"""Separable resampling along one axis (``interpolate``'s nearest, linear and cubic modes).

x is seen as (A, I, B): I the resampled axis, A the axes before it, B after it (B = 1 for the last
axis). With ``taps`` source indices ``idx[t, o]`` and weights ``w[t, o]`` per output position o,

    out[a, o, b] = Σ_t w[t, o] · x[a, idx[t, o], b]            (a gather: only the taps are read, so
                                                               a NaN or inf stays where torch keeps it)
    grad_x[a, i, b] = Σ_{t, o: idx[t, o] = i} w[t, o] · grad_out[a, o, b]

A 2-D mode resamples the last axis and then the one before it, which is torch's order
(h0·(w0·x00 + w1·x01) + h1·(…)). Both kernels split the A slices over threads.
"""
import numpy as np

from ._parallel import split


@split
def _forward(lo, hi, x, idx, w, out):
    T, O = idx.shape
    B = x.shape[2]
    for a in range(lo, hi):
        if B == 1:  # the last axis: one gather per tap and output
            for o in range(O):
                acc = w[0, o] * x[a, idx[0, o], 0]
                for t in range(1, T):
                    acc += w[t, o] * x[a, idx[t, o], 0]
                out[a, o, 0] = acc
            continue
        for o in range(O):  # tap by tap over whole rows of B, which vectorise
            i, wt = idx[0, o], w[0, o]
            for b in range(B):
                out[a, o, b] = wt * x[a, i, b]
            for t in range(1, T):
                i, wt = idx[t, o], w[t, o]
                for b in range(B):
                    out[a, o, b] += wt * x[a, i, b]


@split
def _backward(lo, hi, g, idx, w, gx):
    T, O = idx.shape
    I, B = gx.shape[1], gx.shape[2]
    for a in range(lo, hi):
        for i in range(I):
            for b in range(B):
                gx[a, i, b] = 0
        for o in range(O):
            for t in range(T):
                wt, i = w[t, o], idx[t, o]
                for b in range(B):
                    gx[a, i, b] += wt * g[a, o, b]


def _view3(shape, axis):
    a = int(np.prod(shape[:axis], dtype=np.int64))
    return a, shape[axis], int(np.prod(shape[axis + 1:], dtype=np.int64))


def resample_forward(x, axis, idx, w):
    """x resampled along ``axis`` to ``idx.shape[1]`` positions (module docstring)."""
    x = np.ascontiguousarray(x)
    A, _, B = _view3(x.shape, axis)
    O = idx.shape[1]
    out = np.empty(x.shape[:axis] + (O,) + x.shape[axis + 1:], x.dtype)
    _forward(out.size, A, x.reshape(A, -1, B), idx, w.astype(x.dtype), out.reshape(A, O, B))
    return out


def resample_backward(g, axis, size, idx, w):
    """The gradient of ``resample_forward`` for an input with ``size`` positions along ``axis``."""
    g = np.ascontiguousarray(g)
    A, O, B = _view3(g.shape, axis)
    gx = np.empty(g.shape[:axis] + (size,) + g.shape[axis + 1:], g.dtype)
    _backward(g.size + gx.size, A, g.reshape(A, O, B), idx, w.astype(g.dtype), gx.reshape(A, size, B))
    return gx
