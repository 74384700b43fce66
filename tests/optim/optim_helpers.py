"""What the optimizer tests share: the documents' MLP built in minigrad and in torch from the same
parameters, a training step, comparisons of parameters and of state buffers, and ``against_torch``,
which trains both for a number of steps with one optimizer and option set and compares everything."""
import copy

import numpy as np
import pytest
import torch

import minigrad
import minigrad.nn as mnn
from tests.compare import assert_close


def doc_net(nn, unused=False):
    """The documents' MLP; ``unused`` adds a layer outside forward (its parameters never get a grad)."""
    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.fc1 = nn.Linear(10, 5)
            self.fc2 = nn.Linear(5, 3)
            if unused:
                self.spare = nn.Linear(2, 2)

        def forward(self, x):
            return self.fc2(nn.functional.relu(self.fc1(x)))
    return Net()


def pair(dtype=np.float32, unused=False):
    """A minigrad net and a torch net with the same parameters, plus a batch (x, y) for each."""
    minigrad.manual_seed(0)
    mg, th = doc_net(mnn, unused), doc_net(torch.nn, unused)
    if dtype == np.float64:
        mg.double()
        th.double()
    th.load_state_dict({k: torch.tensor(v.numpy()) for k, v in mg.state_dict().items()})
    rng = np.random.default_rng(0)
    x = rng.standard_normal((64, 10)).astype(dtype)
    y = rng.integers(0, 3, 64)
    return (mg, minigrad.tensor(x), minigrad.tensor(y)), (th, torch.tensor(x), torch.tensor(y))


def train_step(lib, opt, net, x, y):
    opt.zero_grad()
    loss = lib.nn.functional.cross_entropy(net(x), y)
    loss.backward()
    opt.step()
    return loss


def assert_same_params(mg_net, th_net, what="", **tol):
    for (name, p), q in zip(mg_net.named_parameters(), th_net.parameters()):
        assert_close(p.detach(), q.detach(), what=f"{what}{name}", **tol)


def assert_same_state(mg_opt, th_opt, **tol):
    mg_sd, th_sd = mg_opt.state_dict(), th_opt.state_dict()
    assert mg_sd["param_groups"] == th_sd["param_groups"]
    assert sorted(mg_sd["state"]) == sorted(th_sd["state"])
    for k, buffers in th_sd["state"].items():
        assert sorted(mg_sd["state"][k]) == sorted(buffers)
        for name, value in buffers.items():
            if isinstance(value, torch.Tensor):
                assert_close(mg_sd["state"][k][name], value, what=f"state {k} {name}", **tol)
            else:
                assert mg_sd["state"][k][name] == pytest.approx(value), f"state {k} {name}"


def case_id(value):
    """A pytest id: an option dict as k=v pairs, (optimizer, options) with the name first, a dtype by name."""
    if isinstance(value, tuple):
        return "-".join(case_id(v) for v in value)
    if isinstance(value, dict):
        return "-".join(f"{k}={v}" for k, v in value.items()) or "defaults"
    return np.dtype(value).name if isinstance(value, type) else str(value)


def dtype_cases(option_sets, float64=1):
    """(options, dtype) for the tests: every option set in float32, where rounding differences show,
    and option set number ``float64`` (the richest) in float64 too."""
    return [(o, np.float32) for o in option_sets] + [(option_sets[min(float64, len(option_sets) - 1)], np.float64)]


def train_both(mg_case, th_case, mg_opt, th_opt, steps, **tol):
    """``steps`` training steps of each library's (net, x, y) with its optimizer, then the parameters
    and the optimizers' state compared."""
    (mg, x, y), (th, tx, ty) = mg_case, th_case
    for _ in range(steps):
        train_step(minigrad, mg_opt, mg, x, y)
        train_step(torch, th_opt, th, tx, ty)
    assert_same_params(mg, th, **tol)
    assert_same_state(mg_opt, th_opt, **tol)


def against_torch(name, options, dtype, steps=50, tol=None):
    """Train the MLP (with an unused layer) ``steps`` steps with ``optim.<name>(**options)`` in both
    libraries; compare the parameters and the state, and check the unused layer was left alone."""
    mg_case, th_case = pair(dtype, unused=True)
    mg_opt = getattr(minigrad.optim, name)(mg_case[0].parameters(), **options)
    th_opt = getattr(torch.optim, name)(th_case[0].parameters(), **options)
    spare = mg_case[0].spare.weight.detach().numpy().copy()
    train_both(mg_case, th_case, mg_opt, th_opt, steps, **(tol or {}))
    assert np.array_equal(mg_case[0].spare.weight.detach().numpy(), spare)  # grad None: skipped (state as torch's)
    return mg_opt


def round_trip(name, options, steps=3):
    """A checkpoint after ``steps`` steps loaded into a fresh optimizer continues exactly as the
    original does for ``steps`` more."""
    (mg, x, y), _ = pair()
    opt = getattr(minigrad.optim, name)(mg.parameters(), **options)
    for _ in range(steps):
        train_step(minigrad, opt, mg, x, y)
    twin = doc_net(mnn)
    twin.load_state_dict(mg.state_dict())
    twin_opt = getattr(minigrad.optim, name)(twin.parameters(), **{**options, "lr": 0.5})
    twin_opt.load_state_dict(copy.deepcopy(opt.state_dict()))
    assert repr(twin_opt) == repr(opt)
    for _ in range(steps):
        assert_close(train_step(minigrad, twin_opt, twin, x, y), train_step(minigrad, opt, mg, x, y), rtol=0, atol=0)
    for p, q in zip(twin.parameters(), mg.parameters()):
        assert_close(p.detach(), q.detach(), rtol=0, atol=0)


def same_error(name, kwargs):
    """``optim.<name>(params, **kwargs)`` raises torch's exception type and message."""
    (mg, _, _), (th, _, _) = pair()
    with pytest.raises(Exception) as th_err:
        getattr(torch.optim, name)(th.parameters(), **kwargs)
    with pytest.raises(type(th_err.value)) as mg_err:
        getattr(minigrad.optim, name)(mg.parameters(), **kwargs)
    assert str(mg_err.value) == str(th_err.value)
