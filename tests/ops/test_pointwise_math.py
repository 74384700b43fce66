"""The declared tensor math (minigrad/ops/pointwise_math.py) against torch: every op in every form
(function, method, in-place, out=), float32 and float64, values, gradients and grad_fn names;
integer input; special values; float64 gradchecks; torch's errors."""
import math
import warnings

import numpy as np
import pytest
import torch

import minigrad
from tests.compare import assert_close, gradcheck
from tests.core_helpers import check, node_name, rand

FLOATS = (np.float32, np.float64)

# name -> (low, high): a domain where the op and its gradient are smooth
UNARY = {
    "sin": (-3, 3), "cos": (-3, 3), "tan": (-1.2, 1.2), "asin": (-0.9, 0.9), "arcsin": (-0.9, 0.9),
    "acos": (-0.9, 0.9), "arccos": (-0.9, 0.9), "atan": (-3, 3), "arctan": (-3, 3), "sinh": (-2, 2),
    "cosh": (-2, 2), "asinh": (-3, 3), "arcsinh": (-3, 3), "acosh": (1.2, 4), "arccosh": (1.2, 4),
    "atanh": (-0.9, 0.9), "arctanh": (-0.9, 0.9), "exp": (-3, 3), "exp2": (-3, 3), "expm1": (-3, 3),
    "log": (0.1, 4), "log2": (0.1, 4), "log10": (0.1, 4), "log1p": (-0.9, 4), "sqrt": (0.1, 4),
    "rsqrt": (0.1, 4), "reciprocal": (0.2, 3), "square": (-2, 2), "sigmoid": (-4, 4), "tanh": (-3, 3),
    "erf": (-2, 2), "erfc": (-2, 2), "erfinv": (-0.95, 0.95), "lgamma": (0.2, 5), "digamma": (0.2, 5),
    "logit": (0.05, 0.95), "frac": (-3, 3), "sinc": (-2, 2), "deg2rad": (-180, 180), "rad2deg": (-3, 3),
    "sgn": (-2, 2), "sign": (-2, 2), "abs": (-2, 2), "absolute": (-2, 2), "neg": (-2, 2), "negative": (-2, 2),
    "relu": (-2, 2), "nan_to_num": (-2, 2), "floor": (-3, 3), "ceil": (-3, 3), "round": (-3, 3),
    "trunc": (-3, 3), "fix": (-3, 3),
}
# name -> (low, high) of both operands
BINARY = {
    "atan2": (-2, 2), "arctan2": (-2, 2), "hypot": (-2, 2), "fmod": (0.3, 3), "remainder": (0.3, 3),
    "xlogy": (0.1, 3), "logaddexp": (-3, 3), "copysign": (-2, 2),
}
NO_GRADCHECK = {"sign", "sgn", "floor", "ceil", "round", "trunc", "fix", "frac"}  # zero or jumpy gradients


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("name", sorted(UNARY))
def test_unary_function_and_method(name, dtype):
    lo, hi = UNARY[name]
    x = rand((3, 4), dtype, lo, hi)
    grad = name != "sgn"  # torch's sgn gradient is a ZeroTensor, which has no numpy form
    check(lambda t: getattr(minigrad, name)(t), lambda t: getattr(torch, name)(t), [x], grad=grad)
    check(lambda t: getattr(t, name)(), lambda t: getattr(t, name)(), [x], grad=grad)
    if not grad:
        t = minigrad.tensor(x, requires_grad=True)
        getattr(t, name)().sum().backward()
        assert not t.grad.numpy().any()


@pytest.mark.parametrize("name", sorted(UNARY))
def test_unary_inplace_and_out(name):
    lo, hi = UNARY[name]
    x = rand((2, 3), np.float32, lo, hi)
    mine, theirs = minigrad.tensor(x), torch.tensor(x)
    assert getattr(mine, name + "_")() is mine
    getattr(theirs, name + "_")()
    assert_close(mine, theirs)
    assert mine._version[0] == 1
    out_mg, out_th = minigrad.empty(2, 3), torch.empty(2, 3)
    assert getattr(minigrad, name)(minigrad.tensor(x), out=out_mg) is out_mg
    if name != "relu":  # (torch.relu has no out=; minigrad's does)
        getattr(torch, name)(torch.tensor(x), out=out_th)
        assert_close(out_mg, out_th)


