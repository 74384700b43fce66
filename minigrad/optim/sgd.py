"""Stochastic gradient descent, with torch's exact update rule.

For each parameter p with gradient g (parameters whose grad is None are skipped):

    g ← −g                                  if maximize
    g ← g + weight_decay·p                  if weight_decay ≠ 0
    if momentum ≠ 0:
        buf ← g (a copy)                    on the first step
        buf ← momentum·buf + (1 − dampening)·g   afterwards
        g ← g + momentum·buf if nesterov else buf
    p ← p − lr·g

Each parameter and its momentum buffer are updated in place by one call of the backend's fused
kernel (the rule: ``sgd`` in ``kernels/shared/optim_rules.py``; no graph is recorded), which marks
the parameter done, and the version counters move on as for any in-place op. A step is
all-or-nothing under a KeyboardInterrupt: once the first update has run, ``optimizer.commit`` runs
the others, and a parameter marked done is not updated twice. Like torch, a step allocates nothing
but the first step's momentum buffers (and, for a parameter with no flat view such as a strided
slice, the staged copies ``kernels/cpu/_fused_update.py`` updates).
"""
import functools

import numpy as np

from ..autograd.grad_mode import enable_grad
from ..tensor import Tensor
from .optimizer import Optimizer, commit


class SGD(Optimizer):
    r"""Stochastic gradient descent, optionally with momentum, Nesterov momentum and weight decay.

    Args:
        params: an iterable of parameters, or of dicts defining parameter groups.
        lr: learning rate. Default: 1e-3.
        momentum: momentum factor. Default: 0.
        dampening: dampening of the momentum. Default: 0.
        weight_decay: L2 penalty added to the gradient. Default: 0.
        nesterov: Nesterov momentum (needs ``momentum > 0`` and ``dampening == 0``). Default: ``False``.
        maximize: ascend the objective instead of descending it. Default: ``False``.
        foreach, differentiable, fused: accepted for compatibility and kept in the groups; minigrad has a
            single implementation.

    The update (``buf`` is ``state[p]["momentum_buffer"]``, set to ``g`` on the first momentum step):

    .. math::
        g \leftarrow \pm g + \lambda p,\quad b \leftarrow \mu b + (1-\tau) g,\quad
        p \leftarrow p - \gamma\,(g + \mu b \text{ if nesterov else } b)

    Example::

        >>> optimizer = optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
        >>> optimizer.zero_grad()
        >>> loss_fn(model(input), target).backward()
        >>> optimizer.step()
    """

    def __init__(self, params, lr=1e-3, momentum=0, dampening=0, weight_decay=0, nesterov=False, *, maximize=False,
                 foreach=None, differentiable=False, fused=None):
        if isinstance(lr, Tensor) and lr.numel() != 1:
            raise ValueError("Tensor lr must be 1-element")
        if lr < 0.0:
            raise ValueError(f"Invalid learning rate: {lr}")
        if momentum < 0.0:
            raise ValueError(f"Invalid momentum value: {momentum}")
        if weight_decay < 0.0:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        defaults = {"lr": lr, "momentum": momentum, "dampening": dampening, "weight_decay": weight_decay,
                    "nesterov": nesterov, "maximize": maximize, "foreach": foreach,
                    "differentiable": differentiable, "fused": fused}
        if nesterov and (momentum <= 0 or dampening != 0):
            raise ValueError("Nesterov momentum requires a momentum and zero dampening")
        super().__init__(params, defaults)
        if fused and differentiable:
            raise RuntimeError("`fused` does not support `differentiable`")
        if fused and foreach:
            raise RuntimeError("`fused` and `foreach` cannot be `True` together.")

    def __setstate__(self, state):
        super().__setstate__(state)
        for group in self.param_groups:
            for key, value in (("nesterov", False), ("maximize", False), ("foreach", None),
                               ("differentiable", False), ("fused", False)):
                group.setdefault(key, value)

    def step(self, closure=None):
        """One update of every parameter that has a gradient; returns ``closure()``'s loss when given."""
        loss = None
        if closure is not None:
            with enable_grad():
                loss = closure()
        updates = []
        for group in self.param_groups:
            lr = group["lr"]
            lr = float(lr) if isinstance(lr, Tensor) else lr
            momentum = group["momentum"]
            # the kernel's scalars for a parameter's later steps and for its first momentum step
            scalars = [(lr, momentum, 1 - group["dampening"], group["weight_decay"], bool(group["nesterov"]),
                        bool(group["maximize"]), first, momentum != 0) for first in (False, True)]
            for p in group["params"]:
                if p._grad is None:
                    continue
                buf = self.state.get(p, {}).get("momentum_buffer") if momentum else None
                first = bool(momentum) and buf is None
                if first:
                    buf = Tensor._make(p._backend().full_like(p._data, 0), p._device)
                versions = (p._version[0] + 1, None if buf is None or first else buf._version[0] + 1)
                updates.append((p, buf, first, scalars[first], versions))
        done = np.zeros(len(updates), np.uint8)
        commit([functools.partial(self._update, k, *u, done) for k, u in enumerate(updates)])
        return loss

    def _update(self, k, p, buf, first, scalars, versions, done):
        """Update ``p`` unless ``done[k]`` marks it updated, then set the version counters and the new
        buffer: safe to run twice."""
        p._backend().load("_fused_update").step("sgd", p._data, p._grad._data, (None if buf is None else buf._data,),
                                                scalars, done, k)
        p._version[0] = versions[0]
        if versions[1] is not None:
            buf._version[0] = versions[1]
        if first:
            self.state[p]["momentum_buffer"] = buf

