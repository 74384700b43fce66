"""Issue 17's threaded CPU kernels (normalisation, embedding, resampling, adaptive max pooling) give
the same bits on one thread and on two: each splits its work so that every sum runs in an order
fixed by the shape (channels, rows, fixed pieces of rows, vocabulary ranges or slices)."""
import numpy as np
import pytest

import minigrad
from minigrad.kernels.cpu import _parallel, load

rng = np.random.default_rng(0)
X = rng.standard_normal((4, 16, 2048)).astype(np.float32)  # above PARALLEL_MIN
G = rng.standard_normal(X.shape).astype(np.float32)


def _norm():
    k = load("normalization")
    w, b = np.full(16, 1.5, np.float32), np.full(16, 0.25, np.float32)
    mean, invstd = k.empty(16), k.empty(16)
    out = k.batch_norm_forward(X, w, b, mean, invstd, True, 1e-5)
    res = [out, mean, invstd, *k.batch_norm_backward(G, X, w, mean, invstd, True, True)]
    for L, shape in ((1, (1, 2048)), (2048, (4, 4))):  # layer norm (rows of 2048), group norm (4 groups of 4·2048)
        K = shape[1] * L
        x2, g2 = X.reshape(-1, K), G.reshape(-1, K)
        wr = np.linspace(0.5, 2, np.prod(shape), dtype=np.float32).reshape(shape)
        y, m, r = k.row_norm_forward(x2, wr, wr, L, 1e-5)
        res += [y, m, r, *k.row_norm_backward(g2, x2, wr, L, m, r)]
    return res


def _embedding():
    idx = np.random.default_rng(2).integers(0, 700, 3000)
    g = np.random.default_rng(1).standard_normal((3000, 128)).astype(np.float32)
    return [load("embedding").embedding_backward(g, idx, 700, 3, True)]


def _resample():
    k = load("interpolate")
    idx = np.stack([np.arange(4096) // 2, np.minimum(np.arange(4096) // 2 + 1, 2047)])
    w = np.stack([np.full(4096, 0.75), np.full(4096, 0.25)])
    y = k.resample_forward(X, 2, idx, w)
    return [y, k.resample_backward(np.ascontiguousarray(y), 2, 2048, idx, w)]


def _adaptive_max():
    k = load("adaptive_max_pool2d")
    x = X.reshape(4, 16, 64, 32)
    out, arg = k.adaptive_max_pool2d_forward(x, (7, 5))
    return [out, arg, k.adaptive_max_pool2d_backward(np.ones_like(out), arg, x.shape)]


@pytest.mark.parametrize("run", [_norm, _embedding, _resample, _adaptive_max])
def test_one_and_two_threads_same_bits(run):
    before = minigrad.get_num_threads()
    try:
        minigrad.set_num_threads(1)
        one = run()
        minigrad.set_num_threads(2)
        calls = sum(s.split_calls for s in _split_kernels())
        two = run()
        assert sum(s.split_calls for s in _split_kernels()) > calls  # the threaded path ran
    finally:
        minigrad.set_num_threads(before)
    for a, b in zip(one, two):
        np.testing.assert_array_equal(a, b)


def _split_kernels():
    import gc
    return [o for o in gc.get_objects() if type(o) is _parallel.Split]  # type(): no lazy module attribute probed
