"""What every fused optimizer shares (``minigrad/optim/optimizer.py``): step hooks as torch's, in-place
updates of odd layouts, no allocation after the first step, the all-or-nothing step under a
KeyboardInterrupt, a torch checkpoint continued by minigrad, a 0-d tensor learning rate."""
import importlib
import os
import tracemalloc

import numpy as np
import pytest
import torch

import minigrad
import minigrad.kernels
from minigrad import nn, optim
from tests.compare import assert_close
from tests.hardening import test_interrupts
from tests.optim.optim_helpers import assert_same_params, pair, train_both, train_step

FUSED = [("Adam", dict(lr=0.01, amsgrad=True, weight_decay=0.1)), ("AdamW", dict(lr=0.01)),
         ("RMSprop", dict(momentum=0.9, centered=True)), ("Adagrad", dict(lr_decay=0.1)), ("Adadelta", dict()),
         ("Adamax", dict()), ("NAdam", dict(decoupled_weight_decay=True, weight_decay=0.1)), ("RAdam", dict()),
         ("ASGD", dict(t0=1)), ("Rprop", dict())]


def case_id(case):
    return case[0]


def log_hooks(lib, opt, log):
    """Pre- and post-hooks on ``opt`` and global ones, each appending what it saw to ``log``."""
    register = importlib.import_module(lib.__name__ + ".optim.optimizer")
    return [opt.register_step_pre_hook(lambda o, args, kwargs: log.append(("pre", type(o).__name__, len(args)))),
            opt.register_step_post_hook(lambda o, args, kwargs: log.append(("post", sorted(kwargs)))),
            register.register_optimizer_step_pre_hook(lambda o, args, kwargs: log.append("global pre")),
            register.register_optimizer_step_post_hook(lambda o, args, kwargs: log.append("global post"))]


def test_step_hooks_run_like_torch():
    logs = {}
    for lib in (minigrad, torch):
        w = lib.nn.Parameter(lib.ones(3))
        opt = lib.optim.Adam([w], lr=0.1)
        log = logs[lib.__name__] = []
        handles = log_hooks(lib, opt, log)
        (w * w).sum().backward()
        opt.step(closure=None)
        for handle in handles:
            handle.remove()
        opt.step()
    assert logs["minigrad"] == logs["torch"] and len(logs["torch"]) == 4


def test_pre_hook_may_replace_the_step_arguments():
    w = nn.Parameter(minigrad.ones(2))
    opt = optim.SGD([w], lr=0.1)
    calls = []

    def closure():
        calls.append(1)
        opt.zero_grad()
        loss = (w * w).sum()
        loss.backward()
        return loss
    opt.register_step_pre_hook(lambda o, args, kwargs: ((o, closure), {}))
    assert opt.step() is not None and calls == [1]
    opt.register_step_pre_hook(lambda o, args, kwargs: "bad")
    with pytest.raises(RuntimeError, match="must return None or a tuple of"):
        opt.step()


def odd_layouts(lib):
    """A transposed parameter, a strided slice (no flat view), a 0-d one and an empty one."""
    rng = np.random.default_rng(5)
    base = lib.tensor(rng.standard_normal((4, 6)))
    return [lib.nn.Parameter(lib.tensor(rng.standard_normal((3, 4))).t()),
            base[:, ::2].detach().requires_grad_(), lib.nn.Parameter(lib.tensor(0.7)),
            lib.nn.Parameter(lib.zeros(0, 3, dtype=lib.float64))]


@pytest.mark.parametrize("case", FUSED, ids=case_id)
def test_odd_layouts_update_in_place_like_torch(case):
    name, options = case
    mg, th = odd_layouts(minigrad), odd_layouts(torch)
    views = [p.detach() for p in mg]
    mg_opt, th_opt = getattr(optim, name)(mg, **options), getattr(torch.optim, name)(th, **options)
    for step in range(4):
        for params, opt in ((mg, mg_opt), (th, th_opt)):
            opt.zero_grad()
            sum((p * p).sum() * (i + 1) + p.sum() for i, p in enumerate(params)).backward()
            opt.step()
        for p, q, v in zip(mg, th, views):
            assert_close(p.detach(), q.detach(), what=f"step {step}")
            assert np.array_equal(v.numpy(), p.detach().numpy())  # views of the parameter see the update


@pytest.mark.parametrize("case", FUSED, ids=case_id)
def test_step_allocates_nothing_after_the_first(case):
    name, options = case
    net = nn.Linear(784, 256)
    opt = getattr(optim, name)(net.parameters(), **options)
    net(minigrad.randn(8, 784)).sum().backward()
    opt.step()  # creates the state (and compiles the kernel)
    tracemalloc.start()
    opt.step()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak < 64 * 1024, f"{name} step allocated {peak} bytes at its peak"


def _snapshot(net, opt):
    arrays = [p.detach().numpy().copy() for p in net.parameters()]
    for state in opt.state.values():
        arrays += [v.numpy().copy() for _, v in sorted(state.items())]
    return arrays


