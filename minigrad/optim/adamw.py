"""AdamW (Loshchilov & Hutter): Adam whose weight decay shrinks the parameter, p ← p·(1 − γλ), instead of
entering the gradient's averages; the rest of the rule is Adam's (``adam.py``)."""
from .adam import Adam


class AdamW(Adam):
    r"""Adam with decoupled weight decay: :math:`\theta \leftarrow \theta(1-\gamma\lambda)` before Adam's step.

    Args as :class:`Adam`, with ``weight_decay`` defaulting to 1e-2 (and always decoupled).

    Example::

        >>> optimizer = optim.AdamW(model.parameters(), lr=1e-3, weight_decay=0.01)
    """

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2, amsgrad=False, *,
                 maximize=False, foreach=None, capturable=False, differentiable=False, fused=None):
        super().__init__(params, lr, betas, eps, weight_decay, amsgrad, foreach=foreach, maximize=maximize,
                         capturable=capturable, differentiable=differentiable, fused=fused,
                         decoupled_weight_decay=True)

    def __setstate__(self, state):
        super().__setstate__(state)
        for group in self.param_groups:
            group["decoupled_weight_decay"] = True
