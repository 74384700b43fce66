"""Adagrad (Duchi et al.), with torch's exact update rule.

For each parameter p with gradient g at step t (parameters whose grad is None are skipped):

    g ← −g                                    if maximize
    g ← g + λ·p                               if λ = weight_decay ≠ 0
    s ← s + g²                                sum (starts at initial_accumulator_value)
    p ← p − γ/(1 + (t − 1)·lr_decay) · g/(√s + ε)

One fused kernel call per parameter (the rule: ``adagrad`` in ``kernels/shared/optim_rules.py``).
Like torch, the state of every parameter is created with the optimizer.
"""
from .optimizer import FusedOptimizer, Update, arguments, check, check_lr, scalar


class Adagrad(FusedOptimizer):
    r"""Adagrad: per-element learning rates shrinking with the sum of the squared gradients.

    Args:
        params: an iterable of parameters, or of dicts defining parameter groups.
        lr: learning rate γ (a float or a 1-element tensor). Default: 1e-2.
        lr_decay: learning rate decay. Default: 0.
        weight_decay: λ, an L2 penalty. Default: 0.
        initial_accumulator_value: the sum's starting value. Default: 0.
        eps: ε added to the denominator. Default: 1e-10.
        maximize: ascend the objective instead of descending it. Default: ``False``.
        foreach, differentiable, fused: accepted as torch accepts them and kept in the groups.

    .. math::
        s_t = s_{t-1} + g_t^2,\quad
        \theta_t = \theta_{t-1} - \frac{\gamma}{1 + (t-1)\eta}\,\frac{g_t}{\sqrt{s_t} + \epsilon}

    State per parameter: ``step`` and ``sum``.

    Example::

        >>> optimizer = optim.Adagrad(model.parameters(), lr=0.01)
    """

    def __init__(self, params, lr=1e-2, lr_decay=0, weight_decay=0, initial_accumulator_value=0, eps=1e-10,
                 foreach=None, *, maximize=False, differentiable=False, fused=None):
        check_lr(lr)
        check(lr_decay, "lr_decay value")
        check(weight_decay, "weight_decay value")
        check(initial_accumulator_value, "initial_accumulator_value value")
        check(eps, "epsilon value")
        super().__init__(params, arguments(locals()))
        for group in self.param_groups:
            for p in group["params"]:
                self.init_state(p, ("sum", group["initial_accumulator_value"]))

    FLAGS = {"foreach": None, "maximize": False, "differentiable": False, "fused": None}

    def updates(self, group):
        """The ``Update`` of each of the group's parameters that has a gradient."""
        lr = scalar(group["lr"])
        for p in self.params_with_grad(group):
            state = self.init_state(p, ("sum", group["initial_accumulator_value"]))
            t = state["step"].item() + 1
            scalars = (group["weight_decay"], group["eps"], -(lr / (1 + (t - 1) * group["lr_decay"])),
                       bool(group["maximize"]))
            yield Update("adagrad", p, (state["sum"],), scalars, ((state["step"], t),))
