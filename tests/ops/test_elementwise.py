"""Elementwise math against torch: values, gradients, grad_fn names, float32/float64, broadcasting,
0-d and empty tensors; float64 gradcheck of every differentiable op."""
import operator

import numpy as np
import pytest
import torch

import minigrad
from tests.core_helpers import FLOATS, both, check, gradcheck, node_name, rand

SHAPES = [(), (5,), (3, 4), (0, 3), (2, 3, 4)]

# name -> (low, high) of the input domain
UNARY = {
    "exp": (-3, 3), "expm1": (-3, 3), "log": (0.1, 4), "log1p": (-0.9, 4), "sqrt": (0.1, 4),
    "rsqrt": (0.1, 4), "abs": (-2, 2), "sign": (-2, 2), "neg": (-2, 2), "sigmoid": (-4, 4),
    "tanh": (-3, 3), "relu": (-2, 2), "floor": (-3, 3), "ceil": (-3, 3), "round": (-3, 3), "trunc": (-3, 3),
}


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("name", sorted(UNARY))
def test_unary(name, shape, dtype):
    lo, hi = UNARY[name]
    fn = operator.methodcaller(name)
    check(fn, fn, [rand(shape, dtype, lo, hi)])


@pytest.mark.parametrize("name", sorted(UNARY))
def test_unary_function_form(name):
    lo, hi = UNARY[name]
    check(lambda x: getattr(minigrad, name)(x), lambda x: getattr(torch, name)(x), [rand((4,), np.float64, lo, hi)])


@pytest.mark.parametrize("name", ["exp", "log", "sqrt", "sigmoid", "tanh", "rsqrt", "expm1", "log1p"])
@pytest.mark.parametrize("dtype", [np.int64, np.int32, np.uint8, np.bool_])
def test_unary_integer_input_promotes_to_float32(name, dtype):
    a = np.array([0, 1, 2, 3]).astype(dtype)
    check(operator.methodcaller(name), operator.methodcaller(name), [a], grad=False)


@pytest.mark.parametrize("name", ["abs", "neg", "sign", "relu", "floor", "ceil", "round", "trunc"])
@pytest.mark.parametrize("dtype", [np.int64, np.int32, np.uint8])
def test_unary_integer_input_keeps_dtype(name, dtype):
    a = np.array([0, 1, 2, 3]).astype(dtype)
    if name == "neg" and dtype == np.uint8:
        a = a[:1]
    check(operator.methodcaller(name), operator.methodcaller(name), [a], grad=False)


def test_unary_special_values():
    a = np.array([0.0, -0.0, np.inf, -np.inf, np.nan, 1e-30, -1e30, 88.0, -88.0, 100.0], np.float32)
    for name in ("exp", "expm1", "sigmoid", "tanh", "relu", "abs", "sign"):
        check(operator.methodcaller(name), operator.methodcaller(name), [a])
    pos = np.abs(a)
    for name in ("log", "log1p", "sqrt", "rsqrt"):
        check(operator.methodcaller(name), operator.methodcaller(name), [pos])


def test_round_decimals():
    a = np.array([1.23456, -2.5, 0.5, 1.5, 2.675], np.float64)
    check(lambda x: x.round(decimals=2), lambda x: x.round(decimals=2), [a])
    check(lambda x: x.round(), lambda x: x.round(), [a])


BROADCAST = [((3, 4), (3, 4)), ((3, 4), (4,)), ((2, 1, 4), (3, 1)), ((), (3,)), ((3,), ()), ((), ()),
             ((0, 3), (3,)), ((3, 1), (1, 0)), ((4, 1, 1), (1, 2, 3)), ((1,), (2, 2))]

