"""The activations (minigrad/ops/activation.py, nn/modules/activation.py) against torch: functional
and module forms with their options, float32/float64 values, gradients and grad_fn names, in-place
forms, integer input, special values, float64 gradchecks and torch's errors."""
import numpy as np
import pytest
import torch

import minigrad
import minigrad.nn as nn
import minigrad.nn.functional as F
from tests.compare import assert_close, gradcheck
from tests.core_helpers import check, rand

FLOATS = (np.float32, np.float64)

# id -> (functional name, keyword options, module name, module args)
CASES = {
    "softplus": ("softplus", {}, "Softplus", ()),
    "softplus_beta": ("softplus", {"beta": 2.0, "threshold": 1.5}, "Softplus", (2.0, 1.5)),
    "softsign": ("softsign", {}, "Softsign", ()),
    "elu": ("elu", {"alpha": 0.7}, "ELU", (0.7,)),
    "selu": ("selu", {}, "SELU", ()),
    "celu": ("celu", {"alpha": 1.5}, "CELU", (1.5,)),
    "gelu": ("gelu", {}, "GELU", ()),
    "gelu_tanh": ("gelu", {"approximate": "tanh"}, "GELU", ("tanh",)),
    "silu": ("silu", {}, "SiLU", ()),
    "mish": ("mish", {}, "Mish", ()),
    "leaky_relu": ("leaky_relu", {"negative_slope": 0.2}, "LeakyReLU", (0.2,)),
    "relu6": ("relu6", {}, "ReLU6", ()),
    "hardtanh": ("hardtanh", {"min_val": -0.5, "max_val": 1.5}, "Hardtanh", (-0.5, 1.5)),
    "hardsigmoid": ("hardsigmoid", {}, "Hardsigmoid", ()),
    "hardswish": ("hardswish", {}, "Hardswish", ()),
    "logsigmoid": ("logsigmoid", {}, "LogSigmoid", ()),
    "threshold": ("threshold", {"threshold": 0.3, "value": -2.0}, "Threshold", (0.3, -2.0)),
    "tanhshrink": ("tanhshrink", {}, "Tanhshrink", ()),
    "softshrink": ("softshrink", {"lambd": 0.7}, "Softshrink", (0.7,)),
    "hardshrink": ("hardshrink", {"lambd": 0.7}, "Hardshrink", (0.7,)),
    "rrelu_eval": ("rrelu", {"lower": 0.1, "upper": 0.3}, None, ()),
}
INPLACE = ("elu", "selu", "celu", "silu", "mish", "leaky_relu", "relu6", "hardtanh", "hardsigmoid", "hardswish",
           "threshold", "rrelu_eval")


def _inputs(dtype, shape=(3, 5)):
    x = rand(shape, dtype, -4, 4, seed=11)
    x.reshape(-1)[:4] = (3.0, -3.0, 0.5, 0.0)  # hardswish/hardsigmoid corners, a threshold edge, zero
    return x


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("case", sorted(CASES))
def test_functional(case, dtype):
    name, kw, _, _ = CASES[case]
    check(lambda t: getattr(F, name)(t, **kw), lambda t: getattr(torch.nn.functional, name)(t, **kw),
          [_inputs(dtype)])


@pytest.mark.parametrize("case", sorted(c for c in CASES if CASES[c][2]))
def test_module(case):
    _, _, module, args = CASES[case]
    mine, theirs = getattr(nn, module)(*args), getattr(torch.nn, module)(*args)
    assert repr(mine) == repr(theirs)
    check(mine, theirs, [_inputs(np.float32)])


@pytest.mark.parametrize("case", INPLACE)
def test_inplace(case):
    name, kw, _, _ = CASES[case]
    x = _inputs(np.float64)

    def run(lib, fn):
        return lambda t: fn(t * 1, inplace=True, **kw)
    check(run(minigrad, getattr(F, name)), run(torch, getattr(torch.nn.functional, name)), [x])
    mine = minigrad.tensor(x)
    assert getattr(F, name)(mine, inplace=True, **kw) is mine
    assert_close(mine, getattr(torch.nn.functional, name)(torch.tensor(x), **kw))


@pytest.mark.parametrize("case", sorted(CASES))
def test_integer_input(case):
    name, kw, _, _ = CASES[case]
    x = np.array([-2, 0, 3])
    try:
        want = getattr(torch.nn.functional, name)(torch.tensor(x), **kw)
    except (NotImplementedError, RuntimeError) as e:
        with pytest.raises(type(e)) as got:
            getattr(F, name)(minigrad.tensor(x), **kw)
        assert str(got.value) == str(e)
        return
    assert_close(getattr(F, name)(minigrad.tensor(x), **kw), want)


@pytest.mark.parametrize("case", sorted(CASES))
def test_special_values(case):
    name, kw, _, _ = CASES[case]
    x = np.array([np.inf, -np.inf, np.nan, 0.0, -0.0, 30.0, -30.0, 100.0, -100.0])
    mine, theirs = minigrad.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    y_mg, y_th = getattr(F, name)(mine, **kw), getattr(torch.nn.functional, name)(theirs, **kw)
    assert_close(y_mg, y_th)
    y_mg.backward(minigrad.ones(9, dtype=minigrad.float64))
    y_th.backward(torch.ones(9, dtype=torch.float64))
    assert_close(mine.grad, theirs.grad, what="grad")


