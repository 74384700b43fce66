"""softmax and log_softmax along one dim.

    y = softmax(x):      dx = y ⊙ (g − Σ g⊙y)
    y = log_softmax(x):  dx = g − eʸ · Σ g
"""
import numpy as np

from ..autograd.op import Op


def _shifted(a, axis):
    m = a.max(axis=axis, keepdims=True) if a.size else a.sum(axis=axis, keepdims=True)
    return a - np.where(np.isinf(m), 0, m)


class Softmax(Op):
    saves_output = True

    def forward(self, a, axis=None):
        self.axis = axis
        with np.errstate(invalid="ignore", over="ignore"):
            e = np.exp(_shifted(a, axis))
            e /= e.sum(axis=axis, keepdims=True)
        self.out = e
        return e

    def backward(self, g):
        y = self.out
        return y * (g - (g * y).sum(axis=self.axis, keepdims=True))


class LogSoftmax(Op):
    saves_output = True

    def forward(self, a, axis=None):
        self.axis = axis
        with np.errstate(invalid="ignore", divide="ignore"):
            s = _shifted(a, axis)
            out = s - np.log(np.exp(s).sum(axis=axis, keepdims=True))
        self.out = out
        return out

    def backward(self, g):
        return g - np.exp(self.out) * g.sum(axis=self.axis, keepdims=True)
