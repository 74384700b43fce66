"""``minigrad.optim``: optimizers over module parameters."""
from . import lr_scheduler
from .adagrad import Adagrad
from .adam import Adam
from .adamw import AdamW
from .optimizer import Optimizer
from .rmsprop import RMSprop
from .sgd import SGD

__all__ = ["lr_scheduler", "Adagrad", "Adam", "AdamW", "Optimizer", "RMSprop", "SGD"]
