"""Adamax (Kingma & Ba): Adam with the infinity norm, with torch's exact update rule.

For each parameter p with gradient g at step t (parameters whose grad is None are skipped):

    g ← −g                                    if maximize
    g ← g + λ·p                               if λ = weight_decay ≠ 0
    m ← β₁·m + (1 − β₁)·g                     exp_avg
    u ← max(β₂·u, |g| + ε)                    exp_inf
    p ← p − γ/(1 − β₁ᵗ) · m/u

One fused kernel call per parameter (the rule: ``adamax`` in ``kernels/shared/optim_rules.py``).
"""
from .optimizer import FusedOptimizer, Update, arguments, bias_correction, check_adam_options, scalar


class Adamax(FusedOptimizer):
    r"""Adamax: Adam's step divided by a running infinity norm of the gradients.

    Args:
        params: an iterable of parameters, or of dicts defining parameter groups.
        lr: learning rate γ (a float or a 1-element tensor). Default: 2e-3.
        betas: (β₁, β₂). Default: (0.9, 0.999).
        eps: ε added to |g|. Default: 1e-8.
        weight_decay: λ, an L2 penalty. Default: 0.
        maximize: ascend the objective instead of descending it. Default: ``False``.
        foreach, differentiable, capturable: accepted as torch accepts them and kept in the groups.

    .. math::
        m_t = \beta_1 m_{t-1} + (1-\beta_1) g_t,\quad u_t = \max(\beta_2 u_{t-1}, |g_t| + \epsilon),\quad
        \theta_t = \theta_{t-1} - \frac{\gamma}{1-\beta_1^t}\frac{m_t}{u_t}

    State per parameter: ``step``, ``exp_avg``, ``exp_inf``.

    Example::

        >>> optimizer = optim.Adamax(model.parameters())
    """

    FLAGS = {"foreach": None, "maximize": False, "differentiable": False, "capturable": False}

    def __init__(self, params, lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, foreach=None, *,
                 maximize=False, differentiable=False, capturable=False):
        check_adam_options(lr, eps, betas, weight_decay)
        super().__init__(params, arguments(locals()))

    def updates(self, group):
        """The ``Update`` of each of the group's parameters that has a gradient."""
        beta1, beta2 = group["betas"]
        lr = scalar(group["lr"])
        for p in self.params_with_grad(group):
            state = self.init_state(p, "exp_avg", "exp_inf")
            t = state["step"].item() + 1
            scalars = (group["weight_decay"], 1 - beta1, beta1, beta2, group["eps"],
                       -(lr / bias_correction(beta1, t)), bool(group["maximize"]))
            yield Update("adamax", p, (state["exp_avg"], state["exp_inf"]), scalars,
                                  ((state["step"], t),))
