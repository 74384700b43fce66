"""Index-based ops (index_select, masked_select, take, take_along_dim, scatter family, index_add/
copy/fill) and the bucketing functions (searchsorted, bucketize, histc, bincount) against torch."""
import numpy as np
import pytest
import torch

import minigrad
from tests.ops.op_cases import check_case, rand, table_test

I64 = np.int64
CASES = {
    "index_select": (lambda lib, a, i: lib.index_select(a, 1, i), [rand(2, 4), np.array([3, 0, 3], I64)]),
    "index_select_0d_index": (lambda lib, a: a.index_select(0, lib.tensor(1)), [rand(3, 2)]),
    "masked_select": (lambda lib, a, m: lib.masked_select(a, m), [rand(2, 3), rand(2, 3) > 0]),
    "masked_select_broadcast": (lambda lib, a, m: a.masked_select(m), [rand(2, 3), rand(3) > 0]),
    "take": (lambda lib, a, i: lib.take(a, i), [rand(2, 3), np.array([[0, 5], [-1, 5]], I64)]),
    "take_along_dim": (lambda lib, a, i: lib.take_along_dim(a, i, 1),
                       [rand(3, 4), np.array([[0, 3], [1, 1], [2, 0]], I64)]),
    "take_along_dim_broadcast": (lambda lib, a, i: a.take_along_dim(i, dim=0),
                                 [rand(3, 4), np.array([[2], [0]], I64)]),
    "take_along_dim_flat": (lambda lib, a, i: lib.take_along_dim(a, i), [rand(2, 3), np.array([4, 0], I64)]),
    "scatter_src": (lambda lib, a, s, i: lib.scatter(a, 1, i, s),
                    [rand(2, 4), rand(2, 2), np.array([[0, 2], [3, 1]], I64)]),
    "scatter_value": (lambda lib, a, i: a.scatter(0, i, 2.5), [rand(3, 2), np.array([[2, 0]], I64)]),
    "scatter_add": (lambda lib, a, s, i: a.scatter_add(1, i, s),
                    [rand(2, 4), rand(2, 3), np.array([[0, 0, 3], [1, 1, 1]], I64)]),
    "scatter_reduce_sum": (lambda lib, a, s, i: a.scatter_reduce(0, i, s, "sum"),
                           [rand(3, 2), rand(4, 2), np.array([[0, 1], [0, 2], [2, 2], [0, 0]], I64)]),
    "scatter_reduce_mean_no_self": (lambda lib, a, s, i: a.scatter_reduce(0, i, s, "mean",
                                                                           include_self=False),
                                    [rand(3, 2), rand(4, 2), np.array([[0, 1], [0, 2], [2, 2], [0, 0]], I64)]),
    "scatter_reduce_amax": (lambda lib, a, s, i: lib.scatter_reduce(a, 1, i, s, "amax"),
                            [rand(2, 3), rand(2, 4), np.array([[0, 0, 2, 1], [1, 1, 1, 0]], I64)]),
    "scatter_reduce_amin_no_self": (lambda lib, a, s, i: a.scatter_reduce(1, i, s, "amin",
                                                                           include_self=False),
                                    [rand(2, 3), rand(2, 4), np.array([[0, 0, 2, 1], [1, 1, 1, 0]], I64)]),
    "scatter_reduce_prod": (lambda lib, a, s, i: a.scatter_reduce(1, i, s, "prod"),
                            [rand(2, 3), rand(2, 4), np.array([[0, 0, 2, 1], [1, 1, 1, 0]], I64)]),
    "scatter_reduce_prod_zeros": (lambda lib, a, s, i: a.scatter_reduce(1, i, s, "prod"),
                                  [np.array([[1.5, 0.0, 3.0], [2.0, 0.0, 0.0]]), np.array([[0.0, 2.0, 5.0, 0.0],
                                   [4.0, 0.0, 1.0, 3.0]]), np.array([[0, 0, 2, 1], [1, 1, 1, 0]], I64)]),
    "scatter_reduce_prod_zeros_no_self": (lambda lib, a, s, i: a.scatter_reduce(1, i, s, "prod", include_self=False),
                                          [np.array([[1.5, 0.0, 3.0], [2.0, 0.0, 0.0]]),
                                           np.array([[0.0, 2.0, 5.0, 0.0], [4.0, 0.0, 1.0, 3.0]]),
                                           np.array([[0, 0, 2, 1], [1, 1, 1, 0]], I64)]),
    "index_add": (lambda lib, a, s, i: lib.index_add(a, 1, i, s, alpha=2),
                  [rand(2, 4), rand(2, 3), np.array([3, 0, 3], I64)]),
    "index_copy": (lambda lib, a, s, i: a.index_copy(0, i, s), [rand(4, 2), rand(2, 2), np.array([3, 1], I64)]),
    "index_put": (lambda lib, a, v, i, j: a.index_put((i, j), v), [rand(3, 4), rand(2), np.array([0, 2], I64),
                                                                     np.array([1, 3], I64)]),
    "index_put_accumulate": (lambda lib, a, v, i: lib.index_put(a, (i,), v, accumulate=True),
                             [rand(3, 4), rand(4), np.array([0, 2, 0], I64)]),
    "index_put_mask": (lambda lib, a, v, m: a.index_put((m,), v), [rand(3, 2), rand(2), np.array([True, False, True])]),
    "index_fill": (lambda lib, a, i: lib.index_fill(a, 1, i, -1.5), [rand(2, 4), np.array([0, 2], I64)]),
    "index_fill_tensor_value": (lambda lib, a, v, i: a.index_fill(1, i, v),
                                [rand(2, 4), rand(), np.array([0, 2], I64)]),
}


