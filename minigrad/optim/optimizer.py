"""``Optimizer``: parameter groups, per-parameter state, ``zero_grad`` and (de)serialisation.

A subclass declares its hyper-parameters in ``defaults`` and implements ``step``. Every group is a
dict holding ``"params"`` plus each hyper-parameter (the group's own value or the default);
``state`` maps a parameter to its dict of buffers (e.g. SGD's ``momentum_buffer``).

A step runs its per-parameter writes through ``commit``, so a KeyboardInterrupt (Ctrl-C) leaves the
parameters and buffers either untouched or fully updated, never half of each. The fused optimizers
(Adam, RMSprop, ...) gather one ``Update`` per parameter and hand them to ``fused_step``: each is one
call of the backend's ``_fused_update.step`` with the optimizer's name (``kernels/<device>/
_fused_update.py``; the per-element rules: ``kernels/shared/optim_rules.py``), which reads the
gradient and the state buffers once and writes the parameter and the buffers in place.

Step hooks run around every subclass's ``step`` as torch's do: pre-hooks ``hook(optimizer, args,
kwargs)`` may return new ``(args, kwargs)``; post-hooks see what the step was called with.
"""
import copy
import functools
import warnings
from collections import OrderedDict, defaultdict
from dataclasses import dataclass
from itertools import chain

import numpy as np

from ..autograd.grad_mode import enable_grad
from ..autograd.hooks import RemovableHandle
from ..tensor import Tensor


class _Required:
    """Marks a hyper-parameter without a default, which every group must then give."""

    def __repr__(self):
        return "<required parameter>"


required = _Required()


def _typename(obj):
    if isinstance(obj, Tensor):
        return obj.type()
    module = type(obj).__module__
    return type(obj).__qualname__ if module in ("", "builtins") else f"{module}.{type(obj).__qualname__}"


def commit(writes):
    """Run a step's ``writes`` (callables, each safe to run twice). An exception arriving midway, such
    as a KeyboardInterrupt, first lets the remaining ones run, then propagates."""
    done = 0
    try:
        while done < len(writes):
            writes[done]()
            done += 1
    finally:
        while done < len(writes):
            writes[done]()
            done += 1


def scalar(value):
    """A hyper-parameter as a Python number (a learning rate may be a 1-element tensor)."""
    return value.item() if isinstance(value, Tensor) else value


def check_lr(lr):
    """torch's checks of a learning rate (a number or a 1-element tensor)."""
    if isinstance(lr, Tensor) and lr.numel() != 1:
        raise ValueError("Tensor lr must be 1-element")
    check(lr, "learning rate")


def check(value, what, high=None):
    """torch's ``ValueError("Invalid <what>: <value>")`` unless ``0 <= value`` (and ``value < high``)."""
    if not (0.0 <= value and (high is None or value < high)):
        raise ValueError(f"Invalid {what}: {value}")


def check_betas(betas):
    """torch's checks of Adam-style ``betas``: each in [0, 1)."""
    for i, beta in enumerate(betas):
        check(beta, f"beta parameter at index {i}", high=1.0)


def check_adam_options(lr, eps, betas, weight_decay):
    """torch's checks, in its order, of the options Adam, AdamW, NAdam, RAdam and Adamax share."""
    check_lr(lr)
    check(eps, "epsilon value")
    check_betas(betas)
    check(weight_decay, "weight_decay value")


def check_implementation(lr, foreach, fused, differentiable, capturable=False):
    """torch's errors for its implementation switches, which minigrad accepts and keeps in the groups (it
    has one implementation: the fused kernel)."""
    if isinstance(lr, Tensor) and foreach and not capturable:
        raise ValueError("lr as a Tensor is not supported for capturable=False and foreach=True")
    if fused and differentiable:
        raise RuntimeError("`fused` does not support `differentiable`")
    if fused and foreach:
        raise RuntimeError("`fused` and `foreach` cannot be `True` together.")


def bias_correction(beta, step):
    """1 − βᵗ, in float64 as torch computes it on the host."""
    return 1 - beta ** step


_global_pre_hooks, _global_post_hooks = OrderedDict(), OrderedDict()


def register_optimizer_step_pre_hook(hook):
    """A pre-hook ``hook(optimizer, args, kwargs)`` run before every optimizer's step."""
    return RemovableHandle(_global_pre_hooks, hook)


