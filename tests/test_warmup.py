"""``minigrad warmup``: each step runs through the public API and reports its seconds; the command is
wired into ``python -m minigrad``. (That a script then compiles nothing was checked by hand with
NUMBA_DEBUG_CACHE: a fresh cache compiled in one process is the whole point, and too slow for CI.)"""
import subprocess
import sys

from minigrad import warmup


def test_every_step_runs_and_reports():
    lines = []
    total = warmup.warmup(report=lines.append)
    assert [line.partition(":")[0] for line in lines[:-1]] == list(warmup.STEPS)
    assert lines[-1].startswith("kernel cache filled in ") and total > 0


def test_command_is_listed():
    proc = subprocess.run([sys.executable, "-m", "minigrad", "--help"], capture_output=True, text=True)
    assert proc.returncode == 0 and "warmup" in proc.stdout


def test_the_steps_run_the_kernels_not_their_numpy_twins(monkeypatch):
    """Draws and max_pool2d would run numpy twins on a cold cache; the warm-up compiles their kernels."""
    from minigrad.kernels.cpu import _twins
    monkeypatch.setattr(_twins, "ready", lambda dispatcher, args: False)
    monkeypatch.setattr(_twins, "_spent", {})
    warmup.warmup(report=lambda line: None)
    assert _twins._spent == {}
