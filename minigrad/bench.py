"""``minigrad bench [--quick] [--filter NAME] [--device cpu|cuda] [--out DIR]``: time minigrad against
PyTorch on the suite in ``benchmarks/`` and show the ratios.

The suite runs in a child process (``benchmarks/_harness.py``, which imports torch: minigrad itself
never does) without ``OPENBLAS_CORETYPE``/``OPENBLAS_L2_SIZE``, settings that can halve numpy's
matrix-multiply speed while torch's own BLAS ignores them. The child appends one JSON record per
line to a results file; this process follows it to draw a progress bar on stderr, then prints the
table (case, minigrad median, torch median, ratio minigrad/torch, spread: the ratios' interquartile
range over interleaved rounds, for a memory-bound case the time of a numpy copy of as many bytes
over its time (% of limit, ``benchmarks/_harness.copier``, timed in the same rounds), target), writes a CSV with the
machine, the versions and the date, and draws the ratios as a PNG bar chart when matplotlib is
installed (and the size sweep, when the run has its cases, as a chart of time and ratio against
size: ``sweep_chart``).
"""
import csv
import importlib.util
import json
import math
import os
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

TORCH_INSTALL = "pip install torch==2.13.0"
BLAS_ENV = ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")
MACHINE = ("date", "platform", "processor", "cpu_count", "blas", "openblas_env")
VERSIONS = ("python", "numpy", "numba", "torch", "minigrad")
COLUMNS = ("case", "unit", "minigrad", "torch", "ratio", "ratio_q1", "ratio_q3", "rounds", "minigrad_first",
           "torch_first", "minigrad_threads", "torch_threads", "target", "limit", "meets_target", "of_limit",
           "bandwidth", "status", "note")


def add_arguments(parser):
    parser.add_argument("--quick", action="store_true",
                        help="3 short rounds per case and 1 per fresh-process case, instead of 9 and 3-5")
    parser.add_argument("--filter", metavar="NAME",
                        help="only cases whose name or benchmark file contains NAME (or matches it as a glob)")
    parser.add_argument("--device", choices=("cpu", "cuda"), default="cpu",
                        help="where the cases' tensors live (default: cpu); cuda needs a GPU")
    parser.add_argument("--out", metavar="DIR", default="bench-results",
                        help="folder for the CSV and the chart (default: ./bench-results)")
    parser.add_argument("--suite", metavar="DIR",
                        help="the benchmarks/ folder of a minigrad source checkout (default: the checkout "
                             "minigrad runs from, else ./benchmarks)")


def _torch_installed():
    try:
        return importlib.util.find_spec("torch") is not None
    except (ImportError, ValueError):  # a finder refusing torch, or a broken half-import
        return False


def suite_candidates(suite=None):
    """Where the suite may be: ``suite`` when given, else ``benchmarks/`` of the source checkout minigrad
    runs from, then of the current folder."""
    if suite is not None:
        return [Path(suite).resolve()]
    return [Path(__file__).resolve().parents[1] / "benchmarks", Path.cwd() / "benchmarks"]


def is_suite(d):
    """A benchmarks/ folder with its harness, beside the tests it builds its inputs with (the loss-case
    registry, the torch comparison helpers)."""
    return (d / "_harness.py").is_file() and (d.parent / "tests" / "losses" / "cases.py").is_file()


def benchmarks_dir(suite=None):
    """The suite's folder (see ``suite_candidates``), or None."""
    return next((d for d in suite_candidates(suite) if is_suite(d)), None)


def missing_suite(suite=None):
    """What ``minigrad bench`` says when there is no suite: what it needs, where it looked, how to get it."""
    looked = "\n".join(f"    {d}" for d in suite_candidates(suite))
    return ("minigrad bench: no benchmark suite found. The cases live in minigrad's source tree, not in the "
            "installed package: benchmarks/ (the harness and the cases) beside tests/ (the input makers and the "
            f"loss-case registry they reuse). Looked in:\n{looked}\n"
            "Get a source checkout of minigrad (the folder holding setup.py, benchmarks/ and tests/), then run "
            "`minigrad bench` from that folder or pass --suite CHECKOUT/benchmarks.")


