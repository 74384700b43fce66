"""Every loss: one module per loss holding its Op, functional and ``nn`` class.
Each module's ``__all__`` lists its functional(s) and class(es); ``nn`` and ``nn.functional``
re-export them from here."""
__all__ = []


def _export(module):
    __all__.extend(module.__all__)
    globals().update({name: getattr(module, name) for name in module.__all__})


# one line per loss module (keep sorted)
