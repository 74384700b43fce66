"""The elementwise losses (mse, l1, smooth L1, Huber, BCE, BCE with logits, KL divergence, soft
margin, Poisson and Gaussian NLL) against torch: values, gradients of every differentiable input,
dtypes and grad_fn names for every reduction, dtype and option, on odd, 0-d and empty shapes; against
the loop references of naive.py; and by float64 gradcheck. Errors, warnings, edge values
and the seed examples are in test_elementwise_edges.py."""
import numpy as np
import pytest
import torch

import minigrad
from tests.losses import naive
from tests.compare import compare, gradcheck
from tests.losses.loss_helpers import FLOATS, REDUCTIONS, check, counts, grad_fn_name, rand, signs, unit

pytestmark = pytest.mark.filterwarnings("ignore:reduction. 'mean' divides", "ignore:Using a target size")
F = minigrad.nn.functional
SHAPES = [(7, 5), (3, 4, 5), (), (0, 4), (1,)]


def regression(shape, dtype):
    return [rand(shape, dtype, 0), rand(shape, dtype, 1)]


def probabilities(shape, dtype):
    return [unit(shape, dtype, 0, 0.02, 0.98), unit(shape, dtype, 1)]


def logits(shape, dtype):
    return [rand(shape, dtype, 0, -6, 6), unit(shape, dtype, 1)]


def kl_inputs(shape, dtype):
    return [rand(shape, dtype, 0, -4, 0), unit(shape, dtype, 1)]


def poisson_inputs(shape, dtype):
    return [rand(shape, dtype, 0), counts(shape, dtype)]


def gaussian_inputs(shape, dtype):
    return [rand(shape, dtype, 0), rand(shape, dtype, 1), unit(shape, dtype, 2, 0.1, 2.0)]


# name, input maker, positions torch cannot differentiate, option sets
CASES = [
    ("mse_loss", regression, (), [{}]),
    ("l1_loss", regression, (), [{}]),
    ("smooth_l1_loss", regression, (), [{}, {"beta": 0.5}, {"beta": 0.0}, {"beta": 3}]),
    ("huber_loss", regression, (), [{}, {"delta": 0.3}, {"delta": 2.5}]),
    ("binary_cross_entropy", probabilities, (), [{}]),
    ("binary_cross_entropy_with_logits", logits, (), [{}]),
    ("kl_div", kl_inputs, (), [{"reduction_": "batchmean"}, {"log_target": True}, {}]),
    ("soft_margin_loss", lambda s, dt: [rand(s, dt, 0), signs(s, dt)], (1,), [{}]),
    ("poisson_nll_loss", poisson_inputs, (), [{}, {"full": True}, {"log_input": False, "eps": 1e-3}]),
    ("gaussian_nll_loss", gaussian_inputs, (), [{}, {"full": True}, {"eps": 0.5}]),
]
PARAMS = [(name, make, fixed, opts) for name, make, fixed, options in CASES for opts in options]
IDS = [f"{name}-{'-'.join(f'{k}={v}' for k, v in opts.items())}" for name, _, _, opts in PARAMS]


def _options(opts, reduction):
    opts = dict(opts)
    if "reduction_" in opts:  # kl_div's own reduction replaces the parametrised one
        reduction = opts.pop("reduction_")
    return dict(opts, reduction=reduction)


@pytest.mark.parametrize("shape", SHAPES, ids=str)
@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("name, make, fixed, opts", PARAMS, ids=IDS)
def test_vs_torch(name, make, fixed, opts, reduction, dtype, shape):
    if name == "poisson_nll_loss" and opts.get("log_input") is False:
        inputs = [unit(shape, dtype, 0, 0.0, 3.0), counts(shape, dtype)]
    else:
        inputs = make(shape, dtype)
    check(name, inputs, fixed=fixed, **_options(opts, reduction))


@pytest.mark.parametrize("name, make, fixed, opts", PARAMS, ids=IDS)
def test_gradcheck(name, make, fixed, opts):
    inputs = make((3, 4), np.float64)
    if name == "poisson_nll_loss" and opts.get("log_input") is False:
        inputs[0] = unit((3, 4), np.float64, 0, 0.5, 3.0)
    if name == "poisson_nll_loss" and opts.get("full"):
        inputs[1] = unit((3, 4), np.float64, 1, 1.5, 5.0)  # the Stirling term is smooth above 1
    if name == "gaussian_nll_loss" and "eps" in opts:
        inputs[2] = unit((3, 4), np.float64, 2, 0.7, 2.0)  # away from the clamp's kink
    kw = _options(opts, "sum")
    fn = getattr(F, name)

    def f(*args):
        args = list(args)
        for i in fixed:
            args.insert(i, minigrad.tensor(inputs[i]))
        return fn(*args, **kw)
    assert gradcheck(f, [a for i, a in enumerate(inputs) if i not in fixed])


