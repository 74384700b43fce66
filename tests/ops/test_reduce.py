"""Reductions, softmax and the other dim-wise ops against torch: values, gradients, grad_fn names,
float32/float64, dim/keepdim variants, 0-d and empty tensors; float64 gradcheck."""
import operator

import numpy as np
import pytest
import torch

import minigrad
from tests.core_helpers import FLOATS, both, check, gradcheck, rand, torch_repr

# (shape, dim) pairs, dim=None meaning "reduce everything"
DIMS = [((3, 4), None), ((3, 4), 0), ((3, 4), -1), ((2, 3, 4), (0, 2)), ((2, 3, 4), [-1, 1]), ((), None),
        ((), 0), ((), -1), ((5,), 0), ((0, 3), 1), ((0, 3), 0), ((0, 3), None), ((2, 3, 4), (0, 1, 2))]


def reduce_fn(name, dim, keepdim, **kw):
    if dim is None:
        return operator.methodcaller(name, **kw)
    return operator.methodcaller(name, dim, keepdim=keepdim, **kw)


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("keepdim", [False, True])
@pytest.mark.parametrize("shape,dim", DIMS, ids=str)
@pytest.mark.parametrize("name", ["sum", "mean"])
def test_sum_mean(name, shape, dim, keepdim, dtype):
    fn = reduce_fn(name, dim, keepdim)
    check(fn, fn, [rand(shape, dtype)])


@pytest.mark.parametrize("name", ["sum", "mean"])
def test_sum_mean_function_form_and_dtype(name):
    x = rand((3, 4), np.float32)
    check(lambda t: getattr(minigrad, name)(t, 1), lambda t: getattr(torch, name)(t, 1), [x])
    check(lambda t: getattr(minigrad, name)(t, dim=0, keepdim=True, dtype=minigrad.float64),
          lambda t: getattr(torch, name)(t, dim=0, keepdim=True, dtype=torch.float64), [x])
    check(lambda t: getattr(t, name)(dtype=minigrad.float64), lambda t: getattr(t, name)(dtype=torch.float64), [x])


@pytest.mark.parametrize("dtype", [np.int64, np.int32, np.uint8, np.bool_])
def test_sum_integer_and_bool_promote_to_int64(dtype):
    a = np.array([[1, 0, 1], [1, 1, 0]]).astype(dtype)
    for fn in (lambda t: t.sum(), lambda t: t.sum(0), lambda t: t.sum(1, keepdim=True)):
        check(fn, fn, [a], grad=False)


def test_mean_integer_with_dtype():
    a = np.array([[1, 2, 3]])
    check(lambda t: t.mean(dtype=minigrad.float32), lambda t: t.mean(dtype=torch.float32), [a], grad=False)


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("keepdim", [False, True])
@pytest.mark.parametrize("shape,dim", [((3, 4), 0), ((3, 4), -1), ((2, 3, 4), 1), ((), 0), ((5,), 0), ((0, 3), 1)],
                         ids=str)
@pytest.mark.parametrize("name", ["max", "min"])
def test_max_min_dim(name, shape, dim, keepdim, dtype):
    x = rand(shape, dtype)
    check(lambda t: getattr(t, name)(dim, keepdim=keepdim).values, lambda t: getattr(t, name)(dim, keepdim).values, [x])
    check(lambda t: getattr(t, name)(dim, keepdim)[1], lambda t: getattr(t, name)(dim, keepdim)[1], [x], grad=False)
    check(lambda t: getattr(minigrad, name)(t, dim=dim, keepdim=keepdim).indices,
          lambda t: getattr(torch, name)(t, dim=dim, keepdim=keepdim).indices, [x], grad=False)


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("shape", [(), (5,), (3, 4)])
@pytest.mark.parametrize("name", ["max", "min", "amax", "amin"])
def test_max_min_all(name, shape, dtype):
    check(operator.methodcaller(name), operator.methodcaller(name), [rand(shape, dtype)])


