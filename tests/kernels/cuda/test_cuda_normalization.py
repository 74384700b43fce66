"""Normalisation CUDA kernels against their CPU twins (``kernels/{cpu,cuda}/normalization.py``): the
same functions on ``numba.cuda.to_device`` copies give the same outputs, statistics, gradients and
running statistics, float32 and float64, on tiny shapes that cross several blocks."""
import numpy as np
import pytest
from numba import cuda

from minigrad.kernels import cpu, cuda as cuda_backend
from tests.kernels.cuda.device_compare import DTYPES

cpu_norm, cuda_norm = cpu.load("normalization"), cuda_backend.load("normalization")
TOL = {np.float32: dict(rtol=2e-5, atol=2e-5), np.float64: dict(rtol=1e-11, atol=1e-12)}
rng = np.random.default_rng(3)


def normal(shape, dtype):
    return rng.standard_normal(shape).astype(dtype)


def close(got, want, dtype):
    """Within ``dtype``'s tolerance (statistics are float64 arrays computed from ``dtype`` data)."""
    got = got.copy_to_host() if hasattr(got, "copy_to_host") else got
    assert got.shape == want.shape and got.dtype == want.dtype
    np.testing.assert_allclose(got, want, **TOL[dtype])


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("training", [True, False])
def test_batch_norm(training, dtype):
    x, g, w, b = normal((3, 5, 4), dtype), normal((3, 5, 4), dtype), normal(5, dtype), normal(5, dtype)
    rm, rv = normal(5, dtype), np.abs(normal(5, dtype)) + dtype(0.5)
    results = []
    for k, put in ((cpu_norm, lambda a: a.copy()), (cuda_norm, cuda.to_device)):
        mean, invstd = (k.empty(5), k.empty(5)) if training else k.eval_stats(put(rm), put(rv), 1e-5)
        out = k.batch_norm_forward(put(x), put(w), put(b), mean, invstd, training, 1e-5)
        grads = k.batch_norm_backward(put(g), put(x), put(w), mean, invstd, training, True)
        run_m, run_v = put(rm), put(rv)
        k.update_running_stats(run_m, run_v, mean, invstd, 1e-5, 0.1, 12 / 11)
        results.append([out, *grads, run_m, run_v])
    for got, want in zip(results[1], results[0]):
        close(got, want, dtype)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("R,G,Cg,L", [(6, 1, 7, 1), (6, 3, 2, 3), (4, 4, 1, 5)])
def test_row_norm(R, G, Cg, L, dtype):
    K = Cg * L
    x, g, w, b = normal((R, K), dtype), normal((R, K), dtype), normal((G, Cg), dtype), normal((G, Cg), dtype)
    results = []
    for k, put in ((cpu_norm, lambda a: a.copy()), (cuda_norm, cuda.to_device)):
        out, mean, rstd = k.row_norm_forward(put(x), put(w), put(b), L, 1e-5)
        results.append([out, mean, rstd, *k.row_norm_backward(put(g), put(x), put(w), L, mean, rstd)])
    for got, want in zip(results[1], results[0]):
        close(got, want, dtype)