BINARY = {
    "add": (operator.add, (-2, 2)), "sub": (operator.sub, (-2, 2)), "mul": (operator.mul, (-2, 2)),
    "div": (operator.truediv, (0.5, 2)), "pow": (operator.pow, (0.5, 2)),
    "maximum": (lambda a, b: a.maximum(b), (-2, 2)), "minimum": (lambda a, b: a.minimum(b), (-2, 2)),
    "add_alpha": (lambda a, b: a.add(b, alpha=2.5), (-2, 2)), "sub_alpha": (lambda a, b: a.sub(b, alpha=-3),
                                                                             (-2, 2)),
}


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("shapes", BROADCAST, ids=str)
@pytest.mark.parametrize("name", sorted(BINARY))
def test_binary(name, shapes, dtype):
    fn, (lo, hi) = BINARY[name]
    check(fn, fn, [rand(shapes[0], dtype, lo, hi, seed=1), rand(shapes[1], dtype, lo, hi, seed=2)])


@pytest.mark.parametrize("name", ["add", "sub", "mul", "div", "pow", "maximum", "minimum"])
def test_binary_function_form(name):
    a, b = rand((3, 1), np.float64, 0.5, 2, 1), rand((4,), np.float64, 0.5, 2, 2)
    check(lambda x, y: getattr(minigrad, name)(x, y), lambda x, y: getattr(torch, name)(x, y), [a, b])


@pytest.mark.parametrize("name", ["maximum", "minimum"])
def test_maximum_minimum_ties_split_gradient(name):
    a = np.array([1.0, 2.0, 3.0, 4.0])
    b = np.array([1.0, 3.0, 3.0, 0.0])
    check(lambda x, y: getattr(x, name)(y), lambda x, y: getattr(x, name)(y), [a, b])


SCALAR_OPS = {
    "x+2": lambda x: x + 2, "2+x": lambda x: 2 + x, "x-1.5": lambda x: x - 1.5, "1.5-x": lambda x: 1.5 - x,
    "x*3": lambda x: x * 3, "3*x": lambda x: 3 * x, "x/2": lambda x: x / 2, "2/x": lambda x: 2 / x,
    "x**2": lambda x: x ** 2, "x**0.5": lambda x: x ** 0.5, "x**-1": lambda x: x ** -1, "x**0": lambda x: x ** 0,
    "2**x": lambda x: 2 ** x, "2.5**x": lambda x: 2.5 ** x, "x**3": lambda x: x ** 3, "-x": lambda x: -x,
    "+x": lambda x: +x, "x+True": lambda x: x + True, "x.pow(2)": lambda x: x.pow(2),
    "x*x": lambda x: x * x, "x/x": lambda x: x / x, "x-x": lambda x: x - x,
}


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("name", sorted(SCALAR_OPS))
def test_scalar_operands(name, dtype):
    fn = SCALAR_OPS[name]
    check(fn, fn, [rand((2, 3), dtype, 0.5, 2)])


@pytest.mark.parametrize("name", ["x+2", "2+x", "x*3", "x-1.5", "x/2", "2/x", "x**2", "2**x", "x+True"])
@pytest.mark.parametrize("dtype", [np.int64, np.int32, np.uint8, np.bool_])
def test_scalar_operands_integer_tensor(name, dtype):
    fn = SCALAR_OPS[name]
    a = np.array([[1, 2, 3], [0, 1, 2]]).astype(dtype)
    if dtype == np.bool_ and name in ("x-1.5",):
        pytest.skip("covered by the bool subtraction error test")
    check(fn, fn, [a], grad=False)


def test_pow_edge_cases():
    base = np.array([0.0, 0.0, 1.0, 2.0, -2.0, 0.5])
    expo = np.array([0.0, 2.0, 0.0, -1.0, 2.0, 0.5])
    check(lambda a, b: a ** b, lambda a, b: a ** b, [base, expo])
    check(lambda a: a ** 0, lambda a: a ** 0, [base])
    check(lambda a: a ** 2, lambda a: a ** 2, [base])
    check(lambda a: a ** 0.5, lambda a: a ** 0.5, [np.abs(base)])


def test_pow_integer_tensors():
    a = np.array([1, 2, 3], np.int64)
    b = np.array([2, 0, 3], np.int64)
    check(lambda x, y: x ** y, lambda x, y: x ** y, [a, b], grad=False)
    check(lambda x: x ** 2, lambda x: x ** 2, [a], grad=False)
    check(lambda x: x ** 0.5, lambda x: x ** 0.5, [a], grad=False)


