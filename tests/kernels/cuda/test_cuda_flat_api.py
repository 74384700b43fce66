"""The CUDA backend's flat API against the CPU backend's, function by function: same values, shapes
and dtypes for float32 and float64 data, broadcasting, scalars, axes and keepdims, NaN and ±inf.
Tiny shapes; the launches are patched small (conftest) and matmul's tile to 4, so inputs cross
several blocks and tiles."""
import numpy as np
import pytest

from minigrad.kernels import cpu
from minigrad.kernels import cuda as gpu
from minigrad.kernels.cuda import _matmul as cuda_matmul

TOL = {np.dtype(np.float16): dict(rtol=1e-3, atol=1e-3), np.dtype(np.float32): dict(rtol=2e-6, atol=1e-6),
       np.dtype(np.float64): dict(rtol=1e-12, atol=1e-14)}
FLOATS = [np.float32, np.float64]


@pytest.fixture(autouse=True)
def small_tiles(monkeypatch):
    monkeypatch.setattr(cuda_matmul, "TILE", 4)


def data(shape, dtype, seed=0, special=False):
    a = np.random.default_rng(seed).standard_normal(shape).astype(dtype)
    if special and a.size >= 4:
        a.reshape(-1)[:4] = [np.nan, np.inf, -np.inf, 0.0]
    return a


def on_device(x):
    return gpu.from_host(x) if isinstance(x, np.ndarray) else x


def host(x):
    return gpu.to_host(x) if hasattr(x, "copy_to_host") else x


def same(name, *args, **options):
    """Run ``name`` on both backends (device copies of the array arguments) and compare."""
    want = np.asarray(getattr(cpu, name)(*args, **options))
    got = host(getattr(gpu, name)(*[on_device(a) for a in args], **options))
    assert got.shape == want.shape and got.dtype == want.dtype, (name, got.shape, got.dtype, want.shape, want.dtype)
    if want.dtype.kind == "f":
        np.testing.assert_allclose(got, want, equal_nan=True, err_msg=name, **TOL[want.dtype])
    else:
        np.testing.assert_array_equal(got, want, err_msg=name)
    return got


BINARY = ["add", "subtract", "multiply", "divide", "power", "maximum", "minimum", "equal", "not_equal", "less",
          "less_equal", "greater", "greater_equal", "logical_and", "logical_or", "logical_xor", "fmod"]
UNARY = ["negative", "abs", "sign", "exp", "expm1", "log", "log1p", "sqrt", "tanh",
         "logical_not", "isnan", "isinf", "isfinite", "floor", "ceil", "trunc"]


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("name", BINARY)
def test_binary_broadcasts_arrays_and_scalars(name, dtype):
    a, b = data((3, 4), dtype, 1, special=True), data((4,), dtype, 2)
    if name == "power":
        a = np.abs(a)
    same(name, a, b)
    same(name, a, 1.5)
    same(name, 2, b)


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("name", UNARY)
def test_unary(name, dtype):
    same(name, data((2, 5), dtype, 3, special=True))
    same(name, data((), dtype, 4))


def test_integer_arithmetic_keeps_integer_dtypes():
    a = np.arange(-6, 6, dtype=np.int64).reshape(3, 4)
    for name in ("add", "multiply", "subtract", "maximum", "mod", "bitwise_and", "bitwise_xor", "equal"):
        same(name, a, np.int64(5) if name != "mod" else 5)
    same("invert", a)
    same("logical_not", a > 0)


def test_where_clip_astype():
    a = data((3, 4), np.float32, 5, special=True)
    same("where", a > 0, a, 0)
    same("where", (a > 0)[0], 1.0, a)
    same("clip", a, -0.5, 0.5)
    same("clip", a, None, 0.5)
    for dtype in (np.float64, np.float16, np.int64, np.bool_):
        same("astype", a[np.isfinite(a)], dtype)


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("axis,keepdims", [(None, False), (None, True), ((0,), False), ((1,), True), ((0, 2), False),
                                           ((2,), False)])
def test_reductions(axis, keepdims, dtype):
    a = data((3, 4, 5), dtype, 7)
    for name in ("sum", "mean", "amax", "amin", "any", "all"):
        same(name, a, axis=axis, keepdims=keepdims)
    if axis is None or len(axis) == 1:
        for name in ("argmax", "argmin"):
            same(name, a, axis=None if axis is None else axis[0], keepdims=keepdims)


def test_reductions_with_nan_ties_empty_and_dtypes():
    a = np.array([[1.0, np.nan, 3.0, np.nan], [2.0, 2.0, -1.0, -1.0], [np.inf, 0, np.inf, -np.inf]])
    for name in ("amax", "amin", "sum"):
        same(name, a, axis=(1,))
    for name in ("argmax", "argmin"):  # the first NaN, else the first extreme
        same(name, a, axis=1)
    same("sum", a > 0, axis=(0,))  # bool sums are int64 counts
    same("sum", np.arange(12).reshape(3, 4), axis=None)
    same("sum", data((3, 0), np.float32), axis=(1,))
    same("sum", data((3, 4), np.float32), axis=(1,), dtype=np.float64)


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("shapes,ta,tb", [(((5, 3), (3, 6)), False, False), (((3, 5), (3, 6)), True, False),
                                          (((5, 3), (6, 3)), False, True), (((3, 5), (6, 3)), True, True),
                                          (((2, 5, 3), (3, 7)), False, False), (((5, 3), (2, 1, 6, 5)), True, True),
                                          (((4,), (4, 3)), False, False), (((2, 3, 4), (4,)), False, False),
                                          (((4,), (4,)), False, False), (((2, 0), (0, 3)), False, False)])
