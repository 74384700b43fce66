"""NAdam (Dozat): Adam with Nesterov momentum, with torch's exact update rule.

For each parameter p with gradient g at step t (parameters whose grad is None are skipped), with
μₜ = β₁·(1 − ½·0.96^(t·ψ)) (ψ = momentum_decay) and Πₜ = μ₁⋯μₜ (``mu_product``, float32):

    g ← −g                                    if maximize
    p ← p·(1 − γλ)                            if decoupled_weight_decay
    g ← g + λ·p                               otherwise, if λ = weight_decay ≠ 0
    m ← β₁·m + (1 − β₁)·g;   v ← β₂·v + (1 − β₂)·g²
    r ← √(v/(1 − β₂ᵗ)) + ε
    p ← p − γ(1 − μₜ)/(1 − Πₜ) · g/r − γμₜ₊₁/(1 − Πₜμₜ₊₁) · m/r

One fused kernel call per parameter (the rule: ``nadam`` in ``kernels/shared/optim_rules.py``).
"""
import numpy as np

from .adam import moments
from .optimizer import FusedOptimizer, Update, arguments, bias_correction, check, check_adam_options, scalar

class NAdam(FusedOptimizer):
    r"""NAdam: Adam whose momentum looks one step ahead (Nesterov), with a warming momentum schedule.

    Args:
        params: an iterable of parameters, or of dicts defining parameter groups.
        lr: learning rate γ (a float or a 1-element tensor). Default: 2e-3.
        betas: (β₁, β₂). Default: (0.9, 0.999).
        eps: ε added to the denominator. Default: 1e-8.
        weight_decay: λ. Default: 0.
        momentum_decay: ψ, the momentum schedule's rate. Default: 4e-3.
        decoupled_weight_decay: shrink the parameter by γλ instead of adding λp to the gradient. Default: ``False``.
        maximize: ascend the objective instead of descending it. Default: ``False``.
        foreach, capturable, differentiable: accepted as torch accepts them and kept in the groups.

    .. math::
        \theta_t = \theta_{t-1} - \gamma\frac{1-\mu_t}{1-\prod_{i\le t}\mu_i}\frac{g_t}{\sqrt{\hat v_t}+\epsilon}
        - \gamma\frac{\mu_{t+1}}{1-\prod_{i\le t+1}\mu_i}\frac{m_t}{\sqrt{\hat v_t}+\epsilon}

    State per parameter: ``step``, ``mu_product``, ``exp_avg``, ``exp_avg_sq``.

    Example::

        >>> optimizer = optim.NAdam(model.parameters())
    """

    FLAGS = {"maximize": False, "foreach": None, "capturable": False, "differentiable": False,
             "decoupled_weight_decay": False}

    def __init__(self, params, lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, momentum_decay=4e-3,
                 decoupled_weight_decay=False, *, foreach=None, maximize=False, capturable=False,
                 differentiable=False):
        check_adam_options(lr, eps, betas, weight_decay)
        check(momentum_decay, "momentum_decay value")
        super().__init__(params, arguments(locals()))

    def updates(self, group):
        """The ``Update`` of each of the group's parameters that has a gradient."""
        beta1, beta2 = group["betas"]
        lr, psi = scalar(group["lr"]), group["momentum_decay"]
        for p in self.params_with_grad(group):
            state = self.init_state(p, "exp_avg", "exp_avg_sq", counters=(("mu_product", 1.0),))
            t = state["step"].item() + 1
            mu = beta1 * (1.0 - 0.5 * (0.96 ** (t * psi)))
            mu_next = beta1 * (1.0 - 0.5 * (0.96 ** ((t + 1) * psi)))
            product = float(np.float32(state["mu_product"].item()) * np.float32(mu))  # torch's float32 *=
            scalars = (*moments(group, lr), bias_correction(beta2, t), group["eps"],
                       -lr * (1.0 - mu) / (1.0 - product), (-lr * mu_next) / (1.0 - product * mu_next))
            yield Update("nadam", p, (state["exp_avg"], state["exp_avg_sq"]), scalars,
                         ((state["step"], t), (state["mu_product"], product)))