# ---------------------------------------------------------------------------------- broadcasting
@pytest.mark.parametrize("shapes", [((4, 5), (5,)), ((5,), (4, 5)), ((4, 1), (1, 5)), ((3, 1, 5), (4, 1))], ids=str)
@pytest.mark.parametrize("name", ["mse_loss", "l1_loss", "smooth_l1_loss", "huber_loss", "kl_div", "poisson_nll_loss"])
@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_broadcast_input_and_target(name, reduction, shapes):
    check(name, [rand(shapes[0], seed=0), unit(shapes[1], seed=1)], reduction=reduction)


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_soft_margin_broadcast_target(reduction):
    check("soft_margin_loss", [rand((4, 5)), signs((5,))], fixed=(1,), reduction=reduction)


@pytest.mark.parametrize("var_shape", [(6, 4), (6,), (6, 1), (1, 4)], ids=str)
@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_gaussian_variance_shapes(reduction, var_shape):
    check("gaussian_nll_loss", [rand((6, 4)), rand((6, 4), seed=1), unit(var_shape, seed=2, low=0.1)],
          reduction=reduction)


@pytest.mark.parametrize("var_shape", [(2, 3), (2, 3, 1), (1, 3, 4)], ids=str)
def test_gaussian_variance_shapes_3d(var_shape):
    check("gaussian_nll_loss", [rand((2, 3, 4)), rand((2, 3, 4), seed=1), unit(var_shape, seed=2, low=0.1)])


def test_gaussian_float_variance_and_broadcast_target():
    check("gaussian_nll_loss", [rand((4, 3)), rand((3,), seed=1), 0.7], reduction="none")
    check("gaussian_nll_loss", [rand((4, 3)), rand((4, 3), seed=1), 0.0])  # clamped to eps


# --------------------------------------------------------------------------------------- weights
@pytest.mark.parametrize("weight_shape", [(4, 5), (5,), (1,), (4, 1), ()], ids=str)
@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("dtype", FLOATS)
def test_bce_weight(dtype, reduction, weight_shape):
    check("binary_cross_entropy", probabilities((4, 5), dtype), reduction=reduction,
          weight=unit(weight_shape, dtype, 3, 0.1, 2.0))


@pytest.mark.parametrize("shapes", [((5,), None), (None, (5,)), ((1,), (1,)), ((4, 5), (4, 1)), ((4, 1), ())],
                         ids=str)
@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("dtype", FLOATS)
def test_bce_logits_weight_and_pos_weight(dtype, reduction, shapes):
    w, pw = [None if s is None else unit(s, dtype, 3 + i, 0.2, 4.0) for i, s in enumerate(shapes)]
    check("binary_cross_entropy_with_logits", logits((4, 5), dtype), reduction=reduction, weight=w, pos_weight=pw)


@pytest.mark.parametrize("name", ["mse_loss", "l1_loss", "huber_loss"])
@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_weighted_regression(name, reduction):
    """torch composes these from primitives (Mul/Div/Sum/MeanBackward0) and differentiates the weight."""
    def bind(lib):
        return lambda x, y, w: getattr(lib.nn.functional, name)(x, y, reduction=reduction, weight=w)
    out_mg, out_th = compare(bind(minigrad), bind(torch), [rand((4, 5)), rand((4, 5), seed=1), unit((4, 5), seed=2)])
    assert grad_fn_name(out_mg) == grad_fn_name(out_th)


# ------------------------------------------------------------------------------ naive references
def _kernel(name):
    return minigrad.kernels.cpu.load(name).forward


