"""The CUDA-vs-CPU comparison shared by the CUDA kernel tests: run a loss's CPU ``forward`` on numpy
arrays and its CUDA twin on device copies of the same arrays, and compare the loss and every
gradient (shape, dtype, values, NaN positions), and that no device input was written."""
import numpy as np
from numba import cuda

from minigrad.kernels import cpu as cpu_backend
from minigrad.kernels import cuda as cuda_backend

DTYPES = (np.float32, np.float64)  # what every CUDA kernel test runs in
REDUCTIONS = ("mean", "sum", "none")

# the device's float math (libdevice, or the simulator's Python floats) differs from the CPU's
# vectorised polynomials by a few ulps, and partial sums add in another order
TOL = {np.dtype(np.float16): dict(rtol=2e-3, atol=1e-3), np.dtype(np.float32): dict(rtol=2e-5, atol=2e-6),
       np.dtype(np.float64): dict(rtol=1e-10, atol=1e-12)}


def to_device(value):
    return cuda.to_device(value) if isinstance(value, np.ndarray) else value


def run_both(name, arrays, need_grad, **options):
    """(CPU results, CUDA results copied to the host) of ``name``'s forward."""
    want = cpu_backend.load(name).forward(*arrays, need_grad=need_grad, **options)
    device = [to_device(a) for a in arrays]
    device_options = {k: to_device(v) for k, v in options.items()}
    got = cuda_backend.load(name).forward(*device, need_grad=need_grad, **device_options)
    for before, after in zip(list(arrays) + list(options.values()), device + list(device_options.values())):
        if isinstance(before, np.ndarray):
            np.testing.assert_array_equal(after.copy_to_host(), before, err_msg="an input was written")
    return want, tuple(None if g is None else g.copy_to_host() for g in got)


def check(name, arrays, need_grad, **options):
    """Assert that the CUDA forward of ``name`` matches the CPU one; returns the CUDA results."""
    want, got = run_both(name, arrays, need_grad, **options)
    assert len(got) == len(want)
    for i, (g, w) in enumerate(zip(got, want)):
        what = "loss" if i == 0 else f"gradient {i - 1}"
        if w is None:
            assert g is None, f"{what}: CPU gives None"
            continue
        w = np.asarray(w)
        assert g is not None, f"{what}: CUDA gives None"
        assert g.shape == w.shape and g.dtype == w.dtype, f"{what}: {g.shape} {g.dtype} != CPU {w.shape} {w.dtype}"
        np.testing.assert_allclose(g, w, equal_nan=True, err_msg=what, **TOL.get(w.dtype, dict(rtol=0, atol=0)))
    return got
