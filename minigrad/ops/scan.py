"""Running products and extremes along a dim (``cumsum`` is with the reductions, ``reduce.py``).

    y_i = Π_{k≤i} x_k:  dx_i = P_i·h_i,  P_i = Π_{k<i} x_k,  h_i = Σ_{j≥i} g_j Π_{i<k≤j} x_k
                        (h_{n−1} = g_{n−1}, h_i = g_i + x_{i+1}·h_{i+1}: exact where some x_k = 0;
                        without zeros this is the reversed cumsum of g·y, divided by x)
    cummax/cummin:      the gradient of y_i goes to the element it was taken from (index i)
"""
from .. import dtypes
from ..autograd.op import Op
from .functions import check_tensor, write_out
from .functions import dim as _dim


class Cumprod(Op):
    saves = (0,)
    saves_output = True

    def forward(self, a, axis=0):
        self.a, self.axis = a, axis
        self.out = self.backend.cumprod(a, axis=axis)
        return self.out

    def backward(self, g):
        return g if self.a.size == 0 else self.backend.cumprod_backward(g, self.a, self.axis)


class Cumextreme(Op):
    """cummax/cummin: (values, indices); each value's gradient goes back to its index."""

    def forward(self, a, axis=0, largest=True):
        self.name = "CummaxBackward0" if largest else "CumminBackward0"
        self.axis = axis
        vals, self.idx = self.backend.cumextreme(a, axis, largest)
        return vals, self.idx

    def backward(self, g):
        return self.backend.cumextreme_backward(g, self.idx, self.axis)


# ---- public functions (torch.<name>, Tensor.<name>) ---------------------------------------------
def cumprod(input, dim, *, dtype=None, out=None):
    """Running product along ``dim``; integer input accumulates in int64, as torch."""
    check_tensor("cumprod", "input", input, 1)
    dt = dtypes.get(dtype) or (out.dtype if out is not None else None)
    x = input._cast(dt) if dt is not None else input if input.is_floating_point() else input._cast(dtypes.int64)
    d = _dim(dim, input.ndim)
    result = Cumprod.apply(x.reshape(1), axis=0).reshape(()) if x.ndim == 0 else Cumprod.apply(x, axis=d)
    return write_out("cumprod", result, out, rule="cast")


def _cumextreme(name, input, dim, largest, out):
    check_tensor(name, "input", input, 1)
    d = _dim(dim, input.ndim)
    x = input.reshape(1) if input.ndim == 0 else input
    values, indices = Cumextreme.apply(x, axis=0 if input.ndim == 0 else d, largest=largest)
    if input.ndim == 0:
        values, indices = values.reshape(()), indices.reshape(())
    from ..tensor import _ReturnTypes
    return write_out(name, _ReturnTypes(name, values, indices), out)


def cummax(input, dim, *, out=None):
    """Running maximum along ``dim`` and the index it came from (the last index on ties)."""
    return _cumextreme("cummax", input, dim, True, out)


def cummin(input, dim, *, out=None):
    """Running minimum along ``dim`` and the index it came from (the last index on ties)."""
    return _cumextreme("cummin", input, dim, False, out)


FUNCTIONS = {f.__name__: f for f in (cummax, cummin, cumprod)}
METHODS = ("cummax", "cummin", "cumprod")
INPLACE = ("cumprod",)