class Progress:
    """A text bar on ``stream``: redrawn in place on a terminal, one line per case elsewhere (logs)."""

    def __init__(self, stream=None, width=30):
        self.stream = stream or sys.stderr
        self.width, self.tty, self.shown = width, self.stream.isatty(), 0

    def show(self, done, total, label):
        filled = self.width * done // max(total, 1)
        line = f"[{'#' * filled}{'.' * (self.width - filled)}] {done}/{total} {label}"
        if self.tty:
            self.stream.write("\r" + line.ljust(self.shown))
            self.shown = len(line)
        else:
            self.stream.write(line + "\n")
        self.stream.flush()

    def close(self):
        if self.tty and self.shown:
            self.stream.write("\n")


def _follow(path, offset):
    """The complete JSON lines appended to ``path`` after ``offset``, and the new offset."""
    try:
        with open(path, "rb") as f:
            f.seek(offset)
            data = f.read()
    except FileNotFoundError:
        return [], offset
    end = data.rfind(b"\n") + 1
    return [json.loads(line) for line in data[:end].splitlines() if line.strip()], offset + end


def run_worker(bench_dir, args, results, log):
    """Run the suite in a child process, drawing progress from its records; returns (records, exit code)."""
    env = {k: v for k, v in os.environ.items() if k not in BLAS_ENV}
    cmd = [sys.executable, str(bench_dir / "_harness.py"), "--results", str(results), "--device", args.device]
    cmd += ["--quick"] * args.quick + (["--filter", args.filter] if args.filter else [])
    records, offset, total, done = [], 0, 0, 0
    progress = Progress()
    with open(log, "w", encoding="utf-8") as out:
        proc = subprocess.Popen(cmd, env=env, stdout=out, stderr=subprocess.STDOUT, cwd=bench_dir)
        try:
            while True:
                finished = proc.poll() is not None
                new, offset = _follow(results, offset)
                for r in new:
                    total = r.get("total", total)
                    done += r["event"] == "case"
                    if r["event"] == "begin" or r["event"] == "case" and done == total:
                        progress.show(done, total, r["case"] if r["event"] == "begin" else "done")
                records += new
                if finished:
                    break
                time.sleep(0.2)
        except KeyboardInterrupt:
            proc.terminate()
            proc.wait()
            raise
        finally:
            progress.close()
    return records, proc.returncode


def meets(row):
    """Whether a result meets its targets (None without one): ratio ≤ target, minigrad ≤ limit."""
    checks = []
    if row.get("target") is not None:
        checks.append(row["ratio"] <= row["target"])
    if row.get("limit") is not None:
        checks.append(row["minigrad"] <= row["limit"])
    return all(checks) if checks else None


def fmt(value, unit):
    if unit == "B":
        return f"{value / 2 ** 20:.1f} MiB" if value >= 2 ** 20 else f"{value / 2 ** 10:.0f} KiB"
    for scale, name in ((1, "s"), (1e-3, "ms"), (1e-6, "us")):
        if value >= scale:
            return f"{value / scale:.3g} {name}"
    return f"{value * 1e6:.3g} us"


def _target_text(row):
    parts = [] if row.get("target") is None else [f"<={row['target']:g}x"]
    parts += [] if row.get("limit") is None else [f"<={fmt(row['limit'], row['unit'])}"]
    ok = meets(row)
    return " ".join(parts + ([] if ok is None else ["ok" if ok else "MISS"]))


def header(machine, load):
    """The lines above the table: when, where, which BLAS, which versions, how loaded."""
    versions = ", ".join(f"{k} {machine['versions'][k]}" for k in VERSIONS)
    return (f"# {machine['date']}  {machine['processor']}, {machine['cpu_count']} CPUs, {machine['platform']}\n"
            f"# BLAS: {machine['blas']}  (OPENBLAS_* overrides: {machine['openblas_env']})\n"
            f"# {versions}\n"
            f"# load average (1 min): {load['load_start']:.2f} at start, {load['load_end']:.2f} at end")


