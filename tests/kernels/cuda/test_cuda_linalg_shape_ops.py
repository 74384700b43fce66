"""The linalg/shape/index ops on 'cuda' (simulator) give the CPU's values and gradients (the index,
scan and search ops in detail: test_cuda_index_scan.py)."""
import numpy as np
import pytest

import minigrad


def _t(device, *shape, seed=0):
    data = np.random.default_rng([seed, *shape]).standard_normal(shape)
    return minigrad.tensor(data, dtype=minigrad.float64).to(device).requires_grad_()


def _i(device, *values):
    return minigrad.tensor(list(values)).to(device)


RUNS = {
    "mm": lambda d: minigrad.mm(_t(d, 2, 3), _t(d, 3, 2)),
    "bmm": lambda d: minigrad.bmm(_t(d, 2, 2, 3), _t(d, 2, 3, 2)),
    "mv": lambda d: minigrad.mv(_t(d, 2, 3), _t(d, 3)),
    "addmm": lambda d: minigrad.addmm(_t(d, 2), _t(d, 2, 3), _t(d, 3, 2), beta=0.5),
    "outer": lambda d: minigrad.outer(_t(d, 2), _t(d, 3)),
    "kron": lambda d: minigrad.kron(_t(d, 2, 2), _t(d, 1, 2)),
    "cross": lambda d: minigrad.cross(_t(d, 2, 3), _t(d, 2, 3, seed=1), dim=1),
    "cdist": lambda d: minigrad.cdist(_t(d, 2, 3), _t(d, 4, 3)),
    "tril": lambda d: minigrad.tril(_t(d, 3, 3), -1),
    "block_diag": lambda d: minigrad.block_diag(_t(d, 2, 2), _t(d, 1, 1)),
    "meshgrid": lambda d: minigrad.meshgrid(_t(d, 2), _t(d, 3), indexing="xy")[0],
    "diff": lambda d: minigrad.diff(_t(d, 2, 4)),
    "repeat_interleave": lambda d: _t(d, 2, 3).repeat_interleave(2, 0),
    "narrow": lambda d: _t(d, 2, 3).narrow(1, 1, 2),
    "select": lambda d: _t(d, 2, 3).select(1, 0),
    "index_select": lambda d: _t(d, 2, 3).index_select(1, _i(d, 2, 0, 2)),
    "index_add": lambda d: _t(d, 2, 3).index_add(1, _i(d, 0, 2), _t(d, 2, 2)),
    "take": lambda d: _t(d, 2, 3).take(_i(d, 0, 5, 5)),
    "movedim": lambda d: _t(d, 2, 3, 1).movedim(0, 2),
    "hstack": lambda d: minigrad.hstack([_t(d, 2, 3), _t(d, 2, 1)]),
    "flip": lambda d: _t(d, 2, 3).flip(0, 1),
    "rot90": lambda d: _t(d, 2, 3, 2).rot90(1, (1, 2)),
    "roll": lambda d: _t(d, 2, 3).roll((1, -1), (1, 0)),
    "tile": lambda d: _t(d, 2, 3).tile((2, 1, 2)),
    "repeat": lambda d: _t(d, 3).repeat(2, 2),
    "diagonal": lambda d: _t(d, 2, 3, 4).diagonal(-1, 2, 1),
    "trace": lambda d: minigrad.trace(_t(d, 3, 4)),
    "diag": lambda d: minigrad.diag(_t(d, 3), 1),
    "diag_embed": lambda d: minigrad.diag_embed(_t(d, 2, 3), -1, 0, 2),
    "einsum": lambda d: minigrad.einsum("bij,jk,bk->bi", _t(d, 2, 3, 4), _t(d, 4, 2), _t(d, 2, 2)),
    "einsum_diagonal": lambda d: minigrad.einsum("ii->", _t(d, 3, 3)),
    "tensordot": lambda d: minigrad.tensordot(_t(d, 2, 3, 4), _t(d, 4, 3), dims=([1, 2], [1, 0])),
    "cumprod": lambda d: _t(d, 2, 3).cumprod(1),
    "cummax": lambda d: _t(d, 2, 3).cummax(1).values,
    "masked_select": lambda d: _t(d, 2, 3).masked_select(_t(d, 2, 3) > 0),
    "scatter": lambda d: _t(d, 2, 3).scatter(1, _i(d, [0], [2]), 1.0),
    "index_fill": lambda d: _t(d, 2, 3).index_fill(1, _i(d, 0, 2), 1.0),
}


def _leaves_grads(fn, device):
    made = []
    orig = minigrad.Tensor.requires_grad_

    def track(self, flag=True):
        made.append(self)
        return orig(self, flag)
    minigrad.Tensor.requires_grad_ = track
    try:
        out = fn(device)
    finally:
        minigrad.Tensor.requires_grad_ = orig
    w = np.random.default_rng(7).standard_normal(tuple(out.shape))
    (out * minigrad.tensor(w, dtype=minigrad.float64).to(device)).sum().backward()
    return out.detach().cpu().numpy(), [None if t.grad is None else t.grad.cpu().numpy() for t in made]


@pytest.mark.parametrize("name", sorted(RUNS))
def test_runs_on_cuda_as_on_cpu(name):
    out_cpu, grads_cpu = _leaves_grads(RUNS[name], "cpu")
    out_cuda, grads_cuda = _leaves_grads(RUNS[name], "cuda")
    np.testing.assert_allclose(out_cuda, out_cpu, rtol=1e-11, atol=1e-13)
    for a, b in zip(grads_cuda, grads_cpu):
        if b is None:
            assert a is None
        else:
            np.testing.assert_allclose(a, b, rtol=1e-11, atol=1e-13)


def test_inplace_through_views_reaches_the_base():
    """A CUDA view is a copy of its part of the base; an in-place change of it is written back."""
    results = []
    for device in ("cpu", "cuda"):
        v = minigrad.zeros(3, device=device)
        v[2].add_(2)
        v[0].fill_(5)
        v[1] += 7
        m = minigrad.zeros(2, 3, device=device)
        m[:, 1].fill_(3)
        m.view(-1)[1].add_(1)
        m[1][2].sub_(4)
        m.narrow(0, 0, 1).select(1, 0).zero_()
        w = minigrad.ones(3, device=device, requires_grad=True)
        y = w * 2
        y[1].add_(1)
        y.sum().backward()
        results.append((v.tolist(), m.tolist(), y.tolist(), w.grad.tolist()))
    assert results[0] == results[1]


def test_legacy_type_strings_move_the_tensor():
    x = minigrad.ones(2)
    y = x.type("torch.cuda.DoubleTensor")
    assert (y.device.type, y.dtype, y.type()) == ("cuda", minigrad.float64, "minigrad.cuda.DoubleTensor")
    z = y.type(minigrad.FloatTensor)
    assert (z.device.type, z.dtype) == ("cpu", minigrad.float32) and isinstance(z, minigrad.FloatTensor)
    assert not isinstance(y.float(), minigrad.FloatTensor)  # a CUDA tensor is no (CPU) FloatTensor
