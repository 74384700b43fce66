"""Matrix products.

    C = A·B:      dA = G·Bᵀ,  dB = Aᵀ·G     (batched: over leading dims, summed back by the engine)
    y = x·Wᵀ + b: dx = G·W,   dW = Gᵀ·x,  db = Σ_rows G
"""
from ..autograd.op import GraphNode, Op

# torch's node for each (a.ndim, b.ndim); batched products end in a reshape (UnsafeViewBackward0),
# except a matrix times a batch, which ends in a copy (CloneBackward0)
_NAMES = {(1, 1): "DotBackward0", (2, 1): "MvBackward0", (1, 2): "SqueezeBackward4", (2, 2): "MmBackward0"}


class Matmul(Op):
    saves = (0, 1)

    def forward(self, a, b):
        self.name = _NAMES.get((a.ndim, b.ndim), "CloneBackward0" if a.ndim == 2 else "UnsafeViewBackward0")
        self.a, self.b = a, b
        return self.backend.matmul(a, b)

    def backward(self, g):
        a, b, k = self.a, self.b, self.backend
        if a.ndim == 1 and b.ndim == 1:  # dot: g is 0-d
            return (k.multiply(g, b) if self.needs_input_grad[0] else None), \
                (k.multiply(g, a) if self.needs_input_grad[1] else None)
        # 1-D operands as a (1, n) row and an (n, 1) column; g gets those unit dims back
        a2 = a.reshape((1,) + tuple(a.shape)) if a.ndim == 1 else a
        b2 = b.reshape(tuple(b.shape) + (1,)) if b.ndim == 1 else b
        g2 = g.reshape(tuple(g.shape) + (1,)) if b.ndim == 1 else g
        g2 = g2.reshape(tuple(g2.shape[:g2.ndim - 1]) + (1, g2.shape[g2.ndim - 1])) if a.ndim == 1 else g2
        ga = gb = None
        if self.needs_input_grad[0]:
            ga = k.matmul(g2, b2, transpose_b=True)
            if ga.ndim > a2.ndim:  # batch dims a lacks
                ga = k.sum(ga, axis=tuple(range(ga.ndim - a2.ndim)))
            ga = ga.reshape(tuple(a.shape)) if a.ndim == 1 else ga
        if self.needs_input_grad[1]:
            gb = k.matmul(a2, g2, transpose_a=True)
            if gb.ndim > b2.ndim:  # batch dims b lacks; the engine sums the ones it broadcast
                gb = k.sum(gb, axis=tuple(range(gb.ndim - b2.ndim)))
            gb = gb.reshape(tuple(b.shape)) if b.ndim == 1 else gb
        return ga, gb


class Linear(Op):
    """``x·Wᵀ (+ b)`` in one node (torch's AddmmBackward0 for 2-D input with bias)."""
    fresh_grads = True
    saves = (0, 1)

    def forward(self, x, w, b=None):
        self.x, self.w = x, w
        out = self.backend.matmul(x, w, transpose_b=True)
        if b is not None:
            self.backend.iadd(out, b)
            self.name = "AddmmBackward0" if x.ndim == 2 else "ViewBackward0"
        else:
            self.name = {1: "SqueezeBackward4", 2: "MmBackward0"}.get(x.ndim, "UnsafeViewBackward0")
        return out

    @property
    def next_functions(self):
        """torch's graph: (bias, input, Wᵀ) into addmm (mm without bias), the input viewed as 2-D and
        the result viewed back when it is not 2-D."""
        x, w, *b = Op.next_functions.fget(self)
        wt = (GraphNode("TBackward0", w), 0)
        ndim = len(self.inputs[0].shape)
        if ndim != 2 and x[0] is not None:
            x = (GraphNode("UnsqueezeBackward0" if ndim == 1 and not b else "ViewBackward0", x), 0)
        if ndim == 2:
            return tuple(b) + (x, wt)
        return ((GraphNode("AddmmBackward0" if b else "MmBackward0", *b, x, wt), 0),)

    def backward(self, g):
        k = self.backend
        need_x, need_w = self.needs_input_grad[:2]
        gx = k.matmul(g, self.w) if need_x else None
        gw = gb = None
        if need_w or len(self.needs_input_grad) > 2:
            cols = g.shape[g.ndim - 1]
            g2 = g.reshape((g.size // cols if cols else 0, cols))
            if need_w:
                x = self.x
                gw = k.matmul(g2, x.reshape((g2.shape[0], x.shape[x.ndim - 1])), transpose_a=True)
            if len(self.needs_input_grad) > 2 and self.needs_input_grad[2]:
                gb = k.sum(g2, axis=0)
        return gx, gw, gb