@pytest.mark.parametrize("op", [operator.add, operator.sub, operator.mul, operator.truediv, operator.pow,
                                lambda a, b: a.maximum(b)], ids=["add", "sub", "mul", "div", "pow", "maximum"])
@pytest.mark.parametrize("dtypes", [(np.float32, np.float64), (np.float64, np.float32), (np.float32, np.int64),
                                    (np.int64, np.float64), (np.int32, np.float32), (np.uint8, np.float32),
                                    (np.bool_, np.float64)], ids=str)
def test_mixed_dtype_binary(op, dtypes):
    if op is operator.sub and np.bool_ in dtypes:
        pytest.skip("subtracting a bool tensor is an error (see test_tensor_errors)")
    a = (rand((2, 3), np.float64, 1, 3, 1)).astype(dtypes[0])
    b = (rand((3,), np.float64, 1, 3, 2)).astype(dtypes[1])
    check(op, op, [a, b])


def test_mixed_dtype_zero_dim_float64_does_not_promote():
    a, b = rand((3,), np.float32), np.array(2.0)
    out, _ = check(lambda x, y: x * y, lambda x, y: x * y, [a, b])
    assert out.dtype is minigrad.float32


@pytest.mark.parametrize("dtype", [np.int64, np.int32, np.uint8])
def test_integer_arithmetic(dtype):
    a = np.array([[7, 8, 9], [1, 2, 3]]).astype(dtype)
    b = np.array([2, 3, 4]).astype(dtype)
    for op in (operator.add, operator.sub, operator.mul, operator.truediv, operator.floordiv, operator.mod,
               lambda x, y: x.maximum(y), lambda x, y: x.minimum(y)):
        check(op, op, [a, b], grad=False)


@pytest.mark.parametrize("dtype", FLOATS)
def test_floordiv_mod(dtype):
    a = np.array([[7.5, -8.0, 9.0], [-1.5, 2.0, 3.0]], dtype)
    b = np.array([2.0, -3.0, 4.0], dtype)
    for op in (operator.floordiv, operator.mod):
        check(op, op, [a, b], grad=False)
    check(lambda x: x % 2, lambda x: x % 2, [a], grad=False)
    check(lambda x, y: x.div(y, rounding_mode="floor"), lambda x, y: x.div(y, rounding_mode="floor"), [a, b],
          grad=False)
    check(lambda x, y: x.div(y, rounding_mode="trunc"), lambda x, y: x.div(y, rounding_mode="trunc"), [a, b],
          grad=False)


def test_remainder_gradient():
    a = np.array([[7.5, -8.0, 9.0], [-1.5, 2.0, 3.0]])
    b = np.array([2.0, -3.0, 4.0])
    check(lambda x, y: x % y, lambda x, y: x % y, [a, b])
    check(lambda x: x % 2, lambda x: x % 2, [a])


# ---- clamp, where, masked_fill --------------------------------------------------------------------
CLAMPS = {
    "min": dict(min=-0.5), "max": dict(max=0.5), "both": dict(min=-0.5, max=0.5), "at_bound": dict(min=0.0, max=1.0),
    "int_bounds": dict(min=-1, max=1),
}


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("kind", sorted(CLAMPS))
def test_clamp(kind, dtype):
    kw = CLAMPS[kind]
    x = np.array([-2.0, -1.0, -0.5, 0.0, 0.25, 0.5, 1.0, 3.0], dtype)
    check(lambda t: t.clamp(**kw), lambda t: t.clamp(**kw), [x])
    check(lambda t: minigrad.clamp(t, **kw), lambda t: torch.clamp(t, **kw), [x])
    check(lambda t: t.clip(**kw), lambda t: t.clip(**kw), [x])


def test_clamp_min_max_methods():
    x = rand((3, 4), np.float64)
    check(lambda t: t.clamp_min(0.1), lambda t: t.clamp_min(0.1), [x])
    check(lambda t: t.clamp_max(0.1), lambda t: t.clamp_max(0.1), [x])


