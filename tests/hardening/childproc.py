"""Run a Python snippet in a fresh interpreter and read back what it printed last, as JSON."""
import json
import os
import subprocess
import sys
import textwrap

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))  # the checkout


def run(*parts, env=None, timeout=300, cwd=None, args=(), **popen):
    """``python -c`` the code ``parts`` (each dedented, then joined) with ``env`` added to (a key set
    to None: removed from) this environment; returns the CompletedProcess. ``popen``: more arguments
    for ``subprocess.run``."""
    full = dict(os.environ)
    full["PYTHONPATH"] = os.pathsep.join(filter(None, [ROOT, full.get("PYTHONPATH")]))  # for ``tests.hardening``
    for key, value in (env or {}).items():
        if value is None:
            full.pop(key, None)
        else:
            full[key] = value
    code = "\n".join(textwrap.dedent(part) for part in parts)
    return subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, env=full,
                          timeout=timeout, cwd=cwd, **popen)


def result(proc):
    """The JSON on the child's last stdout line; fails with its exit status and stderr otherwise."""
    assert proc.returncode == 0, f"child exited with {proc.returncode}:\n{proc.stderr[-4000:]}"
    return json.loads(proc.stdout.strip().splitlines()[-1])
