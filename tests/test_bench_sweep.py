"""``minigrad bench``'s size-sweep chart (benchmarks/bench_sweep.py's cases): drawn from the sweep rows
only, none without them, and the size labels read back as element counts; the table's % of limit column."""
import pytest

from minigrad import bench


def _rows(cases):
    return bench.rows_of([{"event": "case", "case": c, "unit": "s", "minigrad": 1e-5, "torch": 2e-5, "ratio": 0.5,
                           "ratio_q1": 0.5, "ratio_q3": 0.5, "target": 1.0, "limit": None,
                           "minigrad_threads": None, "torch_threads": None} for c in cases])


def test_size_labels():
    assert [bench._elements(s) for s in ("1K", "64K", "4M", "16M")] == [1 << 10, 1 << 16, 1 << 22, 1 << 24]


def test_no_sweep_cases_no_chart(tmp_path):
    assert bench.sweep_chart(tmp_path / "s.png", _rows(["mse_loss/tiny"]), "t") is None
    assert not list(tmp_path.iterdir())


def test_sweep_chart_is_a_png(tmp_path):
    pytest.importorskip("matplotlib")
    path = tmp_path / "s.png"
    rows = _rows([f"sweep/{loss}/{size}" for loss in ("mse_loss", "cross_entropy") for size in ("1K", "4K", "1M")]
                 + ["mse_loss/tiny"])
    assert bench.sweep_chart(path, rows, "t") == f"sweep chart: {path}"
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_table_shows_the_share_of_the_bandwidth_limit():
    rows = _rows(["mse_loss/medium", "nll_loss/medium"])
    rows[0].update(of_limit=0.8, bandwidth=2e10)
    lines = bench.table(rows, 2).splitlines()
    assert "% of limit" in lines[0]
    assert "80%" in lines[1] and "%" not in lines[2]
    assert "copy bandwidth (20.0 GB/s read+write, one thread)" in lines[-1]
    assert "% of limit" not in bench.table(_rows(["mse_loss/tiny"]), 2)
