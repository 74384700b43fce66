"""Max unpooling on device arrays, the CUDA twin of ``kernels/cpu/max_unpool2d.py``: a zero fill and
one thread per input element writing it at its index (indices from a max pooling are distinct within
a plane unless windows overlap; then which of the equal-index writes lands is not fixed), and the
gradient's gather at the same indices."""
from ._host import empty
from ._launch import cuda, launch
from ._shape import fill


@cuda.jit
def _scatter(x, idx, out):
    n = x.shape[1]
    for u in range(cuda.grid(1), x.size, cuda.gridsize(1)):
        out[u // n, idx[u // n, u % n]] = x[u // n, u % n]


@cuda.jit
def _gather(g, idx, gx):
    n = gx.shape[1]
    for u in range(cuda.grid(1), gx.size, cuda.gridsize(1)):
        gx[u // n, u % n] = g[u // n, idx[u // n, u % n]]


def max_unpool2d_forward(x, indices, output_size):
    N, C = x.shape[:2]
    out = empty((N, C) + tuple(output_size), x.dtype)
    fill(out, 0)
    if x.size:
        launch(_scatter, x.size, False, x.reshape(N * C, x.size // max(N * C, 1)),
               indices.reshape(N * C, x.size // max(N * C, 1)), out.reshape(N * C, output_size[0] * output_size[1]))
    return out


def max_unpool2d_backward(g, indices):
    N, C = indices.shape[:2]
    gx = empty(tuple(indices.shape), g.dtype)
    if gx.size:
        n = gx.size // (N * C)
        launch(_gather, gx.size, False, g.reshape(N * C, g.size // (N * C)), indices.reshape(N * C, n),
               gx.reshape(N * C, n))
    return gx
