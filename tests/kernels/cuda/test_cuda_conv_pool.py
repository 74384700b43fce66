"""conv2d and pooling CUDA kernels against their CPU twins (``kernels/cpu/conv2d.py``, ``pooling.py``):
the same functions fed ``numba.cuda.to_device`` copies of the same arrays give the same outputs, argmax
indices and gradients, float32 and float64, over tiny shapes (the simulator runs each thread in Python)
that still cross several blocks and wrap the grid-stride loops (``conftest.small_launches``)."""
import numpy as np
import pytest
from numba import cuda

from minigrad.kernels import cpu, cuda as cuda_backend
from tests.kernels.cuda.device_compare import DTYPES

cpu_conv, cpu_pool = cpu.load("conv2d"), cpu.load("pooling")
cuda_conv, cuda_pool = cuda_backend.load("conv2d"), cuda_backend.load("pooling")  # as the ops load them

# BLAS (CPU) and the tiled products (device) add in different orders, and the CPU sums some average-pool
# windows vectorised; max pooling (values, argmax, gradients) is exact
TOL = {np.float32: dict(rtol=1e-5, atol=1e-5), np.float64: dict(rtol=1e-12, atol=1e-12)}
rng = np.random.default_rng(5)


def normal(shape, dtype):
    return rng.standard_normal(shape).astype(dtype)


def host(arrays):
    return [None if a is None else a.copy_to_host() for a in arrays]


def device(*arrays):
    return [None if a is None else cuda.to_device(a) for a in arrays]


def assert_same(got, want, dtype, exact=False):
    assert got.shape == want.shape and got.dtype == want.dtype
    if exact:
        np.testing.assert_array_equal(got, want)
    else:
        np.testing.assert_allclose(got, want, equal_nan=True, **TOL[dtype])


# ------------------------------------------------------------------------------------------ conv2d

@pytest.fixture
def tiles(monkeypatch):
    """Set the conv kernels' tiles to (T·R)² outputs, T·T threads a block, so tiny convs span several
    tiles, partial ones included."""
    def set_tiles(t, r):
        monkeypatch.setattr(cuda_conv, "T", t)
        monkeypatch.setattr(cuda_conv, "R", r)
    set_tiles(2, 2)
    return set_tiles


CONVS = {  # x shape, weight shape, bias, stride, padding, dilation, groups
    "3x3-pad1": ((2, 1, 4, 5), (2, 1, 3, 3), True, (1, 1), (1, 1), (1, 1), 1),
    "strided-dilated-grouped": ((1, 4, 5, 6), (4, 2, 3, 2), True, (2, 1), (1, 0, 2, 1), (1, 2), 2),
    "depthwise-stride2": ((1, 3, 5, 4), (3, 1, 2, 2), False, (2, 2), (0, 1), (1, 1), 3),
    "crop": ((1, 2, 5, 5), (2, 2, 2, 2), False, (1, 1), (-1, 0, 0, -1), (1, 1), 1),  # grad_x's own route
    "empty-batch": ((0, 2, 4, 4), (3, 2, 3, 3), True, (1, 1), (1, 1), (1, 1), 1),
}


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("case", CONVS)
def test_conv2d(case, dtype, tiles):
    check_conv2d(case, dtype)


def test_conv2d_one_output_a_thread_unsplit(tiles, monkeypatch):
    """R = 1, T = 3 not a power of two, and every reduction in one slice (the others cut theirs into
    slices: the tiles are few)."""
    tiles(3, 1)
    monkeypatch.setattr(cuda_conv, "SPLIT_BLOCKS", 1)
    check_conv2d("strided-dilated-grouped", np.float32)