@pytest.mark.parametrize("dtype", FLOATS)
def test_clamp_tensor_bounds(dtype):
    x = rand((3, 4), dtype, seed=1)
    lo, hi = rand((4,), dtype, -1, 0, seed=2), rand((3, 1), dtype, 0, 1, seed=3)
    check(lambda t, a, b: t.clamp(a, b), lambda t, a, b: t.clamp(a, b), [x, lo, hi])
    check(lambda t, a: t.clamp(min=a), lambda t, a: t.clamp(min=a), [x, lo])
    check(lambda t, b: t.clamp(max=b), lambda t, b: t.clamp(max=b), [x, hi])


def test_clamp_integer_tensor():
    x = np.array([-3, 0, 5], np.int64)
    check(lambda t: t.clamp(-1, 2), lambda t: t.clamp(-1, 2), [x], grad=False)
    check(lambda t: t.clamp(min=0.5), lambda t: t.clamp(min=0.5), [x], grad=False)


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("shapes", [((3, 4), (3, 4), (3, 4)), ((3, 4), (4,), (3, 1)), ((), (3,), ()),
                                    ((0, 2), (2,), (0, 2))], ids=str)
def test_where(shapes, dtype):
    cs, as_, bs = shapes
    cond = rand(cs, np.float64, seed=3) > 0
    a, b = rand(as_, dtype, seed=1), rand(bs, dtype, seed=2)
    check(lambda x, y: minigrad.where(minigrad.tensor(cond), x, y), lambda x, y: torch.where(torch.tensor(cond), x, y),
          [a, b])
    check(lambda x, y: x.where(minigrad.tensor(cond), y), lambda x, y: x.where(torch.tensor(cond), y), [a, b])


def test_where_scalars_and_mixed_dtypes():
    cond = np.array([True, False, True])
    x32 = rand((3,), np.float32)
    x64 = rand((3,), np.float64, seed=4)
    check(lambda x: minigrad.where(minigrad.tensor(cond), x, 0.0), lambda x: torch.where(torch.tensor(cond), x, 0.0),
          [x32])
    check(lambda x: minigrad.where(minigrad.tensor(cond), 1, x), lambda x: torch.where(torch.tensor(cond), 1, x),
          [x64])
    check(lambda x, y: minigrad.where(minigrad.tensor(cond), x, y), lambda x, y: torch.where(torch.tensor(cond), x, y),
          [x32, x64])
    mg = minigrad.where(minigrad.tensor(cond), 1.0, 2.0)
    th = torch.where(torch.tensor(cond), 1.0, 2.0)
    assert mg.dtype.name == str(th.dtype).split(".")[1] and mg.tolist() == th.tolist()


def test_where_single_argument_is_nonzero():
    a = np.array([[0, 1], [2, 0]])
    mg, th = both(lambda lib, t: lib.where(t > 0), a)
    assert [x.tolist() for x in mg] == [x.tolist() for x in th]


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("value", [0.0, -np.inf, 3])
def test_masked_fill(value, dtype):
    x = rand((3, 4), dtype)
    mask = rand((4,), np.float64, seed=5) > 0
    check(lambda t: t.masked_fill(minigrad.tensor(mask), value), lambda t: t.masked_fill(torch.tensor(mask), value),
          [x])
    check(lambda t: minigrad.masked_fill(t, minigrad.tensor(mask), minigrad.tensor(value)),
          lambda t: torch.masked_fill(t, torch.tensor(mask), torch.tensor(value)), [x])


def test_masked_fill_integer_tensor():
    x = np.array([1, 2, 3])
    mask = np.array([True, False, True])
    check(lambda t: t.masked_fill(minigrad.tensor(mask), 7), lambda t: t.masked_fill(torch.tensor(mask), 7), [x],
          grad=False)


# ---- comparisons and logic ------------------------------------------------------------------------
CMP = {"eq": operator.eq, "ne": operator.ne, "lt": operator.lt, "le": operator.le, "gt": operator.gt,
       "ge": operator.ge}


