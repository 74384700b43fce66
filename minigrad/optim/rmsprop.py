"""RMSprop (Hinton), with torch's exact update rule.

For each parameter p with gradient g (parameters whose grad is None are skipped):

    g ← −g                                    if maximize
    g ← g + λ·p                               if λ = weight_decay ≠ 0
    s ← α·s + (1 − α)·g²                      square_avg
    a ← α·a + (1 − α)·g,  r ← √(s − a²) + ε   grad_avg, if centered
    r ← √s + ε                                otherwise
    b ← μ·b + g/r,  p ← p − γ·b               momentum_buffer, if μ = momentum > 0
    p ← p − γ·g/r                             otherwise

One fused kernel call per parameter (the rule: ``rmsprop`` in ``kernels/shared/optim_rules.py``).
"""
from .optimizer import FusedOptimizer, Update, arguments, check, check_lr, scalar


class RMSprop(FusedOptimizer):
    r"""RMSprop: divide the gradient by a running root mean square of its recent values.

    Args:
        params: an iterable of parameters, or of dicts defining parameter groups.
        lr: learning rate γ (a float or a 1-element tensor). Default: 1e-2.
        alpha: smoothing constant α. Default: 0.99.
        eps: ε added to the denominator. Default: 1e-8.
        weight_decay: λ, an L2 penalty. Default: 0.
        momentum: momentum factor μ. Default: 0.
        centered: normalise by the variance estimate √(s − a²) instead of √s. Default: ``False``.
        maximize: ascend the objective instead of descending it. Default: ``False``.
        capturable, foreach, differentiable: accepted as torch accepts them and kept in the groups.

    .. math::
        s_t = \alpha s_{t-1} + (1-\alpha) g_t^2,\quad
        \theta_t = \theta_{t-1} - \gamma\,\frac{g_t}{\sqrt{s_t} + \epsilon}

    State per parameter: ``step``, ``square_avg``, and ``momentum_buffer`` (momentum > 0) and
    ``grad_avg`` (centered).

    Example::

        >>> optimizer = optim.RMSprop(model.parameters(), lr=0.01)
    """

    def __init__(self, params, lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0, momentum=0, centered=False,
                 capturable=False, foreach=None, maximize=False, differentiable=False):
        check_lr(lr)
        check(eps, "epsilon value")
        check(momentum, "momentum value")
        check(weight_decay, "weight_decay value")
        check(alpha, "alpha value")
        super().__init__(params, arguments(locals()))

    FLAGS = {"momentum": 0, "centered": False, "foreach": None, "maximize": False, "differentiable": False,
             "capturable": False}

    def updates(self, group):
        """The ``Update`` of each of the group's parameters that has a gradient."""
        alpha, momentum, centered = group["alpha"], group["momentum"], group["centered"]
        scalars = (group["weight_decay"], alpha, 1 - alpha, alpha, group["eps"], momentum, -scalar(group["lr"]),
                   bool(centered), bool(group["maximize"]))
        for p in self.params_with_grad(group):
            state = self.init_state(p, "square_avg", *("momentum_buffer",) * (momentum > 0),
                                    *("grad_avg",) * bool(centered))
            buffers = (state["square_avg"], state.get("grad_avg"), state.get("momentum_buffer"))
            yield Update("rmsprop", p, buffers, scalars, ((state["step"], state["step"].item() + 1),))
