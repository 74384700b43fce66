"""Every Op through the Tensor API on 'cuda' against the same expression on 'cpu': values, dtypes,
grad_fn names and the gradients of every input, in float32 and float64 (tiny shapes; launches and
matmul tiles patched small). The device run is watched (conftest's ``device_log``): no host-side use
of device data that a real GPU array would refuse, and no copy beyond the test's own .to()/.cpu()."""
import numpy as np
import pytest

import minigrad
import minigrad.nn.functional as F
from minigrad.kernels.cuda import _matmul

TOL = {minigrad.float32: dict(rtol=2e-5, atol=2e-6), minigrad.float64: dict(rtol=1e-11, atol=1e-13)}


@pytest.fixture(autouse=True)
def small_tiles(monkeypatch):
    monkeypatch.setattr(_matmul, "TILE", 4)


def leaves(shapes, dtype, device, seed):
    rng = np.random.default_rng(seed)
    return [minigrad.tensor(rng.standard_normal(s), dtype=dtype).to(device).requires_grad_() for s in shapes]


def check(fn, shapes, dtype, log, seed=0):
    """Run ``fn(*leaves)`` on both devices; compare the output, its grad_fn, and (for float outputs)
    the gradients of Σ out·w for a fixed random w. ``log``: the device log, which must show no misuse
    while ``fn`` and its backward run."""
    results = []
    for device in ("cpu", "cuda"):
        xs = leaves(shapes, dtype, device, seed)
        log.clear()
        out = fn(*xs)
        out = out[0] if isinstance(out, tuple) else out
        assert out.device == minigrad.device(device if device == "cpu" else "cuda:0")
        if out.requires_grad:
            w = minigrad.tensor(np.random.default_rng(seed + 1).standard_normal(out.shape), dtype=out.dtype)
            (out * w.to(device)).sum().backward()
        assert [entry for entry in log if entry not in ("to device", "to host")] == []
        grads = [None if x.grad is None else x.grad.cpu().numpy() for x in xs] if out.requires_grad else []
        results.append((out.detach().cpu().numpy(), None if out.grad_fn is None else out.grad_fn.name, grads))
    (want, want_fn, want_grads), (got, got_fn, got_grads) = results
    assert got.dtype == want.dtype and got.shape == want.shape and got_fn == want_fn
    tol = TOL[dtype] if want.dtype.kind == "f" else dict(rtol=0, atol=0)
    np.testing.assert_allclose(got, want, equal_nan=True, **tol)
    for g, w in zip(got_grads, want_grads):
        assert (g is None) == (w is None)
        if w is not None:
            np.testing.assert_allclose(g, w, equal_nan=True, **tol)