@pytest.mark.parametrize("case", [FUSED[0], FUSED[2], FUSED[6], FUSED[8]], ids=case_id)
def test_interrupted_step_is_all_or_nothing(case, monkeypatch):
    """A KeyboardInterrupt at any call/return in minigrad's or its kernels' Python code during a step
    leaves every parameter and buffer either untouched or updated, and the next step continues."""
    monkeypatch.setattr(test_interrupts, "PACKAGE", (os.path.dirname(minigrad.__file__),
                                                     os.path.dirname(minigrad.kernels.__file__)))
    name, options = case

    def setup():
        minigrad.manual_seed(0)
        net = nn.Sequential(nn.Linear(6, 4), nn.ReLU(), nn.Linear(4, 3))
        opt = getattr(optim, name)(net.parameters(), **options)
        x, target = minigrad.randn(4, 6), minigrad.tensor([0, 2, 1, 2])
        for _ in range(2):
            opt.zero_grad()
            nn.functional.cross_entropy(net(x), target).backward()
            opt.step()
        return net, opt

    net, opt = setup()
    before = _snapshot(net, opt)
    with test_interrupts.InterruptAt() as count:
        opt.step()
    after = _snapshot(net, opt)
    outcomes = set()
    for k in range(1, count.events + 1, max(1, count.events // 40)):
        net, opt = setup()
        with pytest.raises(KeyboardInterrupt), test_interrupts.InterruptAt(k):
            opt.step()
        now = _snapshot(net, opt)
        assert test_interrupts._same(now, before) or test_interrupts._same(now, after), f"event {k}: partial"
        outcomes.add(test_interrupts._same(now, after))
    assert outcomes == {False, True}


@pytest.mark.parametrize("name, options", [("Adam", dict(lr=0.01, amsgrad=True)), ("NAdam", dict(lr=0.01)),
                                           ("ASGD", dict(t0=2))])
def test_torch_checkpoint_continues_in_minigrad(name, options):
    """torch's optimizer state_dict (tensors converted) loads into minigrad, which then steps as torch."""
    (mg, x, y), (th, tx, ty) = pair()
    th_opt = getattr(torch.optim, name)(th.parameters(), **options)
    for _ in range(5):
        train_step(torch, th_opt, th, tx, ty)
    mg.load_state_dict({k: minigrad.tensor(v.numpy()) for k, v in th.state_dict().items()})
    sd = th_opt.state_dict()
    sd = {"state": {k: {n: minigrad.tensor(v.numpy()) for n, v in s.items()} for k, s in sd["state"].items()},
          "param_groups": sd["param_groups"]}
    mg_opt = getattr(optim, name)(mg.parameters(), **options)
    mg_opt.load_state_dict(sd)
    train_both((mg, x, y), (th, tx, ty), mg_opt, th_opt, 5)


def test_tensor_learning_rate_and_buffer_versions():
    (mg, x, y), (th, tx, ty) = pair()
    mg_opt = optim.Adam(mg.parameters(), lr=minigrad.tensor(0.01))
    th_opt = torch.optim.Adam(th.parameters(), lr=torch.tensor(0.01))
    version = mg.fc1.weight._version[0]
    for _ in range(3):
        assert_close(train_step(minigrad, mg_opt, mg, x, y), train_step(torch, th_opt, th, tx, ty))
    assert_same_params(mg, th)
    state = mg_opt.state[mg.fc1.weight]
    assert state["exp_avg"]._version[0] == 3 and mg.fc1.weight._version[0] == version + 3
    assert state["step"].dtype == minigrad.float32 and state["step"].item() == 3
    with pytest.raises(ValueError, match="lr as a Tensor is not supported for capturable=False and foreach=True"):
        optim.Adam(mg.parameters(), lr=minigrad.tensor(0.01), foreach=True)


def test_checkpoint_files_move_between_minigrad_and_torch(tmp_path):
    """``minigrad.save(optimizer.state_dict())`` loads into torch's optimizer and ``torch.save``'s into
    minigrad's; each continues as the other would."""
    (mg, x, y), (th, tx, ty) = pair()
    mg_opt, th_opt = optim.Adam(mg.parameters(), lr=0.01), torch.optim.Adam(th.parameters(), lr=0.01)
    train_both((mg, x, y), (th, tx, ty), mg_opt, th_opt, 3)
    minigrad.save(mg_opt.state_dict(), tmp_path / "minigrad.pt")
    torch.save(th_opt.state_dict(), tmp_path / "torch.pt")
    th_opt.load_state_dict(torch.load(tmp_path / "minigrad.pt"))
    mg_opt.load_state_dict(minigrad.load(tmp_path / "torch.pt"))
    train_both((mg, x, y), (th, tx, ty), mg_opt, th_opt, 3)


def test_state_dict_hooks_like_torch():
    logs = {}
    for lib in (minigrad, torch):
        w = lib.nn.Parameter(lib.ones(2))
        opt = lib.optim.Adam([w], lr=0.1)
        log = logs[lib.__name__] = []
        opt.register_state_dict_pre_hook(lambda o: log.append("pre"))
        opt.register_state_dict_pre_hook(lambda o: log.append("first pre"), prepend=True)
        opt.register_state_dict_post_hook(lambda o, sd: {**sd, "extra": 1})
        opt.register_load_state_dict_pre_hook(lambda o, sd: log.append(sorted(sd)) or {
            "state": sd["state"], "param_groups": [{**g, "lr": 0.5} for g in sd["param_groups"]]})
        handle = opt.register_load_state_dict_post_hook(lambda o: log.append(o.param_groups[0]["lr"]))
        sd = opt.state_dict()
        log.append(sorted(sd))
        opt.load_state_dict(sd)
        handle.remove()
        opt.load_state_dict(sd)
    assert logs["minigrad"] == logs["torch"] and len(logs["torch"]) == 6
