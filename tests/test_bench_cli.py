"""``minigrad bench``: its table, CSV and chart on one tiny case, and what it says when it cannot run
(no torch, no GPU, no matching case). Each run is a child process, as a user's command would be."""
import csv
import os
import subprocess
import sys
import textwrap
from datetime import datetime
from pathlib import Path

import pytest

import minigrad
from minigrad import bench

CASE = "mse_loss/tiny"


def blocking(*modules):
    """Child-process code that makes importing any of ``modules`` fail, as if not installed."""
    return textwrap.dedent(f"""
        import sys

        class Block:
            def find_spec(self, name, path=None, target=None):
                if name.split(".")[0] in {modules!r}:
                    raise ModuleNotFoundError(f"No module named {{name!r}}")

        sys.meta_path.insert(0, Block())
    """)


def minigrad_bench(args, cwd, blocked=(), env=None):
    code = blocking(*blocked) + f"from minigrad.__main__ import main\nmain(['bench', *{args!r}])\n"
    return subprocess.run([sys.executable, "-c", code], cwd=cwd, capture_output=True, text=True, timeout=300,
                          env=env)


def seconds(value, unit):
    return float(value) * {"s": 1, "ms": 1e-3, "us": 1e-6}[unit]


@pytest.fixture(scope="module")
def quick_run(tmp_path_factory):
    """One --quick run of a tiny case with matplotlib blocked and this machine's OpenBLAS overrides set."""
    out = tmp_path_factory.mktemp("bench")
    env = {**os.environ, "OPENBLAS_CORETYPE": "Haswell", "OPENBLAS_L2_SIZE": "1048576"}
    proc = minigrad_bench(["--quick", "--filter", CASE, "--out", str(out)], out, blocked=("matplotlib",), env=env)
    assert proc.returncode == 0, proc.stderr
    return proc, out


def test_table_has_the_case_with_both_medians_and_the_ratio(quick_run):
    proc, _ = quick_run
    lines = proc.stdout.splitlines()
    header = next(line for line in lines if line.startswith("case"))
    assert header.split()[:6] == ["case", "minigrad", "torch", "ratio", "spread", "(IQR)"]
    row = next(line for line in lines if line.startswith(CASE)).split()  # case 12.3 us 45.6 us* 0.27 ...
    mg, th = seconds(row[1], row[2].rstrip("*")), seconds(row[3], row[4].rstrip("*"))
    assert float(row[5]) == pytest.approx(mg / th, rel=0.5)
    assert row[-2:] in (["<=0.25x", "ok"], ["<=0.25x", "MISS"])
    assert any(line.startswith("# BLAS: ") for line in lines)


def test_progress_bar_on_stderr(quick_run):
    proc, _ = quick_run
    assert f"] 0/1 {CASE}" in proc.stderr
    assert "[" + "#" * 30 + "] 1/1 done" in proc.stderr


def test_csv_holds_results_machine_versions_and_date(quick_run):
    _, out = quick_run
    (path,) = out.glob("minigrad-bench-*.csv")
    with open(path, newline="", encoding="utf-8") as f:
        (row,) = list(csv.DictReader(f))
    assert row["case"] == CASE and row["status"] == "ok" and row["unit"] == "s"
    mg, th, ratio = float(row["minigrad"]), float(row["torch"]), float(row["ratio"])
    assert 0 < mg < 0.1 and 0 < th < 0.1 and ratio > 0
    assert float(row["ratio_q1"]) <= ratio <= float(row["ratio_q3"])
    assert {row["minigrad_threads"], row["torch_threads"]} <= {"1", str(os.cpu_count())}
    assert row["target"] == "0.25"
    assert int(row["cpu_count"]) == os.cpu_count()
    assert row["openblas_env"] == "unset"  # the worker ran without this machine's OpenBLAS overrides
    assert row["minigrad_version"] == minigrad.__version__ and row["torch_version"].startswith("2.13.0")
    for key in ("python_version", "numpy_version", "numba_version", "platform", "blas", "load_start"):
        assert row[key], key
    assert datetime.fromisoformat(row["date"]).year >= 2024


