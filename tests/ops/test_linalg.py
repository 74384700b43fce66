"""Matrix products, einsum and the diagonal/triangle ops against torch (values, gradients, float32
and float64, gradcheck, errors)."""
import numpy as np
import pytest
import torch

import minigrad
from tests.ops.op_cases import check_case, rand, table_test

CASES = {
    "mm": (lambda lib, a, b: lib.mm(a, b), [rand(3, 4), rand(4, 2)]),
    "mv": (lambda lib, a, v: a.mv(v), [rand(3, 4), rand(4)]),
    "bmm": (lambda lib, a, b: lib.bmm(a, b), [rand(2, 3, 4), rand(2, 4, 5)]),
    "addmm": (lambda lib, c, a, b: lib.addmm(c, a, b, beta=0.5, alpha=2.0), [rand(3), rand(3, 4), rand(4, 3)]),
    "addmm_beta0": (lambda lib, c, a, b: lib.addmm(c, a, b, beta=0), [rand(3, 3), rand(3, 4), rand(4, 3)]),
    "addmv": (lambda lib, c, a, v: lib.addmv(c, a, v, alpha=-1), [rand(3), rand(3, 4), rand(4)]),
    "baddbmm": (lambda lib, c, a, b: c.baddbmm(a, b, beta=2), [rand(3, 5), rand(2, 3, 4), rand(2, 4, 5)]),
    "outer": (lambda lib, a, b: lib.outer(a, b), [rand(3), rand(4)]),
    "ger": (lambda lib, a, b: a.ger(b), [rand(3), rand(2)]),
    "tensordot_int": (lambda lib, a, b: lib.tensordot(a, b, dims=2), [rand(2, 3, 4), rand(3, 4, 5)]),
    "tensordot_lists": (lambda lib, a, b: lib.tensordot(a, b, dims=([0, 2], [2, 0])), [rand(2, 3, 4), rand(4, 5, 2)]),
    "kron": (lambda lib, a, b: lib.kron(a, b), [rand(2, 3), rand(2, 2)]),
    "kron_mixed_ndim": (lambda lib, a, b: a.kron(b), [rand(3), rand(2, 2)]),
    "cross": (lambda lib, a, b: lib.cross(a, b, dim=1), [rand(4, 3), rand(4, 3)]),
    "cdist": (lambda lib, a, b: lib.cdist(a, b), [rand(4, 3), rand(5, 3)]),
    "cdist_p1_batched": (lambda lib, a, b: lib.cdist(a, b, p=1.0), [rand(2, 4, 3), rand(2, 5, 3)]),
    "trace": (lambda lib, a: lib.trace(a), [rand(3, 4)]),
    "diag_vector": (lambda lib, a: lib.diag(a, 1), [rand(3)]),
    "diag_matrix": (lambda lib, a: a.diag(-1), [rand(4, 3)]),
    "diagonal": (lambda lib, a: a.diagonal(1, 0, 2), [rand(3, 2, 4)]),
    "diag_embed": (lambda lib, a: lib.diag_embed(a, -1, 0, 2), [rand(2, 3)]),
    "tril": (lambda lib, a: lib.tril(a, -1), [rand(2, 3, 4)]),
    "triu": (lambda lib, a: a.triu(1), [rand(4, 3)]),
    "block_diag": (lambda lib, a, b, c: lib.block_diag(a, b, c), [rand(2, 3), rand(2), rand()]),
}

EINSUM = {
    "ij,jk->ik": [rand(2, 3), rand(3, 4)],
    "ij,jk": [rand(2, 3), rand(3, 4)],
    "bij,bjk->bik": [rand(2, 3, 4), rand(2, 4, 5)],
    "ii->i": [rand(3, 3)],
    "ii": [rand(3, 3)],
    "iij->j": [rand(2, 2, 3)],
    "ij->": [rand(2, 3)],
    "ij->ji": [rand(2, 3)],
    "i,i->": [rand(4), rand(4)],
    "i,j->ij": [rand(3), rand(2)],
    "...ij->...ji": [rand(2, 3, 4)],
    "i...->...": [rand(2, 3, 4)],
    "...i,...i->...": [rand(2, 3), rand(3)],
    "bn,anm,bm->ba": [rand(2, 3), rand(4, 3, 5), rand(2, 5)],
    "ij,ij,ij->i": [rand(2, 3), rand(2, 3), rand(2, 3)],
    "ij,jk->ik broadcast": [rand(2, 3), rand(1, 4)],
    "Ba,aB": [rand(2, 3), rand(3, 2)],
    "i j , j k -> i k": [rand(2, 3), rand(3, 2)],
}


test_op = table_test(CASES)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("equation", sorted(EINSUM))
def test_einsum(equation, dtype):
    eq = equation.split(" broadcast")[0]
    check_case(lambda lib, *ops: lib.einsum(eq, *ops), EINSUM[equation], dtype)