@pytest.mark.parametrize("dtypes", [(np.float32, np.float32), (np.float32, np.float64), (np.int64, np.float32),
                                    (np.int32, np.int64), (np.bool_, np.bool_), (np.uint8, np.int64)], ids=str)
@pytest.mark.parametrize("name", sorted(CMP))
def test_comparisons(name, dtypes):
    a = np.array([[0, 1, 2], [2, 1, 0]]).astype(dtypes[0])
    b = np.array([1, 1, 0]).astype(dtypes[1])
    op = CMP[name]
    check(op, op, [a, b], grad=False)
    check(lambda x: op(x, 1), lambda x: op(x, 1), [a], grad=False)
    check(lambda x: op(x, 0.5), lambda x: op(x, 0.5), [a], grad=False)
    check(lambda x, y: getattr(x, name)(y), lambda x, y: getattr(x, name)(y), [a, b], grad=False)
    check(lambda x, y: getattr(minigrad, name)(x, y), lambda x, y: getattr(torch, name)(x, y), [a, b], grad=False)


def test_comparison_of_grad_tensor_has_no_grad_fn():
    x = rand((3,), np.float32)
    mg, th = check(lambda t: t > 0, lambda t: t > 0, [x])
    assert mg.grad_fn is None and not mg.requires_grad


def test_comparison_nan():
    a = np.array([np.nan, 1.0, np.inf])
    for op in CMP.values():
        check(lambda x, y, op=op: op(x, y), lambda x, y, op=op: op(x, y), [a, a.copy()], grad=False)


@pytest.mark.parametrize("name", ["logical_and", "logical_or", "logical_xor"])
@pytest.mark.parametrize("dtype", [np.bool_, np.float32, np.int64])
def test_logical(name, dtype):
    a = np.array([[0, 1, 2], [0, 0, 3]]).astype(dtype)
    b = np.array([1, 0, 1]).astype(dtype)
    check(lambda x, y: getattr(x, name)(y), lambda x, y: getattr(x, name)(y), [a, b], grad=False)
    check(lambda x, y: getattr(minigrad, name)(x, y), lambda x, y: getattr(torch, name)(x, y), [a, b], grad=False)
    check(lambda x: x.logical_not(), lambda x: x.logical_not(), [a], grad=False)


@pytest.mark.parametrize("dtype", [np.bool_, np.int64, np.uint8, np.int32])
def test_bitwise_operators(dtype):
    a = np.array([[0, 1, 2], [3, 0, 3]]).astype(dtype)
    b = np.array([1, 0, 3]).astype(dtype)
    for op in (operator.and_, operator.or_, operator.xor):
        check(op, op, [a, b], grad=False)
        check(lambda x, op=op: op(x, True if dtype is np.bool_ else 1),
              lambda x, op=op: op(x, True if dtype is np.bool_ else 1), [a], grad=False)
    check(operator.invert, operator.invert, [a], grad=False)


@pytest.mark.parametrize("name", ["isnan", "isinf", "isfinite"])
def test_isnan_isinf_isfinite(name):
    a = np.array([0.0, np.nan, np.inf, -np.inf, 1.0], np.float32)
    check(operator.methodcaller(name), operator.methodcaller(name), [a], grad=False)
    check(lambda x: getattr(minigrad, name)(x), lambda x: getattr(torch, name)(x), [a], grad=False)
    check(operator.methodcaller(name), operator.methodcaller(name), [np.array([1, 2])], grad=False)


def test_equal_and_allclose():
    a = np.array([1.0, 2.0, 3.0])
    mg, th = both(lambda lib, x, y: (x.equal(y), lib.equal(x, x), x.allclose(y), lib.allclose(x, y + 1e-9)),
                  a, a + 1e-12)
    assert mg == th