def test_chart_message_without_matplotlib(quick_run):
    proc, out = quick_run
    assert "chart: not drawn, matplotlib is not installed (pip install matplotlib)" in proc.stdout.splitlines()
    assert not list(out.glob("*.png"))


def test_chart_is_a_png_with_matplotlib(tmp_path):
    pytest.importorskip("matplotlib")
    records = [{"event": "case", "case": f"loss/{size}", "unit": "s", "minigrad": m, "torch": 1e-4,
                "ratio": m / 1e-4, "ratio_q1": m / 1e-4, "ratio_q3": m / 1e-4, "target": 0.3, "limit": None}
               for size, m in (("tiny", 2e-5), ("medium", 5e-5))]
    path = tmp_path / "chart.png"
    assert bench.chart(path, bench.rows_of(records), "test") == f"chart: {path}"
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_without_torch_it_says_how_to_install_it(tmp_path):
    proc = minigrad_bench(["--quick"], tmp_path, blocked=("torch",))
    assert proc.returncode == 2
    assert "PyTorch, which is not installed" in proc.stderr
    assert "pip install torch==2.13.0" in proc.stderr
    assert not list(tmp_path.iterdir())


@pytest.mark.skipif(minigrad.cuda.is_available(), reason="a GPU is available here")
def test_device_cuda_without_a_gpu_says_so(tmp_path):
    proc = minigrad_bench(["--device", "cuda"], tmp_path)
    assert proc.returncode == 2
    assert "--device cuda: no CUDA GPU is available here" in proc.stderr


def test_filter_matching_nothing_lists_the_cases(tmp_path):
    proc = minigrad_bench(["--quick", "--filter", "no_such_case", "--out", str(tmp_path)], tmp_path)
    assert proc.returncode == 2
    assert "no benchmark case matches --filter 'no_such_case'" in proc.stderr
    assert f"    {CASE}\n" in proc.stderr and "    segmentation_step\n" in proc.stderr


def test_the_suite_is_found_from_the_package():
    assert bench.benchmarks_dir() == Path(__file__).resolve().parents[1] / "benchmarks"


def test_every_timed_cpu_case_runs_once():
    """Each timed CPU case's closures run once in both libraries, so a benchmark left behind by a kernel's
    changed signature fails here, not in the middle of someone's benchmark run. (The measured cases,
    fresh processes and peak memory, are left to ``minigrad bench``.)"""
    sys.path.insert(0, str(bench.benchmarks_dir()))
    try:
        import _harness
        cases = [c for c in _harness.discover() if not c.measured and not c.skip]
        assert cases
        for case in cases:
            for lib, fn in case.build().items():
                try:
                    fn()
                except Exception as exc:  # noqa: BLE001 - name the case
                    raise AssertionError(f"{case.name} ({lib}): {type(exc).__name__}: {exc}") from exc
    finally:
        sys.path.remove(str(bench.benchmarks_dir()))


def test_an_installed_copy_without_the_suite_says_what_is_missing_and_how_to_get_it(tmp_path):
    """An installed minigrad (here: the package copied into site/, no checkout around it) has no
    benchmarks/ and tests/: the command says so, where it looked, and how to get a suite."""
    import shutil
    site = tmp_path / "site"
    shutil.copytree(Path(bench.__file__).parent, site / "minigrad",
                    ignore=shutil.ignore_patterns("__pycache__", "kernels"))
    code = "import sys; from minigrad.bench import benchmarks_dir, missing_suite; " \
           "print(benchmarks_dir()); print(missing_suite())"
    proc = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(site)}, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("None\n")
    assert "not in the installed package: benchmarks/" in proc.stdout and "tests/" in proc.stdout
    assert str(site / "benchmarks") in proc.stdout and str(tmp_path / "benchmarks") in proc.stdout
    assert "--suite CHECKOUT/benchmarks" in proc.stdout


def test_suite_option(tmp_path):
    proc = minigrad_bench(["--quick", "--suite", str(tmp_path / "nowhere"), "--out", str(tmp_path)], tmp_path)
    assert proc.returncode == 2
    assert f"Looked in:\n    {tmp_path / 'nowhere'}\n" in proc.stderr
    assert bench.benchmarks_dir(str(bench.benchmarks_dir())) == bench.benchmarks_dir()
