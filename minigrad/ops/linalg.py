"""Matrix products.

    C = A·B:      dA = G·Bᵀ,  dB = Aᵀ·G     (batched: over leading dims, summed back by the engine)
    y = x·Wᵀ + b: dx = G·W,   dW = Gᵀ·x,  db = Σ_rows G
"""
import numpy as np

from ..autograd.op import Op

# torch's node for each (a.ndim, b.ndim); batched products end in a reshape (UnsafeViewBackward0),
# except a matrix times a batch, which ends in a copy (CloneBackward0)
_NAMES = {(1, 1): "DotBackward0", (2, 1): "MvBackward0", (1, 2): "SqueezeBackward4", (2, 2): "MmBackward0"}


class Matmul(Op):
    saves = (0, 1)

    def forward(self, a, b):
        self.name = _NAMES.get((a.ndim, b.ndim), "CloneBackward0" if a.ndim == 2 else "UnsafeViewBackward0")
        self.a, self.b = a, b
        return np.matmul(a, b)

    def backward(self, g):
        a, b = self.a, self.b
        if a.ndim == 1 and b.ndim == 1:  # dot: g is 0-d
            return (g * b if self.needs_input_grad[0] else None), (g * a if self.needs_input_grad[1] else None)
        a2 = a[None, :] if a.ndim == 1 else a
        b2 = b[:, None] if b.ndim == 1 else b
        g2 = g
        if a.ndim == 1:
            g2 = np.expand_dims(g2, -2)
        if b.ndim == 1:
            g2 = np.expand_dims(g2, -1)
        ga = gb = None
        if self.needs_input_grad[0]:
            ga = np.matmul(g2, np.swapaxes(b2, -1, -2))
            ga = ga.reshape(ga.shape[:-2] + (ga.shape[-1],)) if a.ndim == 1 else ga
            if ga.ndim > a.ndim:
                ga = ga.sum(axis=tuple(range(ga.ndim - a.ndim)))
        if self.needs_input_grad[1]:
            gb = np.matmul(np.swapaxes(a2, -1, -2), g2)
            if gb.ndim > b2.ndim:  # batch dims b lacks; the engine sums the ones it broadcast
                gb = gb.sum(axis=tuple(range(gb.ndim - b2.ndim)))
            gb = gb[:, 0] if b.ndim == 1 else gb
        return ga, gb


class Linear(Op):
    """``x·Wᵀ (+ b)`` in one node (torch's AddmmBackward0 for 2-D input with bias)."""
    fresh_grads = True
    saves = (0, 1)

    def forward(self, x, w, b=None):
        self.x, self.w = x, w
        out = np.matmul(x, w.T)
        if b is not None:
            out += b
            self.name = "AddmmBackward0" if x.ndim == 2 else "ViewBackward0"
        else:
            self.name = {1: "SqueezeBackward4", 2: "MmBackward0"}.get(x.ndim, "UnsafeViewBackward0")
        return out

    def backward(self, g):
        need_x, need_w = self.needs_input_grad[:2]
        gx = np.matmul(g, self.w) if need_x else None
        gw = gb = None
        if need_w or len(self.needs_input_grad) > 2:
            g2 = g.reshape(-1, g.shape[-1])
            if need_w:
                gw = np.matmul(g2.T, self.x.reshape(-1, self.x.shape[-1]))
            if len(self.needs_input_grad) > 2 and self.needs_input_grad[2]:
                gb = g2.sum(axis=0)
        return gx, gw, gb
