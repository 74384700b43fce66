"""Recurrent layers: one ``Recurrence`` Op per layer and direction, and the stack that runs them.

A layer-direction computes, for time-major x (T, B, I) and its state h0 (B, P) (LSTM: and c0 (B, H)):

    xw = x·W_ihᵀ + b_ih (+ b_hh, except GRU)        one BLAS product over all T·B rows
    y, h_n, c_n = the recurrence over t             ``kernels/<device>/rnn.py`` (the gate math)

and backward, from the kernel's gradient da of the gate pre-activations (T·B rows at once):

    dx = da·W_ih    dW_ih = daᵀ·x    db_ih = Σ da    dW_hh = da_hᵀ·h_prev    db_hh = Σ da_h
    dW_hr = dhᵀ·m   (LSTM with a projection: h = m·W_hrᵀ)

The Op's one differentiable result is a flat buffer [y, h_n, (c_n)]; ``recurrence`` hands back
views of it, so gradients reaching any of the three flow into one backward. ``batch_sizes[t]`` is
how many rows are active at step t (a packed batch, rows sorted by decreasing length; else all B).
"""
import numpy as np

from ..autograd.op import Op
from ..creation import cat
from ..creation import stack as _stack

_NAMES = ("x", "h0", "c0", "w_ih", "w_hh", "b_ih", "b_hh", "w_hr")


class Recurrence(Op):
    """One layer-direction of an RNN/LSTM/GRU. Inputs (``names`` says which are given): x, h0, c0
    (LSTM), w_ih, w_hh, b_ih and b_hh (with bias), w_hr (projection)."""

    def forward(self, *arrays, **options):
        # float16 runs in float32 (the kernels take float32/float64), its results rounded back
        self.half = arrays[0].dtype == np.float16
        if self.half:
            arrays = [self.backend.astype(a, np.float32) for a in arrays]
        out = self._forward(*arrays, **options)
        return self.backend.astype(out, np.float16) if self.half else out

    def backward(self, g):
        if not self.half:
            return self._backward(g)
        grads = self._backward(self.backend.astype(g, np.float32))
        return tuple(None if d is None else self.backend.astype(d, np.float16) for d in grads)

    def _forward(self, *arrays, names=(), mode="LSTM", reverse=False, batch_sizes=None):
        a = dict(zip(names, arrays))
        self.names, self.mode, self.reverse, self.batch_sizes = names, mode, reverse, batch_sizes
        self.saves = tuple(names.index(k) for k in ("x", "w_ih", "w_hh", "w_hr") if k in a)
        be = self.backend
        self.kernels = be.load("rnn")
        x, w_ih = a["x"], a["w_ih"]
        T, B, _ = x.shape
        xw = be.matmul(x.reshape(T * B, x.shape[2]), w_ih, transpose_b=True)
        if "b_ih" in a:
            bias = a["b_ih"] if mode == "GRU" else be.add(a["b_ih"], a["b_hh"])
            be.iadd(xw, bias)
        self.x, self.w_ih, self.w_hh, self.w_hr = x, w_ih, a["w_hh"], a.get("w_hr")
        b_hh = a.get("b_hh")
        if mode == "GRU" and b_hh is None:
            b_hh = be.zeros((w_ih.shape[0],), dtype=x.dtype)
        out, self.saved = self.kernels.forward(mode, xw.reshape(T, B, w_ih.shape[0]), self.w_hh, b_hh, self.w_hr,
                                               a["h0"], a.get("c0"), batch_sizes, reverse)
        self.shapes = (T, B, a["h0"].shape[1], a["c0"].shape[1] if "c0" in a else 0)
        return out

    def _backward(self, g):
        be, need = self.backend, dict(zip(self.names, self.needs_input_grad))
        T, B, P, H = self.shapes
        ny = T * B * P
        dy = g[:ny].reshape(T, B, P)  # read only; the states' gradients are overwritten, so copied
        dh = be.copy(g[ny:ny + B * P]).reshape(B, P)
        dc = be.copy(g[ny + B * P:]).reshape(B, H) if H else None
        da, da_h, proj = self.kernels.backward(self.mode, self.saved, dy, dh, dc, self.w_hh, self.w_hr,
                                               self.batch_sizes, self.reverse)
        G, I = self.w_ih.shape
        da2, dah2 = da.reshape(T * B, G), da_h.reshape(T * B, G)
        grads = {"h0": dh, "c0": dc}
        if need.get("x"):
            grads["x"] = be.matmul(da2, self.w_ih).reshape(T, B, I)
        if need.get("w_ih"):
            grads["w_ih"] = be.matmul(da2, self.x.reshape(T * B, I), transpose_a=True)
        if need.get("b_ih"):
            grads["b_ih"] = be.sum(da2, axis=0)
        if need.get("w_hh"):
            grads["w_hh"] = be.matmul(dah2, self.saved[1].reshape(T * B, P), transpose_a=True)
        if need.get("b_hh"):
            same = da_h is da and "b_ih" in grads  # RNN/LSTM: both biases take Σ da
            grads["b_hh"] = be.copy(grads["b_ih"]) if same else be.sum(dah2, axis=0)
        if need.get("w_hr"):
            dhs, m = proj
            grads["w_hr"] = be.matmul(dhs.reshape(T * B, P), m.reshape(T * B, H), transpose_a=True)
        return tuple(grads.get(k) if need[k] else None for k in self.names)


def recurrence(mode, x, h0, c0, weights, reverse=False, batch_sizes=None):
    """One layer-direction over time-major ``x`` (T, B, I): returns (y (T, B, P), h_n, c_n or None).
    ``weights``: (w_ih, w_hh, b_ih, b_hh, w_hr), absent ones None."""
    given = dict(zip(_NAMES, (x, h0, c0) + tuple(weights)))
    names = tuple(k for k in _NAMES if given[k] is not None)
    T, B = x.shape[:2]
    if batch_sizes is None:
        batch_sizes = np.full(T, B, dtype=np.int64)
    out = Recurrence.apply(*[given[k] for k in names], names=names, mode=mode, reverse=reverse,
                           batch_sizes=batch_sizes)
    P = h0.shape[1]
    ny, nh = T * B * P, B * P
    y, h_n = out[:ny].view(T, B, P), out[ny:ny + nh].view(B, P)
    c_n = out[ny + nh:].view(B, c0.shape[1]) if c0 is not None else None
    return y, h_n, c_n


def stack(mode, x, hx, cx, weights, num_layers, bidirectional, between=None, batch_sizes=None):
    """A multi-layer (bi)directional stack over time-major ``x``: returns (output (T, B, D·P), h_n
    (L·D, B, P), c_n (L·D, B, H) or None). ``weights[k]``: layer-direction k = layer·D + direction's
    (w_ih, w_hh, b_ih, b_hh, w_hr); ``hx``/``cx``: (L·D, B, ·). ``between`` (the layers' dropout)
    applies to every layer's output but the last."""
    D = 2 if bidirectional else 1
    h_n, c_n = [], []
    for layer in range(num_layers):
        outs = []
        for d in range(D):
            k = layer * D + d
            y, h, c = recurrence(mode, x, hx[k], None if cx is None else cx[k], weights[k], reverse=d == 1,
                                 batch_sizes=batch_sizes)
            outs.append(y)
            h_n.append(h)
            c_n.append(c)
        x = outs[0] if D == 1 else cat(outs, 2)
        if between is not None and layer < num_layers - 1:
            x = between(x)
    return x, _stack(h_n), (_stack(c_n) if cx is not None else None)