def register_optimizer_step_post_hook(hook):
    """A post-hook ``hook(optimizer, args, kwargs)`` run after every optimizer's step."""
    return RemovableHandle(_global_post_hooks, hook)


def _hooked(step):
    """``step`` wrapped with the global and the optimizer's step hooks."""
    @functools.wraps(step)
    def run(*args, **kwargs):
        self = args[0]
        for hook in chain(_global_pre_hooks.values(), self._optimizer_step_pre_hooks.values()):
            result = hook(self, args, kwargs)
            if result is not None:
                if not (isinstance(result, tuple) and len(result) == 2):
                    raise RuntimeError(f"{step} must return None or a tuple of (new_args, new_kwargs), "
                                       f"but got {result}.")
                args, kwargs = result
        out = step(*args, **kwargs)
        for hook in chain(self._optimizer_step_post_hooks.values(), _global_post_hooks.values()):
            hook(self, args, kwargs)
        return out
    run.hooked = True
    return run


@dataclass
class Update:
    """One parameter's fused update: ``kernels.<device>._fused_update.step(name, p, g, buffers, scalars,
    done, k)``, with None for a buffer the options leave unused (its rule's slot in
    ``kernels/shared/optim_rules.py``); once it has run, each 0-d CPU tensor of ``counters`` ((tensor,
    value) pairs: the step count, NAdam's μ product, ASGD's η and μ) is set to its value."""
    name: str
    param: Tensor
    buffers: tuple
    scalars: tuple
    counters: tuple = ()


def counter(value=0.0):
    """A 0-d float32 CPU tensor: torch's per-parameter ``step`` (and NAdam's, ASGD's scalar state)."""
    return Tensor._make(np.array(value, np.float32))


_HOOKS = ("_optimizer_step_pre_hooks", "_optimizer_step_post_hooks", "_optimizer_state_dict_pre_hooks",
          "_optimizer_state_dict_post_hooks", "_optimizer_load_state_dict_pre_hooks",
          "_optimizer_load_state_dict_post_hooks")


def _add_hook(table, hook, prepend=False):
    handle = RemovableHandle(table, hook)
    if prepend:
        table.move_to_end(handle.id, last=False)
    return handle