def test_max_min_ties():
    x = np.array([[1.0, 3.0, 3.0], [2.0, 2.0, 0.0]])
    for name in ("max", "min"):
        check(operator.methodcaller(name), operator.methodcaller(name), [x])
        check(lambda t: getattr(t, name)(1).values, lambda t: getattr(t, name)(1).values, [x])
        check(lambda t: getattr(t, name)(1).indices, lambda t: getattr(t, name)(1).indices, [x], grad=False)
    for name in ("amax", "amin"):
        check(lambda t: getattr(t, name)(1), lambda t: getattr(t, name)(1), [x])
        check(lambda t: getattr(t, name)((0, 1), keepdim=True), lambda t: getattr(t, name)((0, 1), keepdim=True), [x])


def test_max_min_nan():
    x = np.array([[1.0, np.nan, 3.0], [2.0, 5.0, np.nan]])
    for name in ("max", "min"):
        check(operator.methodcaller(name), operator.methodcaller(name), [x])
        check(lambda t: getattr(t, name)(1).values, lambda t: getattr(t, name)(1).values, [x])
        check(lambda t: getattr(t, name)(1).indices, lambda t: getattr(t, name)(1).indices, [x], grad=False)
        check(lambda t: getattr(t, name)(0).indices, lambda t: getattr(t, name)(0).indices, [x], grad=False)


def test_max_min_integer():
    x = np.array([[1, 5, 3], [7, 2, 7]])
    for name in ("max", "min"):
        check(operator.methodcaller(name), operator.methodcaller(name), [x], grad=False)
        check(lambda t: getattr(t, name)(1)[0], lambda t: getattr(t, name)(1)[0], [x], grad=False)


def test_max_with_tensor_is_maximum():
    a, b = rand((3,), np.float64, seed=1), rand((3,), np.float64, seed=2)
    check(lambda x, y: x.max(y), lambda x, y: x.max(y), [a, b])
    check(lambda x, y: minigrad.min(x, y), lambda x, y: torch.min(x, y), [a, b])


def test_max_return_type_repr_and_unpacking():
    x = np.array([[1.0, 3.0], [4.0, 2.0]])
    mg, th = both(lambda lib, t: t.max(1), x)
    values, indices = mg
    assert values.tolist() == th.values.tolist() and indices.tolist() == th.indices.tolist()
    assert mg.values is values and mg.indices is indices
    assert torch_repr(mg) == repr(th)


@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.int64, np.int32, np.uint8])
@pytest.mark.parametrize("name", ["argmax", "argmin"])
def test_argmax_argmin(name, dtype):
    x = np.array([[1, 3, 3, 0], [2, 2, 0, 5], [0, 0, 0, 0]]).astype(dtype)
    for args, kw in (((), {}), ((0,), {}), ((1,), {}), ((-1,), dict(keepdim=True)), ((), dict(dim=0, keepdim=True))):
        check(lambda t: getattr(t, name)(*args, **kw), lambda t: getattr(t, name)(*args, **kw), [x], grad=False)
    check(lambda t: getattr(minigrad, name)(t), lambda t: getattr(torch, name)(t), [x], grad=False)


def test_argmax_nan_and_zero_dim():
    x = np.array([1.0, np.nan, 3.0])
    check(lambda t: t.argmax(), lambda t: t.argmax(), [x], grad=False)
    check(lambda t: t.argmin(0), lambda t: t.argmin(0), [x], grad=False)
    check(lambda t: t.argmax(), lambda t: t.argmax(), [np.array(2.0)], grad=False)
    check(lambda t: t.argmax(0), lambda t: t.argmax(0), [np.array(2.0)], grad=False)


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("shape,dim,keepdim", [((3, 4), None, False), ((3, 4), 1, False), ((3, 4), 0, True),
                                               ((), None, False), ((), 0, False), ((0, 2), 0, False),
                                               ((2, 3, 4), -2, True)], ids=str)
def test_prod(shape, dim, keepdim, dtype):
    fn = reduce_fn("prod", dim, keepdim)
    check(fn, fn, [rand(shape, dtype, 0.5, 1.5)])


def test_prod_with_zeros():
    x = np.array([[1.0, 0.0, 3.0], [0.0, 0.0, 2.0], [2.0, 3.0, 4.0]])
    check(lambda t: t.prod(), lambda t: t.prod(), [x])
    check(lambda t: t.prod(1), lambda t: t.prod(1), [x])
    check(lambda t: t.prod(0, keepdim=True), lambda t: t.prod(0, keepdim=True), [x])


