"""Containers: ``Sequential`` (a pipeline), ``ModuleList`` and ``ModuleDict`` (submodules by position or
name), ``ParameterList`` and ``ParameterDict`` (parameters by position or name).

The lists keep their entries under the keys ``"0"``, ``"1"``, ... (Sequential and ModuleList renumber
after a deletion), as torch does, so state dicts interchange."""
import operator
from collections import OrderedDict, abc

from ...tensor import Tensor
from ..parameter import Parameter
from .module import Module


def _index(n, idx):
    """``idx`` (possibly negative) as a position in ``range(n)``; torch's IndexError otherwise."""
    idx = operator.index(idx)
    if not -n <= idx < n:
        raise IndexError(f"index {idx} is out of range")
    return idx % n


class _Popping:
    """``pop``, shared by the containers: the entry at ``key`` is removed and returned."""

    def pop(self, key):
        v = self[key]
        del self[key]
        return v


class _Keyed(_Popping):
    """``clear`` for the containers indexed by name."""

    def clear(self):
        """Remove every entry."""
        for k in list(self):
            del self[k]


class _Indexed(_Popping, Module):
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


def _pairs(container, items):
    """``items`` (a mapping or an iterable of key/value pairs) as a list of pairs, with torch's errors."""
    name = type(container).__name__
    if isinstance(items, abc.Mapping):
        return list(items.items())
    if not isinstance(items, abc.Iterable) or isinstance(items, (str, Tensor)):
        raise TypeError(f"{'ParametersDict' if name == 'ParameterDict' else name}.update should be called with an "
                        f"iterable of key/value pairs, but got {type(items).__name__}")
    pairs = []
    for i, p in enumerate(items):
        if not isinstance(p, abc.Iterable):
            raise TypeError(f"{name} update sequence element #{i} should be Iterable; is{type(p).__name__}")
        p = tuple(p)
        if len(p) != 2:
            raise ValueError(f"{name} update sequence element #{i} has length {len(p)}; 2 is required")
        pairs.append(p)
    return pairs


class ModuleDict(_Keyed, Module):
    r"""Holds submodules by name, registered so that ``parameters()``, ``to()`` and ``state_dict()`` see
    them; it is indexed like a dict and keeps insertion order.

    Args:
        modules: an optional mapping of name → module, or an iterable of ``(name, module)`` pairs.

    Example::

        >>> heads = nn.ModuleDict({"cls": nn.Linear(8, 3), "box": nn.Linear(8, 4)})
        >>> outs = {name: head(minigrad.randn(2, 8)) for name, head in heads.items()}
    """

    def __init__(self, modules=None):
        super().__init__()
        if modules is not None:
            self.update(modules)

    def __getitem__(self, key):
        return self._modules[key]

    def __setitem__(self, key, module):
        self.add_module(key, module)

    def __delitem__(self, key):
        del self._modules[key]
        self.__dict__.pop(key, None)

    def __len__(self):
        return len(self._modules)

    def __iter__(self):
        return iter(self._modules)

    def __contains__(self, key):
        return key in self._modules

    def keys(self):
        return self._modules.keys()

    def items(self):
        return self._modules.items()

    def values(self):
        return self._modules.values()

    def update(self, modules):
        """Add (or replace) the modules of a mapping or of an iterable of ``(name, module)`` pairs, in order."""
        for key, module in _pairs(self, modules):
            self[key] = module


def _as_parameter(value):
    """A tensor that is not yet a Parameter becomes one (sharing its data); anything else is kept as is."""
    return Parameter(value) if isinstance(value, Tensor) and not isinstance(value, Parameter) else value


def _entry_repr(value, typename):
    if not isinstance(value, Tensor):
        return f"Object of type: {type(value).__name__}"
    kind = "Parameter containing" if isinstance(value, Parameter) else "Tensor containing"
    device = f" (GPU {value.device.index or 0})" if value.device.type == "cuda" else ""
    return f"{kind}: [{typename(value)} of size {'x'.join(map(str, value.shape))}{device}]"


class _ParameterContainer(Module):
    """What ParameterList and ParameterDict share: entries are attributes (tensors become registered
    Parameters, other objects plain attributes), and the container cannot be called."""

    def _put(self, attr, value):
        self.__dict__.pop(attr, None)
        setattr(self, attr, _as_parameter(value))

    def __call__(self, *args, **kwargs):
        raise RuntimeError(f"{type(self).__name__} should not be called.")

    def _entries_repr(self, entries, typename):
        lines = [f"    ({k}): {_entry_repr(v, typename)}" for k, v in entries]
        return self._get_name() + ("(\n" + "\n".join(lines) + "\n)" if lines else "()")