# ---- float64 gradcheck of every differentiable elementwise op --------------------------------------
GRADCHECK = {
    **{name: (operator.methodcaller(name), [rand((3, 2), low=lo, high=hi)]) for name, (lo, hi) in UNARY.items()
       if name not in ("abs", "relu", "sign", "floor", "ceil", "round", "trunc")},
    "abs": (lambda x: x.abs(), [np.array([-2.0, -0.5, 0.7, 1.5])]),
    "relu": (lambda x: x.relu(), [np.array([-2.0, -0.5, 0.7, 1.5])]),
    "sign": (lambda x: x.sign(), [np.array([-2.0, -0.5, 0.7, 1.5])]),
    "floor": (lambda x: x.floor(), [np.array([-2.3, -0.5, 0.7, 1.5])]),
    **{name: (fn, [rand((3, 1), low=lo, high=hi, seed=1), rand((4,), low=lo, high=hi, seed=2)])
       for name, (fn, (lo, hi)) in BINARY.items() if name not in ("maximum", "minimum")},
    "maximum": (lambda a, b: a.maximum(b), [np.array([1.0, 2.0, 3.5]), np.array([1.5, 1.0, 3.0])]),
    "minimum": (lambda a, b: a.minimum(b), [np.array([1.0, 2.0, 3.5]), np.array([1.5, 1.0, 3.0])]),
    "rpow": (lambda x: 2.5 ** x, [rand((4,))]),
    "pow_scalar": (lambda x: x ** 3, [rand((4,))]),
    "rdiv": (lambda x: 2 / x, [rand((4,), low=0.5, high=2)]),
    "rsub": (lambda x: 2 - x, [rand((4,))]),
    "remainder": (lambda a, b: a % b, [np.array([7.3, -8.1, 9.2]), np.array([2.0, -3.0, 4.0])]),
    "clamp": (lambda x: x.clamp(-0.5, 0.5), [np.array([-1.0, -0.3, 0.2, 0.9])]),
    "clamp_tensor": (lambda x, a: x.clamp(min=a), [np.array([-1.0, -0.3, 0.2, 0.9]), np.array([0.0, 0.1, -0.1, 1.2])]),
    "where": (lambda a, b: minigrad.where(minigrad.tensor([True, False, True]), a, b), [rand((3,)), rand((2, 1))]),
    "masked_fill": (lambda x: x.masked_fill(minigrad.tensor([True, False]), 0.0), [rand((3, 2))]),
}


@pytest.mark.parametrize("name", sorted(GRADCHECK))
def test_gradcheck(name):
    fn, inputs = GRADCHECK[name]
    assert gradcheck(fn, inputs)


def test_unary_on_non_leaf_chain_matches_torch():
    """A longer expression: each node's gradient composes."""
    def f(x, y):
        return ((x * y).sigmoid() + (x - y).tanh() * 2).exp().log1p().sqrt() / (1 + y.abs())
    check(f, f, [rand((3, 4), np.float64, seed=1), rand((4,), np.float64, seed=2)])
    assert node_name(minigrad.tensor([1.0], requires_grad=True).sqrt()) == "SqrtBackward0"


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("layout", ["contiguous", "transposed"])
def test_relu_kernel_signs_nan_and_gradient(dtype, layout):
    """The one-pass kernel keeps −0 and NaN as torch does; a NaN output passes its gradient."""
    a = np.tile(np.array([-0.0, 0.0, np.nan, -1.5, 2.0, np.inf, -np.inf, 1e-40], dtype), (6, 1))
    if layout == "transposed":
        a = a.T
    x = minigrad.tensor(a, requires_grad=True)
    tx = torch.tensor(a, requires_grad=True)
    y, ty = x.relu(), tx.relu()
    np.testing.assert_array_equal(np.signbit(y.detach().numpy()), np.signbit(ty.detach().numpy()))
    np.testing.assert_array_equal(y.detach().numpy(), ty.detach().numpy())
    g = np.arange(a.size, dtype=dtype).reshape(a.shape)
    y.backward(minigrad.tensor(g))
    ty.backward(torch.tensor(g))
    np.testing.assert_array_equal(x.grad.numpy(), tx.grad.numpy())
