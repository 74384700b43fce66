"""``minigrad.optim``: optimizers over module parameters."""
from .optimizer import Optimizer
from .sgd import SGD

__all__ = ["Optimizer", "SGD"]
