"""Hostile installs: a read-only package directory, no writable home and no NUMBA_CACHE_DIR, so Numba
has nowhere to keep compiled kernels; ``import minigrad`` and training still work, with one warning
at most. And a missing C compiler at install time stops the build with a message that says so."""
import ctypes
import os
import shutil
import stat
import subprocess
import sys

import pytest

import minigrad
import minigrad.kernels
from minigrad._compiled import MODULES
from tests.hardening.childproc import result, run

linux_only = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="uses Linux file permissions and prctl")

TRAIN = """
    import json, os, warnings
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        import minigrad
        import minigrad.kernels
        import minigrad.nn.functional as F
        from minigrad import nn, optim
        minigrad.manual_seed(0)
        net = nn.Sequential(nn.Linear(10, 5), nn.ReLU(), nn.Linear(5, 3))
        opt = optim.SGD(net.parameters(), lr=0.01)
        x, target = minigrad.randn(4, 10), minigrad.tensor([0, 2, 1, 2])
        losses = []
        for _ in range(2):
            opt.zero_grad()
            loss = nn.CrossEntropyLoss()(net(x), target)
            loss.backward()
            opt.step()
            losses.append(loss.item().hex())
        losses.append(F.mse_loss(minigrad.randn(70_000), minigrad.randn(70_000)).item().hex())  # threaded kernel
    package = os.path.dirname(minigrad.__file__)
    try:
        open(os.path.join(package, "kernels", "probe"), "w").close()
        writable = True
    except OSError:
        writable = False
    print(json.dumps({"package": package, "kernels": os.path.dirname(minigrad.kernels.__file__),
                      "writable": writable, "losses": losses,
                      "warnings": [f"{w.category.__name__}: {w.message}" for w in caught]}))
"""

_CAP_DAC_OVERRIDE, _CAP_DAC_READ_SEARCH, _CAP_FOWNER, _CAP_SETPCAP = 1, 2, 3, 8
_PR_CAPBSET_DROP = 24


def _has_capability(cap):
    with open("/proc/self/status") as f:
        eff = next(int(line.split()[1], 16) for line in f if line.startswith("CapEff:"))
    return bool(eff >> cap & 1)


def _drop_root_overrides():
    """In the child, before exec: drop the capabilities that let root ignore file permissions, so a
    read-only directory is read-only to it too."""
    libc = ctypes.CDLL(None, use_errno=True)
    for cap in (_CAP_DAC_OVERRIDE, _CAP_DAC_READ_SEARCH, _CAP_FOWNER):
        if libc.prctl(_PR_CAPBSET_DROP, cap, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP)")


def _read_only_copy(root):
    """The installed package copied under ``root`` (kernels as ``minigrad/kernels``, no caches), and
    an empty home; both made read-only."""
    site, home = root / "site", root / "home"
    skip = shutil.ignore_patterns("__pycache__", "*.pyc", "*.c", "*.pyx")
    shutil.copytree(os.path.dirname(minigrad.__file__), site / "minigrad", ignore=skip)
    shutil.rmtree(site / "minigrad" / "kernels", ignore_errors=True)
    shutil.copytree(os.path.dirname(minigrad.kernels.__file__), site / "minigrad" / "kernels", ignore=skip)
    home.mkdir()
    for path in [home, *site.rglob("*"), site]:
        path.chmod(path.stat().st_mode & ~(stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH))
    return site, home


@pytest.fixture
def read_only_install(tmp_path):
    if os.geteuid() == 0 and not _has_capability(_CAP_SETPCAP):
        pytest.skip("root without CAP_SETPCAP: cannot make a directory read-only to the child")
    site, home = _read_only_copy(tmp_path)
    yield site, home
    for path in [tmp_path, *tmp_path.rglob("*")]:  # let pytest clean up
        path.chmod(path.stat().st_mode | stat.S_IWUSR)


@linux_only
@pytest.mark.slow
def test_read_only_package_and_home(read_only_install):
    site, home = read_only_install
    hostile = result(run(TRAIN, env={"HOME": str(home), "NUMBA_CACHE_DIR": None, "XDG_CACHE_HOME": None,
                                     "PYTHONPATH": str(site)}, cwd=str(home), timeout=600,
                         preexec_fn=_drop_root_overrides if os.geteuid() == 0 else None))
    assert hostile["package"] == str(site / "minigrad") and hostile["kernels"] == str(site / "minigrad" / "kernels")
    assert not hostile["writable"], "the package directory was meant to be read-only"
    assert len(hostile["warnings"]) <= 1, hostile["warnings"]
    assert all("NUMBA_CACHE_DIR" in w for w in hostile["warnings"])
    normal = result(run(TRAIN))
    assert hostile["losses"] == normal["losses"]


@pytest.mark.skipif(sys.platform == "win32", reason="CC is not how Windows builds pick a compiler")
@pytest.mark.parametrize("compiler", ["/nonexistent/cc", "false"])
def test_missing_compiler_gives_a_clear_message(tmp_path, compiler):
    """``setup.py build_ext`` with no C compiler (or one that fails) ends with a message naming the
    problem and the fix, not a bare OS error."""
    source = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    compiled = [m.replace(".", "/") + ext for m in MODULES for ext in (".py", ".pxd")]  # cythonized by setup.py
    for name in ["setup.py", "README.md", "kernels/cpu/_im2col.pyx", "minigrad/_compiled.py", *compiled]:
        if not os.path.exists(os.path.join(source, name)):  # a module without C declarations
            continue
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(os.path.join(source, name), tmp_path / name)
    proc = subprocess.run([sys.executable, "setup.py", "build_ext", "--build-lib", "lib", "--build-temp", "tmp"],
                          cwd=tmp_path, env={**os.environ, "CC": shutil.which(compiler) or compiler},
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode != 0
    assert "minigrad needs a C compiler to build its extension minigrad.kernels.cpu._im2col" in proc.stderr
    assert "point the CC environment variable at it" in proc.stderr


def test_uninstalled_checkout_says_how_to_install():
    """A source checkout imported without installing it has no ``minigrad.kernels`` (setup.py maps
    ``kernels/`` there): ``import minigrad`` works, and the first computation names the fix."""
    out = result(run("""
        import json, sys
        sys.modules["minigrad.kernels"] = None  # as in a checkout that was never installed
        import minigrad
        try:
            minigrad.ones(2) + 1
        except ModuleNotFoundError as exc:
            print(json.dumps(str(exc)))
    """))
    assert "minigrad.kernels" in out and "pip install -e ." in out
