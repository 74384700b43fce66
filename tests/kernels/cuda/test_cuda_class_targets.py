"""nll_loss and cross_entropy: CUDA kernels against the CPU kernels in both layouts ((N, C) rows, a
row per block; (N, C, d…) positions, a position per thread), with class weights, ignore_index,
label smoothing and probability targets, every reduction, float32 and float64."""
import numpy as np
import pytest

from tests.kernels.cuda.device_compare import DTYPES, REDUCTIONS, check, run_both

SHAPES = [(6,), (5, 7), (3, 4, 2, 3)]
SHAPE_IDS = ["1d", "rows", "spatial"]
rng = np.random.default_rng(5)


def inputs(shape, dtype, weighted, ignore=None):
    x = (rng.standard_normal(shape) * 3).astype(dtype)
    n_classes = shape[0] if len(shape) == 1 else shape[1]
    target_shape = () if len(shape) == 1 else shape[:1] + shape[2:]
    t = rng.integers(0, n_classes, target_shape)
    if ignore is not None and t.ndim:
        t.flat[::3] = ignore
    weight = rng.uniform(0.5, 2.0, n_classes).astype(dtype) if weighted else None
    return x, t, weight


def arrays(x, t, weight):
    return (x, t) if weight is None else (x, t, weight)


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("weighted", [False, True], ids=["unweighted", "weighted"])
@pytest.mark.parametrize("shape", SHAPES, ids=SHAPE_IDS)
@pytest.mark.parametrize("name", ["nll_loss", "cross_entropy"])
def test_class_targets(name, shape, weighted, dtype, reduction):
    x, t, weight = inputs(shape, dtype, weighted, ignore=1)
    a = arrays(x, t, weight)
    check(name, a, (True, False, False)[:len(a)], ignore_index=1, reduction=reduction)


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape", SHAPES, ids=SHAPE_IDS)
def test_label_smoothing(shape, dtype, reduction):
    x, t, weight = inputs(shape, dtype, True, ignore=-100)
    check("cross_entropy", (x, t, weight), (True, False, False), label_smoothing=0.2, reduction=reduction)
    check("cross_entropy", (x, t), (True, False), label_smoothing=0.1, reduction=reduction)


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape", SHAPES, ids=SHAPE_IDS)
def test_probability_targets(shape, dtype, reduction):
    x = (rng.standard_normal(shape) * 2).astype(dtype)
    axis = 0 if len(shape) == 1 else 1
    y = rng.random(shape)
    y = (y / y.sum(axis=axis, keepdims=True)).astype(dtype)
    weight = rng.uniform(0.5, 2.0, shape[axis]).astype(dtype)
    check("cross_entropy", (x, y), (True, True), reduction=reduction)
    check("cross_entropy", (x, y, weight), (True, True, True), label_smoothing=0.15, reduction=reduction)


@pytest.mark.parametrize("name", ["nll_loss", "cross_entropy"])
def test_uint8_targets(name):
    x, t, _ = inputs((5, 7), np.float32, False)
    check(name, (x, t.astype(np.uint8)), (True, False))


@pytest.mark.parametrize("shape", [(4, 3), (2, 3, 5)], ids=["rows", "spatial"])
@pytest.mark.parametrize("name", ["nll_loss", "cross_entropy"])
def test_every_target_ignored(name, shape):
    """W = 0: the mean and its gradient are NaN, as on the CPU (and in torch)."""
    x, t, _ = inputs(shape, np.float64, False)
    t[...] = 2
    check(name, (x, t), (True, False), ignore_index=2)
    check(name, (x, t), (True, False), ignore_index=2, label_smoothing=0.1) if name == "cross_entropy" else None


@pytest.mark.parametrize("name", ["nll_loss", "cross_entropy"])
def test_empty_batch(name):
    for reduction in REDUCTIONS:
        check(name, (np.empty((0, 4), np.float32), np.empty(0, np.int64)), (True, False), reduction=reduction)


def test_extreme_and_nan_logits():
    x = np.array([[1e4, -1e4, 0.0], [np.nan, 1.0, 2.0], [-np.inf, 0.0, 1.0], [3.0, 3.0, 3.0]], np.float32)
    t = np.array([1, 0, 0, 2])
    for reduction in REDUCTIONS:
        check("cross_entropy", (x, t), (True, False), reduction=reduction)
        check("cross_entropy", (x, t), (True, False), reduction=reduction, label_smoothing=0.3)


def test_float16_logits():
    x, t, weight = inputs((5, 7), np.float16, True)
    check("cross_entropy", (x, t, weight), (True, False, False))
    check("nll_loss", (x, t), (True, False), reduction="none")


@pytest.mark.parametrize("shape", [(4, 3), (2, 3, 5)], ids=["rows", "spatial"])
@pytest.mark.parametrize("name", ["nll_loss", "cross_entropy"])
def test_out_of_range_target_fails_as_on_the_cpu(name, shape):
    """A class target outside [0, C) that is not ignore_index raises the same IndexError (torch's on
    the CPU) on both devices, for every reduction, before any loss kernel runs; a target array found
    valid is not checked again (no further copy to the host)."""
    from numba import cuda

    from minigrad.kernels import cpu as host
    from minigrad.kernels import cuda as device
    x, t, _ = inputs(shape, np.float32, False)
    t.flat[1], t.flat[2] = 3, -100  # out of range, then ignored
    for reduction in REDUCTIONS:
        with pytest.raises(IndexError) as on_cpu:
            host.load(name).forward(x, t, need_grad=(True, False), reduction=reduction)
        with pytest.raises(IndexError) as on_device:
            device.load(name).forward(cuda.to_device(x), cuda.to_device(t), need_grad=(True, False),
                                      reduction=reduction)
        assert str(on_device.value) == str(on_cpu.value) == "Target 3 is out of bounds."
    t.flat[1] = 2
    xd, td = cuda.to_device(x), cuda.to_device(t)
    device.load(name).forward(xd, td, need_grad=(True, False))
    assert device.load("nll_loss").checked(td) == (3, -100)


def test_functional_out_of_range_target_fails_as_on_the_cpu():
    import minigrad
    x, t = minigrad.randn(4, 3), minigrad.tensor([0, 5, 1, 2])
    for dev in ("cpu", "cuda"):
        with pytest.raises(IndexError, match="Target 5 is out of bounds."):
            minigrad.nn.functional.cross_entropy(x.to(dev), t.to(dev))