@pytest.mark.parametrize("name", sorted(set(UNARY) - {"acosh", "arccosh", "asinh", "arcsinh", "atanh", "arctanh"}))
def test_unary_inplace_records_the_node(name):  # (torch has no derivative for these three in place)
    lo, hi = UNARY[name]
    x = rand((4,), np.float64, lo, hi)

    def fn(lib):
        return lambda t: getattr(t * 1, name + "_")()
    check(fn(minigrad), fn(torch), [x], grad=name != "sgn")


@pytest.mark.parametrize("name", sorted(UNARY))
def test_unary_integer_input(name):
    x = np.array([1, 2, 3], dtype=np.int64) if name not in ("logit", "erfinv", "atanh", "arctanh", "asin",
                                                           "arcsin", "acos", "arccos") else np.array([0, 1, 0])
    want = err = None
    try:
        want = getattr(torch, name)(torch.tensor(x))
    except Exception as e:  # noqa: BLE001 - torch's refusal is the expected outcome
        err = e
    if err is not None:
        with pytest.raises(type(err)) as got:
            getattr(minigrad, name)(minigrad.tensor(x))
        assert str(got.value) == str(err)
    else:
        assert_close(getattr(minigrad, name)(minigrad.tensor(x)), want)


@pytest.mark.parametrize("shape", [(), (0,), (2, 0, 3)])
@pytest.mark.parametrize("name", ["sin", "exp", "erfinv", "relu", "xlogy", "atan2"])
def test_zero_dim_and_empty(name, shape):
    arrays = [rand(shape, np.float64, 0.1, 0.9)] * (2 if name in BINARY or name == "xlogy" else 1)
    check(lambda *t: getattr(minigrad, name)(*t), lambda *t: getattr(torch, name)(*t), arrays)


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("name", sorted(BINARY))
def test_binary(name, dtype):
    lo, hi = BINARY[name]
    a, b = rand((3, 4), dtype, lo, hi, seed=1), rand((4,), dtype, lo, hi, seed=2)
    if name in ("atan2", "arctan2", "hypot", "copysign"):
        a[0, 0] = b[0] = 0  # the origin: torch's conventions at 0/0
    check(lambda x, y: getattr(minigrad, name)(x, y), lambda x, y: getattr(torch, name)(x, y), [a, b])
    check(lambda x, y: getattr(x, name)(y), lambda x, y: getattr(x, name)(y), [a, b])


@pytest.mark.parametrize("name", ["fmod", "remainder", "xlogy", "copysign"])
def test_binary_scalar_other(name):
    x = rand((5,), np.float64, 0.3, 3)
    check(lambda t: getattr(minigrad, name)(t, 0.7), lambda t: getattr(torch, name)(t, 0.7), [x])
    check(lambda t: getattr(t, name)(-2), lambda t: getattr(t, name)(-2), [x])


@pytest.mark.parametrize("name", sorted(BINARY))
def test_binary_inplace_and_out(name):
    lo, hi = BINARY[name]
    a, b = rand((2, 3), np.float32, lo, hi, seed=3), rand((3,), np.float32, lo, hi, seed=4)
    inplace = name + "_"
    if hasattr(torch.Tensor, inplace):
        mine, theirs = minigrad.tensor(a), torch.tensor(a)
        getattr(mine, inplace)(minigrad.tensor(b))
        getattr(theirs, inplace)(torch.tensor(b))
        assert_close(mine, theirs)
    else:
        assert not hasattr(minigrad.Tensor, inplace)
    out_mg = minigrad.empty(0)
    getattr(minigrad, name)(minigrad.tensor(a), minigrad.tensor(b), out=out_mg)
    assert_close(out_mg, getattr(torch, name)(torch.tensor(a), torch.tensor(b)))


@pytest.mark.parametrize("name", ["fmod", "remainder", "floor_divide", "copysign", "atan2", "heaviside"])
def test_binary_integer_input(name):
    a, b = np.array([5, -5, 7, 0]), np.array([3, 3, -2, 2])
    want = getattr(torch, name)(torch.tensor(a), torch.tensor(b))
    assert_close(getattr(minigrad, name)(minigrad.tensor(a), minigrad.tensor(b)), want)


