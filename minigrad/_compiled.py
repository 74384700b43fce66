"""The modules Cython compiles (their ``.py`` stays the one source; a ``.pxd`` beside one adds C
types), and when their source runs instead of the extension built from it:

* ``MINIGRAD_PURE_PYTHON=1`` in the environment: every one of them runs from its ``.py`` (to debug,
  profile line by line, or test the fallback that a machine without the extensions runs);
* an extension built in place (``pip install -e .``: Cython's ``.c`` lies beside the source) that is
  older than its ``.py`` or ``.pxd``, as in a checkout edited since: that module runs from its ``.py``,
  with a warning, rather than the stale build. (An installed wheel has no ``.c``, and the installer
  may write the ``.py`` after the extension: its mtimes say nothing.)

``setup.py`` builds an extension for each module in ``MODULES``.
"""
import importlib.machinery
import importlib.util
import os
import sys
import warnings

MODULES = ("minigrad.tensor_core", "minigrad.autograd.quiet", "minigrad.autograd.grad_mode",
           "minigrad.autograd.op", "minigrad.autograd.engine")


def pure_python():
    """Whether ``MINIGRAD_PURE_PYTHON`` asks for the uncompiled sources."""
    return os.environ.get("MINIGRAD_PURE_PYTHON", "") not in ("", "0")


def _stale(folder, stem, source):
    """Whether the extension built in place from ``source`` is older than it or its ``.pxd`` (False: no
    extension, or not built in place)."""
    if not os.path.exists(os.path.join(folder, stem + ".c")):
        return False
    for suffix in importlib.machinery.EXTENSION_SUFFIXES:
        built = os.path.join(folder, stem + suffix)
        if os.path.exists(built):
            declarations = os.path.join(folder, stem + ".pxd")
            newest = max(os.path.getmtime(p) for p in (source, declarations) if os.path.exists(p))
            return newest > os.path.getmtime(built)
    return False


class _SourceFinder:
    """Finds the ``.py`` of a module in ``MODULES`` before the import system finds its extension,
    when the environment asks for it or the extension is stale (else defers to the next finder)."""

    @staticmethod
    def find_spec(fullname, path=None, target=None):
        if fullname not in MODULES or not path:
            return None
        stem = fullname.rpartition(".")[2]
        for folder in path:
            source = os.path.join(folder, stem + ".py")
            if not os.path.isfile(source):
                continue
            if not pure_python():
                if not _stale(folder, stem, source):
                    return None
                warnings.warn(f"minigrad: {source} changed since its extension was built; running it uncompiled "
                              "(reinstall minigrad, e.g. `pip install -e .`, to compile it again)", stacklevel=2)
            return importlib.util.spec_from_file_location(
                fullname, source, loader=importlib.machinery.SourceFileLoader(fullname, source))
        return None


if not any(isinstance(f, _SourceFinder) for f in sys.meta_path):
    sys.meta_path.insert(0, _SourceFinder())
