"""Averaged SGD (Polyak & Juditsky), with torch's exact update rule.

For each parameter p with gradient g at step t (parameters whose grad is None are skipped), with the
state's η and μ (0-d float32 tensors, η₀ = γ, μ₀ = 1) from before the step:

    g ← −g                                    if maximize
    g ← g + λ·p                               if λ = weight_decay ≠ 0
    p ← p·(1 − λ_d·η) − η·g                   λ_d = lambd
    a ← a + (p − a)·μ  if μ ≠ 1, else a ← p   ax, the running average of the iterates
    η ← γ / (1 + λ_d·γ·t)^α,   μ ← 1 / max(1, t − t₀)

One fused kernel call per parameter (the rule: ``asgd`` in ``kernels/shared/optim_rules.py``).
"""
from .optimizer import FusedOptimizer, Update, arguments, check, check_lr, scalar


class ASGD(FusedOptimizer):
    r"""Averaged stochastic gradient descent: SGD with a decaying step whose iterates are averaged in ``ax``.

    Args:
        params: an iterable of parameters, or of dicts defining parameter groups.
        lr: learning rate γ (a float or a 1-element tensor). Default: 1e-2.
        lambd: the decay term λ_d. Default: 1e-4.
        alpha: the power α of η's decay. Default: 0.75.
        t0: the step from which averaging starts. Default: 1e6.
        weight_decay: λ, an L2 penalty. Default: 0.
        maximize: ascend the objective instead of descending it. Default: ``False``.
        foreach, differentiable, capturable: accepted as torch accepts them and kept in the groups.

    .. math::
        \theta_t = \theta_{t-1}(1 - \lambda_d\eta_{t-1}) - \eta_{t-1} g_t,\quad
        \eta_t = \frac{\gamma}{(1 + \lambda_d\gamma t)^\alpha},\quad \mu_t = \frac{1}{\max(1, t - t_0)}

    State per parameter: ``step``, ``eta``, ``mu``, ``ax``.

    Example::

        >>> optimizer = optim.ASGD(model.parameters(), lr=0.01)
    """

    FLAGS = {"foreach": None, "maximize": False, "differentiable": False, "capturable": False}

    def __init__(self, params, lr=1e-2, lambd=1e-4, alpha=0.75, t0=1e6, weight_decay=0, foreach=None, maximize=False,
                 differentiable=False, capturable=False):
        check_lr(lr)
        check(weight_decay, "weight_decay value")
        super().__init__(params, arguments(locals()))

    def updates(self, group):
        """The ``Update`` of each of the group's parameters that has a gradient."""
        lr, lambd = scalar(group["lr"]), group["lambd"]
        for p in self.params_with_grad(group):
            state = self.init_state(p, "ax", counters=(("eta", lr), ("mu", 1.0)))
            t = state["step"].item() + 1
            eta, mu = state["eta"].item(), state["mu"].item()
            scalars = (group["weight_decay"], 1 - lambd * eta, -eta, mu, bool(group["maximize"]), mu != 1)
            counters = ((state["step"], t), (state["eta"], lr / ((1 + lambd * lr * t) ** group["alpha"])),
                        (state["mu"], 1 / max(1, t - group["t0"])))
            yield Update("asgd", p, (state["ax"],), scalars, counters)