@pytest.mark.parametrize("name", ["fmod", "remainder", "floor_divide"])
def test_integer_division_by_zero_raises(name):
    with pytest.raises(RuntimeError, match="ZeroDivisionError"):
        getattr(minigrad, name)(minigrad.tensor([5, 3]), minigrad.tensor([1, 0]))


def test_floor_divide_and_heaviside():
    a, b = np.array([5.0, -5.0, 5.5, 0.0, -0.0]), np.array([-2.0, 2.0, 0.0, 3.0, 1.0])
    assert_close(minigrad.floor_divide(minigrad.tensor(a), minigrad.tensor(b)),
                 torch.floor_divide(torch.tensor(a), torch.tensor(b)))
    x, v = np.array([np.nan, 0.0, -1.0, 2.0, -0.0]), np.array([0.5])
    assert_close(minigrad.heaviside(minigrad.tensor(x), minigrad.tensor(v)),
                 torch.heaviside(torch.tensor(x), torch.tensor(v)))
    with pytest.raises(RuntimeError, match="different dtypes"):
        minigrad.heaviside(minigrad.tensor([1.0]), minigrad.tensor([1]))
    t = minigrad.tensor([1.0, 0.0], requires_grad=True)
    for fn in (lambda: minigrad.heaviside(t, minigrad.tensor([0.5])), lambda: minigrad.floor_divide(t, 2)):
        with pytest.raises(RuntimeError, match="derivative for .* is not implemented"):
            fn().sum().backward()


SPECIAL = [np.inf, -np.inf, np.nan, 0.0, -0.0, 1.0, -1.0, 0.5, 2.0, -2.5, 1e-30]


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("name", sorted(set(UNARY) - {"fix", "absolute", "negative"}))
def test_special_values(name, dtype):
    """±inf, NaN, ±0 and domain edges (acosh(1), log(0), erfinv(±1), digamma(−0), ...) as torch,
    with the gradient torch gives there."""
    x = np.array(SPECIAL, dtype=dtype)
    if name == "digamma" and dtype == np.float32:  # torch's ψ₁(−1) is 1/sin²(π) in float32 rounding (1e15)
        x = x[x != -1]
    mine = minigrad.tensor(x, requires_grad=True)
    theirs = torch.tensor(x, requires_grad=True)
    y_mg, y_th = getattr(minigrad, name)(mine), getattr(torch, name)(theirs)
    assert_close(y_mg, y_th, rtol=1e-5 if dtype == np.float32 else 1e-9, atol=1e-7 if dtype == np.float32 else 0)
    got, want = y_mg.detach().numpy(), y_th.detach().numpy()
    zeros = want == 0
    assert np.array_equal(np.signbit(got[zeros]), np.signbit(want[zeros])), "signed zeros"
    if y_th.requires_grad and name != "sgn":  # (torch's sgn gradient is a ZeroTensor)
        y_th.backward(torch.ones_like(y_th))
        y_mg.backward(minigrad.ones_like(y_mg))
        assert_close(mine.grad, theirs.grad, rtol=1e-5 if dtype == np.float32 else 1e-9, atol=0, what="grad")


def test_special_values_binary():
    a = np.array([0.0, 0.0, 1.0, np.inf, -np.inf, np.nan, -0.0, 2.0])
    b = np.array([0.0, np.nan, 0.0, np.inf, -np.inf, 1.0, 1.0, -0.0])
    for name in ("atan2", "hypot", "xlogy", "logaddexp", "copysign", "fmod", "remainder"):
        ta, tb = torch.tensor(a, requires_grad=True), torch.tensor(b, requires_grad=True)
        ma, mb = minigrad.tensor(a, requires_grad=True), minigrad.tensor(b, requires_grad=True)
        y_th, y_mg = getattr(torch, name)(ta, tb), getattr(minigrad, name)(ma, mb)
        assert_close(y_mg, y_th, what=name)
        y_th.backward(torch.ones(8, dtype=torch.float64))
        y_mg.backward(minigrad.ones(8, dtype=minigrad.float64))
        assert_close(ma.grad, ta.grad, what=f"{name} grad a")
        assert_close(mb.grad, tb.grad, what=f"{name} grad b")


