"""Shape ops, indexing and ``__setitem__`` against torch: values, gradients and grad_fn names."""
import numpy as np
import pytest
import torch

import minigrad
from tests.core_helpers import FLOATS, both, check, gradcheck, rand

X34 = rand((3, 4), np.float64)
X234 = rand((2, 3, 4), np.float64)

SHAPE_OPS = {
    "view": (lambda t: t.view(12), X34), "view_-1": (lambda t: t.view(-1, 2), X34),
    "view_tuple": (lambda t: t.view((4, 3)), X34), "view_as": (lambda t: t.view_as(t.reshape(2, 6)), X34),
    "reshape": (lambda t: t.reshape(2, -1), X234), "reshape_noncontig": (lambda t: t.t().reshape(12), X34),
    "reshape_same": (lambda t: t.reshape(3, 4), X34), "reshape_as": (lambda t: t.reshape_as(t.view(12)), X34),
    "flatten": (lambda t: t.flatten(), X234), "flatten_1": (lambda t: t.flatten(1), X234),
    "flatten_0_1": (lambda t: t.flatten(0, 1), X234), "flatten_0d": (lambda t: t.flatten(), np.array(3.0)),
    "flatten_1d": (lambda t: t.flatten(), np.arange(3.0)), "unflatten": (lambda t: t.unflatten(1, (2, 2)), X34),
    "squeeze": (lambda t: t.squeeze(), rand((3, 1, 4, 1))), "squeeze_dim": (lambda t: t.squeeze(1), rand((3, 1, 4))),
    "squeeze_noop": (lambda t: t.squeeze(0), rand((3, 1, 4))),
    "squeeze_dims": (lambda t: t.squeeze((1, 3)), rand((3, 1, 4, 1))),
    "unsqueeze": (lambda t: t.unsqueeze(0), X34), "unsqueeze_-1": (lambda t: t.unsqueeze(-1), X34),
    "unsqueeze_0d": (lambda t: t.unsqueeze(0), np.array(2.0)),
    "permute": (lambda t: t.permute(2, 0, 1), X234), "permute_tuple": (lambda t: t.permute((1, 0, 2)), X234),
    "permute_neg": (lambda t: t.permute(-1, 0, 1), X234),
    "transpose": (lambda t: t.transpose(0, 2), X234), "transpose_neg": (lambda t: t.transpose(-1, -2), X34),
    "swapaxes": (lambda t: t.swapaxes(0, 1), X34),
    "t": (lambda t: t.t(), X34), "t_1d": (lambda t: t.t(), np.arange(3.0)), "T": (lambda t: t.T, X34),
    "mT": (lambda t: t.mT, X234),
    "expand": (lambda t: t.expand(2, 3, 4), X34), "expand_-1": (lambda t: t.expand(5, -1), rand((1, 4))),
    "expand_as": (lambda t: t.expand_as(torch.zeros(2, 3, 4) if isinstance(t, torch.Tensor) else
                                        minigrad.zeros(2, 3, 4)), rand((3, 1))),
    "expand_0d": (lambda t: t.expand(3), np.array(1.5)),
    "repeat": (lambda t: t.repeat(2, 3), X34), "repeat_more_dims": (lambda t: t.repeat(2, 1, 2), X34),
    "repeat_tuple": (lambda t: t.repeat((2, 1)), X34),
    "contiguous_t": (lambda t: t.t().contiguous(), X34), "clone": (lambda t: t.clone(), X34),
    "empty_view": (lambda t: t.view(0, 2), np.zeros((2, 0))),
    "empty_reshape": (lambda t: t.reshape(-1, 3), np.zeros((0, 3))),
}


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("name", sorted(SHAPE_OPS))
def test_shape_ops(name, dtype):
    fn, x = SHAPE_OPS[name]
    check(fn, fn, [x.astype(dtype)])


