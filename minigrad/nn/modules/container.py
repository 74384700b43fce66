"""Containers: ``Sequential`` (a pipeline) and ``ModuleList`` (an indexable list of submodules).

Both keep their children under the keys ``"0"``, ``"1"``, ... and renumber after a deletion, as torch does."""
import operator
from collections import OrderedDict

from .module import Module


def _index(n, idx):
    """``idx`` (possibly negative) as a position in ``range(n)``; torch's IndexError otherwise."""
    idx = operator.index(idx)
    if not -n <= idx < n:
        raise IndexError(f"index {idx} is out of range")
    return idx % n


class _Indexed(Module):
    """What Sequential and ModuleList share: positional access, deletion with renumbering, insertion."""

    def __len__(self):
        return len(self._modules)

    def __iter__(self):
        return iter(self._modules.values())

    def _key(self, idx):
        return list(self._modules)[_index(len(self._modules), idx)]

    def __setitem__(self, idx, module):
        setattr(self, self._key(idx), module)

    def __delitem__(self, idx):
        keys = list(self._modules)[idx] if isinstance(idx, slice) else [self._key(idx)]
        for k in keys:
            delattr(self, k)
        self._renumber(list(self._modules.values()))

    def _renumber(self, modules):
        for k in list(self._modules):
            delattr(self, k)
        for i, m in enumerate(modules):
            self.add_module(str(i), m)

    def append(self, module):
        """Add ``module`` at the end."""
        self.add_module(str(len(self)), module)
        return self

    def extend(self, modules):
        """Append every module of an iterable."""
        try:
            modules = list(modules)
        except TypeError:
            raise TypeError(f"{type(self).__name__}.extend should be called with an iterable, but got "
                            f"{type(modules).__name__}") from None
        for m in modules:
            self.append(m)
        return self

    def insert(self, index, module):
        """Put ``module`` before position ``index`` (which may equal ``len(self)``)."""
        if not isinstance(module, Module):
            raise AssertionError(f"module should be of type: {Module}")
        n = len(self._modules)
        if not -n <= index <= n:
            raise IndexError(f"Index out of range: {index}")
        mods = list(self._modules.values())
        mods.insert(index + n if index < 0 else index, module)
        self._renumber(mods)
        return self

    def pop(self, key):
        """Remove and return the module at ``key``."""
        v = self[key]
        del self[key]
        return v


class Sequential(_Indexed):
    r"""Chains modules: ``forward(x)`` feeds ``x`` through each child in order and returns the last output.

    Args:
        *args: the modules, keyed ``"0"``, ``"1"``, ...; or a single ``OrderedDict`` of name → module.

    Indexing returns a child (``seq[-1]``) or, for a slice, a new Sequential sharing those children
    (with their keys); ``len``, iteration, ``append``, ``insert``, ``extend``, ``pop`` and ``del`` work as
    on a list.

    Example::

        >>> model = nn.Sequential(nn.Linear(10, 5), nn.ReLU(), nn.Linear(5, 3))
        >>> model(minigrad.randn(64, 10)).shape
        minigrad.Size([64, 3])
    """

    def __init__(self, *args):
        super().__init__()
        if len(args) == 1 and isinstance(args[0], OrderedDict):
            for key, module in args[0].items():
                self.add_module(key, module)
        else:
            for i, module in enumerate(args):
                self.add_module(str(i), module)

    def __getitem__(self, idx):
        if isinstance(idx, slice):
            return type(self)(OrderedDict(list(self._modules.items())[idx]))
        return self._modules[self._key(idx)]

    def __add__(self, other):
        if not isinstance(other, Sequential):
            raise ValueError(f"add operator supports only objects of Sequential class, but {type(other)} is given.")
        return Sequential(*self, *other)

    def forward(self, input):  # noqa: A002 - torch's argument name
        for module in self._modules.values():
            input = module(input)  # noqa: A001
        return input


class ModuleList(_Indexed):
    r"""Holds submodules in a list, registered so that ``parameters()``, ``to()`` and ``state_dict()`` see them.

    It has no ``forward``: index or iterate it inside a parent's ``forward``.

    Args:
        modules: an optional iterable of modules to start with.

    Example::

        >>> layers = nn.ModuleList([nn.Linear(10, 10) for _ in range(3)])
        >>> x = minigrad.randn(2, 10)
        >>> for layer in layers:
        ...     x = layer(x)
    """

    def __init__(self, modules=None):
        super().__init__()
        if modules is not None:
            self.extend(modules)

    def __getitem__(self, idx):
        if isinstance(idx, slice):
            return type(self)(list(self._modules.values())[idx])
        return self._modules[self._key(idx)]

    def __iadd__(self, modules):
        return self.extend(modules)

    def __add__(self, other):
        return ModuleList([*self, *other])

    def __repr__(self):
        """Runs of equal children print once: ``(0-2): 3 x Linear(...)``."""
        reprs = [repr(m) for m in self]
        if not reprs:
            return self._get_name() + "()"
        runs = []  # [first index, last index, repr]
        for i, r in enumerate(reprs):
            if runs and runs[-1][2] == r:
                runs[-1][1] = i
            else:
                runs.append([i, i, r])
        lines = [(f"({a}): {r}" if a == b else f"({a}-{b}): {b - a + 1} x {r}").replace("\n", "\n  ")
                 for a, b, r in runs]
        return self._get_name() + "(\n  " + "\n  ".join(lines) + "\n)"
