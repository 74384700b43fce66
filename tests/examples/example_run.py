"""Train an example script through the torch alias (``python -m minigrad run``) and read its
``Epoch [k/n], Loss: ..., <metric>: p%`` progress lines."""
import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def run_example(name, *args, epochs):
    """Run ``minigrad/examples/<name>.py`` with ``args``; check it exits cleanly printing one line per
    epoch of ``epochs``; return (the losses, the lines)."""
    script = os.path.join(ROOT, "minigrad", "examples", name + ".py")
    res = subprocess.run([sys.executable, "-m", "minigrad", "run", script, *args], capture_output=True, text=True,
                         timeout=600, cwd=ROOT)
    assert res.returncode == 0, res.stderr
    lines = res.stdout.splitlines()
    assert [line.split(",")[0] for line in lines] == [f"Epoch [{k}/{epochs}]" for k in range(1, epochs + 1)]
    return [float(re.search(r"Loss: ([0-9.]+)", line).group(1)) for line in lines], lines


def percent(metric, line):
    """The ``<metric>: p%`` value of a progress line."""
    return float(re.search(rf"{metric}: ([0-9.]+)%", line).group(1))
