"""The Cython-compiled hot path (minigrad/_compiled.py): ``MINIGRAD_PURE_PYTHON=1`` runs every compiled
module from its ``.py``; a stale extension gives way to its source; compiled and uncompiled train alike."""
import importlib
import importlib.machinery
import os
import sys
import warnings

import pytest

from minigrad import _compiled
from minigrad._compiled import MODULES
from tests.hardening.childproc import result, run

TRAIN = """
    import json, sys
    import minigrad
    from minigrad import nn, optim
    minigrad.manual_seed(0)
    net = nn.Sequential(nn.Linear(10, 5), nn.ReLU(), nn.Linear(5, 3))
    opt = optim.SGD(net.parameters(), lr=0.1, momentum=0.9)
    x, y = minigrad.randn(64, 10), minigrad.randint(0, 3, (64,))
    losses = []
    for _ in range(3):
        opt.zero_grad()
        loss = nn.functional.cross_entropy(net(x), y)
        loss.backward()
        opt.step()
        losses.append(loss.item().hex())
    files = {m: sys.modules[m].__file__ for m in %r}
    print(json.dumps({"losses": losses, "files": files, "grad": net[0].weight.grad.sum().item().hex()}))
""" % (MODULES,)


def _built():
    """Whether every compiled module has its extension beside its source in this checkout."""
    import minigrad
    root = os.path.dirname(os.path.dirname(minigrad.__file__))
    return all(any(os.path.exists(os.path.join(root, m.replace(".", os.sep) + s))
                   for s in importlib.machinery.EXTENSION_SUFFIXES) for m in MODULES)


def test_pure_python_runs_the_sources_and_trains_as_the_compiled_path():
    pure = result(run(TRAIN, env={"MINIGRAD_PURE_PYTHON": "1"}))
    assert all(f.endswith(".py") for f in pure["files"].values()), pure["files"]
    default = result(run(TRAIN, env={"MINIGRAD_PURE_PYTHON": None}))
    if _built():
        assert not any(f.endswith(".py") for f in default["files"].values()), default["files"]
    assert default["losses"] == pure["losses"] and default["grad"] == pure["grad"]


@pytest.mark.parametrize("in_place", [True, False])
@pytest.mark.parametrize("edited", ["source", "declarations", "neither"])
def test_an_extension_built_in_place_and_older_than_its_sources_is_stale(tmp_path, edited, in_place):
    """Built in place: Cython's .c beside the source. A wheel's installer may write the .py after the
    extension, so without the .c the times are not compared."""
    paths = {"source": tmp_path / "mod.py", "declarations": tmp_path / "mod.pxd",
             "built": tmp_path / ("mod" + importlib.machinery.EXTENSION_SUFFIXES[0])}
    if in_place:
        paths["generated"] = tmp_path / "mod.c"
    for p in paths.values():
        p.write_text("")
        os.utime(p, (1_000, 1_000))
    os.utime(paths["built"], (2_000, 2_000))
    if edited != "neither":
        os.utime(paths[edited], (3_000, 3_000))
    assert _compiled._stale(str(tmp_path), "mod", str(paths["source"])) == (in_place and edited != "neither")


def test_no_extension_is_not_stale(tmp_path):
    (tmp_path / "mod.py").write_text("")
    assert not _compiled._stale(str(tmp_path), "mod", str(tmp_path / "mod.py"))


@pytest.mark.parametrize("pure", [False, True])
def test_finder_runs_the_source_of_a_stale_or_unwanted_extension(tmp_path, monkeypatch, pure):
    """A module in MODULES whose in-place extension is older than its .py (warned about), or any such
    module under MINIGRAD_PURE_PYTHON=1 (silently), is imported from its .py; the extension here is
    not loadable, so importing it instead would fail."""
    package = tmp_path / "stalepkg"
    package.mkdir()
    (package / "__init__.py").write_text("")
    built = package / ("mod" + importlib.machinery.EXTENSION_SUFFIXES[0])
    for path, text in ((package / "mod.py", "WHERE = 'source'\n"), (package / "mod.c", ""), (built, "")):
        path.write_text(text)
    later = os.path.getmtime(package / "mod.py") + 1_000
    os.utime(built, (later, later) if pure else (1_000, 1_000))  # under pure, an extension that is up to date
    monkeypatch.setattr(_compiled, "MODULES", _compiled.MODULES + ("stalepkg.mod",))
    monkeypatch.setenv("MINIGRAD_PURE_PYTHON", "1" if pure else "0")
    monkeypatch.syspath_prepend(str(tmp_path))
    for name in ("stalepkg", "stalepkg.mod"):
        monkeypatch.delitem(sys.modules, name, raising=False)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        mod = importlib.import_module("stalepkg.mod")
    assert mod.WHERE == "source" and mod.__file__.endswith("mod.py")
    assert [str(w.message) for w in caught if "changed since its extension was built" in str(w.message)] == \
        ([] if pure else [f"minigrad: {package / 'mod.py'} changed since its extension was built; running it "
                          "uncompiled (reinstall minigrad, e.g. `pip install -e .`, to compile it again)"])