test_op = table_test(CASES)


def test_scatter_reduce_ties_share_the_gradient():
    a, s, i = np.array([[1.0, 5.0]]), np.array([[5.0, 5.0, 1.0]]), np.array([[1, 1, 0]], I64)
    check_case(lambda lib, x, y, k: x.scatter_reduce(1, k, y, "amax"), [a, s, i], "float64",
               finite_differences=False)


@pytest.mark.filterwarnings("ignore:The reduce argument of torch.scatter")
@pytest.mark.parametrize("reduce", ["add", "multiply"])
@pytest.mark.parametrize("with_src", [False, True])
def test_scatter_with_reduce(reduce, with_src):
    """Values as torch; like torch, no derivative (backward raises)."""
    a, s, i = rand(2, 4), rand(2, 2), np.array([[0, 0], [3, 1]], I64)
    if with_src:
        fn = lambda lib, x, y, k: x.scatter(1, k, y, reduce=reduce)  # noqa: E731
        with pytest.warns(UserWarning, match="reduce argument of torch.scatter with Tensor src is deprecated"):
            check_case(fn, [a, s, i], "float64", grad=False)
    else:
        fn = lambda lib, x, y, k: x.scatter(1, k, -2.0, reduce=reduce)  # noqa: E731
        check_case(fn, [a, s, i], "float64", grad=False)
    for lib in (minigrad, torch):
        x = lib.tensor(a, requires_grad=True)
        with pytest.raises(RuntimeError, match="derivative for aten::scatter is not implemented"):
            fn(lib, x, lib.tensor(s), lib.tensor(i)).sum().backward()


def test_scatter_src_larger_than_index():
    """Only the part of ``src`` that ``index`` covers is read (torch's backward refuses this shape)."""
    a, s, i = rand(2, 4), rand(2, 3), np.array([[0, 2], [3, 1]], I64)
    check_case(lambda lib, x, y, k: x.scatter(1, k, y), [a, s, i], "float64", grad=False)


@pytest.mark.parametrize("name", ["index_add", "index_copy", "index_fill", "index_put", "scatter", "scatter_add"])
def test_inplace_forms(name):
    results = []
    for lib in (minigrad, torch):
        x = lib.zeros(3, 4)
        idx = lib.tensor([[0, 2]]) if name.startswith("scatter") else lib.tensor([2, 0])
        args = {"index_add": (1, idx, lib.ones(3, 2)), "index_copy": (1, idx, lib.ones(3, 2)),
                "index_fill": (1, idx, 3.0), "index_put": ((idx,), lib.tensor(2.0), True),
                "scatter": (0, idx, lib.ones(1, 2)),
                "scatter_add": (0, idx, lib.ones(1, 2))}[name]
        assert getattr(x, name + "_")(*args) is x
        results.append(x.tolist())
    assert results[0] == results[1]