@pytest.mark.parametrize("name", sorted(set(UNARY) - NO_GRADCHECK))
def test_gradcheck_unary(name):
    lo, hi = UNARY[name]
    assert gradcheck(lambda t: getattr(minigrad, name)(t), [rand((5,), np.float64, lo, hi, seed=7)])


@pytest.mark.parametrize("name", sorted(BINARY))
def test_gradcheck_binary(name):
    lo, hi = BINARY[name]
    a, b = rand((3, 2), np.float64, lo, hi, seed=8), rand((2,), np.float64, lo, hi, seed=9)
    if name in ("fmod", "remainder"):  # away from the jumps of a mod b
        a, b = np.array([[2.3, 1.1], [5.5, 0.45]]), np.array([2.0, 0.4])
    assert gradcheck(lambda x, y: getattr(minigrad, name)(x, y), [a, b])


@pytest.mark.parametrize("eps", [None, 0.0, 0.1])
def test_logit_eps(eps):
    x = np.array([-0.5, 0.0, 0.05, 0.3, 0.95, 1.0, 1.5, np.nan])
    check(lambda t: minigrad.logit(t, eps), lambda t: torch.logit(t, eps), [x])
    check(lambda t: t.logit(eps=eps), lambda t: t.logit(eps=eps), [x])


@pytest.mark.parametrize("dtype", FLOATS)
def test_nan_to_num_options(dtype):
    x = np.array([np.nan, np.inf, -np.inf, 1.5], dtype=dtype)
    for kw in ({}, {"nan": 2.0}, {"posinf": 10.0, "neginf": -3.0}, {"nan": -1.0, "posinf": 1e3}):
        check(lambda t: minigrad.nan_to_num(t, **kw), lambda t: torch.nan_to_num(t, **kw), [x])


def test_round_decimals():
    x = rand((6,), np.float64, -3, 3)
    check(lambda t: t.round(decimals=2), lambda t: t.round(decimals=2), [x])
    check(lambda t: minigrad.round(t), lambda t: torch.round(t), [np.array([0.5, 1.5, 2.5, -0.5])])


def test_signbit():
    x = np.array([-0.0, 0.0, -1.0, 2.0, np.inf, -np.inf])
    assert_close(minigrad.signbit(minigrad.tensor(x)), torch.signbit(torch.tensor(x)))
    assert_close(minigrad.tensor([-1, 0, 3]).signbit(), torch.tensor([-1, 0, 3]).signbit())
    assert minigrad.signbit(minigrad.tensor(x, requires_grad=True)).grad_fn is None


def test_out_rules_as_torch():
    out = minigrad.empty(3)
    with pytest.warns(UserWarning, match="was resized since it had shape \\[3\\]"):
        minigrad.sin(minigrad.ones(2), out=out)
    assert out.shape == (2,)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        minigrad.cos(minigrad.ones(2), out=out)  # same shape: no warning
    assert minigrad.sin(minigrad.ones(2, dtype=minigrad.float64), out=out).dtype == minigrad.float32
    with pytest.raises(RuntimeError, match="result type Float can't be cast to the desired output type Long"):
        minigrad.sin(minigrad.ones(2), out=minigrad.empty(2, dtype=minigrad.int64))
    with pytest.raises(RuntimeError, match="don't support automatic differentiation"):
        minigrad.sin(minigrad.ones(2, requires_grad=True), out=minigrad.empty(2))


def test_errors_as_torch():
    cases = [
        lambda lib: lib.sin([1.0]),
        lambda lib: lib.atan2(lib.ones(2), 2.0),
        lambda lib: lib.hypot(lib.ones(2, dtype=lib.int64), lib.ones(2, dtype=lib.int64)),
        lambda lib: lib.frac(lib.ones(2, dtype=lib.int64)),
        lambda lib: lib.ones(2, dtype=lib.int64).sin_(),
        lambda lib: lib.atan2(lib.ones(2, 3), lib.ones(4)),
        lambda lib: -lib.ones(2, dtype=lib.bool),
        lambda lib: lib.logaddexp(lib.ones(2, dtype=lib.int64), lib.ones(2, dtype=lib.int64)),
    ]
    for case in cases:
        with pytest.raises(Exception) as want:
            case(torch)
        with pytest.raises(type(want.value)) as got:
            case(minigrad)
        assert str(got.value) == str(want.value).split("\n")[0]


