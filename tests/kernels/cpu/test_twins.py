"""kernels/cpu/_twins.py: when a kernel's numpy twin runs instead of the compiled kernel."""
import numpy as np

import minigrad
from minigrad.kernels.cpu import _random, _twins


def test_numpy_twin_until_compiling_pays(monkeypatch):
    """A kernel not ready runs its numpy twin until the twin has spent COMPILE_SECONDS on it, then
    compiles; a call too big for the twin compiles at once."""
    monkeypatch.setattr(_twins, "ready", lambda dispatcher, args: False)
    monkeypatch.setattr(_random._uniform, "overloads", {})  # as if it had not run in this process
    monkeypatch.setattr(_twins, "_spent", {})
    monkeypatch.setattr(_twins, "COMPILE_SECONDS", 0.0)
    minigrad.rand(5)
    spent = _twins._spent[_random._uniform]
    assert spent > 0
    minigrad.rand(5)  # over the budget: the kernel
    assert _twins._spent[_random._uniform] == spent
    monkeypatch.setattr(_twins, "COMPILE_SECONDS", 1e9)
    minigrad.rand(_random.NUMPY_MAX_WORDS + 1)  # too big for the twin
    assert _twins._spent[_random._uniform] == spent


def test_ready_knows_compiled_kernels_and_asks_again_after_a_compile(monkeypatch):
    monkeypatch.setattr(_twins, "_readiness", {})
    g = minigrad.default_generator
    out = np.empty(3, np.float32)
    args = (g._key, g._pos, out, out.dtype.type(0), out.dtype.type(1))
    with _twins.executor("compiled"):
        minigrad.rand(3)  # compiles (or loads) the float32 uniform kernel
    assert _twins.ready(_random._uniform, args)
    assert _twins.ready(_random._uniform, args)  # remembered


# ---- the first-run twins of a training step: ReLU, nll's target check, the SGD and Adam updates ----------

import pytest  # noqa: E402
import torch  # noqa: E402

from minigrad.kernels.cpu import _fused_update, nll_loss  # noqa: E402
from tests.compare import assert_close  # noqa: E402
from tests.optim.optim_helpers import assert_same_params, pair, train_step  # noqa: E402

OPTIMIZERS = [("SGD", dict()), ("SGD", dict(momentum=0.9, dampening=0.3, weight_decay=0.05, maximize=True)),
              ("SGD", dict(momentum=0.9, nesterov=True)), ("Adam", dict()),
              ("Adam", dict(weight_decay=0.05, maximize=True)), ("AdamW", dict(betas=(0.3, 0.9)))]


def _train(executor, name, options, dtype):
    (mg, x, y), (th, tx, ty) = pair(dtype)
    with _twins.executor(executor):
        opt = getattr(minigrad.optim, name)(mg.parameters(), lr=0.1, **options)
        losses = [train_step(minigrad, opt, mg, x, y).item() for _ in range(3)]
    th_opt = getattr(torch.optim, name)(th.parameters(), lr=0.1, **options)
    for _ in range(3):
        train_step(torch, th_opt, th, tx, ty)
    assert_same_params(mg, th, f"{executor}: ")
    return losses, [p.detach().numpy() for p in mg.parameters()], opt


@pytest.mark.parametrize("dtype", [np.float32, np.float64], ids=["f32", "f64"])
@pytest.mark.parametrize("name,options", OPTIMIZERS, ids=lambda v: str(v))
def test_training_step_twins_give_the_kernels_bits(name, options, dtype):
    """The documents' MLP trained three steps (ReLU, cross entropy, the update) by the numpy twins and
    by the compiled kernels: the same losses and parameters bit for bit, and torch's."""
    twin_losses, twin_params, twin_opt = _train("numpy", name, options, dtype)
    losses, params, opt = _train("compiled", name, options, dtype)
    assert twin_losses == losses
    for a, b in zip(twin_params, params):
        np.testing.assert_array_equal(a, b)
    for sa, sb in zip(twin_opt.state.values(), opt.state.values()):
        for key in sa:
            np.testing.assert_array_equal(np.asarray(sa[key]), np.asarray(sb[key]), err_msg=key)