NAIVE = [
    ("mse_loss", regression, {}),
    ("l1_loss", regression, {}),
    ("smooth_l1_loss", regression, {"beta": 0.7}),
    ("huber_loss", regression, {"delta": 0.7}),
    ("binary_cross_entropy", probabilities, {}),
    ("binary_cross_entropy_with_logits", logits, {}),
    ("kl_div", kl_inputs, {}),
    ("kl_div", regression, {"log_target": True}),
    ("soft_margin_loss", lambda s, dt: [rand(s, dt), signs(s, dt)], {}),
    ("poisson_nll_loss", poisson_inputs, {"full": True}),
    ("poisson_nll_loss", lambda s, dt: [unit(s, dt, 0, 0, 3), counts(s, dt)], {"log_input": False}),
    ("gaussian_nll_loss", gaussian_inputs, {"full": True, "eps": 0.3}),
]


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("name, make, opts", NAIVE, ids=[f"{n}-{o}" for n, _, o in NAIVE])
def test_kernel_vs_naive(name, make, opts, reduction):
    inputs = make((6, 7), np.float64)
    loss, *grads = _kernel(name)(*inputs, need_grad=(True,) * len(inputs), reduction=reduction, **opts)
    want = getattr(naive, name)(*inputs, reduction=reduction, **opts)
    np.testing.assert_allclose(loss, want[0], rtol=1e-12, atol=1e-12)
    want_grads = want[1:] if name != "soft_margin_loss" else want[1:2]
    for got, expected in zip(grads, want_grads):
        np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("weights", [(None, None), ((7,), None), (None, (7,)), ((6, 7), (1,))], ids=str)
def test_kernel_weights_vs_naive(weights):
    x, y = logits((6, 7), np.float64)
    w, pw = [None if s is None else unit(s, np.float64, 5, 0.2, 3.0) for s in weights]
    loss, gx, gy = _kernel("binary_cross_entropy_with_logits")(x, y, need_grad=(True, True), reduction="sum",
                                                               weight=w, pos_weight=pw)
    want = naive.binary_cross_entropy_with_logits(x, y, weight=w, pos_weight=pw, reduction="sum")
    for got, expected in zip((loss, gx, gy), want):
        np.testing.assert_allclose(got, expected, rtol=1e-12)
    p, t = probabilities((6, 7), np.float64)
    loss, gx, gy = _kernel("binary_cross_entropy")(p, t, need_grad=(True, True), reduction="mean", weight=w)
    want = naive.binary_cross_entropy(p, t, weight=w, reduction="mean")
    for got, expected in zip((loss, gx, gy), want):
        np.testing.assert_allclose(got, expected, rtol=1e-12)


def test_kernel_float32_stays_float32_and_matches_float64():
    x, y = regression((300, 7), np.float32)
    loss, gx, gy = _kernel("smooth_l1_loss")(x, y, need_grad=(True, True), reduction="mean", beta=0.5)
    assert loss.dtype == gx.dtype == gy.dtype == np.float32
    want = naive.smooth_l1_loss(x, y, reduction="mean", beta=0.5)
    np.testing.assert_allclose(loss, want[0], rtol=1e-6)
    np.testing.assert_allclose(gx, want[1], rtol=1e-6, atol=1e-9)


def test_kernel_threaded_path_matches_serial():
    """Above the parallel threshold the threaded compile runs; it must give the serial result."""
    from minigrad.kernels.cpu._parallel import PARALLEL_MIN
    x, y = regression((PARALLEL_MIN + 17,), np.float64)
    big = _kernel("huber_loss")(x, y, need_grad=(True, True), reduction="sum", delta=0.4)
    parts = [_kernel("huber_loss")(x[i:i + 1000], y[i:i + 1000], need_grad=(True, True), reduction="sum",
                                   delta=0.4) for i in range(0, x.size, 1000)]
    np.testing.assert_allclose(big[0], sum(p[0] for p in parts), rtol=1e-12)
    np.testing.assert_array_equal(big[1], np.concatenate([p[1] for p in parts]))


def test_float16():
    x, y = probabilities((5, 3), np.float16)
    for name in ("mse_loss", "binary_cross_entropy", "huber_loss"):
        got = getattr(F, name)(minigrad.tensor(x), minigrad.tensor(y))
        want = getattr(torch.nn.functional, name)(torch.tensor(x), torch.tensor(y))
        assert got.dtype is minigrad.float16
        np.testing.assert_allclose(got.numpy().astype(np.float32), want.numpy().astype(np.float32), rtol=2e-3)


def test_kernel_asked_only_for_needed_gradients(monkeypatch):
    mod = minigrad.kernels.cpu.load("mse_loss")
    asked, real = [], mod.forward
    monkeypatch.setattr(mod, "forward", lambda *a, need_grad, **o: asked.append(need_grad) or real(
        *a, need_grad=need_grad, **o))
    x = minigrad.tensor(rand((3,)), requires_grad=True)
    F.mse_loss(x, minigrad.tensor(rand((3,), seed=1)))
    F.mse_loss(minigrad.tensor(rand((3,))), x)
    assert asked == [(True, False), (False, True)]