def test_prod_integer_and_dtype():
    x = np.array([[1, 2, 3], [4, 5, 6]])
    check(lambda t: t.prod(), lambda t: t.prod(), [x], grad=False)
    check(lambda t: t.prod(1), lambda t: t.prod(1), [x], grad=False)
    check(lambda t: t.prod(dtype=minigrad.float64), lambda t: t.prod(dtype=torch.float64), [x], grad=False)
    check(lambda t: t.prod(), lambda t: t.prod(), [x.astype(np.bool_)], grad=False)


VAR_KW = [dict(), dict(unbiased=False), dict(correction=0), dict(correction=2)]


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("kw", VAR_KW, ids=str)
@pytest.mark.parametrize("shape,dim,keepdim", [((3, 4), None, False), ((3, 4), 1, False), ((3, 4), 0, True),
                                               ((2, 3, 4), (0, 2), False), ((5,), 0, True)], ids=str)
@pytest.mark.parametrize("name", ["var", "std"])
def test_var_std(name, shape, dim, keepdim, kw, dtype):
    fn = reduce_fn(name, dim, keepdim, **kw)
    check(fn, fn, [rand(shape, dtype)])
    check(lambda t: getattr(minigrad, name)(t, dim, keepdim=keepdim, **kw),
          lambda t: getattr(torch, name)(t, dim, keepdim=keepdim, **kw), [rand(shape, dtype)])


def test_var_std_positional_unbiased_and_degenerate():
    x = rand((3, 4), np.float64)
    for name in ("var", "std"):
        check(lambda t: getattr(t, name)(False), lambda t: getattr(t, name)(False), [x])
        check(lambda t: getattr(t, name)(1, False), lambda t: getattr(t, name)(1, False), [x])
        check(lambda t: getattr(t, name)(1, True, True), lambda t: getattr(t, name)(1, True, True), [x])
    with pytest.warns(UserWarning):
        torch.ones(1).var()  # torch warns for degrees of freedom <= 0; both give nan
    for name in ("var", "std"):
        check(lambda t: getattr(t, name)(correction=0), lambda t: getattr(t, name)(correction=0),
              [np.array([2.0])])


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("shape,dim,keepdim", [((3, 4), 1, False), ((3, 4), 0, True), ((3, 4), (0, 1), False),
                                               ((), 0, False), ((2, 0), 1, False), ((2, 3, 4), -1, True)], ids=str)
def test_logsumexp(shape, dim, keepdim, dtype):
    check(lambda t: t.logsumexp(dim, keepdim=keepdim), lambda t: t.logsumexp(dim, keepdim=keepdim),
          [rand(shape, dtype, -3, 3)])
    check(lambda t: minigrad.logsumexp(t, dim, keepdim), lambda t: torch.logsumexp(t, dim, keepdim),
          [rand(shape, dtype, -3, 3)])


def test_logsumexp_extremes():
    x = np.array([[-np.inf, -np.inf], [1000.0, 1000.0], [-np.inf, 0.0], [np.inf, 1.0]], np.float32)
    check(lambda t: t.logsumexp(1), lambda t: t.logsumexp(1), [x])
    check(lambda t: t.logsumexp(1), lambda t: t.logsumexp(1), [np.array([[1, 2]])], grad=False)


NORMS = ["fro", 1, 2, 3, 0.5, float("inf"), float("-inf"), 0]


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("p", NORMS, ids=str)
@pytest.mark.parametrize("dim,keepdim", [(None, False), (1, False), (0, True), ((0, 1), False)], ids=str)
def test_norm(p, dim, keepdim, dtype):
    x = rand((3, 4), dtype)
    x[0, 0] = 0.0
    if dim is None:
        check(lambda t: t.norm(p), lambda t: t.norm(p), [x])
    else:
        check(lambda t: t.norm(p, dim, keepdim), lambda t: t.norm(p, dim, keepdim), [x])
        check(lambda t: minigrad.norm(t, p=p, dim=dim, keepdim=keepdim),
              lambda t: torch.norm(t, p=p, dim=dim, keepdim=keepdim), [x])