def test_matmul_tiles_batches_and_transposes(shapes, ta, tb, dtype):
    a, b = data(shapes[0], dtype, 8), data(shapes[1], dtype, 9)
    same("matmul", a, b, transpose_a=ta, transpose_b=tb)


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("shape,axis", [((4, 7), 1), ((4, 7), 0), ((2, 3, 5), 1), ((6,), 0), ((2, 0), 1)])
def test_softmax_forward_and_backward(shape, axis, dtype):
    a, g = data(shape, dtype, 10), data(shape, dtype, 11)
    if a.size > 4:
        a.reshape(-1)[:2] = [80.0, -np.inf]
    y, ly = same("softmax", a, axis), same("log_softmax", a, axis)
    same("softmax_backward", g, cpu.softmax(a, axis), axis)
    same("log_softmax_backward", g, cpu.log_softmax(a, axis), axis)
    assert y.shape == ly.shape == shape


def test_layout_copies():
    a = data((2, 3, 4), np.float32, 12)
    same("transpose", a, (2, 0, 1))
    same("transpose", a)
    same("swapaxes", a, 0, 2)
    same("broadcast_to", data((3, 1), np.float32), (2, 3, 4))
    same("expand_dims", a, 1)
    same("concatenate", [a, a[:, :1]], axis=1)
    same("copy", a)
    same("copy", a, np.float64)
    same("sum_to_shape", a, (3, 1))
    same("sum_to_shape", a, (4,))
    same("zeros", (2, 3), np.float32)
    same("full_like", a, 2.5)


BASIC = [1, -1, slice(1, None), (slice(None), 2), (Ellipsis, slice(0, 4, 2)), (None, 0, slice(None, None, -1)),
         (1, slice(2, 0, -1), 3)]


@pytest.mark.parametrize("key", BASIC, ids=repr)
def test_basic_indexing_and_its_gradient(key):
    a = data((3, 4, 5), np.float32, 13)
    g = same("index", a, key)
    same("index_add", a.shape, key, g, False)
    same("index_put", a, key, 7.0)


@pytest.mark.parametrize("key", [(np.array([2, 0, 2, -1]),), (slice(None), np.array([[1, 1], [0, 3]]))], ids=str)
def test_integer_array_indexing_gathers_and_scatter_adds(key):
    a = data((3, 4, 2), np.float64, 14)
    device_key = tuple(on_device(k) for k in key)
    want = cpu.index(a, key)
    got = gpu.to_host(gpu.index(gpu.from_host(a), device_key))
    np.testing.assert_array_equal(got, want)
    np.testing.assert_allclose(gpu.to_host(gpu.index_add(a.shape, device_key, gpu.from_host(want), True)),
                               cpu.index_add(a.shape, key, want, True))  # repeated indices add up


def test_out_of_range_device_index_raises_numpys_index_error():
    """The take kernel reads nothing outside the array and flags the index; the host raises as the CPU does."""
    a = data((3, 2), np.float32, 15)
    for idx in ([0, 3], [-4, 1]):
        with pytest.raises(IndexError, match="out of bounds for axis 0 with size 3"):
            gpu.index(gpu.from_host(a), (gpu.from_host(np.array(idx)),))


def test_boolean_mask_index_on_the_device():
    a, mask = data((3, 2), np.float32), np.array([True, False, True])
    np.testing.assert_array_equal(gpu.to_host(gpu.index(gpu.from_host(a), (gpu.from_host(mask),))), a[mask])


def test_in_place_functions():
    a = data((3, 4), np.float32, 16)
    for name, args in (("iadd", (data((4,), np.float32),)), ("copyto", (data((4,), np.float64),)), ("fill", (3,)),
                       ("setitem", ((slice(None), 1), 9.0))):
        want, got = a.copy(), gpu.from_host(a)
        getattr(cpu, name)(want, *args)
        getattr(gpu, name)(got, *[on_device(x) for x in args])
        np.testing.assert_allclose(gpu.to_host(got), want, err_msg=name)


@pytest.mark.parametrize("momentum,dampening,weight_decay,nesterov,maximize", [
    (0, 0, 0, False, False), (0.9, 0, 0, False, False), (0.9, 0.1, 0.01, False, True), (0.8, 0, 0.1, True, False)])
@pytest.mark.parametrize("dtype", FLOATS)
def test_sgd_step_fused_in_place(momentum, dampening, weight_decay, nesterov, maximize, dtype):
    rule = (momentum, dampening, weight_decay, nesterov, maximize)
    for first in (True, False):
        p, g, buf = data((5, 3), dtype, 17), data((5, 3), dtype, 18), data((5, 3), dtype, 19)
        d_p, d_buf = gpu.from_host(p), gpu.from_host(buf)
        b, d_b = (buf, d_buf) if momentum else (None, None)
        done = np.zeros(2, np.uint8)
        scalars = (0.1, momentum, 1 - dampening, weight_decay, nesterov, maximize, first and bool(momentum),
                   momentum != 0)  # optim/sgd.py's order, for the rule in kernels/shared/optim_rules.py
        cpu.load("_fused_update").step("sgd", p, g, (b,), scalars, done, 0)
        gpu.load("_fused_update").step("sgd", d_p, gpu.from_host(g), (d_b,), scalars, done, 1)
        assert done.tolist() == [1, 1]
        gpu.load("_fused_update").step("sgd", d_p, gpu.from_host(g), (d_b,), scalars, done, 1)  # done: no update
        np.testing.assert_allclose(gpu.to_host(d_p), p, **TOL[np.dtype(dtype)])
        np.testing.assert_allclose(gpu.to_host(d_buf), buf, **TOL[np.dtype(dtype)])


def test_missing_function_names_the_cpu_way_out():
    with pytest.raises(NotImplementedError, match="CUDA backend has no 'not_a_backend_function'"):
        gpu.not_a_backend_function  # noqa: B018
