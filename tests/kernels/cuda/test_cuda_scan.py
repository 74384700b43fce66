"""The CUDA backend's scans, products, orderings and data-dependent outputs (kernels/cuda/_scan.py)
against the CPU backend's numpy functions on the same arrays, and the tensor ops over them on 'cuda'
against 'cpu' (values, indices and gradients; sort's values need a CUDA gather along a dim, not
there yet, so sort is checked through argsort)."""
import numpy as np
import pytest
from numba import cuda

import minigrad
from minigrad.kernels import cpu as host
from minigrad.kernels import cuda as device

rng = np.random.default_rng(5)
FLOAT = rng.standard_normal((3, 4, 5)).astype(np.float32)
FLOAT[0, 1, :2] = 0
FLOAT[1, 2, 3] = np.nan
TIES = rng.integers(-2, 3, (4, 7))


def both(name, a, *args, **kw):
    want = getattr(host, name)(a, *args, **kw)
    got = getattr(device, name)(cuda.to_device(a), *args, **kw)
    return want, got


def same(want, got):
    if isinstance(want, tuple):
        assert isinstance(got, tuple) and len(got) == len(want)
        for w, g in zip(want, got):
            same(w, g)
        return
    got = got.copy_to_host()
    want = np.asarray(want)
    assert got.shape == want.shape and got.dtype == want.dtype, (got.shape, got.dtype, want.shape, want.dtype)
    np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-6, equal_nan=True)


@pytest.mark.parametrize("axis", [0, 1, -1, None])
@pytest.mark.parametrize("name", ["cumsum", "cumprod"])
def test_scans(name, axis):
    same(*both(name, FLOAT, axis=axis))
    same(*both(name, TIES, axis=axis))
    same(*both(name, TIES > 0, axis=axis, dtype=np.int64))


@pytest.mark.parametrize("keepdims", [False, True])
@pytest.mark.parametrize("axis", [0, 2, None])
def test_prod_and_count_nonzero(axis, keepdims):
    same(*both("prod", FLOAT, axis=axis, keepdims=keepdims))
    same(*both("prod", TIES.astype(np.int32), axis=None if axis == 2 else axis, keepdims=keepdims))
    same(*both("prod", np.zeros((2, 0, 3), np.float64), axis=axis, keepdims=keepdims))
    same(*both("count_nonzero", FLOAT, axis=axis))
    same(*both("count_nonzero", FLOAT, axis=(0, 2)))


@pytest.mark.parametrize("axis", [0, 1, None])
def test_prod_others(axis):
    a = rng.standard_normal((3, 4))
    a[1, 2] = 0
    a[2, :2] = 0
    same(*both("prod_others", a, axis))


def test_round():
    halves = np.array([-2.5, -1.5, -0.5, 0.5, 1.5, 2.5, 0.25, np.nan, np.inf, 1.2345], np.float32)
    same(*both("round", halves))
    same(*both("round", halves, 2))
    same(*both("round", TIES))


@pytest.mark.parametrize("axis", [0, 1, -1, None])
def test_argsort_is_stable_with_nan_last(axis):
    same(*both("argsort", TIES, axis=axis, kind="stable"))
    same(*both("argsort", FLOAT, axis=axis, kind="stable"))
    long = rng.integers(0, 5, 37).astype(np.float64)  # runs of ties across several merge widths
    same(*both("argsort", long, axis=0, kind="stable"))


def test_nonzero_and_unique():
    same(*both("nonzero", FLOAT))
    same(*both("nonzero", TIES))
    same(*both("nonzero", np.zeros((2, 3))))
    for a in (FLOAT, TIES, np.array([np.nan, 1.0, np.nan, 1.0]), np.zeros(0, np.float32)):
        same(*both("unique", a))
        same(*both("unique", a, return_inverse=True, return_counts=True))
        same(*both("unique", a, return_counts=True))


def test_tensor_ops_on_cuda_as_on_cpu():
    def run(dev):
        x = minigrad.tensor(FLOAT.astype(np.float64)).to(dev).requires_grad_(True)
        y = x.nan_to_num() if hasattr(x, "nan_to_num") else x
        p = y.prod(dim=1)
        c = y.cumsum(dim=2)
        (p.sum() + (c * c).sum()).backward()
        t = minigrad.tensor(TIES).to(dev)
        u, inv, counts = t.unique(return_inverse=True, return_counts=True)
        return [v.cpu().detach().numpy() for v in (p, c, x.grad, t.nonzero(), t.count_nonzero(dim=0), u, inv,
                                                     counts, *t.nonzero(as_tuple=True))]
    for got, want in zip(run("cuda"), run("cpu")):
        assert got.dtype == want.dtype and got.shape == want.shape
        np.testing.assert_allclose(got, want, rtol=1e-10, equal_nan=True)
