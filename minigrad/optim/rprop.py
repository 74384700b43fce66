"""Resilient backpropagation (Riedmiller & Braun), with torch's exact update rule.

For each parameter p with gradient g (parameters whose grad is None are skipped), per element:

    g ← −g                                    if maximize
    f ← η₊ if g·prev > 0,  η₋ if g·prev < 0,  1 if g·prev = 0
    s ← clamp(s·f, step_min, step_max)        step_size (starts at lr)
    g ← 0 where f = η₋                        (a sign change: no step, and no change next time)
    p ← p − sign(g)·s;   prev ← g

One fused kernel call per parameter (the rule: ``rprop`` in ``kernels/shared/optim_rules.py``).
"""
from .optimizer import FusedOptimizer, Update, arguments, check_lr, scalar


class Rprop(FusedOptimizer):
    r"""Rprop: per-element step sizes that grow while the gradient keeps its sign and shrink when it flips.

    Args:
        params: an iterable of parameters, or of dicts defining parameter groups.
        lr: the initial step size (a float or a 1-element tensor). Default: 1e-2.
        etas: (η₋, η₊), the shrink and growth factors, 0 < η₋ < 1 < η₊. Default: (0.5, 1.2).
        step_sizes: (step_min, step_max), the bounds of a step. Default: (1e-6, 50).
        maximize: ascend the objective instead of descending it. Default: ``False``.
        capturable, foreach, differentiable: accepted as torch accepts them and kept in the groups.

    .. math::
        s_t = \mathrm{clamp}(s_{t-1}\,\eta_{\pm}, s_{min}, s_{max}),\quad
        \theta_t = \theta_{t-1} - \mathrm{sign}(g_t)\,s_t

    State per parameter: ``step``, ``prev``, ``step_size``.

    Example::

        >>> optimizer = optim.Rprop(model.parameters())
    """

    FLAGS = {"foreach": None, "maximize": False, "differentiable": False, "capturable": False}

    def __init__(self, params, lr=1e-2, etas=(0.5, 1.2), step_sizes=(1e-6, 50), *, capturable=False, foreach=None,
                 maximize=False, differentiable=False):
        check_lr(lr)
        if not 0.0 < etas[0] < 1.0 < etas[1]:
            raise ValueError(f"Invalid eta values: {etas[0]}, {etas[1]}")
        super().__init__(params, arguments(locals()))

    def updates(self, group):
        """The ``Update`` of each of the group's parameters that has a gradient."""
        scalars = (*group["etas"], *group["step_sizes"], 1.0, bool(group["maximize"]))
        for p in self.params_with_grad(group):
            state = self.init_state(p, "prev", ("step_size", scalar(group["lr"])))
            yield Update("rprop", p, (state["prev"], state["step_size"]), scalars,
                                  ((state["step"], state["step"].item() + 1),))
