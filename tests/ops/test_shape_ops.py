"""Shape ops (flip, roll, rot90, movedim, narrow, select, tile, repeat_interleave, meshgrid, stacking,
splitting, diff) against torch: values, gradients, float32/float64, gradcheck, errors."""
import numpy as np
import pytest
import torch

import minigrad
from tests.ops.op_cases import rand, table_test


def _cat_parts(lib, parts):
    return lib.cat([p.reshape(-1) for p in parts])


CASES = {
    "flip": (lambda lib, a: lib.flip(a, (0, 2)), [rand(2, 3, 4)]),
    "flip_method_neg": (lambda lib, a: a.flip(-1), [rand(2, 3)]),
    "fliplr": (lambda lib, a: lib.fliplr(a), [rand(2, 3)]),
    "flipud": (lambda lib, a: a.flipud(), [rand(3)]),
    "roll": (lambda lib, a: lib.roll(a, (1, -2), (0, 1)), [rand(3, 4)]),
    "roll_flat": (lambda lib, a: a.roll(5), [rand(3, 4)]),
    "rot90": (lambda lib, a: lib.rot90(a, 1, (0, 1)), [rand(2, 3)]),
    "rot90_k3": (lambda lib, a: a.rot90(3, [1, 2]), [rand(2, 3, 4)]),
    "rot90_k2": (lambda lib, a: a.rot90(-2), [rand(2, 3)]),
    "movedim": (lambda lib, a: lib.movedim(a, (0, 1), (2, 0)), [rand(2, 3, 4)]),
    "moveaxis": (lambda lib, a: a.moveaxis(-1, 0), [rand(2, 3, 4)]),
    "swapaxes": (lambda lib, a: lib.swapaxes(a, 0, 2), [rand(2, 3, 4)]),
    "swapdims": (lambda lib, a: a.swapdims(1, 0), [rand(2, 3)]),
    "narrow": (lambda lib, a: lib.narrow(a, 1, 1, 2), [rand(2, 4)]),
    "narrow_negative_start": (lambda lib, a: a.narrow(0, -2, 2), [rand(3, 2)]),
    "select": (lambda lib, a: lib.select(a, 1, -1), [rand(2, 3)]),
    "broadcast_to": (lambda lib, a: lib.broadcast_to(a, (2, 3, 4)), [rand(3, 1)]),
    "expand_as": (lambda lib, a, b: a.expand_as(b), [rand(3, 1), rand(2, 3, 4)]),
    "tile": (lambda lib, a: lib.tile(a, (2,)), [rand(2, 3)]),
    "tile_more_dims": (lambda lib, a: a.tile((2, 1, 2)), [rand(2, 3)]),
    "repeat_interleave": (lambda lib, a: lib.repeat_interleave(a, 2, dim=1), [rand(2, 3)]),
    "repeat_interleave_flat": (lambda lib, a: a.repeat_interleave(3), [rand(2, 2)]),
    "repeat_interleave_tensor": (lambda lib, a, r: a.repeat_interleave(r, dim=0),
                                 [rand(3, 2), np.array([1, 0, 2])]),
    "meshgrid_ij": (lambda lib, a, b: _cat_parts(lib, lib.meshgrid(a, b, indexing="ij")), [rand(3), rand(2)]),
    "meshgrid_xy": (lambda lib, a, b, c: _cat_parts(lib, lib.meshgrid(a, b, c, indexing="xy")),
                    [rand(3), rand(2), rand(4)]),
    "hstack": (lambda lib, a, b: lib.hstack([a, b]), [rand(2, 3), rand(2, 1)]),
    "hstack_1d": (lambda lib, a, b: lib.hstack((a, b)), [rand(3), rand(2)]),
    "vstack": (lambda lib, a, b: lib.vstack([a, b]), [rand(3), rand(2, 3)]),
    "row_stack": (lambda lib, a, b: lib.row_stack([a, b]), [rand(3), rand(3)]),
    "dstack": (lambda lib, a, b: lib.dstack([a, b]), [rand(2, 3), rand(2, 3, 2)]),
    "column_stack": (lambda lib, a, b: lib.column_stack([a, b]), [rand(3), rand(3, 2)]),
    "tensor_split_sections": (lambda lib, a: _cat_parts(lib, lib.tensor_split(a, 3, dim=1)), [rand(2, 7)]),
    "tensor_split_indices": (lambda lib, a: _cat_parts(lib, a.tensor_split([1, 4], 1)), [rand(2, 6)]),
    "hsplit": (lambda lib, a: lib.hsplit(a, 2)[1], [rand(2, 4)]),
    "vsplit": (lambda lib, a: lib.vsplit(a, [1])[1], [rand(3, 2)]),
    "dsplit": (lambda lib, a: lib.dsplit(a, 2)[0], [rand(2, 2, 4)]),
    "split_with_sizes": (lambda lib, a: a.split_with_sizes([1, 3], 1)[1], [rand(2, 4)]),
    "unflatten": (lambda lib, a: lib.unflatten(a, 1, (2, 3)), [rand(2, 6)]),
    "diff": (lambda lib, a: lib.diff(a), [rand(3, 5)]),
    "diff_n2_dim0": (lambda lib, a: a.diff(n=2, dim=0), [rand(5, 2)]),
    "diff_prepend_append": (lambda lib, a, p, q: lib.diff(a, 1, -1, p, q), [rand(2, 4), rand(2, 1), rand(2, 2)]),
    "atleast_3d": (lambda lib, a: lib.atleast_3d(a), [rand(3)]),
}


