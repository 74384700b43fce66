"""The harness's % of limit for a memory-bound case: a numpy copy of as many bytes (``copier``), timed in
the same rounds as the case, over minigrad's time; cases without ``bytes`` get none."""
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
import _harness  # noqa: E402


def test_copier_moves_the_bytes_it_is_given():
    copy = _harness.copier(1 << 20)
    src, dst = (cell.cell_contents for cell in copy.__closure__)
    assert {src.nbytes, dst.nbytes} == {1 << 19}  # half read, half written
    copy()
    assert np.array_equal(src, dst)


def test_of_limit_is_the_copy_time_over_minigrads():
    data = np.ones(1 << 16, np.float32)
    work = {lib: (lambda: data.sum()) for lib in _harness.LIBS}
    case = _harness.Case("limit", lambda: work, bytes=1 << 20, default_threads=True)
    record = _harness.measure(case, quick=True)
    assert record["of_limit"] > 0 and np.isfinite(record["of_limit"])
    assert record["bandwidth"] > 0
    plain = _harness.measure(_harness.Case("plain", lambda: work, default_threads=True), quick=True)
    assert "of_limit" not in plain and "bandwidth" not in plain