def test_grad_fn_names_and_aliases():
    x = minigrad.tensor([0.5], requires_grad=True)
    assert node_name(minigrad.arcsin(x)) == "AsinBackward0"
    assert node_name(minigrad.square(x)) == "PowBackward0"
    assert node_name(minigrad.log1p(x)) == "Log1PBackward0"
    assert node_name(minigrad.nan_to_num(x)) == "NanToNumBackward0"
    assert node_name(minigrad.deg2rad(x)) == "Deg2RadBackward0"
    assert node_name(minigrad.xlogy(x, 2.0)) == "XlogyBackward2"
    assert node_name(minigrad.copysign(x, 2.0)) == "CopysignBackward1"
    assert node_name(x % 2) == "RemainderBackward0"
    assert minigrad.fix is not None and math.isclose(minigrad.fix(minigrad.tensor(-1.5)).item(), -1.0)


COMPOSED = {  # name -> (call, input shapes)
    "lerp scalar": (lambda lib, a, b: lib.lerp(a, b, 0.3), [(3, 4), (4,)]),
    "lerp weight>=0.5": (lambda lib, a, b: a.lerp(b, 0.8), [(3, 4), (3, 4)]),
    "lerp tensor": (lambda lib, a, b, w: lib.lerp(a, b, w), [(3, 4), (4,), (3, 1)]),
    "addcmul": (lambda lib, a, b, c: lib.addcmul(a, b, c, value=0.5), [(3, 4), (4,), (3, 4)]),
    "addcdiv": (lambda lib, a, b, c: a.addcdiv(b, c.abs() + 0.5, value=-2), [(3, 4), (3, 4), (4,)]),
    "float_power": (lambda lib, a: lib.float_power(a.abs() + 0.1, 2.5), [(5,)]),
    "float_power tensor": (lambda lib, a, b: lib.float_power(a.abs() + 0.1, b), [(2, 3), (3,)]),
}


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("name", sorted(COMPOSED))
def test_composed(name, dtype):
    call, shapes = COMPOSED[name]
    arrays = [rand(s, dtype, seed=i) for i, s in enumerate(shapes)]
    check(lambda *t: call(minigrad, *t), lambda *t: call(torch, *t), arrays)
    if dtype == np.float64:
        assert gradcheck(lambda *t: call(minigrad, *t), arrays)


def test_composed_inplace_out_and_errors():
    a, b, c = (rand((2, 3), np.float32, seed=i) for i in range(3))
    for name, args in (("lerp", (b, 0.25)), ("addcmul", (b, c)), ("addcdiv", (b, np.abs(c) + 1))):
        mine, theirs = minigrad.tensor(a), torch.tensor(a)
        getattr(mine, name + "_")(*[minigrad.tensor(v) if isinstance(v, np.ndarray) else v for v in args])
        getattr(theirs, name + "_")(*[torch.tensor(v) if isinstance(v, np.ndarray) else v for v in args])
        assert_close(mine, theirs)
        out = minigrad.empty(2, 3)
        getattr(minigrad, name)(minigrad.tensor(a), *[minigrad.tensor(v) if isinstance(v, np.ndarray) else v
                                                     for v in args], out=out)
        assert_close(out, theirs)
    x = minigrad.tensor(a.astype(np.float64))
    x.float_power_(2)
    assert_close(x, torch.tensor(a.astype(np.float64)).float_power_(2))
    cases = [
        lambda lib: lib.ones(2).float_power_(2),
        lambda lib: lib.lerp(lib.ones(2), lib.ones(2, dtype=lib.float64), 0.5),
        lambda lib: lib.lerp(lib.ones(2), lib.ones(2), lib.ones(2, dtype=lib.float64)),
        lambda lib: lib.addcdiv(lib.ones(2), lib.ones(2, dtype=lib.int64), lib.ones(2, dtype=lib.int64)),
    ]
    for case in cases:
        with pytest.raises(Exception) as want:
            case(torch)
        with pytest.raises(type(want.value)) as got:
            case(minigrad)
        assert str(got.value) == str(want.value)