@pytest.mark.parametrize("name", ["flatten", "reshape", "squeeze", "unsqueeze", "permute", "transpose", "t"])
def test_shape_function_forms(name):
    args = {"flatten": (), "reshape": ((4, 6),), "squeeze": (), "unsqueeze": (1,), "permute": ((2, 1, 0),),
            "transpose": (0, 1), "t": ()}[name]
    x = X34 if name == "t" else X234
    check(lambda t: getattr(minigrad, name)(t, *args), lambda t: getattr(torch, name)(t, *args), [x])


def test_views_share_storage_and_version():
    mg = minigrad.zeros(3, 4)
    v = mg.view(12)
    v[0] = 5.0
    assert mg[0, 0].item() == 5.0
    assert mg._version is v._version
    t = mg.t()
    t[1, 0] = 7.0
    assert mg[0, 1].item() == 7.0


def test_contiguous_is_identity_when_contiguous():
    mg = minigrad.ones(3, 4, requires_grad=True)
    assert mg.contiguous() is mg
    assert mg.is_contiguous() and not mg.t().is_contiguous()
    assert mg.t().contiguous().is_contiguous()


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("dim", [0, 1, -1])
def test_cat(dim, dtype):
    a, b, c = rand((2, 3), dtype, seed=1), rand((2, 3), dtype, seed=2), rand((2, 3), dtype, seed=3)
    check(lambda x, y, z: minigrad.cat([x, y, z], dim), lambda x, y, z: torch.cat([x, y, z], dim), [a, b, c])
    check(lambda x, y: minigrad.cat((x, y), dim=dim), lambda x, y: torch.cat((x, y), dim=dim), [a, b])
    check(lambda x, y: minigrad.concat([x, y], dim), lambda x, y: torch.concat([x, y], dim), [a, b])


def test_cat_uneven_sizes_mixed_dtypes_and_empty():
    a, b = rand((2, 3), np.float32, seed=1), rand((4, 3), np.float64, seed=2)
    check(lambda x, y: minigrad.cat([x, y]), lambda x, y: torch.cat([x, y]), [a, b])
    e = np.zeros((0,), np.float32)
    check(lambda x, y: minigrad.cat([x, y]), lambda x, y: torch.cat([x, y]), [a, e])
    check(lambda x, y: minigrad.cat([x, y], 1), lambda x, y: torch.cat([x, y], 1), [a, np.zeros((2, 0), np.float32)])
    check(lambda x, y: minigrad.cat([x, y]), lambda x, y: torch.cat([x, y]), [np.array([1, 2]), np.array([3.5])])
    check(lambda x: minigrad.cat([x]), lambda x: torch.cat([x]), [a])


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("dim", [0, 1, 2, -1])
def test_stack(dim, dtype):
    a, b = rand((2, 3), dtype, seed=1), rand((2, 3), dtype, seed=2)
    check(lambda x, y: minigrad.stack([x, y], dim), lambda x, y: torch.stack([x, y], dim), [a, b])


def test_stack_zero_dim_and_mixed():
    check(lambda x, y: minigrad.stack([x, y]), lambda x, y: torch.stack([x, y]), [np.array(1.0), np.array(2.0)])
    check(lambda x, y: minigrad.stack([x, y]), lambda x, y: torch.stack([x, y]),
          [np.array([1, 2]), np.array([1.5, 2.0], np.float32)])


SPLITS = {
    "split_2": lambda t: t.split(2), "split_2_dim1": lambda t: t.split(2, 1),
    "split_sizes": lambda t: t.split([1, 3], 1),
    "chunk_2": lambda t: t.chunk(2), "chunk_3_dim1": lambda t: t.chunk(3, 1), "unbind": lambda t: t.unbind(),
    "unbind_1": lambda t: t.unbind(1), "split_big": lambda t: t.split(10),
}


@pytest.mark.parametrize("name", sorted(SPLITS))
def test_split_chunk_unbind(name):
    fn = SPLITS[name]
    x = rand((3, 4), np.float64)
    mg, th = both(lambda lib, t: fn(t), x)
    assert len(mg) == len(th)
    for i in range(len(th)):
        check(lambda t: fn(t)[i] * (i + 1), lambda t: fn(t)[i] * (i + 1), [x])
        check(lambda t: fn(t)[i], lambda t: fn(t)[i], [x])
    check(lambda t: sum(p.sum() * (i + 1) for i, p in enumerate(fn(t))),
          lambda t: sum(p.sum() * (i + 1) for i, p in enumerate(fn(t))), [x])


