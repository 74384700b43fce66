"""Shape arithmetic every backend's loss kernels share: broadcasting, rows, the class-target layout and
the mean's normaliser. Plain Python over shapes and dtypes (no arrays)."""
import math

import numpy as np


def broadcast_shape(*shapes):
    """``np.broadcast_shapes`` with a fast path for equal shapes (it costs microseconds)."""
    return shapes[0] if all(s == shapes[0] for s in shapes) else np.broadcast_shapes(*shapes)


def broadcast_axes(shape, target):
    """The axes of a ``target``-shaped array to sum to get back to ``shape`` (leading dims and dims
    that were 1): the reduction that undoes broadcasting, on every backend."""
    lead = len(target) - len(shape)
    return tuple(range(lead)) + tuple(i + lead for i, s in enumerate(shape) if s == 1 and target[i + lead] != 1)


def rows(shape):
    """(R, D): the number of rows and the row length when the last dim is the reduced one (a 0-d
    shape is one row of one)."""
    return (math.prod(shape[:-1]), shape[-1]) if shape else (1, 1)


def scale(reduction, n):
    """The mean's normaliser: 1/n for 'mean' (inf for n = 0, so an empty mean is 0·inf = NaN as in
    torch), else 1."""
    if reduction != "mean":
        return 1.0
    return 1.0 / n if n else float("inf")


def layout(shape):
    """(N, C, S) of a class-target input shaped (C,), (N, C) or (N, C, d1, ..., dk)."""
    if len(shape) == 1:
        return 1, shape[0], 1
    return shape[0], shape[1], math.prod(shape[2:])


def compute_dtype(dtype):
    """The dtype the kernels run in: float16 as float32 (Numba has no float16 arithmetic), the others
    as they are."""
    return np.dtype(np.float32) if dtype == np.float16 else dtype


def loss_shape(shape):
    """A class-target loss's unreduced shape: the input's without the class dim (a 1-D input gives a
    0-d loss)."""
    return shape[:1] + shape[2:] if len(shape) > 1 else ()