def table(rows, cpu_count):
    """The printed table: one line per case; errors and skips say why in place of the numbers. A
    ``*`` marks a time taken single-threaded, that library's faster setting there (benchmarks/_harness.py)."""
    def value(r, lib):
        single = (r[f"{lib}_threads"] or cpu_count) < cpu_count
        return fmt(r[lib], r["unit"]) + ("*" if single else " ")

    width = max([len(r["case"]) for r in rows] + [4])
    limits = any(r.get("of_limit") is not None for r in rows)
    lines = [f"{'case':<{width}}  {'minigrad':>11}  {'torch':>11}  {'ratio':>6}  {'spread (IQR)':>13}  "
             + ("% of limit  " if limits else "") + "target"]
    for r in rows:
        if r["status"] != "ok":
            lines.append(f"{r['case']:<{width}}  {r['status']}")
            continue
        spread = f"{r['ratio_q1']:.3f}-{r['ratio_q3']:.3f}"
        of_limit = "" if not limits else (f"{100 * r['of_limit']:9.0f}%  " if r.get("of_limit") is not None
                                          else " " * 12)
        lines.append(f"{r['case']:<{width}}  {value(r, 'minigrad'):>11}  {value(r, 'torch'):>11}  "
                     f"{r['ratio']:6.3f}  {spread:>13}  {of_limit}{_target_text(r)}")
    if limits:
        bandwidth = next(r["bandwidth"] for r in rows if r.get("bandwidth") is not None)
        lines.append(f"% of limit: the bytes a memory-bound loss must read and write over minigrad's time, as a "
                     f"share of this machine's copy bandwidth ({bandwidth / 1e9:.1f} GB/s read+write, one thread): "
                     f"numpy copying as many bytes, timed in the same rounds (medians of the per-round shares)")
    if any("*" in line for line in lines[1:]):
        lines.append("* single-threaded: that library's faster setting here (each runs with whichever of one "
                     "thread or one per core is faster)")
    return "\n".join(lines)


def rows_of(records):
    """The result rows (the worker's "case" records), with a status and whether each meets its target."""
    rows = []
    for r in records:
        if r["event"] != "case":
            continue
        row = dict(r)
        row["status"] = next((f"{k}: {r[k]}" for k in ("error", "skipped") if k in r), "ok")
        row["meets_target"] = meets(row) if row["status"] == "ok" else None
        rows.append(row)
    return rows


def write_csv(path, rows, machine, load):
    """One row per case: the results, then the machine, the versions (``<package>_version``), the
    date and the load average (1 min) of the run, repeated on every row so each row stands alone."""
    run = {**{k: machine[k] for k in MACHINE}, **{f"{k}_version": machine["versions"][k] for k in VERSIONS}, **load}
    with open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=COLUMNS + tuple(run), extrasaction="ignore")
        writer.writeheader()
        for row in rows:
            writer.writerow({**row, **run})


def chart(path, rows, title):
    """A horizontal bar per case: the ratio minigrad/torch on a log axis, green where it meets its
    target, red where not, grey without one; a dot marks a target ratio. Returns a one-line message."""
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return "chart: not drawn, matplotlib is not installed (pip install matplotlib)"
    rows = [r for r in rows if r["status"] == "ok" and math.isfinite(r["ratio"]) and r["ratio"] > 0]
    if not rows:
        return "chart: not drawn, no case has a ratio"
    fig, ax = plt.subplots(figsize=(9, 1.2 + 0.24 * len(rows)))
    y = range(len(rows))[::-1]
    colours = {True: "tab:green", False: "tab:red", None: "tab:gray"}
    ax.barh(list(y), [r["ratio"] for r in rows], color=[colours[r["meets_target"]] for r in rows])
    targets = [(yi, r["target"]) for yi, r in zip(y, rows) if r.get("target") is not None]
    ax.scatter([t for _, t in targets], [yi for yi, _ in targets], color="black", s=12, zorder=3, label="target")
    ax.axvline(1.0, color="black", linewidth=0.8)
    ax.set_xscale("log")
    ax.set_yticks(list(y), [r["case"] for r in rows], fontsize=7)
    ax.set_xlabel("minigrad / torch (median of interleaved rounds; < 1: minigrad faster or smaller)")
    ax.set_title(title + "\ngreen: meets its target, red: misses it; a dot marks a target ratio (cases without "
                 "one have an absolute limit)", fontsize=8)
    ax.legend(loc="lower right", fontsize=7)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return f"chart: {path}"


def _elements(label):
    """The element count of a sweep case's size label: "4K" -> 4096, "16M" -> 16777216."""
    return int(label[:-1]) << (10 if label[-1] == "K" else 20)


