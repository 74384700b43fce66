"""RAdam (Liu et al.): Adam with a rectified adaptive step, with torch's exact update rule.

For each parameter p with gradient g at step t (parameters whose grad is None are skipped), with
ρ∞ = 2/(1 − β₂) − 1 and ρₜ = ρ∞ − 2t·β₂ᵗ/(1 − β₂ᵗ):

    g ← −g                                    if maximize
    p ← p·(1 − γλ)                            if decoupled_weight_decay
    g ← g + λ·p                               otherwise, if λ = weight_decay ≠ 0
    m ← β₁·m + (1 − β₁)·g;   v ← β₂·v + (1 − β₂)·g²
    p ← p − γ·m/(1 − β₁ᵗ) · √(1 − β₂ᵗ)/(√v + ε) · rₜ      if ρₜ > 5,
        rₜ = √((ρₜ − 4)(ρₜ − 2)ρ∞ / ((ρ∞ − 4)(ρ∞ − 2)ρₜ))
    p ← p − γ·m/(1 − β₁ᵗ)                                 otherwise

One fused kernel call per parameter (the rule: ``radam`` in ``kernels/shared/optim_rules.py``).
"""
from .adam import moments
from .optimizer import FusedOptimizer, Update, arguments, bias_correction, check_adam_options, scalar

class RAdam(FusedOptimizer):
    r"""RAdam: Adam whose adaptive step is switched on, and rectified, once the variance estimate is reliable.

    Args: as :class:`NAdam`'s, without ``momentum_decay``, with ``lr`` (γ) defaulting to 1e-3: ``params``,
    ``lr``, ``betas`` (β₁, β₂), ``eps`` (ε), ``weight_decay`` (λ), ``decoupled_weight_decay``,
    ``maximize``, and ``foreach``, ``capturable``, ``differentiable`` accepted and kept in the groups.

    .. math::
        \theta_t = \theta_{t-1} - \gamma\,\frac{m_t}{1-\beta_1^t}\,\frac{\sqrt{1-\beta_2^t}}{\sqrt{v_t}+\epsilon}\,r_t
        \quad (\rho_t > 5),\qquad \theta_t = \theta_{t-1} - \gamma\,\frac{m_t}{1-\beta_1^t}\quad\text{otherwise}

    State per parameter: ``step``, ``exp_avg``, ``exp_avg_sq``.

    Example::

        >>> optimizer = optim.RAdam(model.parameters())
    """

    FLAGS = {"foreach": None, "maximize": False, "differentiable": False, "decoupled_weight_decay": False,
             "capturable": False}

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, decoupled_weight_decay=False,
                 *, foreach=None, maximize=False, capturable=False, differentiable=False):
        check_adam_options(lr, eps, betas, weight_decay)
        super().__init__(params, arguments(locals()))

    def updates(self, group):
        """The ``Update`` of each of the group's parameters that has a gradient."""
        beta1, beta2 = group["betas"]
        lr = scalar(group["lr"])
        rho_inf = 2 / (1 - beta2) - 1
        for p in self.params_with_grad(group):
            state = self.init_state(p, "exp_avg", "exp_avg_sq")
            t = state["step"].item() + 1
            bc2 = bias_correction(beta2, t)
            rho = rho_inf - 2 * t * (beta2 ** t) / bc2
            rect = ((rho - 4) * (rho - 2) * rho_inf / ((rho_inf - 4) * (rho_inf - 2) * rho)) ** 0.5 \
                if rho > 5.0 else 1.0
            scalars = (*moments(group, lr), bias_correction(beta1, t), lr, bc2 ** 0.5, group["eps"], rect, rho > 5.0)
            yield Update("radam", p, (state["exp_avg"], state["exp_avg_sq"]), scalars, ((state["step"], t),))