def check_conv2d(case, dtype):
    x_shape, w_shape, has_bias, stride, padding, dilation, groups = CONVS[case]
    x, w = normal(x_shape, dtype), normal(w_shape, dtype)
    b = normal(w_shape[0], dtype) if has_bias else None
    geometry = dict(stride=stride, padding=padding, dilation=dilation, groups=groups)
    want, _ = cpu_conv.conv2d_forward(x, w, b, **geometry)
    dx, dw, db = device(x, w, b)
    got, saved = cuda_conv.conv2d_forward(dx, dw, db, **geometry)
    assert saved is None
    assert_same(got.copy_to_host(), want, dtype)
    g = normal(want.shape, dtype)
    needs = (True, True, has_bias)
    wants = cpu_conv.conv2d_backward(g, x, w, None, needs=needs, **geometry)
    gots = cuda_conv.conv2d_backward(cuda.to_device(g), dx, dw, None, needs=needs, **geometry)
    for name, got_grad, want_grad in zip(("grad_x", "grad_w", "grad_b"), host(gots), wants):
        if want_grad is None:
            assert got_grad is None, name
        else:
            assert_same(got_grad, want_grad, dtype)
    for before, after in zip((x, w, b), host((dx, dw, db))):  # inputs untouched
        if before is not None:
            np.testing.assert_array_equal(after, before)


@pytest.mark.parametrize("needs", [(True, False, False), (False, True, False), (False, False, True)])
def test_conv2d_backward_computes_only_what_is_needed(needs, tiles):
    x, w = normal((1, 2, 4, 4), np.float32), normal((2, 2, 3, 3), np.float32)
    geometry = dict(stride=(1, 1), padding=(1, 1), dilation=(1, 1), groups=1)
    g = normal((1, 2, 4, 4), np.float32)
    wants = cpu_conv.conv2d_backward(g, x, w, None, needs=needs, **geometry)
    gots = cuda_conv.conv2d_backward(*device(g, x, w), None, needs=needs, **geometry)
    for need, got, want in zip(needs, host(gots), wants):
        assert (got is None) == (not need)
        if need:
            assert_same(got, want, np.float32)


def test_conv2d_rejects_mismatched_groups():
    with pytest.raises(RuntimeError, match="groups=2"):
        cuda_conv.conv2d_forward(*device(normal((1, 3, 4, 4), np.float32), normal((2, 3, 3, 3), np.float32)),
                                 None, (1, 1), (0, 0), (1, 1), 2)


# --------------------------------------------------------------------------------------- max pool

MAX_POOLS = {  # input shape, kernel_size, stride, padding, dilation, ceil_mode
    "2x2": ((2, 2, 4, 6), 2, None, 0, 1, False),
    "3x3-s1-overlapping": ((1, 2, 5, 5), 3, 1, 1, 1, False),
    "ceil-dilated": ((1, 2, 5, 7), 3, (2, 1), 1, (1, 2), True),
    "rect": ((1, 3, 6, 5), (2, 3), (3, 2), (1, 1), 1, True),
    "empty-batch": ((0, 2, 4, 4), 2, 2, 0, 1, False),
}


def pool_input(shape, dtype):
    """Normal values with a NaN and runs of ties (the first maximum wins; a NaN wins)."""
    x = normal(shape, dtype)
    if x.size:
        x[0, 0, 1, 1] = np.nan
        x[0, -1, 2, :] = 5
        x[0, -1, :, 0] = 5
    return x


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("case", MAX_POOLS)
def test_max_pool2d(case, dtype):
    shape, *geometry = MAX_POOLS[case]
    x = pool_input(shape, dtype)
    want, want_arg = cpu_pool.max_pool2d_forward(x, *geometry)
    got, got_arg = cuda_pool.max_pool2d_forward(cuda.to_device(x), *geometry)
    assert_same(got.copy_to_host(), want, dtype, exact=True)
    assert_same(got_arg.copy_to_host(), want_arg, np.int64, exact=True)
    g = normal(want.shape, dtype)
    want_grad = cpu_pool.max_pool2d_backward(g, want_arg, shape, *geometry)
    assert_same(cuda_pool.max_pool2d_backward(cuda.to_device(g), got_arg, shape, *geometry).copy_to_host(), want_grad,
                dtype, exact=True)


def test_max_pool2d_checks_arguments_as_the_cpu():
    x = cuda.to_device(normal((1, 1, 4, 4), np.float32))
    with pytest.raises(RuntimeError, match="pad should be at most half"):
        cuda_pool.max_pool2d_forward(x, 2, 2, 2, 1, False)
    with pytest.raises(RuntimeError, match="Output size is too small"):
        cuda_pool.max_pool2d_forward(x, 5, 1, 0, 2, False)
    assert cuda_pool.pool_output_size is cpu_pool.pool_output_size


