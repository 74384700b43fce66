"""Max unpooling on NCHW arrays: out[n, c].flat[indices[n, c, i]] = x[n, c].flat[i], zeros elsewhere;
its gradient gathers grad_out at the same indices. Indices are validated by the caller."""
import numpy as np


def max_unpool2d_forward(x, indices, output_size):
    N, C = x.shape[:2]
    out = np.zeros((N * C, output_size[0] * output_size[1]), x.dtype)
    np.put_along_axis(out, indices.reshape(N * C, -1), x.reshape(N * C, -1), axis=1)
    return out.reshape((N, C) + tuple(output_size))


def max_unpool2d_backward(g, indices):
    N, C = indices.shape[:2]
    return np.take_along_axis(g.reshape(N * C, -1), indices.reshape(N * C, -1), axis=1).reshape(indices.shape)