def test_norm_of_zero_vector_and_empty():
    check(lambda t: t.norm(), lambda t: t.norm(), [np.zeros(3)])
    check(lambda t: t.norm(1), lambda t: t.norm(1), [np.zeros(3)])
    check(lambda t: t.norm(), lambda t: t.norm(), [np.zeros((0,))])
    check(lambda t: t.norm(dim=1), lambda t: t.norm(dim=1), [np.zeros((2, 0))])


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("shape,dim", [((3, 4), 1), ((3, 4), 0), ((3, 4), -1), ((2, 3, 4), 1), ((5,), 0), ((), 0),
                                       ((0, 3), 1), ((3, 0), 1)], ids=str)
@pytest.mark.parametrize("name", ["softmax", "log_softmax"])
def test_softmax(name, shape, dim, dtype):
    x = rand(shape, dtype, -4, 4)
    check(lambda t: getattr(t, name)(dim), lambda t: getattr(t, name)(dim), [x])
    check(lambda t: getattr(minigrad, name)(t, dim=dim), lambda t: getattr(torch, name)(t, dim=dim), [x])


@pytest.mark.parametrize("name", ["softmax", "log_softmax"])
def test_softmax_extremes_and_dtype(name):
    x = np.array([[1000.0, 0.0, -1000.0], [-np.inf, 0.0, 1.0], [-np.inf, -np.inf, -np.inf]], np.float32)
    check(lambda t: getattr(t, name)(1), lambda t: getattr(t, name)(1), [x[:2]])
    check(lambda t: getattr(t, name)(1), lambda t: getattr(t, name)(1), [x], grad=False)
    check(lambda t: getattr(t, name)(1, dtype=minigrad.float64), lambda t: getattr(t, name)(1, dtype=torch.float64),
          [x[:1]])
    ints = minigrad.tensor([1, 2, 3])  # torch has no integer softmax kernel; minigrad computes in float32
    assert getattr(ints, name)(0).tolist() == getattr(ints.float(), name)(0).tolist()


# ---- other dim-wise methods -------------------------------------------------------------------
def test_all_any():
    x = np.array([[0, 1, 2], [3, 4, 5]])
    for name in ("all", "any"):
        for args in ((), (0,), (1,), (-1,)):
            check(lambda t: getattr(t, name)(*args), lambda t: getattr(t, name)(*args), [x], grad=False)
            check(lambda t: getattr(t, name)(*args), lambda t: getattr(t, name)(*args), [x > 0], grad=False)
        check(lambda t: getattr(t, name)(1, keepdim=True), lambda t: getattr(t, name)(1, keepdim=True), [x],
              grad=False)
        check(lambda t: getattr(minigrad, name)(t), lambda t: getattr(torch, name)(t), [x.astype(np.float32)],
              grad=False)


def test_count_nonzero_nonzero():
    x = np.array([[0.0, 1.0, 2.0], [0.0, 0.0, 5.0]])
    check(lambda t: t.count_nonzero(), lambda t: t.count_nonzero(), [x], grad=False)
    check(lambda t: t.count_nonzero(0), lambda t: t.count_nonzero(0), [x], grad=False)
    check(lambda t: t.nonzero(), lambda t: t.nonzero(), [x], grad=False)
    mg, th = both(lambda lib, t: t.nonzero(as_tuple=True), x)
    assert [a.tolist() for a in mg] == [a.tolist() for a in th]


@pytest.mark.parametrize("dtype", FLOATS)
def test_cumsum(dtype):
    x = rand((3, 4), dtype)
    check(lambda t: t.cumsum(1), lambda t: t.cumsum(1), [x])
    check(lambda t: minigrad.cumsum(t, 0), lambda t: torch.cumsum(t, 0), [x])
    check(lambda t: t.cumsum(0), lambda t: t.cumsum(0), [np.array([[1, 2], [3, 4]])], grad=False)
    check(lambda t: t.cumsum(0), lambda t: t.cumsum(0), [np.array([True, True])], grad=False)