# ----------------------------------------------------------------------------------- average pools

AVG_POOLS = {  # input shape, kernel_size, stride, padding, ceil_mode, count_include_pad, divisor_override
    "2x2": ((2, 2, 4, 6), 2, None, 0, False, True, None),
    "pad-include": ((1, 2, 5, 5), 3, 2, 1, True, True, None),
    "pad-exclude-ceil": ((1, 2, 5, 7), 3, (2, 1), 1, True, False, None),
    "divisor": ((1, 2, 5, 4), (2, 3), 1, (1, 1), False, False, 5),
    "empty-batch": ((0, 2, 4, 4), 2, 2, 0, False, True, None),
}


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("case", AVG_POOLS)
def test_avg_pool2d(case, dtype):
    shape, *geometry = AVG_POOLS[case]
    x = pool_input(shape, dtype)
    want = cpu_pool.avg_pool2d_forward(x, *geometry)
    assert_same(cuda_pool.avg_pool2d_forward(cuda.to_device(x), *geometry).copy_to_host(), want, dtype)
    g = normal(want.shape, dtype)
    assert_same(cuda_pool.avg_pool2d_backward(cuda.to_device(g), shape, *geometry).copy_to_host(),
                cpu_pool.avg_pool2d_backward(g, shape, *geometry), dtype)


def test_avg_pool2d_rejects_a_zero_divisor():
    with pytest.raises(RuntimeError, match="divisor must be not zero"):
        cuda_pool.avg_pool2d_forward(cuda.to_device(normal((1, 1, 4, 4), np.float32)), 2, 2, 0, False, True, 0)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape, output_size", [((2, 2, 5, 7), (3, 4)), ((1, 2, 4, 7), (2, None)),
                                                ((1, 2, 3, 5), 1), ((1, 1, 3, 2), (5, 4)), ((0, 2, 4, 4), 2)],
                         ids=["shrink", "keep-width", "global", "grow", "empty-batch"])
def test_adaptive_avg_pool2d(shape, output_size, dtype):
    x = pool_input(shape, dtype)
    want = cpu_pool.adaptive_avg_pool2d_forward(x, output_size)
    assert_same(cuda_pool.adaptive_avg_pool2d_forward(cuda.to_device(x), output_size).copy_to_host(), want, dtype)
    g = normal(want.shape, dtype)
    assert_same(cuda_pool.adaptive_avg_pool2d_backward(cuda.to_device(g), shape).copy_to_host(),
                cpu_pool.adaptive_avg_pool2d_backward(g, shape), dtype)


# ------------------------------------------------------------------------------- through the ops

def test_conv_and_pools_on_cuda_tensors_match_the_cpu(tiles):
    """F.conv2d → relu → max / avg / adaptive pools on 'cuda' tensors: the ops load these kernels, and
    the values, gradients and grad_fn names equal the CPU run's."""
    import minigrad
    F = minigrad.nn.functional
    arrays = normal((1, 2, 4, 4), np.float32), normal((2, 2, 3, 3), np.float32), normal(2, np.float32)

    def run(device):
        x, w, b = (minigrad.tensor(a, device=device, requires_grad=True) for a in arrays)
        h = F.relu(F.conv2d(x, w, b, padding=1))
        pools = F.max_pool2d(h, 2), F.avg_pool2d(h, 3, 1, 1), F.adaptive_avg_pool2d(h, (3, 2))
        loss = pools[0].sum() + (pools[1] * 0.5).sum() + pools[2].sum()
        loss.backward()
        assert loss.device.type == device
        return [type(p.grad_fn).__name__ for p in pools], [loss.item()] + [t.grad.cpu().numpy() for t in (x, w, b)]

    (names, got), (want_names, want) = run("cuda"), run("cpu")
    assert names == want_names
    for g, w in zip(got, want):
        np.testing.assert_allclose(g, w, rtol=1e-5, atol=1e-5)
