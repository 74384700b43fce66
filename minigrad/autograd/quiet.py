"""``with quiet():`` numpy's floating-point errors ignored inside (inf and NaN come out silently, as
in torch), like ``np.errstate(all="ignore")`` at a tenth of its cost.

Every ``Op.apply`` and every backward run enter it, so its cost is per op call: ``np.errstate``
builds a new error-state object on each entry (3.0 µs per enter and exit here, numpy 2.4), a sixth
of a tiny loss's forward and backward. ``quiet`` sets numpy's error-state context variable to an
ignoring copy of the current state, built once per distinct state (buffer size and error callback
kept as ``np.errstate`` keeps them) and reused; exit resets the variable. Where numpy lacks that
variable (other versions), it is ``np.errstate`` itself.
"""
import numpy as np

try:
    from numpy._core.umath import _extobj_contextvar, _make_extobj
except ImportError:  # another numpy layout: the public, slower way
    _extobj_contextvar = None

_ignoring = {}  # current error state -> its copy with every error ignored


def ignore_errors():
    """Start ignoring numpy's floating-point errors; returns the token ``restore`` takes (a
    function pair rather than a context manager: ``Op.apply`` and the engine call it on every op)."""
    if _extobj_contextvar is None:
        token = np.errstate(all="ignore")
        token.__enter__()
        return token
    current = _extobj_contextvar.get()
    ignore = _ignoring.get(current)
    if ignore is None:
        if len(_ignoring) > 64:  # states a program cycles through are few; never grow without bound
            _ignoring.clear()
        ignore = _ignoring[current] = _make_extobj(all="ignore")
    return _extobj_contextvar.set(ignore)


def restore(token):
    """Undo the ``ignore_errors()`` that returned ``token``."""
    if _extobj_contextvar is None:
        token.__exit__(None, None, None)
    else:
        _extobj_contextvar.reset(token)


class quiet:
    """A context manager ignoring numpy's floating-point errors (see the module docstring)."""
    __slots__ = ("_token",)

    def __enter__(self):
        self._token = ignore_errors()

    def __exit__(self, *exc_info):
        restore(self._token)