test_op = table_test(CASES)


def test_views_and_integer_inputs():
    for lib in (minigrad, torch):
        x = lib.arange(6).reshape(2, 3)
        x.narrow(1, 0, 1).fill_(-1)  # narrow and select are views, as torch's
        x.select(0, 1).mul_(10)
        assert x.tolist() == [[-1, 1, 2], [-10, 40, 50]]
        assert lib.repeat_interleave(lib.tensor([2, 0, 1])).tolist() == [0, 0, 2]
        assert lib.diff(lib.tensor([True, False, False])).tolist() == [True, False]
        assert lib.flip(x, [0]).tolist() == [[-10, 40, 50], [-1, 1, 2]]


@pytest.mark.parametrize("call", [
    lambda lib, x: x.narrow(1, 2, 2),
    lambda lib, x: x.narrow(1, -4, 1),
    lambda lib, x: x.select(0, 2),
    lambda lib, x: x.select(2, 0),
    lambda lib, x: x.rot90(1, [0]),
    lambda lib, x: x.rot90(1, [1, 1]),
    lambda lib, x: lib.hsplit(x, 2),
    lambda lib, x: lib.vsplit(x[0], 2),
    lambda lib, x: x.repeat_interleave(lib.tensor([1, 2]), 1),
    lambda lib, x: x.repeat_interleave(-1),
    lambda lib, x: lib.diff(x[0, 0]),
    lambda lib, x: x.movedim((0, 1), (1,)),
    lambda lib, x: x.roll((1, 2), 0),
    lambda lib, x: lib.meshgrid(x[0], x[0].double(), indexing="ij"),
    lambda lib, x: lib.meshgrid(x[0], indexing="yx"),
    lambda lib, x: x.flip(0, 0),
], ids=lambda f: "")
def test_errors_match_torch(call):
    errors = []
    for lib in (minigrad, torch):
        x = lib.arange(6.0).reshape(2, 3)
        with pytest.raises((RuntimeError, IndexError, TypeError)) as info:
            call(lib, x)
        errors.append((info.type, str(info.value).split("\n")[0]))
    assert errors[0] == errors[1]


def test_meshgrid_warns_without_indexing():
    with pytest.warns(UserWarning, match="it will be required to pass the indexing argument"):
        grids = minigrad.meshgrid(minigrad.arange(2), minigrad.arange(3))
    assert [g.shape for g in grids] == [(2, 3), (2, 3)]


@pytest.mark.parametrize("lib", [minigrad, torch], ids=["minigrad", "torch"])
def test_stack_out(lib):
    out = lib.empty(0, dtype=lib.float64)
    assert lib.hstack([lib.ones(2), lib.zeros(1)], out=out) is out
    assert out.tolist() == [1.0, 1.0, 0.0] and out.dtype == lib.float64
    with pytest.raises(TypeError, match="can't be cast to the desired output type Long"):
        lib.vstack([lib.ones(2)], out=lib.empty(0, dtype=lib.long))
