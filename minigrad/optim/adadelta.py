"""Adadelta (Zeiler), with torch's exact update rule.

For each parameter p with gradient g (parameters whose grad is None are skipped):

    g ← −g                                    if maximize
    g ← g + λ·p                               if λ = weight_decay ≠ 0
    s ← ρ·s + (1 − ρ)·g²                      square_avg
    δ ← √(u + ε)/√(s + ε) · g
    u ← ρ·u + (1 − ρ)·δ²                      acc_delta
    p ← p − γ·δ

One fused kernel call per parameter (the rule: ``adadelta`` in ``kernels/shared/optim_rules.py``).
"""
from .optimizer import FusedOptimizer, Update, arguments, check, check_lr, scalar


class Adadelta(FusedOptimizer):
    r"""Adadelta: steps scaled by the ratio of running RMS of past updates to that of gradients.

    Args:
        params: an iterable of parameters, or of dicts defining parameter groups.
        lr: γ, scales the update (a float or a 1-element tensor). Default: 1.0.
        rho: ρ, the averaging coefficient. Default: 0.9.
        eps: ε inside the square roots. Default: 1e-6.
        weight_decay: λ, an L2 penalty. Default: 0.
        maximize: ascend the objective instead of descending it. Default: ``False``.
        foreach, capturable, differentiable: accepted as torch accepts them and kept in the groups.

    .. math::
        s_t = \rho s_{t-1} + (1-\rho) g_t^2,\quad
        \Delta_t = \frac{\sqrt{u_{t-1} + \epsilon}}{\sqrt{s_t + \epsilon}} g_t,\quad
        u_t = \rho u_{t-1} + (1-\rho)\Delta_t^2,\quad \theta_t = \theta_{t-1} - \gamma \Delta_t

    State per parameter: ``step``, ``square_avg``, ``acc_delta``.

    Example::

        >>> optimizer = optim.Adadelta(model.parameters())
    """

    FLAGS = {"foreach": None, "maximize": False, "differentiable": False, "capturable": False}

    def __init__(self, params, lr=1.0, rho=0.9, eps=1e-6, weight_decay=0, foreach=None, *, capturable=False,
                 maximize=False, differentiable=False):
        check_lr(lr)
        if not 0.0 <= rho <= 1.0:
            raise ValueError(f"Invalid rho value: {rho}")
        check(eps, "epsilon value")
        check(weight_decay, "weight_decay value")
        super().__init__(params, arguments(locals()))

    def updates(self, group):
        """The ``Update`` of each of the group's parameters that has a gradient."""
        rho = group["rho"]
        scalars = (group["weight_decay"], rho, 1 - rho, group["eps"], -scalar(group["lr"]), bool(group["maximize"]))
        for p in self.params_with_grad(group):
            state = self.init_state(p, "square_avg", "acc_delta")
            yield Update("adadelta", p, (state["square_avg"], state["acc_delta"]), scalars,
                                  ((state["step"], state["step"].item() + 1),))