# ---- indexing -------------------------------------------------------------------------------------
def _ix(index):
    """The same index for both libraries: numpy arrays become each library's tensor."""
    def convert(lib, it):
        if isinstance(it, np.ndarray):
            return lib.tensor(it)
        if isinstance(it, tuple):
            return tuple(convert(lib, i) for i in it)
        return it
    return (lambda t: t[convert(minigrad, index)]), (lambda t: t[convert(torch, index)])


INDEXES = {
    "int": 1, "neg_int": -1, "int_int": (1, 2), "neg_int_int": (-1, -2), "slice": slice(1, None),
    "slice_full": slice(None), "slice_step": slice(None, None, 2), "slice_neg": slice(-2, None),
    "slice_past_end": slice(1, 10), "slice_empty": slice(2, 1), "tuple_full": (slice(None), slice(None)),
    "col": (slice(None), 1), "slice_then_int": (slice(0, 2), 0), "int_then_slice": (0, slice(1, 3)),
    "none": None, "none_tuple": (None, 0), "none_mid": (slice(None), None, 1), "ellipsis": Ellipsis,
    "ellipsis_int": (Ellipsis, 0), "int_ellipsis": (0, Ellipsis), "ellipsis_none": (Ellipsis, None),
    "list": [0, 2], "list_repeat": [0, 0, 2], "list_neg": [-1, 0], "array_2d": np.array([[0, 1], [2, 2]]),
    "tensor_int": np.array(1), "two_lists": ([0, 2], [1, 3]), "list_and_int": ([0, 2], 1), "int_and_list": (1, [0, 3]),
    "slice_and_list": (slice(None), [3, 0, 0]), "bool_mask_rows": np.array([True, False, True]),
    "bool_mask_full": "MASK", "bool_mask_and_int": (np.array([True, False, True]), 1),
    "broadcast_advanced": (np.array([[0], [2]]), np.array([1, 3])),
}


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("name", sorted(INDEXES))
def test_getitem(name, dtype):
    index = INDEXES[name]
    x = rand((3, 4), dtype)
    if isinstance(index, str):
        index = x > 0
    fm, ft = _ix(index)
    check(fm, ft, [x])


@pytest.mark.parametrize("index", [None, Ellipsis, (), np.array(True), np.array(False)], ids=str)
def test_getitem_zero_dim(index):
    fm, ft = _ix(index)
    check(fm, ft, [np.array(2.5)])


def test_getitem_three_dims_and_integer_tensors():
    x = rand((2, 3, 4), np.float64)
    for index in [(0, slice(None), 1), (slice(None), [0, 2], slice(1, 3)), (Ellipsis, [1, 1]), (1, None, Ellipsis, 2),
                  ([0, 1], slice(None), [2, 3]), (np.array([1, 0]), 2)]:
        fm, ft = _ix(index)
        check(fm, ft, [x])
    ints = np.arange(12).reshape(3, 4)
    for index in [1, (slice(None), 2), [2, 0], ints[:, 0] > 3]:
        fm, ft = _ix(index)
        check(fm, ft, [ints], grad=False)


def test_getitem_chained_indexing_gradient():
    x = rand((4, 5), np.float64)
    check(lambda t: t[1:][:, [0, 0, 2]][0] * 2, lambda t: t[1:][:, [0, 0, 2]][0] * 2, [x])


def test_iteration_and_len():
    x = rand((3, 2), np.float64)
    mg, th = both(lambda lib, t: [r.tolist() for r in t], x)
    assert mg == th
    assert len(minigrad.tensor(x)) == 3


