"""The elementwise losses' CUDA kernels against their CPU kernels, every reduction, float32 and
float64, each loss's options, broadcasting and one-element operands."""
import numpy as np
import pytest

from tests.kernels.cuda.device_compare import DTYPES, REDUCTIONS, check

rng = np.random.default_rng(7)


def normal(*shape):
    return rng.standard_normal(shape)


def unit(*shape):
    return rng.uniform(0.05, 0.95, shape)


def sign(*shape):
    return np.where(rng.random(shape) < 0.5, -1.0, 1.0)


# name, float arrays (made in the test's dtype), need_grad, options
CASES = [
    ("mse_loss", (normal(3, 7), normal(3, 7)), (True, True), {}),
    ("mse_loss", (normal(4, 5), normal(5)), (True, False), {}),  # target broadcast along rows
    ("l1_loss", (normal(2, 9), normal(2, 9)), (True, True), {}),
    ("huber_loss", (normal(3, 6) * 2, normal(3, 6)), (True, True), {"delta": 0.7}),
    ("smooth_l1_loss", (normal(3, 6) * 2, normal(3, 6)), (True, True), {"beta": 0.5}),
    ("soft_margin_loss", (normal(4, 5), sign(4, 5)), (True, False), {}),
    ("kl_div", (np.log(unit(3, 5)), unit(3, 5)), (True, True), {}),
    ("kl_div", (np.log(unit(3, 5)), np.log(unit(3, 5))), (True, True), {"log_target": True}),
    ("kl_div", (np.log(unit(3, 5)), unit(3, 5)), (True, False), {"divisor": 3}),  # 'batchmean'
    ("gaussian_nll_loss", (normal(4, 5), normal(4, 5), unit(4, 5)), (True, True, True), {}),
    ("gaussian_nll_loss", (normal(4, 5), normal(4, 5), unit(4, 1)), (True, False, True), {"full": True}),
    ("gaussian_nll_loss", (normal(4, 5), normal(4, 5), unit(1)), (True, True, True), {"eps": 0.5}),  # one variance
    ("poisson_nll_loss", (normal(3, 6), rng.poisson(2.0, (3, 6)) * 1.0), (True, True), {}),
    ("poisson_nll_loss", (unit(3, 6) * 3, rng.poisson(2.0, (3, 6)) * 1.0), (True, True),
     {"log_input": False, "full": True}),
    ("binary_cross_entropy", (unit(3, 7), unit(3, 7)), (True, True), {}),
    ("binary_cross_entropy", (unit(3, 7), rng.integers(0, 2, (3, 7)) * 1.0), (True, False), {"weight": unit(3, 7)}),
    ("binary_cross_entropy_with_logits", (normal(3, 7) * 3, unit(3, 7)), (True, True), {}),
    ("binary_cross_entropy_with_logits", (normal(4, 5) * 3, unit(4, 5)), (True, True),
     {"weight": unit(5), "pos_weight": unit(5) * 3}),
    ("hinge_embedding_loss", (normal(4, 5), sign(4, 5)), (True, False), {"margin": 0.5}),
    ("margin_ranking_loss", (normal(13), normal(13), sign(13)), (True, True, True), {"margin": 0.2}),
    ("margin_ranking_loss", (normal(3, 4), normal(3, 4), sign(4)), (True, True, False), {}),
]


def cast(values, dtype):
    if isinstance(values, dict):
        return {k: cast(v, dtype) for k, v in values.items()}
    if isinstance(values, tuple):
        return tuple(cast(v, dtype) for v in values)
    return values.astype(dtype) if isinstance(values, np.ndarray) else values


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name, arrays, need_grad, options", CASES,
                         ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_matches_cpu(name, arrays, need_grad, options, dtype, reduction):
    check(name, cast(arrays, dtype), need_grad, reduction=reduction, **cast(options, dtype))


@pytest.mark.parametrize("name, arrays, need_grad, options", CASES[:1] + CASES[6:7] + CASES[16:17],
                         ids=["mse_loss", "kl_div", "bce_with_logits"])
def test_no_gradient_asked(name, arrays, need_grad, options):
    _, *grads = check(name, cast(arrays, np.float32), (False,) * len(need_grad), **cast(options, np.float32))
    assert grads == [None] * len(need_grad)


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_empty_input(reduction):
    """n = 0: a mean is NaN, a sum 0, 'none' empty, as on the CPU."""
    check("mse_loss", (np.empty((0, 3), np.float32), np.empty((0, 3), np.float32)), (True, True), reduction=reduction)


def test_nan_and_extremes():
    x = np.array([np.nan, 1e4, -1e4, 0.0, np.inf, 3.0, -2.0], np.float32)
    y = np.array([0.5, 0.0, 1.0, 0.5, 1.0, np.nan, 0.25], np.float32)
    for name in ("mse_loss", "l1_loss", "huber_loss", "binary_cross_entropy_with_logits", "soft_margin_loss"):
        check(name, (x, y), (True, True), reduction="none")
        check(name, (x, y), (True, True), reduction="sum")


def test_kl_div_zero_target():
    """xlogy(0, ·) = 0 in the loss, and the target gradient 0/0 = NaN, on both devices."""
    x, y = np.log(unit(2, 4)), unit(2, 4)
    y[0, 1] = 0
    check("kl_div", (x, y), (True, True), reduction="none")


def test_binary_cross_entropy_at_the_ends():
    x = np.array([0.0, 1.0, 0.5, 1.0, 0.0], np.float64)
    y = np.array([0.0, 1.0, 0.5, 0.0, 1.0], np.float64)
    check("binary_cross_entropy", (x, y), (True, True), reduction="none")


def test_float16_runs_in_float32():
    x, y = normal(3, 5).astype(np.float16), normal(3, 5).astype(np.float16)
    check("mse_loss", (x, y), (True, True), reduction="mean")
    check("margin_ranking_loss", (x, y, sign(3, 5).astype(np.float16)), (True, True, False), reduction="sum")


def test_hinge_integer_inputs():
    x = rng.integers(-3, 4, (3, 5))
    y = np.where(rng.random((3, 5)) < 0.5, -1, 1)
    for reduction in REDUCTIONS:
        check("hinge_embedding_loss", (x, y), (False, False), margin=2.0, reduction=reduction)


@pytest.mark.parametrize("dtype", DTYPES)
def test_bce_out_of_range(dtype):
    from numba import cuda

    from minigrad.kernels import cpu, cuda as device
    x, y = unit(3, 4).astype(dtype), unit(3, 4).astype(dtype)
    cases = [(x, y)]
    for where, value in (((1, 2), 1.5), ((0, 3), np.nan), ((2, 0), -0.1)):
        bad_x, bad_y = x.copy(), y.copy()
        bad_x[where] = value
        bad_y[1, 1] = 2.0  # a bad target too: the input's element comes first only when it is earlier
        cases += [(bad_x, y), (x, bad_y), (bad_x, bad_y)]
    for a, b in cases:
        want = cpu.load("binary_cross_entropy").out_of_range(a, b)
        assert device.load("binary_cross_entropy").out_of_range(cuda.to_device(a), cuda.to_device(b)) == want