def sweep_chart(path, rows, title):
    """The size sweep (``benchmarks/bench_sweep.py``, cases ``sweep/<loss>/<size>``) as two log-log
    panels: each library's median time against the element count, and the ratio minigrad/torch with
    the 1.0 line. Returns a one-line message, or None when the run had no sweep case."""
    series = {}
    for r in rows:
        if r["case"].startswith("sweep/") and r["status"] == "ok":
            _, loss, size = r["case"].split("/")
            series.setdefault(loss, []).append((_elements(size), r["minigrad"], r["torch"], r["ratio"]))
    if not series:
        return None
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return "sweep chart: not drawn, matplotlib is not installed (pip install matplotlib)"
    fig, (times, ratios) = plt.subplots(1, 2, figsize=(11, 4.2))
    for k, (loss, points) in enumerate(sorted(series.items())):
        n, mg, th, ratio = zip(*sorted(points))
        colour = f"C{k}"
        times.plot(n, mg, "o-", color=colour, label=f"{loss} minigrad")
        times.plot(n, th, "s--", color=colour, label=f"{loss} torch")
        ratios.plot(n, ratio, "o-", color=colour, label=loss)
    for ax in (times, ratios):
        ax.set_xscale("log", base=2)
        ax.set_yscale("log")
        ax.set_xlabel("elements")
        ax.legend(fontsize=7)
    times.set_ylabel("forward + backward, median (s)")
    ratios.axhline(1.0, color="black", linewidth=0.8)
    ratios.set_ylabel("minigrad / torch")
    fig.suptitle(title + " (both at their default threads)", fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return f"sweep chart: {path}"


def main(args):
    """Run the benchmark command; returns the exit status (2: cannot run here, 1: a case failed)."""
    if args.device == "cuda":
        from . import cuda
        if not cuda.is_available():
            print("minigrad bench: --device cuda: no CUDA GPU is available here (minigrad.cuda.is_available() "
                  "is False); run it with --device cpu", file=sys.stderr)
            return 2
    if not _torch_installed():
        print(f"minigrad bench compares minigrad with PyTorch, which is not installed here. Install it with:\n"
              f"    {TORCH_INSTALL}", file=sys.stderr)
        return 2
    bench_dir = benchmarks_dir(args.suite)
    if bench_dir is None:
        print(missing_suite(args.suite), file=sys.stderr)
        return 2
    out_dir = Path(args.out)
    out_dir.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    with tempfile.TemporaryDirectory(prefix="minigrad-bench-") as tmp:
        results, log = Path(tmp) / "results.jsonl", Path(tmp) / "worker.log"
        records, code = run_worker(bench_dir, args, results, log)
        log_text = log.read_text(encoding="utf-8", errors="replace")
    start = next((r for r in records if r["event"] == "start"), None)
    if code or start is None:
        print(f"minigrad bench: the benchmark run failed (exit status {code}); its last output:\n"
              + "\n".join(log_text.splitlines()[-30:]), file=sys.stderr)
        return 1
    if not start["total"]:
        print(f"minigrad bench: no benchmark case matches --filter {args.filter!r}; the cases are:\n    "
              + "\n    ".join(start["available"]), file=sys.stderr)
        return 2
    rows, machine = rows_of(records), start["machine"]
    end = next(r for r in records if r["event"] == "end")
    load = {"load_start": start["load_start"][0], "load_end": end["load_end"][0]}
    print(header(machine, load) + "\n")
    print(table(rows, machine["cpu_count"]))
    csv_path = out_dir / f"minigrad-bench-{stamp}.csv"
    write_csv(csv_path, rows, machine, load)
    print(f"\ncsv: {csv_path}")
    title = (f"minigrad / torch {machine['versions']['torch']}, {machine['processor']} x{machine['cpu_count']}, "
             f"{machine['date']}")
    print(chart(out_dir / f"minigrad-bench-{stamp}.png", rows, title))
    swept = sweep_chart(out_dir / f"minigrad-bench-{stamp}-sweep.png", rows, title)
    if swept:
        print(swept)
    if any(r["status"].startswith("error") for r in rows):
        log_path = out_dir / f"minigrad-bench-{stamp}.log"
        log_path.write_text(log_text, encoding="utf-8")
        print(f"some cases failed; their tracebacks: {log_path}", file=sys.stderr)
        return 1
    return 0
