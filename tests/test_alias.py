"""The torch alias: ``python -m minigrad run SCRIPT`` and the ``minigrad`` command run unchanged torch
scripts on minigrad, behaving as ``python SCRIPT`` does (argv, ``__main__``, tracebacks, exit codes);
``minigrad.compat.install_torch_alias`` does the same in a running interpreter; ``import minigrad``
alone never installs it. Each case runs in a fresh subprocess."""
import os
import subprocess
import sys
import textwrap

import pytest

MINIGRAD_CMD = os.path.join(os.path.dirname(sys.executable), "minigrad")

IMPORTS = """\
import sys
import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.nn.init
import torch.optim as optim
from torch.autograd import Variable
import minigrad

assert torch is minigrad and nn is minigrad.nn and F is minigrad.nn.functional
assert optim is minigrad.optim and torch.nn.init is minigrad.nn.init
assert Variable is minigrad.autograd.Variable and torch.autograd is minigrad.autograd
assert torch.nn.__spec__.name == "minigrad.nn"  # the alias leaves minigrad's own modules intact
print(__name__, sys.argv[1:], repr(torch.ones(2, dtype=torch.float64)), torch.zeros(2, 3).shape, torch.float16)
"""


def run(args, tmp_path, script=None, name="script.py"):
    path = tmp_path / name
    if script is not None:
        path.write_text(textwrap.dedent(script))
    return subprocess.run(args(str(path)), cwd=tmp_path, capture_output=True, text=True, timeout=120)


def python_m(path, *extra):
    return [sys.executable, "-m", "minigrad", "run", path, *extra]


def test_imports_resolve_to_minigrad(tmp_path):
    res = run(lambda p: python_m(p, "--flag", "x"), tmp_path, IMPORTS)
    assert res.returncode == 0, res.stderr
    assert res.stdout == ("__main__ ['--flag', 'x'] tensor([1., 1.], dtype=torch.float64) torch.Size([2, 3]) "
                          "torch.float16\n")


@pytest.mark.skipif(not os.path.exists(MINIGRAD_CMD), reason="the console script is installed by pip install")
def test_console_script(tmp_path):
    res = run(lambda p: [MINIGRAD_CMD, "run", p, "a"], tmp_path, IMPORTS)
    assert res.returncode == 0, res.stderr
    assert res.stdout.startswith("__main__ ['a'] tensor([1., 1.], dtype=torch.float64)")


def test_argv_path_and_file_as_python_runs_them(tmp_path):
    script = """\
        import os, sys
        print(sys.argv, sys.path[0] == os.path.dirname(os.path.abspath(__file__)), __file__, __name__)
        """
    plain = run(lambda p: [sys.executable, os.path.basename(p), "1", "--two"], tmp_path, script)
    alias = run(lambda p: python_m(os.path.basename(p), "1", "--two"), tmp_path)
    assert alias.returncode == plain.returncode == 0
    assert alias.stdout == plain.stdout and "True" in plain.stdout


@pytest.mark.parametrize("body, code", [
    ("def f():\n    raise ValueError('boom')\nf()\n", 1),
    ("import sys\nsys.exit(3)\n", 3),
    ("raise SystemExit('bye')\n", 1),
    ("def (\n", 1),
])
def test_errors_and_exit_codes_as_python(tmp_path, body, code):
    plain = run(lambda p: [sys.executable, p], tmp_path, body)
    alias = run(python_m, tmp_path)
    assert plain.returncode == alias.returncode == code
    assert alias.stderr == plain.stderr


def test_traceback_into_minigrad_names_the_script_line(tmp_path):
    res = run(python_m, tmp_path, """\
        import torch.nn as nn
        import torch
        layer = nn.Linear(5, 3)
        layer(torch.randn(64, 10))
        """)
    assert res.returncode == 1
    assert res.stderr.startswith(f'Traceback (most recent call last):\n  File "{tmp_path / "script.py"}", line 4')
    assert res.stderr.endswith("RuntimeError: mat1 and mat2 shapes cannot be multiplied (64x10 and 5x3)\n")


def test_missing_torch_module_is_not_found_as_torch(tmp_path):
    res = run(python_m, tmp_path, "import torch.distributions\n")
    assert res.returncode == 1
    assert res.stderr.endswith("ModuleNotFoundError: No module named 'torch.distributions'\n")


def test_missing_script(tmp_path):
    res = subprocess.run(python_m(str(tmp_path / "nope.py")), capture_output=True, text=True)
    assert res.returncode == 2 and "can't open file" in res.stderr


def test_install_in_running_interpreter_and_not_by_default():
    code = textwrap.dedent("""\
        import sys
        import minigrad
        assert "torch" not in sys.modules and repr(minigrad.float32) == "minigrad.float32"
        from minigrad.compat import install_torch_alias
        assert install_torch_alias() is minigrad
        install_torch_alias()  # idempotent
        import torch, torch.nn.functional as F, torch.optim
        assert torch is minigrad and F is minigrad.nn.functional
        print(torch.float32, torch.Size([1]))
        """)
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert res.returncode == 0, res.stderr
    assert res.stdout == "torch.float32 torch.Size([1])\n"
