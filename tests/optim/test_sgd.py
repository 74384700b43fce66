"""minigrad.optim.SGD against torch.optim.SGD: the documents' MLP trained from the same initial parameters
for every option combination (losses, parameters and momentum buffers step by step), parameter groups,
state_dict round trips, argument errors, zero_grad and the version counter."""
import copy
import itertools

import numpy as np
import pytest
import torch

import minigrad
import minigrad.nn as mnn
from tests.compare import assert_close
from tests.optim.optim_helpers import assert_same_params, assert_same_state, doc_net, pair, train_step

STEPS = 8


OPTIONS = [dict(momentum=m, dampening=d, weight_decay=wd, nesterov=n, maximize=mx)
           for m, d, wd, n, mx in itertools.product((0, 0.9), (0, 0.3), (0, 0.05), (False, True), (False, True))
           if not (n and (m == 0 or d != 0))]


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("options", OPTIONS, ids=lambda o: "-".join(f"{k}={v}" for k, v in o.items()))
def test_sgd_training_matches_torch(options, dtype):
    (mg, x, y), (th, tx, ty) = pair(dtype, unused=True)
    mg_opt = minigrad.optim.SGD(mg.parameters(), lr=0.1, **options)
    th_opt = torch.optim.SGD(th.parameters(), lr=0.1, **options)
    spare = mg.spare.weight.detach().numpy().copy()
    for step in range(STEPS):
        loss = train_step(minigrad, mg_opt, mg, x, y)
        th_loss = train_step(torch, th_opt, th, tx, ty)
        assert_close(loss, th_loss, what=f"loss at step {step}")
        assert_same_params(mg, th, f"step {step}: ")
    assert_same_state(mg_opt, th_opt)
    assert np.array_equal(mg.spare.weight.detach().numpy(), spare)  # grad None: skipped, no state


@pytest.mark.parametrize("options", [dict(), dict(momentum=0.9, weight_decay=0.05, nesterov=True)])
def test_sgd_updates_odd_layouts_in_place_like_torch(options):
    """A transposed (non-contiguous) parameter, a 0-d one and an empty one: updated in place (views
    of the parameter see the step), values as torch's."""
    rng = np.random.default_rng(5)
    arrays = [rng.standard_normal((4, 3)).T, np.array(0.7), np.zeros((0, 3))]
    mg = [minigrad.nn.Parameter(minigrad.tensor(a)) for a in arrays]
    th = [torch.nn.Parameter(torch.tensor(a)) for a in arrays]
    views = [p.detach() for p in mg]
    mg_opt, th_opt = minigrad.optim.SGD(mg, lr=0.1, **options), torch.optim.SGD(th, lr=0.1, **options)
    for step in range(3):
        for lib, params, opt in ((minigrad, mg, mg_opt), (torch, th, th_opt)):
            opt.zero_grad()
            sum((p * p).sum() * (i + 1) for i, p in enumerate(params)).backward()
            opt.step()
        for p, q, v in zip(mg, th, views):
            assert_close(p.detach(), q.detach(), what=f"step {step}")
            assert np.array_equal(v.numpy(), p.detach().numpy())


def test_sgd_step_allocates_nothing_after_the_first():
    """Like torch, a step updates parameters and momentum buffers in place: no staged copies."""
    import tracemalloc
    net = minigrad.nn.Linear(784, 256)
    opt = minigrad.optim.SGD(net.parameters(), lr=0.01, momentum=0.9)
    net(minigrad.randn(8, 784)).sum().backward()
    opt.step()  # creates the momentum buffers (and compiles the kernel)
    tracemalloc.start()
    opt.step()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak < 64 * 1024, f"SGD step allocated {peak} bytes at its peak"


def test_param_groups_with_their_own_options_match_torch():
    (mg, x, y), (th, tx, ty) = pair()

    def groups(net):
        return [{"params": net.fc1.parameters()},
                {"params": net.fc2.parameters(), "lr": 0.3, "momentum": 0.5, "nesterov": True}]
    mg_opt = minigrad.optim.SGD(groups(mg), lr=0.05, weight_decay=0.01)
    th_opt = torch.optim.SGD(groups(th), lr=0.05, weight_decay=0.01)
    assert repr(mg_opt) == repr(th_opt)
    for _ in range(STEPS):
        assert_close(train_step(minigrad, mg_opt, mg, x, y), train_step(torch, th_opt, th, tx, ty))
    assert_same_params(mg, th)
    assert_same_state(mg_opt, th_opt)


