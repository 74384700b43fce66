"""``minigrad.nn``: modules, parameters, initialisers and the functional interface."""
from .. import losses as _losses
from . import functional, init
from .modules.module import Module
from .parameter import Parameter

globals().update({name: getattr(_losses, name) for name in _losses.__all__ if name[0].isupper()})
