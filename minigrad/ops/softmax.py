"""softmax and log_softmax along one dim (kernels: the backends' ``softmax``/``log_softmax`` and their
``_backward``; the math is in ``kernels/cuda/_softmax.py``).

    y = softmax(x):      dx = y ⊙ (g − Σ g⊙y)
    y = log_softmax(x):  dx = g − eʸ · Σ g
"""
from ..autograd.op import Op


class Softmax(Op):
    saves_output = True

    def forward(self, a, axis=None):
        self.axis = axis
        self.out = self.backend.softmax(a, axis)
        return self.out

    def backward(self, g):
        return self.backend.softmax_backward(g, self.out, self.axis)


class LogSoftmax(Op):
    saves_output = True

    def forward(self, a, axis=None):
        self.axis = axis
        self.out = self.backend.log_softmax(a, axis)
        return self.out

    def backward(self, g):
        return self.backend.log_softmax_backward(g, self.out, self.axis)
