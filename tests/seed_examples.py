"""Where the documents' runnable snippets are: ``shared/seed-examples`` beside this checkout."""
import subprocess
import sys
from pathlib import Path

import pytest

SEED_EXAMPLES = Path(__file__).resolve().parents[2] / "shared" / "seed-examples"


def run_through_alias(name):
    """Run one snippet with ``python -m minigrad run`` (skips the test when shared/ is not beside us)."""
    if not SEED_EXAMPLES.is_dir():
        pytest.skip("../shared/seed-examples is not beside this checkout")
    return subprocess.run([sys.executable, "-m", "minigrad", "run", str(SEED_EXAMPLES / name)],
                          capture_output=True, text=True, timeout=300)
