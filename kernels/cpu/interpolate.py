"""Separable resampling along one axis (``interpolate``'s nearest, linear and cubic modes).

x is seen as (A, I, B): I the resampled axis, A the axes before it, B after it (B = 1 for the last
axis). With ``taps`` source indices ``idx[t, o]`` and weights ``w[t, o]`` per output position o,

    out[a, o, b] = Σ_t w[t, o] · x[a, idx[t, o], b]            (a gather: only the taps are read, so
                                                               a NaN or inf stays where torch keeps it)
    grad_x[a, i, b] = Σ_{t, o: idx[t, o] = i} w[t, o] · grad_out[a, o, b]     (in order of o, then t:
                                                               a scatter, or for the last axis a gather)

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
        if B == 1 and T == 2:  # the last axis, linear: two gathers per output, unrolled
            for o in range(O):
                out[a, o, 0] = w[0, o] * x[a, idx[0, o], 0] + w[1, o] * x[a, idx[1, o], 0]
            continue
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


@split
def _backward_last(lo, hi, g, starts, outs, weights, gx):
    """The last axis (B = 1) as a gather: input i sums its taps' (o, w), listed in the scatter's
    order, so no add waits on the one before it as the scatter's neighbouring adds do."""
    for a in range(lo, hi):
        for i in range(gx.shape[1]):
            acc = gx.dtype.type(0)
            for e in range(starts[i], starts[i + 1]):
                acc += weights[e] * g[a, outs[e]]
            gx[a, i] = acc


def gather_lists(idx, w, size):
    """(starts, outs, weights): for each input position i < size, the outputs o reading it and their
    weights, in order of o then tap (the scatter's order); entries starts[i] to starts[i + 1]."""
    T, O = idx.shape
    o = np.broadcast_to(np.arange(O), idx.shape).ravel()
    t = np.broadcast_to(np.arange(T)[:, None], idx.shape).ravel()
    order = np.lexsort((t, o, idx.ravel()))
    return np.searchsorted(idx.ravel()[order], np.arange(size + 1)), o[order].copy(), w.ravel()[order]


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
    if B == 1:
        starts, outs, weights = gather_lists(idx, w, size)
        _backward_last(g.size + gx.size, A, g.reshape(A, O), starts, outs, weights.astype(g.dtype),
                       gx.reshape(A, size))
    else:
        _backward(g.size + gx.size, A, g.reshape(A, O, B), idx, w.astype(g.dtype), gx.reshape(A, size, B))
    return gx