AB = [(3, 4), (4,)]
CASES = {
    "add": (lambda a, b: a + b, AB), "sub": (lambda a, b: a - 2 * b, AB), "mul": (lambda a, b: a * b, AB),
    "div": (lambda a, b: a / b, AB), "rdiv": (lambda a: 1 / a, [(3, 4)]), "pow": (lambda a: a ** 2, [(3, 4)]),
    "pow tensors": (lambda a, b: a.abs() ** b, AB), "neg": (lambda a: -a, [(5,)]), "exp": (lambda a: a.exp(), [(5,)]),
    "expm1": (lambda a: a.expm1(), [(5,)]), "log": (lambda a: a.abs().log(), [(5,)]),
    "log1p": (lambda a: a.abs().log1p(), [(5,)]), "sqrt": (lambda a: a.abs().sqrt(), [(5,)]),
    "rsqrt": (lambda a: a.abs().rsqrt(), [(5,)]), "sigmoid": (lambda a: a.sigmoid(), [(2, 3)]),
    "tanh": (lambda a: a.tanh(), [(2, 3)]), "relu": (lambda a: F.relu(a), [(2, 3)]),
    "abs": (lambda a: a.abs(), [(2, 3)]), "sign": (lambda a: a.sign(), [(2, 3)]),
    "clamp": (lambda a: a.clamp(-0.5, 0.5), [(2, 5)]), "clamp tensors": (lambda a, b: a.clamp(min=b), AB),
    "maximum": (lambda a, b: minigrad.maximum(a, b), AB), "minimum": (lambda a, b: minigrad.minimum(a, b), AB),
    "where": (lambda a, b: minigrad.where(a > 0, a, b), AB), "masked_fill": (lambda a: a.masked_fill(a > 0, 2.0),
                                                                               [(3, 4)]),
    "floor": (lambda a: (a * 3).floor(), [(6,)]), "remainder": (lambda a, b: a % b, AB),
    "sum": (lambda a: a.sum(), [(3, 4)]), "sum dim": (lambda a: a.sum(1), [(3, 4)]),
    "mean keepdim": (lambda a: a.mean(0, keepdim=True), [(3, 4)]), "max": (lambda a: a.max(), [(3, 4)]),
    "max dim": (lambda a: a.max(dim=1), [(3, 4)]), "min dim keepdim": (lambda a: a.min(0, keepdim=True), [(3, 4)]),
    "amax": (lambda a: a.amax((0, 2)), [(2, 3, 4)]), "softmax": (lambda a: a.softmax(1), [(3, 5)]),
    "log_softmax": (lambda a: F.log_softmax(a, dim=0), [(3, 5)]),
    "matmul": (lambda a, b: a @ b, [(3, 4), (4, 5)]), "bmm broadcast": (lambda a, b: a @ b, [(2, 3, 4), (4, 5)]),
    "mv": (lambda a, b: a @ b, [(3, 4), (4,)]), "vm": (lambda a, b: a @ b, [(4,), (4, 3)]),
    "dot": (lambda a, b: a @ b, [(4,), (4,)]), "linear": (lambda x, w, b: F.linear(x, w, b), [(6, 4), (3, 4), (3,)]),
    "linear 3-d": (lambda x, w: F.linear(x, w), [(2, 3, 4), (5, 4)]),
    "view": (lambda a: a.view(4, 3) * 1, [(3, 4)]), "permute": (lambda a: a.permute(2, 0, 1), [(2, 3, 4)]),
    "t": (lambda a: a.t(), [(3, 4)]), "expand": (lambda a: a.expand(2, 3, 4), [(3, 1)]),
    "unsqueeze squeeze": (lambda a: a.unsqueeze(1).squeeze(), [(3, 4)]),
    "slice": (lambda a: a[1:, ::2], [(3, 4)]), "select": (lambda a: a[:, 1], [(3, 4)]),
    "cat": (lambda a, b: minigrad.cat([a, b.unsqueeze(0)]), AB), "stack": (lambda a, b: minigrad.stack([a, a], 1), AB),
    "var": (lambda a: a.var(1), [(3, 4)]), "std": (lambda a: a.std(), [(3, 4)]),
    "logsumexp": (lambda a: a.logsumexp(0), [(3, 4)]), "norm": (lambda a: a.norm(dim=1), [(3, 4)]),
    "norm inf": (lambda a: a.norm(float("inf")), [(3, 4)]), "norm 3": (lambda a: a.norm(3), [(3, 4)]),
    "clone": (lambda a: a.clone(), [(3,)]), "cast": (lambda a: a.double() if a.dtype == minigrad.float32 else a.float(),
                                                      [(3,)]),
}


@pytest.mark.parametrize("dtype", [minigrad.float32, minigrad.float64], ids=str)
@pytest.mark.parametrize("name", CASES)
def test_op_matches_cpu(name, dtype, device_log):
    fn, shapes = CASES[name]
    check(fn, shapes, dtype, device_log)


@pytest.mark.parametrize("name,fn", [("greater", lambda a, b: a > b), ("equal", lambda a, b: a == a),
                                     ("argmax", lambda a, b: a.argmax(1)), ("argmin all", lambda a, b: a.argmin()),
                                     ("isnan", lambda a, b: (a / 0).isnan()), ("any", lambda a, b: (a > 1).any(1)),
                                     ("logical", lambda a, b: (a > 0) & ~(b > 0))])
def test_results_without_gradient(name, fn, device_log):
    check(fn, AB, minigrad.float32, device_log)


def test_integer_index_tensor_stays_on_the_device(device_log):
    idx = minigrad.tensor([2, 0, 2, 1])
    check(lambda a: a[idx.to(a.device)], [(3, 4)], minigrad.float32, device_log)  # row 2 twice: gradients add
    check(lambda a: a[:, idx.to(a.device)], [(3, 4)], minigrad.float64, device_log)


def test_in_place_ops_and_setitem_on_the_device():
    for device in ("cpu", "cuda"):
        t = minigrad.arange(12.0).reshape(3, 4).to(device)
        t.add_(1).mul_(2)
        t[1] = 0.5
        t[:, 0] = minigrad.tensor([7.0, 8.0, 9.0]).to(device)
        t.clamp_(max=20)
        t.copy_(t * 2)
        if device == "cpu":
            want = t.numpy()
        else:
            np.testing.assert_array_equal(t.cpu().numpy(), want)
            z = minigrad.ones(2, 3, device="cuda").zero_()
            assert z.sum().item() == 0 and z.fill_(1.5).sum().item() == 9.0