class ParameterList(_ParameterContainer):
    r"""Holds parameters in a list, registered under ``"0"``, ``"1"``, ... so that ``parameters()``,
    optimizers and ``state_dict()`` see them. A tensor put in becomes a ``Parameter`` (sharing its data).

    Args:
        values: an optional iterable of tensors (or other objects) to start with.

    Example::

        >>> weights = nn.ParameterList([nn.Parameter(minigrad.randn(4, 4)) for _ in range(3)])
        >>> x = minigrad.randn(2, 4)
        >>> for w in weights:
        ...     x = x @ w
    """

    def __init__(self, values=None):
        super().__init__()
        self.__dict__["_size"] = 0
        if values is not None:
            self.extend(values)

    def __len__(self):
        return self._size

    def __iter__(self):
        return (self[i] for i in range(len(self)))

    def __getitem__(self, idx):
        if isinstance(idx, slice):
            return type(self)([self[i] for i in range(len(self))[idx]])
        return getattr(self, str(_index(len(self), idx)))

    def __setitem__(self, idx, value):
        self._put(str(_index(len(self), idx)), value)

    def __iadd__(self, values):
        return self.extend(values)

    def append(self, value):
        """Add ``value`` at the end."""
        self.__dict__["_size"] += 1
        self[-1] = value
        return self

    def extend(self, values):
        """Append every entry of an iterable."""
        if not isinstance(values, abc.Iterable) or isinstance(values, Tensor):
            raise TypeError(f"ParameterList.extend should be called with an iterable, but got "
                            f"{type(values).__name__}")
        for v in values:
            self.append(v)
        return self

    def __repr__(self):
        return self._entries_repr(enumerate(self), lambda t: repr(t.dtype))


class ParameterDict(_Keyed, _ParameterContainer):
    r"""Holds parameters by name, registered so that ``parameters()``, optimizers and ``state_dict()`` see
    them; it is indexed like a dict and keeps insertion order. A tensor put in becomes a ``Parameter``.

    Args:
        parameters: an optional mapping of name → tensor, or an iterable of ``(name, tensor)`` pairs. The
            entries of a plain (unordered) mapping are added in sorted key order, as torch adds them.

    Example::

        >>> params = nn.ParameterDict({"scale": nn.Parameter(minigrad.ones(3)), "shift": minigrad.zeros(3)})
        >>> y = minigrad.randn(2, 3) * params["scale"] + params["shift"]
    """

    def __init__(self, parameters=None):
        super().__init__()
        self.__dict__["_keys"] = {}
        if parameters is not None:
            self.update(parameters)

    def _attr(self, key):
        if not isinstance(key, str):
            raise TypeError(f"Index given to ParameterDict cannot be used as a key as it is not a string (type is "
                            f"'{type(key).__name__}'). Open an issue on github if you need non-string keys.")
        return key

    def __getitem__(self, key):
        return getattr(self, self._attr(key))

    def __setitem__(self, key, value):
        self._keys[self._attr(key)] = None
        self._put(key, value)

    def __delitem__(self, key):
        del self._keys[key]
        delattr(self, key)

    def __len__(self):
        return len(self._keys)

    def __iter__(self):
        return iter(self._keys)

    def __reversed__(self):
        return reversed(list(self._keys))

    def __contains__(self, key):
        return key in self._keys

    def keys(self):
        return self._keys.keys()

    def values(self):
        return [self[k] for k in self._keys]

    def items(self):
        return [(k, self[k]) for k in self._keys]

    def get(self, key, default=None):
        return self[key] if key in self else default

    def setdefault(self, key, default=None):
        if key not in self:
            self[key] = default
        return self[key]

    def popitem(self):
        """Remove the last inserted entry and return ``(key, value)``."""
        k = next(reversed(self))
        return k, self.pop(k)

    def copy(self):
        """A new ParameterDict holding the same parameters."""
        return ParameterDict(OrderedDict(self.items()))

    def update(self, parameters):
        """Add (or replace) the entries of a mapping or of an iterable of ``(name, value)`` pairs."""
        pairs = _pairs(self, parameters)
        if isinstance(parameters, abc.Mapping) and not isinstance(parameters, (OrderedDict, ParameterDict)):
            pairs.sort(key=lambda kv: kv[0])
        for key, value in pairs:
            self[key] = value

    def __or__(self, other):
        out = self.copy()
        out.update(other)
        return out

    def __ror__(self, other):
        out = ParameterDict(other)
        out.update(self)
        return out

    def __ior__(self, other):
        self.update(other)
        return self

    def __repr__(self):
        return self._entries_repr(self.items(), lambda t: t.type())
