"""The LSTM example trains through the torch alias: ``python -m minigrad run minigrad/examples/sequence_lstm.py``."""
import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def test_sequence_lstm_example_trains():
    res = subprocess.run([sys.executable, "-m", "minigrad", "run", os.path.join(ROOT, "minigrad", "examples",
                                                                               "sequence_lstm.py"), "--epochs", "4"],
                         capture_output=True, text=True, timeout=600)
    assert res.returncode == 0, res.stderr
    lines = res.stdout.splitlines()
    assert [line.split(",")[0] for line in lines] == [f"Epoch [{k}/4]" for k in range(1, 5)]
    losses = [float(re.search(r"Loss: ([0-9.]+)", line).group(1)) for line in lines]
    accs = [float(re.search(r"Test acc: ([0-9.]+)%", line).group(1)) for line in lines]
    assert losses[-1] < 0.5 * losses[0] and accs[-1] > 85.0  # two classes: chance is 50%