SETITEM = {
    "int": (1, lambda lib: 5.0), "slice": (slice(0, 2), lambda lib: 0.0), "col": ((slice(None), 1), lambda lib: -1.0),
    "row_tensor": (0, lambda lib: lib.arange(4.0)),
    "bcast_tensor": (slice(None), lambda lib: lib.tensor([1.0, 2, 3, 4])),
    "list": ([0, 2], lambda lib: 7.0), "mask": ("MASK", lambda lib: 0.0), "ellipsis": (Ellipsis, lambda lib: 1.0),
    "none_int": ((None, 1), lambda lib: 3.0), "neg": ((-1, -1), lambda lib: 9.0),
}


@pytest.mark.parametrize("name", sorted(SETITEM))
def test_setitem_values(name):
    index, value = SETITEM[name]
    x = rand((3, 4), np.float32)
    mg, th = minigrad.tensor(x), torch.tensor(x)
    if isinstance(index, str):
        mg[mg > 0], th[th > 0] = value(minigrad), value(torch)
    else:
        mg[index], th[index] = value(minigrad), value(torch)
    np.testing.assert_array_equal(mg.numpy(), th.numpy())


@pytest.mark.parametrize("name", sorted(SETITEM))
def test_setitem_differentiable(name):
    """``y = x * 2; y[index] = v * 3``: gradients flow to x (outside the slots) and to v."""
    index, _ = SETITEM[name]
    x = rand((3, 4), np.float64, seed=1)

    def make(lib):
        def fn(t, v):
            y = t * 2
            idx = (y > 0) if isinstance(index, str) else index
            shape = y[idx].shape
            y[idx] = (v * 3).expand(shape) if shape else (v * 3).sum()
            return y
        return fn
    check(make(minigrad), make(torch), [x, rand((), np.float64, seed=2)])


def test_setitem_into_tensor_without_grad_records_copyslices():
    check(lambda v: _put(minigrad, v), lambda v: _put(torch, v), [rand((4,), np.float64)])


def _put(lib, v):
    z = lib.zeros(3, 4, dtype=lib.float64)
    z[1] = v
    return z


def test_setitem_value_cast_and_int_tensor():
    mg, th = minigrad.zeros(3, dtype=minigrad.int64), torch.zeros(3, dtype=torch.int64)
    mg[0], th[0] = 2.7, 2.7
    mg[1:], th[1:] = minigrad.tensor([True, True]), torch.tensor([True, True])
    assert mg.tolist() == th.tolist()
    mg, th = minigrad.zeros(2, 2), torch.zeros(2, 2)
    mg[0], th[0] = minigrad.tensor([1, 2]), torch.tensor([1, 2])
    assert mg.tolist() == th.tolist()


def test_setitem_bumps_version_and_invalidates_saved():
    x = minigrad.ones(3, requires_grad=True)
    y = x * 1
    z = y * y
    y[0] = 2.0
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        z.sum().backward()


# ---- float64 gradcheck ------------------------------------------------------------------------
GRADCHECK = {name: (fn, [x]) for name, (fn, x) in SHAPE_OPS.items() if not name.startswith("empty")}
GRADCHECK.update({
    "cat": (lambda a, b: minigrad.cat([a, b], 1), [X34, rand((3, 2), seed=4)]),
    "stack": (lambda a, b: minigrad.stack([a, b], 1), [X34, X34 + 1]),
    "getitem_basic": (lambda t: t[1:, None, 2], [X34]), "getitem_adv": (lambda t: t[[0, 0, 2], [1, 1, 3]], [X34]),
    "getitem_mask": (lambda t: t[minigrad.tensor(X34 > 0)], [X34]),
    "setitem": (lambda t, v: _setitem_fn(t, v), [X34, rand((4,), seed=5)]),
    "split": (lambda t: t.split([1, 3], 1)[1], [X34]), "unbind": (lambda t: t.unbind(1)[2], [X34]),
})


def _setitem_fn(t, v):
    y = t * 1
    y[1] = v * v
    return y


@pytest.mark.parametrize("name", sorted(GRADCHECK))
def test_gradcheck(name):
    fn, inputs = GRADCHECK[name]
    assert gradcheck(fn, inputs)
