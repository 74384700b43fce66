"""The torch alias: make ``import torch`` (and ``torch.nn``, ``torch.optim``, ...) resolve to minigrad.

``install_torch_alias()`` does it inside a running interpreter (a notebook); ``python -m minigrad run
SCRIPT`` does it before running an unchanged script. A plain ``import minigrad`` never does.

``torch`` and every already-imported ``minigrad.X`` become ``sys.modules`` entries ``torch.X``; a finder
first on ``sys.meta_path`` maps any other ``torch.X`` to ``minigrad.X`` on first import, so an
installed PyTorch is never reached. Printed dtypes and sizes then say ``torch.`` as torch's do.
"""
import importlib
import importlib.abc
import importlib.util
import sys

import minigrad

from . import _printing

# imported eagerly so that `import torch.nn.functional as F` finds them without the finder
_PUBLIC = ("nn", "nn.functional", "nn.init", "optim", "autograd", "cuda")


class _AliasLoader(importlib.abc.Loader):
    """Hands out the already-imported minigrad module for a ``torch.*`` name."""

    def __init__(self, module):
        self.module = module
        self.spec = module.__spec__

    def create_module(self, spec):
        return self.module

    def exec_module(self, module):
        module.__spec__ = self.spec  # the import system stamped the alias spec on it; keep the real one


class _TorchFinder(importlib.abc.MetaPathFinder):
    def find_spec(self, fullname, path=None, target=None):
        if fullname != "torch" and not fullname.startswith("torch."):
            return None
        real = "minigrad" + fullname[len("torch"):]
        try:
            module = importlib.import_module(real)
        except ModuleNotFoundError as exc:
            if exc.name != real:  # a genuine missing dependency inside minigrad: report it as is
                raise
            return None  # no such minigrad module: the import fails as "No module named 'torch...'"
        return importlib.util.spec_from_loader(fullname, _AliasLoader(module))


def _installed():
    return any(isinstance(f, _TorchFinder) for f in sys.meta_path)


def install_torch_alias():
    """Make ``import torch`` and ``import torch.<submodule>`` give minigrad's modules from now on, in this
    interpreter, and print ``torch.`` in dtypes and sizes. Idempotent."""
    for name in _PUBLIC:
        importlib.import_module("minigrad." + name)
    if not _installed():
        sys.meta_path.insert(0, _TorchFinder())
    for name, module in list(sys.modules.items()):
        if name == "minigrad" or name.startswith("minigrad."):
            sys.modules["torch" + name[len("minigrad"):]] = module
    _printing.NAMESPACE = "torch"
    minigrad.__version__ = minigrad.version.torch  # the torch API minigrad follows (see minigrad.version)
    return minigrad
