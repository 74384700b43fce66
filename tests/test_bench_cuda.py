"""``benchmarks/bench_cuda.py`` where no GPU is: its cases are the loss benchmarks' medium cases and the
training steps, the harness runs them only for ``--device cuda``, and every runner skips them saying
why (the harness worker, pytest). On a machine with a GPU the benchmark itself runs instead."""
import json
import subprocess
import sys
from pathlib import Path

import pytest
import torch

import minigrad

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"
sys.path.insert(0, str(BENCHMARKS))

import _harness  # noqa: E402
import bench_cuda  # noqa: E402

pytestmark = pytest.mark.skipif(minigrad.cuda.is_available() and torch.cuda.is_available(),
                                reason="a GPU is available here: the benchmark runs instead of skipping")


def test_cases_are_the_medium_losses_and_the_training_steps_and_say_why_they_skip():
    names = [c.name for c in bench_cuda.cases("cuda")]
    medium = [c.name for m in bench_cuda.LOSS_MODULES for c in m.cases("cpu") if "medium" in c.name]
    assert names == medium + ["tiny_mlp_step", "mnist_mlp_step", "segmentation_step"]
    assert "cross_entropy/seg-medium" in names and "mse_loss/tiny" not in names
    reason = bench_cuda.unavailable()
    assert "is_available() is False" in reason
    assert {c.skip for c in bench_cuda.cases("cuda")} == {reason}
    assert {c.target for c in bench_cuda.cases("cuda") if "/" in c.name} == {1.0}


def test_the_harness_runs_them_for_cuda_only():
    assert [c.name for c in _harness.discover(None, "cuda")] == [c.name for c in bench_cuda.cases("cuda")]
    assert _harness.discover("bench_cuda", "cpu") == []
    assert _harness.discover("mse_loss/tiny", "cpu")  # the CPU modules still run on the CPU


def test_the_worker_records_each_case_as_skipped(tmp_path):
    results = tmp_path / "results.jsonl"
    _harness.main(["--results", str(results), "--device", "cuda", "--filter", "mlp_step"])
    records = [json.loads(line) for line in results.read_text().splitlines()]
    cases = [r for r in records if r["event"] == "case"]
    assert [r["case"] for r in cases] == ["tiny_mlp_step", "mnist_mlp_step"]
    assert all(r["skipped"] == bench_cuda.unavailable() for r in cases)


def test_pytest_skips_each_case_with_the_reason():
    proc = subprocess.run([sys.executable, "-m", "pytest", str(BENCHMARKS / "bench_cuda.py"), "-q", "-rs",
                           "-p", "no:cacheprovider", "-k", "mse_loss or tiny_mlp_step"],
                          capture_output=True, text=True, timeout=300, cwd=BENCHMARKS)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "4 skipped" in proc.stdout and bench_cuda.unavailable() in proc.stdout
