"""Adam (Kingma & Ba), with torch's exact update rule; ``AdamW`` is Adam with decoupled weight decay.

For each parameter p with gradient g at step t (parameters whose grad is None are skipped):

    g ← −g                                          if maximize
    p ← p·(1 − γλ)                                  if decoupled_weight_decay (AdamW)
    g ← g + λ·p                                     otherwise, if λ = weight_decay ≠ 0
    m ← β₁·m + (1 − β₁)·g                           exp_avg (computed as torch's lerp)
    v ← β₂·v + (1 − β₂)·g²                          exp_avg_sq
    v̂ ← max(v̂, v), used in place of v               max_exp_avg_sq, if amsgrad
    p ← p − γ/(1 − β₁ᵗ) · m / (√v / √(1 − β₂ᵗ) + ε)

One fused kernel call per parameter (the rule: ``adam`` in ``kernels/shared/optim_rules.py``);
``moments`` gives the scalars every Adam-family rule starts with (``adam_moments`` there).
"""
from ..tensor import Tensor
from .optimizer import (FusedOptimizer, Update, arguments, bias_correction, check_adam_options, check_implementation,
                        scalar)


class Adam(FusedOptimizer):
    r"""Adam: per-element steps from running averages of the gradient and of its square.

    Args:
        params: an iterable of parameters, or of dicts defining parameter groups.
        lr: learning rate (a float or a 1-element tensor). Default: 1e-3.
        betas: (β₁, β₂), the averaging coefficients of the gradient and of its square. Default: (0.9, 0.999).
        eps: ε added to the denominator. Default: 1e-8.
        weight_decay: λ, an L2 penalty (decoupled in AdamW). Default: 0.
        amsgrad: divide by the running maximum of v (AMSGrad). Default: ``False``.
        maximize: ascend the objective instead of descending it. Default: ``False``.
        decoupled_weight_decay: shrink the parameter by γλ instead of adding λp to the gradient (AdamW).
        foreach, capturable, differentiable, fused: accepted as torch accepts them and kept in the groups;
            minigrad always runs its fused kernel.

    .. math::
        m_t = \beta_1 m_{t-1} + (1-\beta_1) g_t,\quad v_t = \beta_2 v_{t-1} + (1-\beta_2) g_t^2,\quad
        \theta_t = \theta_{t-1} - \frac{\gamma}{1-\beta_1^t}\,\frac{m_t}{\sqrt{v_t}/\sqrt{1-\beta_2^t} + \epsilon}

    State per parameter: ``step`` (0-d float32 tensor), ``exp_avg``, ``exp_avg_sq`` and, with amsgrad,
    ``max_exp_avg_sq``.

    Example::

        >>> optimizer = optim.Adam(model.parameters(), lr=1e-3)
        >>> optimizer.zero_grad()
        >>> loss_fn(model(input), target).backward()
        >>> optimizer.step()
    """

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, amsgrad=False, *,
                 foreach=None, maximize=False, capturable=False, differentiable=False, fused=None,
                 decoupled_weight_decay=False):
        check_implementation(lr, foreach, None, None, capturable)
        check_adam_options(lr, eps, betas, weight_decay)
        betas = scalar_betas(betas)
        super().__init__(params, arguments(locals()))

    FLAGS = {"amsgrad": False, "maximize": False, "foreach": None, "capturable": False, "differentiable": False,
             "decoupled_weight_decay": False, "fused": None}

    def updates(self, group):
        """The ``Update`` of each of the group's parameters that has a gradient."""
        beta1, beta2 = group["betas"]
        lr, amsgrad = scalar(group["lr"]), group["amsgrad"]
        for p in self.params_with_grad(group):
            state = self.init_state(p, "exp_avg", "exp_avg_sq", *("max_exp_avg_sq",) * amsgrad)
            t = state["step"].item() + 1
            buffers = (state["exp_avg"], state["exp_avg_sq"], state["max_exp_avg_sq"] if amsgrad else None)
            scalars = (*moments(group, lr), bias_correction(beta2, t) ** 0.5, group["eps"],
                       -(lr / bias_correction(beta1, t)), bool(amsgrad))
            yield Update("adam", p, buffers, scalars, ((state["step"], t),))


def scalar_betas(betas):
    """torch's checks of ``betas`` given as floats or as 1-element tensors; the betas as numbers."""
    if not all(isinstance(b, float) for b in betas) and not all(isinstance(b, Tensor) for b in betas):
        raise ValueError("betas must be either both floats or both Tensors")
    for i, beta in enumerate(betas):
        if isinstance(beta, Tensor) and beta.numel() != 1:
            raise ValueError(f"Tensor betas[{i}] must be 1-element")
    return tuple(scalar(b) for b in betas)


def moments(group, lr):
    """The scalars every Adam-family rule starts with (``optim_rules.adam_moments``): λ, 1 − γλ, 1 − β₁,
    β₁, β₂, 1 − β₂, maximize, and whether the decay is decoupled."""
    beta1, beta2 = group["betas"]
    decay = group["weight_decay"]
    return (decay, 1 - lr * decay, 1 - beta1, beta1, beta2, 1 - beta2, bool(group["maximize"]),
            bool(group["decoupled_weight_decay"] and decay != 0))
