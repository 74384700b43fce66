"""Launch a snippet on N MPI ranks (``minigrad run -n N``) in a child process with a time limit.

Each rank runs the snippet as a script under the torch alias; a failed assertion on any rank ends the
job (minigrad.distributed aborts on an uncaught exception), so a test checks the exit status and the
lines the ranks printed."""
import os
import subprocess
import sys
import textwrap
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def launch(code, nprocs, tmp_path, timeout=120, args=(), env=None, launcher=("run", "-n")):
    """Run ``code`` (dedented) on ``nprocs`` ranks with ``env`` added to this environment (a key set to
    None: removed); returns (CompletedProcess, seconds taken)."""
    script = tmp_path / f"job_{nprocs}.py"
    script.write_text(textwrap.dedent(code))
    full = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [ROOT, os.environ.get("PYTHONPATH")])))
    for key, value in (env or {}).items():
        if value is None:
            full.pop(key, None)
        else:
            full[key] = value
    cmd = [sys.executable, "-m", "minigrad", *launcher, str(nprocs), str(script), *args]
    start = time.monotonic()
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, env=full, cwd=tmp_path)
    return proc, time.monotonic() - start


def ok(proc, nprocs):
    """Assert that the job ended well and every rank printed its ``OK <rank>`` line."""
    assert proc.returncode == 0, f"job exited with {proc.returncode}:\n{proc.stdout[-3000:]}\n{proc.stderr[-5000:]}"
    done = sorted(line for line in proc.stdout.splitlines() if line.startswith("OK "))
    assert done == [f"OK {r}" for r in range(nprocs)], proc.stdout[-3000:]