@pytest.mark.parametrize("case", sorted(CASES))
def test_gradcheck(case):
    name, kw, _, _ = CASES[case]
    x = np.array([-2.3, -1.1, -0.4, 0.45, 1.2, 2.6, 3.4, -3.6])  # away from every kink
    assert gradcheck(lambda t: getattr(F, name)(t, **kw), [x])


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("shape,weight", [((2, 3, 4), 3), ((2, 3), 3), ((5,), 1), ((2, 3, 4), 1), ((), 1)])
def test_prelu(shape, weight, dtype):
    x, w = rand(shape, dtype, -2, 2, seed=3), rand((weight,), dtype, 0.1, 0.5, seed=4)
    check(F.prelu, torch.nn.functional.prelu, [x, w])
    mine, theirs = nn.PReLU(weight, init=0.1), torch.nn.PReLU(weight, init=0.1)
    assert repr(mine) == repr(theirs) and mine.weight.shape == theirs.weight.shape
    if dtype == np.float32 and (len(shape) >= 2 or weight == 1):
        check(mine, theirs, [x])
        assert_close(mine.weight.grad, theirs.weight.grad, what="weight grad")
    assert gradcheck(F.prelu, [x.astype(np.float64), w.astype(np.float64)])


@pytest.mark.parametrize("dim", [0, 1, -1])
def test_glu(dim):
    x = rand((4, 6, 2), np.float64, -2, 2)
    check(lambda t: F.glu(t, dim), lambda t: torch.nn.functional.glu(t, dim), [x])
    check(nn.GLU(dim), torch.nn.GLU(dim), [x])
    assert gradcheck(lambda t: F.glu(t, dim), [x])


@pytest.mark.parametrize("dim", [None, 0, 1, -1])
def test_softmin_and_softmax2d(dim):
    x = rand((3, 4), np.float64)
    if dim is None:
        with pytest.warns(UserWarning, match="Implicit dimension choice for softmin"):
            check(nn.Softmin(), torch.nn.Softmin(), [x])
    else:
        check(lambda t: F.softmin(t, dim), lambda t: torch.nn.functional.softmin(t, dim), [x])
        check(nn.Softmin(dim), torch.nn.Softmin(dim), [x])
    check(nn.Softmax2d(), torch.nn.Softmax2d(), [rand((2, 3, 4, 5), np.float32)])
    with pytest.raises(ValueError, match="expected input to be 3D or 4D"):
        nn.Softmax2d()(minigrad.ones(3))


def test_rrelu_training_draws_slopes_in_range():
    x = minigrad.tensor(-np.ones(2000), requires_grad=True)
    y = F.rrelu(x, 0.1, 0.3, training=True)
    slopes = -y.detach().numpy()
    assert 0.1 <= slopes.min() and slopes.max() <= 0.3 and slopes.std() > 0.03
    assert y.grad_fn.name == "RreluWithNoiseBackward0"
    y.sum().backward()
    assert_close(x.grad, minigrad.tensor(slopes))  # the gradient is the drawn slope
    positive = minigrad.tensor(np.ones(5))
    assert_close(F.rrelu(positive, training=True), positive)
    minigrad.manual_seed(3)
    a = F.rrelu(x.detach(), training=True)
    minigrad.manual_seed(3)
    assert_close(F.rrelu(x.detach(), training=True), a)
    m = nn.RReLU(0.1, 0.3)
    m.eval()
    assert_close(m(minigrad.tensor([-1.0])), minigrad.tensor([-0.2]))


def test_errors_as_torch():
    cases = [
        lambda f: f.softshrink(torch_or_mg(f).ones(2), -1.0),
        lambda f: f.gelu(torch_or_mg(f).ones(2), approximate="fast"),
        lambda f: f.glu(torch_or_mg(f).ones(3)),
        lambda f: f.glu(torch_or_mg(f).ones(())),
        lambda f: f.prelu(torch_or_mg(f).ones(2, 3), torch_or_mg(f).ones(2)),
        lambda f: f.elu([1.0]),
        lambda f: f.hardtanh(torch_or_mg(f).ones(2), 2.0, 1.0),
        lambda f: f.prelu(torch_or_mg(f).ones(2, 3), torch_or_mg(f).ones(3, dtype=torch_or_mg(f).float64)),
    ]
    for case in cases:
        with pytest.raises(Exception) as want:
            case(torch.nn.functional)
        with pytest.raises(type(want.value)) as got:
            case(F)
        assert str(got.value) == str(want.value), str(want.value)


def torch_or_mg(f):
    return torch if f is torch.nn.functional else minigrad


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("shape", [(5,), (3, 17), (2, 3, 40)])
def test_rrelu_training_equals_torch_for_the_same_seed(dtype, shape):
    a = np.random.default_rng(len(shape)).standard_normal(shape).astype(dtype)
    for seed in (0, 7):
        torch.manual_seed(seed)
        minigrad.manual_seed(seed)
        expected = torch.nn.functional.rrelu(torch.tensor(a), 0.1, 0.3, training=True)
        got = F.rrelu(minigrad.tensor(a), 0.1, 0.3, training=True)
        np.testing.assert_array_equal(got.numpy(), expected.numpy())
        assert minigrad.rand(1).item() == torch.rand(1).item()  # the same number of draws