def test_amsgrad_and_other_rules_have_no_twin():
    """A rule with a branch on the data (amsgrad's maximum) always runs compiled."""
    assert _fused_update.ARRAY_RULES["adam"]((0,) * 11 + (False,))
    assert not _fused_update.ARRAY_RULES["adam"]((0,) * 11 + (True,))
    assert "rprop" not in _fused_update.ARRAY_RULES


@pytest.mark.parametrize("dtype", [np.float32, np.float64], ids=["f32", "f64"])
def test_relu_twin_special_values(dtype):
    x = np.array([-np.inf, -1.5, -0.0, 0.0, 2.0, np.inf, np.nan, -np.nan], dtype)
    g = np.arange(1, 9, dtype=dtype)
    got = {}
    for executor in ("numpy", "compiled"):
        with _twins.executor(executor):
            t = minigrad.tensor(x.copy(), requires_grad=True)
            y = minigrad.relu(t)
            y.backward(minigrad.tensor(g))
            got[executor] = (y.detach().numpy(), t.grad.numpy())
    tx = torch.tensor(x, requires_grad=True)
    ty = torch.relu(tx)
    ty.backward(torch.tensor(g))
    for executor, (y, grad) in got.items():
        np.testing.assert_array_equal(y.view(np.uint8), ty.detach().numpy().view(np.uint8), err_msg=executor)
        np.testing.assert_array_equal(grad, tx.grad.numpy(), err_msg=executor)


@pytest.mark.parametrize("targets", [[0, 2, 1, -100, 2], [], [-100, -100], [0, 3, 1], [1, -1, 2],
                                     list(np.random.default_rng(1).integers(-1, 3, 500) % 3)])
def test_target_weight_sum_twin(targets):
    """W (a float64 sum in order, of weights of mixed magnitude) and the first bad target, as the kernel."""
    t = np.array(targets, np.int64)
    w = np.array([1e-8, 3.3, 7e7], np.float32)
    twin = nll_loss._target_weight_sum_numpy(t, w, -100)
    assert twin == nll_loss._target_weight_sum(t, w, -100)
    with _twins.executor("numpy"):
        if twin[0] >= 0:
            with pytest.raises(IndexError, match=f"Target {targets[twin[0]]} is out of bounds."):
                nll_loss.target_weight_sum(t, w, -100)
        else:
            assert nll_loss.target_weight_sum(t, w, -100) == twin[1]


NLL_CASES = [((64, 10), np.float32, "mean", False), ((5000, 7), np.float32, "sum", True),
             ((40000, 2), np.float64, "none", True), ((3,), np.float64, "mean", True), ((1, 4), np.float32, "sum", False)]


@pytest.mark.parametrize("shape,dtype,reduction,weighted", NLL_CASES)
def test_nll_twin_gives_the_kernels_bits(shape, dtype, reduction, weighted):
    """F.nll_loss on (N, C) rows (several partial sums from 32768 elements; weights of mixed magnitude,
    ignored targets, zeros): loss and gradient from the numpy twin bit for bit the kernel's, and torch's."""
    rng = np.random.default_rng(len(shape) + shape[0])
    x = (rng.standard_normal(shape) * 300).astype(dtype)
    x[rng.random(shape) < 0.1] = 0
    n_classes = shape[-1]
    t = rng.integers(0, n_classes, shape[:-1] if len(shape) > 1 else ())
    if t.ndim:
        t[rng.random(t.shape) < 0.2] = -100
    w = rng.uniform(0.01, 100, n_classes).astype(dtype) if weighted else None
    got = {}
    for executor in ("numpy", "compiled"):
        with _twins.executor(executor):
            xt = minigrad.tensor(x, requires_grad=True)
            loss = minigrad.nn.functional.nll_loss(xt, minigrad.tensor(t), None if w is None else minigrad.tensor(w),
                                                   reduction=reduction)
            loss.sum().backward()
            got[executor] = np.atleast_1d(loss.detach().numpy()), xt.grad.numpy()
    for a, b in zip(got["numpy"], got["compiled"]):
        np.testing.assert_array_equal(a.view(np.uint8), b.view(np.uint8))
    tx = torch.tensor(x, requires_grad=True)
    th = torch.nn.functional.nll_loss(tx, torch.tensor(t), None if w is None else torch.tensor(w), reduction=reduction)
    th.sum().backward()
    assert_close(got["numpy"][0].reshape(th.shape), th, what="loss")
    assert_close(got["numpy"][1], tx.grad, what="grad")
