"""Interrupts: a KeyboardInterrupt landing anywhere in ``backward`` or ``optimizer.step`` leaves the
parameters (and the optimizer's momentum buffers) either fully updated or untouched, never half of
each, and the next step runs as if nothing had happened.

The interrupt is raised, for every k, at the k-th call, return or return from a C function in
minigrad's code: the places where CPython delivers a Ctrl-C's KeyboardInterrupt (on entering a
function, after a call returns; also at loop back-edges, which always sit next to calls here).
Between two such points, e.g. inside a ``finally`` that only assigns, no interrupt can land."""
import os
import sys

import numpy as np
import pytest

import minigrad
from minigrad import nn, optim

PACKAGE = os.path.dirname(minigrad.__file__)


class InterruptAt:
    """Context manager: raise KeyboardInterrupt at the ``k``-th call/return event in minigrad's files
    (k = 0: never; count them instead, in ``events``)."""

    def __init__(self, k=0):
        self.k, self.events = k, 0

    def _profile(self, frame, event, arg):
        if event in ("call", "return", "c_return") and frame.f_code.co_filename.startswith(PACKAGE):
            self.events += 1
            if self.events == self.k:
                raise KeyboardInterrupt  # sys.setprofile drops this hook as the exception leaves it

    def __enter__(self):
        sys.setprofile(self._profile)
        return self

    def __exit__(self, *exc):
        sys.setprofile(None)


def _setup(momentum, warm_steps):
    """An MLP, its SGD and a batch, after ``warm_steps`` steps (so momentum buffers may exist) and
    with the next step's gradients computed."""
    minigrad.manual_seed(0)
    net = nn.Sequential(nn.Linear(10, 5), nn.ReLU(), nn.Linear(5, 3))
    opt = optim.SGD(net.parameters(), lr=0.1, momentum=momentum, nesterov=momentum > 0, weight_decay=0.01)
    x, target = minigrad.randn(4, 10), minigrad.tensor([0, 2, 1, 2])

    def loss():
        return nn.CrossEntropyLoss()(net(x), target)

    for step in range(warm_steps + 1):
        opt.zero_grad()
        loss().backward()
        if step < warm_steps:
            opt.step()
    return net, opt, loss


def _state(net, opt):
    """Copies of every parameter and momentum buffer."""
    params = [p.detach().numpy().copy() for p in net.parameters()]
    return params + [s["momentum_buffer"].numpy().copy() for s in opt.state.values() if "momentum_buffer" in s]


def _same(a, b):
    return len(a) == len(b) and all(x.shape == y.shape and np.array_equal(x, y) for x, y in zip(a, b))


def _full_step(opt, loss):
    opt.zero_grad()
    loss().backward()
    opt.step()


CONFIGS = [(0, 0), (0.9, 0), (0.9, 2)]  # (momentum, steps before): plain SGD; first momentum step; a later one


@pytest.mark.parametrize("momentum, warm", CONFIGS)
def test_interrupted_step_is_all_or_nothing(momentum, warm):
    _setup(momentum, warm)[1].step()  # a process's first step also builds its compiled loop: not counted
    net, opt, loss = _setup(momentum, warm)
    before = _state(net, opt)
    with InterruptAt() as count:
        opt.step()
    after = _state(net, opt)
    opt.step()  # the same gradients applied a second time
    twice = _state(net, opt)
    assert count.events > 5 and not _same(before, after)
    outcomes = {"untouched": 0, "updated": 0}
    for k in range(1, count.events + 1):
        net, opt, loss = _setup(momentum, warm)
        with pytest.raises(KeyboardInterrupt), InterruptAt(k):
            opt.step()
        now = _state(net, opt)
        assert _same(now, before) or _same(now, after), f"interrupt at event {k}: a partial update"
        outcomes["untouched" if _same(now, before) else "updated"] += 1
        opt.step()  # the next step runs, and from the state the interrupt left
        assert _same(_state(net, opt), after if _same(now, before) else twice)
    assert outcomes["untouched"] > 0 and outcomes["updated"] > 0  # interrupts before and inside the writes


@pytest.mark.parametrize("momentum, warm", CONFIGS[1:])
def test_interrupted_backward_leaves_parameters_and_next_step_intact(momentum, warm):
    net, opt, loss = _setup(momentum, warm)
    opt.zero_grad()
    with InterruptAt() as count:
        out = loss()
        out.backward()
    forward_calls = InterruptAt()
    with forward_calls:
        loss()
    opt.step()
    want = _state(net, opt)
    assert count.events > forward_calls.events + 5
    for k in range(forward_calls.events + 1, count.events + 1):  # events inside backward
        net, opt, loss = _setup(momentum, warm)
        opt.zero_grad()
        before = _state(net, opt)
        with pytest.raises(KeyboardInterrupt), InterruptAt(k):
            out = loss()
            out.backward()
        assert _same(_state(net, opt), before), f"interrupt at event {k} changed a parameter"
        assert minigrad.is_grad_enabled() and not minigrad.autograd.is_anomaly_enabled()
        _full_step(opt, loss)
        assert _same(_state(net, opt), want), f"the step after an interrupt at event {k} went wrong"
