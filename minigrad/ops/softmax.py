"""softmax and log_softmax along one dim (kernels: the backends' ``softmax``/``log_softmax`` and their
``_backward``; the math is in ``kernels/cuda/_softmax.py``).

    y = softmax(x):      dx = y ⊙ (g − Σ g⊙y)
    y = log_softmax(x):  dx = g − eʸ · Σ g
"""
from ..autograd.op import Op


class Softmax(Op):
    saves_output = True
    kernel = "softmax"  # the backend's forward; its gradient is ``<kernel>_backward``

    def forward(self, a, axis=None):
        self.axis = axis
        self.out = getattr(self.backend, self.kernel)(a, axis)
        return self.out

    def backward(self, g):
        return getattr(self.backend, self.kernel + "_backward")(g, self.out, self.axis)


class LogSoftmax(Softmax):
    kernel = "log_softmax"