class Optimizer:
    FLAGS = {}  # options a group saved by an older torch may lack, with their defaults (set on load)

    def __init__(self, params, defaults):
        self.defaults = defaults
        for name in _HOOKS:
            setattr(self, name, OrderedDict())
        if not getattr(type(self).step, "hooked", False):
            type(self).step = _hooked(type(self).step)
        if isinstance(params, Tensor):
            raise TypeError("params argument given to the optimizer should be an iterable of Tensors or dicts, "
                            "but got " + _typename(params))
        self.state = defaultdict(dict)
        self.param_groups = []
        groups = list(params)
        if not groups:
            raise ValueError("optimizer got an empty parameter list")
        if not isinstance(groups[0], dict):
            groups = [{"params": groups}]
        for group in groups:
            self.add_param_group(group)

    def __getstate__(self):
        return {"defaults": self.defaults, "state": self.state, "param_groups": self.param_groups}

    def __setstate__(self, state):
        self.__dict__.update(state)
        for group in self.param_groups:
            for key, value in self.FLAGS.items():
                group.setdefault(key, value)
        for name in _HOOKS:
            self.__dict__.setdefault(name, OrderedDict())

    def register_step_pre_hook(self, hook):
        """``hook(optimizer, args, kwargs) -> None or (new_args, new_kwargs)`` before each step."""
        return RemovableHandle(self._optimizer_step_pre_hooks, hook)

    def register_step_post_hook(self, hook):
        """``hook(optimizer, args, kwargs) -> None`` after each step."""
        return RemovableHandle(self._optimizer_step_post_hooks, hook)

    def register_state_dict_pre_hook(self, hook, prepend=False):
        """``hook(optimizer) -> None`` before ``state_dict`` builds its dict."""
        return _add_hook(self._optimizer_state_dict_pre_hooks, hook, prepend)

    def register_state_dict_post_hook(self, hook, prepend=False):
        """``hook(optimizer, state_dict) -> None or a state_dict`` (which ``state_dict`` then returns)."""
        return _add_hook(self._optimizer_state_dict_post_hooks, hook, prepend)

    def register_load_state_dict_pre_hook(self, hook, prepend=False):
        """``hook(optimizer, state_dict) -> None or a state_dict`` (which is loaded instead)."""
        return _add_hook(self._optimizer_load_state_dict_pre_hooks, hook, prepend)

    def register_load_state_dict_post_hook(self, hook, prepend=False):
        """``hook(optimizer) -> None`` after ``load_state_dict``."""
        return _add_hook(self._optimizer_load_state_dict_post_hooks, hook, prepend)

    @staticmethod
    def closure_loss(closure):
        """``closure()`` evaluated with grad mode on (None without a closure)."""
        if closure is None:
            return None
        with enable_grad():
            return closure()

    def params_with_grad(self, group):
        """The group's parameters that have a gradient (the others are skipped, as in torch)."""
        return [p for p in group["params"] if p._grad is not None]

    def init_state(self, p, *buffers, counters=()):
        """``state[p]``, its missing entries created as torch's: ``step`` and ``counters`` (name, value) as
        0-d float32 CPU tensors, then ``buffers`` filled with zeros in ``p``'s dtype, device and layout (a
        buffer may come with its initial value: ``("sum", 0.1)``)."""
        state = self.state[p]
        for name, value in (("step", 0.0), *counters):
            if name not in state:
                state[name] = counter(value)
        for name in buffers:
            name, value = name if isinstance(name, tuple) else (name, 0)
            if name not in state:
                state[name] = Tensor._make(p._backend().full_like(p._data, value), p._device)
        return state

    @staticmethod
    def fused_step(updates):
        """Run every ``Update`` all or nothing (``commit``): each kernel call marks its parameter done,
        then the versions of the parameter and its buffers move on and the step counter is set."""
        done = np.zeros(len(updates), np.uint8)
        commit([functools.partial(_apply, k, u, done,
                                  [(t, t._version[0] + 1) for t in {id(t): t for t in (u.param, *u.buffers)
                                                                     if t is not None}.values()])
                for k, u in enumerate(updates)])

    def __repr__(self):
        out = type(self).__name__ + " ("
        for i, group in enumerate(self.param_groups):
            out += f"\nParameter Group {i}\n"
            out += "".join(f"    {k}: {group[k]}\n" for k in sorted(group) if k != "params")
        return out + ")"

    def add_param_group(self, param_group):
        """Append a group (``{"params": ..., hyper-parameter: value, ...}``); missing options take the defaults."""
        if not isinstance(param_group, dict):
            raise TypeError(f"param_group must be a dict, but got {type(param_group)}")
        params = param_group["params"]
        if isinstance(params, Tensor):
            params = [params]
        elif isinstance(params, set):
            raise TypeError("optimizer parameters need to be organized in ordered collections, but the ordering "
                            "of tensors in sets will change between runs. Please use a list instead.")
        params = list(params)
        named = [p for p in params if isinstance(p, tuple)]
        if named:
            if len(named) != len(params):
                raise ValueError("all optimizer params should be with/without names. Some param names are missing")
            param_group["param_names"] = [name for name, _ in named]
            params = [p for _, p in named]
        param_group["params"] = params
        for p in params:
            if not isinstance(p, Tensor):
                raise TypeError("optimizer can only optimize Tensors, but one of the params is " + _typename(p))
            if not (p.is_leaf or p.retains_grad):
                raise ValueError("can't optimize a non-leaf Tensor")
        for name, default in self.defaults.items():
            if default is required and name not in param_group:
                raise ValueError(f"parameter group didn't specify a value of required optimization parameter {name}")
            param_group.setdefault(name, default)
        if len(params) != len(set(params)):
            warnings.warn("optimizer contains a parameter group with duplicate parameters; in future, this will "
                          "cause an error; see github.com/pytorch/pytorch/issues/40967 for more information",
                          stacklevel=3)
        seen = set()
        for group in self.param_groups:
            seen.update(group["params"])
            if ("param_names" in param_group) != ("param_names" in group):
                which = "with names" if "param_names" in param_group else "without names"
                raise ValueError("all optimizer param groups should be with/without names. "
                                 f"cannot add param group {which} to the optimizer")
        if not seen.isdisjoint(params):
            raise ValueError("some parameters appear in more than one parameter group")
        self.param_groups.append(param_group)

    def zero_grad(self, set_to_none=True):
        """Reset every parameter's gradient: drop it (``set_to_none``) or fill it with zeros."""
        for group in self.param_groups:
            for p in group["params"]:
                grad = p._grad
                if grad is None:
                    continue
                if set_to_none:
                    p._grad = None
                else:
                    grad.detach_().zero_()

    def step(self, closure=None):
        raise NotImplementedError

    def state_dict(self):
        """``{"state": {index: buffers}, "param_groups": [group with "params" as indices]}``.

        Parameters are numbered in group order; the buffers are the live tensors (not copies), as torch's are."""
        for hook in self._optimizer_state_dict_pre_hooks.values():
            hook(self)
        index = {}
        groups = []
        for group in self.param_groups:
            packed = {k: v for k, v in group.items() if k != "params"}
            for p in group["params"]:
                index.setdefault(id(p), len(index))
            packed["params"] = [index[id(p)] for p in group["params"]]
            groups.append(packed)
        state = {(index[id(k)] if isinstance(k, Tensor) else k): v for k, v in self.state.items()}
        state_dict = {"state": state, "param_groups": groups}
        for hook in self._optimizer_state_dict_post_hooks.values():
            state_dict = hook(self, state_dict) or state_dict
        return state_dict

    def load_state_dict(self, state_dict):
        """Restore hyper-parameters and buffers saved by ``state_dict``; buffers are cast to each parameter's
        dtype and device. The groups must match this optimizer's in number and sizes."""
        state_dict = state_dict.copy()
        for hook in self._optimizer_load_state_dict_pre_hooks.values():
            state_dict = hook(self, state_dict) or state_dict
        groups = self.param_groups
        saved_groups = copy.deepcopy(state_dict["param_groups"])
        if len(groups) != len(saved_groups):
            raise ValueError("loaded state dict has a different number of parameter groups")
        if any(len(g["params"]) != len(s["params"]) for g, s in zip(groups, saved_groups)):
            raise ValueError("loaded state dict contains a parameter group that doesn't match the size of "
                             "optimizer's group")
        id_map = dict(zip(chain.from_iterable(g["params"] for g in saved_groups),
                          chain.from_iterable(g["params"] for g in groups)))
        state = defaultdict(dict)
        for k, v in state_dict["state"].items():
            if k in id_map:
                state[id_map[k]] = _cast(id_map[k], v)
            else:
                state[k] = v
        for group, new in zip(groups, saved_groups):
            new["params"] = group["params"]
            if "param_names" in group and "param_names" not in new:
                new["param_names"] = group["param_names"]
        self.__setstate__({"state": state, "param_groups": saved_groups})
        for hook in self._optimizer_load_state_dict_post_hooks.values():
            hook(self)