@pytest.mark.parametrize("call", [
    lambda lib, x: x.index_select(1, lib.tensor([0, 3])),
    lambda lib, x: x.index_select(1, lib.tensor([0.0, 1.0])),
    lambda lib, x: x.index_select(1, lib.tensor([[0, 1]])),
    lambda lib, x: x.masked_select(lib.tensor([1, 0, 1])),
    lambda lib, x: x.take(lib.tensor([6])),
    lambda lib, x: x.scatter(1, lib.tensor([[0], [3]]), lib.ones(2, 1)),
    lambda lib, x: x.scatter(1, lib.tensor([[0.0]]), 1.0),
    lambda lib, x: x.scatter_reduce(1, lib.tensor([[0]]), lib.ones(1, 1), "median"),
    lambda lib, x: x.index_add(1, lib.tensor([0, 1]), lib.ones(2, 3)),
    lambda lib, x: x.index_add(1, lib.tensor([0, 5]), lib.ones(2, 2)),
    lambda lib, x: x.index_fill(1, lib.tensor([4]), 7.0),
    lambda lib, x: x.index_fill(1, lib.tensor([0]), lib.ones(2)),
    lambda lib, x: x.index_put((lib.tensor([0, 5]),), lib.tensor(1.0)),
    lambda lib, x: x.index_put([lib.tensor([0, 1])], lib.ones(5)),
    lambda lib, x: lib.searchsorted(lib.ones(2, 3), lib.ones(1, 2)),
    lambda lib, x: lib.searchsorted(x[0], x, side="left", right=True),
    lambda lib, x: lib.bucketize(x, lib.ones(2, 3)),
    lambda lib, x: lib.histc(lib.tensor([1, 2])),
    lambda lib, x: lib.bincount(lib.tensor([1, -2])),
    lambda lib, x: lib.bincount(lib.tensor([1.0])),
], ids=lambda f: "")
def test_errors_match_torch(call):
    errors = []
    for lib in (minigrad, torch):
        x = lib.arange(6.0).reshape(2, 3)
        with pytest.raises((RuntimeError, IndexError, TypeError, NotImplementedError)) as info:
            call(lib, x)
        errors.append((info.type, str(info.value).split("\n")[0]))
    assert errors[0] == errors[1]


BUCKETING = [
    lambda lib: lib.searchsorted(lib.tensor([1.0, 3, 5]), lib.tensor([[3.0, 6, 0]])),
    lambda lib: lib.searchsorted(lib.tensor([[1.0, 3, 5], [2, 2, 4]]), lib.tensor([[3.0, 6], [2, 2]]), right=True),
    lambda lib: lib.searchsorted(lib.tensor([1.0, 3, 5]), 3.0, side="right"),
    lambda lib: lib.searchsorted(lib.tensor([5.0, 1, 3]), lib.tensor([2.0, 4]), sorter=lib.tensor([1, 2, 0])),
    lambda lib: lib.bucketize(lib.tensor([[3.0, 6, 1]]), lib.tensor([1.0, 3, 5]), out_int32=True),
    lambda lib: lib.bucketize(lib.tensor([1, 3, 7]), lib.tensor([1, 3, 5]), right=True),
    lambda lib: lib.histc(lib.tensor([1.0, 2, 1, 7]), bins=4, min=0, max=3),
    lambda lib: lib.histc(lib.tensor([1.0, 2, 1, 7, -1], dtype=lib.float64), bins=3),
    lambda lib: lib.histc(lib.tensor([2.0, 2.0]), bins=2),
    lambda lib: lib.bincount(lib.tensor([1, 2, 1])),
    lambda lib: lib.bincount(lib.tensor([1, 2, 1]), lib.tensor([0.5, 1, 1]), minlength=5),
    lambda lib: lib.bincount(lib.tensor([], dtype=lib.int64)),
]


@pytest.mark.parametrize("i", range(len(BUCKETING)))
def test_bucketing(i):
    got, want = BUCKETING[i](minigrad), BUCKETING[i](torch)
    assert got.tolist() == want.tolist()
    assert got.dtype.name == str(want.dtype).split(".")[1]