def test_add_param_group_like_torch():
    (mg, x, y), (th, tx, ty) = pair()
    mg_opt = minigrad.optim.SGD(mg.fc1.parameters(), lr=0.1, momentum=0.9)
    th_opt = torch.optim.SGD(th.fc1.parameters(), lr=0.1, momentum=0.9)
    train_step(minigrad, mg_opt, mg, x, y)
    train_step(torch, th_opt, th, tx, ty)
    mg_opt.add_param_group({"params": mg.fc2.parameters(), "lr": 0.01})
    th_opt.add_param_group({"params": th.fc2.parameters(), "lr": 0.01})
    assert repr(mg_opt) == repr(th_opt)
    for _ in range(3):
        assert_close(train_step(minigrad, mg_opt, mg, x, y), train_step(torch, th_opt, th, tx, ty))
    assert_same_params(mg, th)
    with pytest.raises(ValueError, match="some parameters appear in more than one parameter group"):
        mg_opt.add_param_group({"params": mg.fc1.weight})
    with pytest.raises(TypeError, match="param_group must be a dict"):
        mg_opt.add_param_group([mg.fc1.weight])


def test_named_parameters_keep_their_names_like_torch():
    (mg, _, _), (th, _, _) = pair()
    mg_sd = minigrad.optim.SGD(mg.named_parameters(), lr=0.1).state_dict()
    th_sd = torch.optim.SGD(th.named_parameters(), lr=0.1).state_dict()
    assert mg_sd == th_sd


def test_state_dict_round_trip_continues_identically():
    (mg, x, y), _ = pair()
    opt = minigrad.optim.SGD(mg.parameters(), lr=0.1, momentum=0.9, nesterov=True, weight_decay=0.01)
    for _ in range(3):
        train_step(minigrad, opt, mg, x, y)
    twin = doc_net(mnn)
    twin.load_state_dict(mg.state_dict())
    twin_opt = minigrad.optim.SGD(twin.parameters(), lr=0.5)
    twin_opt.load_state_dict(copy.deepcopy(opt.state_dict()))
    assert repr(twin_opt) == repr(opt)
    for _ in range(3):
        assert_close(train_step(minigrad, twin_opt, twin, x, y), train_step(minigrad, opt, mg, x, y), rtol=0, atol=0)
    for p, q in zip(twin.parameters(), mg.parameters()):
        assert_close(p.detach(), q.detach(), rtol=0, atol=0)


def test_state_dict_layout_and_sharing_like_torch():
    (mg, x, y), (th, tx, ty) = pair()
    mg_opt = minigrad.optim.SGD(mg.parameters(), lr=0.1, momentum=0.9)
    th_opt = torch.optim.SGD(th.parameters(), lr=0.1, momentum=0.9)
    assert mg_opt.state_dict() == th_opt.state_dict()  # no state before the first step
    train_step(minigrad, mg_opt, mg, x, y)
    train_step(torch, th_opt, th, tx, ty)
    assert_same_state(mg_opt, th_opt)
    other = minigrad.optim.SGD(mg.parameters(), lr=0.1, momentum=0.9)
    other.load_state_dict(mg_opt.state_dict())  # same dtype and device: buffers shared, as torch does
    assert other.state[mg.fc1.weight]["momentum_buffer"] is mg_opt.state[mg.fc1.weight]["momentum_buffer"]


def test_load_state_dict_casts_buffers_to_the_parameter_dtype():
    (mg, x, y), _ = pair()
    opt = minigrad.optim.SGD(mg.parameters(), lr=0.1, momentum=0.9)
    train_step(minigrad, opt, mg, x, y)
    wide = doc_net(mnn).double()
    wide_opt = minigrad.optim.SGD(wide.parameters(), lr=0.1, momentum=0.9)
    wide_opt.load_state_dict(opt.state_dict())
    assert wide_opt.state[wide.fc1.weight]["momentum_buffer"].dtype == minigrad.float64


@pytest.mark.parametrize("mutate", [
    lambda sd: sd.__setitem__("param_groups", sd["param_groups"] * 2),
    lambda sd: sd["param_groups"][0].__setitem__("params", sd["param_groups"][0]["params"][:-1]),
])
def test_load_state_dict_errors_like_torch(mutate):
    (mg, _, _), (th, _, _) = pair()
    mg_opt, th_opt = minigrad.optim.SGD(mg.parameters(), lr=0.1), torch.optim.SGD(th.parameters(), lr=0.1)
    mg_sd, th_sd = copy.deepcopy(mg_opt.state_dict()), copy.deepcopy(th_opt.state_dict())
    mutate(mg_sd)
    mutate(th_sd)
    with pytest.raises(ValueError) as th_err:
        th_opt.load_state_dict(th_sd)
    with pytest.raises(ValueError) as mg_err:
        mg_opt.load_state_dict(mg_sd)
    assert str(mg_err.value) == str(th_err.value)