def arguments(values):
    """A constructor's arguments as its groups' defaults: its ``locals()`` taken before it defines any
    other name, without ``self`` and ``params``."""
    return {k: v for k, v in values.items() if k not in ("self", "params", "__class__")}


class FusedOptimizer(Optimizer):
    """An optimizer whose step is one fused kernel call per parameter: a subclass yields each group's
    ``Update``s from ``updates(group)``; ``step`` runs them all or nothing. ``defaults`` holds torch's
    implementation switches (``foreach``, ``differentiable``, and ``fused`` where torch has it),
    checked as torch checks them."""

    def __init__(self, params, defaults):
        super().__init__(params, defaults)
        check_implementation(None, defaults["foreach"], defaults.get("fused"), defaults["differentiable"])

    def updates(self, group):
        raise NotImplementedError

    def step(self, closure=None):
        """One update of every parameter that has a gradient; returns ``closure()``'s loss when given."""
        loss = self.closure_loss(closure)
        self.fused_step([u for group in self.param_groups for u in self.updates(group)])
        return loss


def _apply(k, u, done, versions):
    p = u.param
    p._backend().load("_fused_update").step(u.name, p._data, p._grad._data,
                                            tuple(None if b is None else b._data for b in u.buffers), u.scalars,
                                            done, k)
    for t, version in versions:
        t._version[0] = version
    for tensor, value in u.counters:
        tensor._data[()] = value


def _cast(param, value, key=None):
    """A saved buffer moved to ``param``'s device (and floating dtype); a step counter stays as saved."""
    if isinstance(value, Tensor):
        if key == "step":
            return value
        return value.to(dtype=param.dtype, device=param.device) if param.is_floating_point() else \
            value.to(device=param.device)
    if isinstance(value, dict):
        return {k: _cast(param, v, k) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(_cast(param, v) for v in value)
    return value