@pytest.mark.parametrize("descending", [False, True])
def test_sort_topk(descending):
    x = np.array([[3.0, 1.0, 2.0, 5.0], [0.5, 4.0, -1.0, 2.0]])
    check(lambda t: t.sort(1, descending=descending).values, lambda t: t.sort(1, descending=descending).values, [x])
    check(lambda t: t.sort(0, descending)[1], lambda t: t.sort(0, descending)[1], [x], grad=False)
    check(lambda t: t.topk(2, largest=not descending).values, lambda t: t.topk(2, largest=not descending).values, [x])
    check(lambda t: t.topk(2, dim=0 if descending else 1)[1], lambda t: t.topk(2, dim=0 if descending else 1)[1],
          [x], grad=False)
    check(lambda t: t.topk(0).values, lambda t: t.topk(0).values, [x])


def test_gather():
    x = rand((3, 4), np.float64)
    idx = np.array([[0, 3], [1, 1], [2, 0]])
    check(lambda t: t.gather(1, minigrad.tensor(idx)), lambda t: t.gather(1, torch.tensor(idx)), [x])
    idx0 = np.array([[0, 2, 1, 0]])
    check(lambda t: minigrad.gather(t, 0, minigrad.tensor(idx0)), lambda t: torch.gather(t, 0, torch.tensor(idx0)), [x])


def test_unique():
    x = np.array([3, 1, 2, 3, 1])
    mg, th = both(lambda lib, t: t.unique(), x)
    assert mg.tolist() == th.tolist() and mg.dtype.name == "int64"
    mg, th = both(lambda lib, t: t.unique(return_inverse=True, return_counts=True), x)
    assert [a.tolist() for a in mg] == [a.tolist() for a in th]


# ---- float64 gradcheck of every differentiable reduction -----------------------------------------
X = [rand((3, 4), seed=7)]
XP = [rand((3, 4), low=0.5, high=1.5, seed=7)]
GRADCHECK = {
    "sum": (lambda t: t.sum(), X), "sum_dim": (lambda t: t.sum((0, 1), keepdim=True), X),
    "mean": (lambda t: t.mean(), X), "mean_dim": (lambda t: t.mean(1), X),
    "max": (lambda t: t.max(), X), "max_dim": (lambda t: t.max(1)[0], X), "min_dim": (lambda t: t.min(0)[0], X),
    "amax": (lambda t: t.amax(1), X), "amin": (lambda t: t.amin(), X),
    "prod": (lambda t: t.prod(), XP), "prod_dim": (lambda t: t.prod(1), XP),
    "prod_zero": (lambda t: t.prod(1), [np.array([[1.0, 0.0, 3.0], [0.0, 0.0, 2.0]])]),
    "var": (lambda t: t.var(1), X), "std": (lambda t: t.std(), X), "std_corr0": (lambda t: t.std(0, correction=0), X),
    "logsumexp": (lambda t: t.logsumexp(1), X),
    "norm": (lambda t: t.norm(), X), "norm1": (lambda t: t.norm(1, dim=1), X), "norm3": (lambda t: t.norm(3), X),
    "norm_inf": (lambda t: t.norm(float("inf"), dim=0), X),
    "softmax": (lambda t: t.softmax(1), X), "log_softmax": (lambda t: t.log_softmax(0), X),
    "cumsum": (lambda t: t.cumsum(1), X), "sort": (lambda t: t.sort(1)[0], X), "topk": (lambda t: t.topk(2)[0], X),
    "gather": (lambda t: t.gather(1, minigrad.tensor([[0, 0], [1, 3], [2, 1]])), X),
}


@pytest.mark.parametrize("name", sorted(GRADCHECK))
def test_gradcheck(name):
    fn, inputs = GRADCHECK[name]
    assert gradcheck(fn, inputs)


@pytest.mark.parametrize("values", [[1.0, float("nan"), 3.0, -1.0, float("nan"), 3.0, float("inf"), -float("inf")],
                                    [-2 ** 63, 5, 0, 2 ** 63 - 1, 5], [True, False, True]])
@pytest.mark.parametrize("descending", [False, True])
def test_sort_orders_nan_ties_and_extreme_integers_as_torch(values, descending):
    # descending: NaN first, equal values in their original order, no overflow at the int64 minimum
    expected = torch.sort(torch.tensor(values), descending=descending, stable=True)
    got = minigrad.tensor(values).sort(descending=descending)
    np.testing.assert_array_equal(got.indices.numpy(), expected.indices.numpy())
    np.testing.assert_array_equal(got.values.numpy(), expected.values.numpy())