@pytest.mark.parametrize("kwargs", [dict(lr=-1), dict(lr=0.1, momentum=-0.5), dict(lr=0.1, weight_decay=-1),
                                    dict(lr=0.1, nesterov=True), dict(lr=0.1, momentum=0.9, dampening=0.1,
                                                                      nesterov=True),
                                    dict(lr=0.1, fused=True, foreach=True)])
def test_sgd_argument_errors_like_torch(kwargs):
    (mg, _, _), (th, _, _) = pair()
    with pytest.raises(Exception) as th_err:
        torch.optim.SGD(th.parameters(), **kwargs)
    with pytest.raises(type(th_err.value)) as mg_err:
        minigrad.optim.SGD(mg.parameters(), **kwargs)
    assert str(mg_err.value) == str(th_err.value)


@pytest.mark.parametrize("params", [
    lambda lib, net: [],
    lambda lib, net: net.fc1.weight,
    lambda lib, net: [net.fc1.weight * 2],
    lambda lib, net: [1.0],
    lambda lib, net: [{"params": net.fc1.weight}, {"params": [net.fc1.weight]}],
    lambda lib, net: [{"params": {net.fc1.weight}}],
])
def test_parameter_errors_like_torch(params):
    (mg, _, _), (th, _, _) = pair()
    with pytest.raises(Exception) as th_err:
        torch.optim.SGD(params(torch, th), lr=0.1)
    with pytest.raises(type(th_err.value)) as mg_err:
        minigrad.optim.SGD(params(minigrad, mg), lr=0.1)
    assert str(mg_err.value).replace("minigrad.", "torch.") == str(th_err.value)


def test_duplicate_parameters_warn():
    w = mnn.Parameter(minigrad.ones(2))
    with pytest.warns(UserWarning, match="duplicate parameters"):
        minigrad.optim.SGD([w, w], lr=0.1)


def test_tensor_learning_rate():
    (mg, x, y), (th, tx, ty) = pair()
    mg_opt = minigrad.optim.SGD(mg.parameters(), lr=minigrad.tensor(0.1))
    th_opt = torch.optim.SGD(th.parameters(), lr=torch.tensor(0.1))
    for _ in range(3):
        assert_close(train_step(minigrad, mg_opt, mg, x, y), train_step(torch, th_opt, th, tx, ty))
    with pytest.raises(ValueError, match="Tensor lr must be 1-element"):
        minigrad.optim.SGD(mg.parameters(), lr=minigrad.tensor([0.1, 0.2]))


def test_zero_grad_modes():
    (mg, x, y), _ = pair()
    opt = minigrad.optim.SGD(mg.parameters(), lr=0.1)
    minigrad.nn.functional.cross_entropy(mg(x), y).backward()
    grad = mg.fc1.weight.grad
    opt.zero_grad(set_to_none=False)
    assert mg.fc1.weight.grad is grad and not np.any(grad.numpy())
    opt.zero_grad()
    assert all(p.grad is None for p in mg.parameters())


def test_step_with_closure_records_even_under_no_grad():
    (mg, x, y), _ = pair()
    opt = minigrad.optim.SGD(mg.parameters(), lr=0.1)
    before = mg.fc2.bias.detach().numpy().copy()

    def closure():
        opt.zero_grad()
        loss = minigrad.nn.functional.cross_entropy(mg(x), y)
        loss.backward()
        return loss
    with minigrad.no_grad():
        loss = opt.step(closure)
    assert loss.grad_fn is not None and not np.array_equal(mg.fc2.bias.detach().numpy(), before)


def test_step_bumps_version_so_stale_graphs_raise():
    w = mnn.Parameter(minigrad.ones(3))
    opt = minigrad.optim.SGD([w], lr=0.1)
    (w * 2).sum().backward()
    stale = (w * w).sum()  # saves w for backward
    version = w._version[0]
    opt.step()
    assert w._version[0] == version + 1 and w.grad_fn is None and w.requires_grad
    assert w.detach().numpy().tolist() == pytest.approx([0.8, 0.8, 0.8])
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        stale.backward()