def test_einsum_list_form():
    a, b = rand(2, 3), rand(3, 4)
    check_case(lambda lib, x, y: lib.einsum("ij,jk->ik", [x, y]), [a, b], "float64")


@pytest.mark.parametrize("sublists", [([0, 1], [1, 2], [0, 2]), ([0, 1], [1, 2]), ([Ellipsis, 1], [1, 2], [Ellipsis])])
def test_einsum_sublist_form(sublists):
    def fn(lib, x, y):
        args = [x, sublists[0], y, sublists[1]] + list(sublists[2:])
        return lib.einsum(*args)
    check_case(fn, [rand(2, 3), rand(3, 4)], "float64")


@pytest.mark.parametrize("call", [
    lambda lib, a, b: lib.einsum("ij,jk->ik", a, b.double()),
    lambda lib, a, b: lib.einsum("ij,jk->ik", a),
    lambda lib, a, b: lib.einsum("ij->ik", a),
    lambda lib, a, b: lib.einsum("ij->ii", a),
    lambda lib, a, b: lib.einsum("ijk->i", a),
    lambda lib, a, b: lib.einsum("i1->i", a),
    lambda lib, a, b: lib.einsum("ij,jk->ik", a, a),
    lambda lib, a, b: lib.einsum("i.j->i", a),
    lambda lib, a, b: lib.einsum("ij,jk->ik", a, b, b),
    lambda lib, a, b: lib.einsum("", a),
    lambda lib, a, b: lib.mv(a, b),
    lambda lib, a, b: lib.mv(a, a),
    lambda lib, a, b: lib.bmm(a, b),
    lambda lib, a, b: lib.bmm(a.unsqueeze(0), a.unsqueeze(0)),
    lambda lib, a, b: lib.mm(a, a),
    lambda lib, a, b: lib.addmm(lib.ones(3), a, b),
    lambda lib, a, b: lib.trace(b),
    lambda lib, a, b: lib.tril(b),
    lambda lib, a, b: lib.diag(a.unsqueeze(0)),
    lambda lib, a, b: lib.cross(a, a, dim=0),
    lambda lib, a, b: lib.cdist(b, b),
    lambda lib, a, b: lib.block_diag(a.unsqueeze(0)),
    lambda lib, a, b: a.diagonal(0, 1, 1),
    lambda lib, a, b: lib.tensordot(a, a, dims=3),
], ids=lambda f: "")
def test_errors_match_torch(call):
    errors = []
    for lib in (minigrad, torch):
        a, b = lib.ones(2, 3), lib.ones(4)
        with pytest.raises((RuntimeError, IndexError, TypeError)) as info:
            call(lib, a, b)
        errors.append((info.type, str(info.value).split("\n")[0]))
    assert errors[0] == errors[1]


@pytest.mark.parametrize("lib", [minigrad, torch], ids=["minigrad", "torch"])
def test_out_dtype_rules(lib):
    a = lib.ones(2, 2)
    out = lib.empty(0)
    assert lib.mm(a, a, out=out) is out and out.shape == (2, 2)
    with pytest.raises(RuntimeError, match="Expected out tensor to have dtype float, but got double instead"):
        lib.matmul(a, a, out=lib.empty(0, dtype=lib.float64)) if lib is torch else \
            lib.mm(a, a, out=lib.empty(0, dtype=lib.float64))
    with pytest.raises(RuntimeError, match="don't support automatic differentiation"):
        lib.mm(a.requires_grad_(), a, out=lib.empty(0))


def test_inplace_forms():
    for name, args in (("tril_", (0,)), ("triu_", (1,))):
        x, y = minigrad.tensor(rand(3, 3)), torch.tensor(rand(3, 3))
        assert getattr(x, name)(*args) is x
        getattr(y, name)(*args)
        np.testing.assert_allclose(x.numpy(), y.numpy())
    x, y = minigrad.tensor(rand(3, 2)), torch.tensor(rand(3, 2))
    x.addmm_(minigrad.ones(3, 4), minigrad.ones(4, 2), alpha=0.5)
    y.addmm_(torch.ones(3, 4, dtype=torch.float64), torch.ones(4, 2, dtype=torch.float64), alpha=0.5)
    np.testing.assert_allclose(x.numpy(), y.numpy())


def test_diagonal_is_a_view():
    for lib in (minigrad, torch):
        x = lib.zeros(3, 4)
        x.diagonal(1).fill_(1.0)
        x.diagonal().add_(2.0)
        assert x.tolist() == [[2.0, 1.0, 0.0, 0.0], [0.0, 2.0, 1.0, 0.0], [0.0, 0.0, 2.0, 1.0]]
