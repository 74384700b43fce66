"""The harness every benchmark module shares.

A module ``bench_<what>.py`` defines ``cases(device) -> [Case]`` and ``test_bench = pytest_case(cases)``,
and ``DEVICES`` when it runs on other devices than ("cpu",) (``bench_cuda.py``: ("cuda",)).
A ``Case`` builds, for one input set, a closure per library (``{"minigrad": fn, "torch": fn}``) over
the same data. Two ways to run them:

    minigrad bench [--quick] [--filter NAME] [--device cpu|cuda]
                                               # the CLI: runs this file as a worker (below), then
                                               # prints the table and writes the CSV and the chart
    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE python -m pytest benchmarks --benchmark-only
                                               # the same closures as pytest-benchmark groups

How the worker times a case (``measure``): each closure's first call is timed on its own (for
minigrad: loading or compiling its kernels, plus one run), a few more calls warm up (and pick each
library's faster thread count, see ``fastest_threads``), then ``rounds`` rounds alternate the libraries,
each round timing a slice of calls per library and keeping its median. The reported ratio is the
median over rounds of (minigrad median / torch median), so a slow spell on this shared machine hits
both sides of a round; the spread is the ratios' interquartile range. A ``measured`` case's closure
returns its own measurement (a fresh process's wall time, a peak memory in bytes) instead of being
timed.
"""
import argparse
import fnmatch
import importlib
import json
import os
import platform
import sys
import time
import traceback
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable, Optional

import numpy as np

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path[:0] = [str(HERE), str(ROOT)]  # bench modules import this harness; cases reuse the tests' helpers (tests.*)
LIBS = ("minigrad", "torch")


@dataclass
class Case:
    """One benchmark case. ``build()`` returns ``{"minigrad": fn, "torch": fn}`` over the same inputs.

    ``unit`` is "s" for timed closures and for measured ones returning seconds, "B" for bytes.
    ``target`` is the ratio minigrad/torch to stay under; ``limit`` an absolute bound on minigrad's
    median (in ``unit``). ``note`` says what a reader of the table should know; ``skip``, why the
    case cannot run here."""
    name: str
    build: Callable[[], dict]
    measured: bool = False
    unit: str = "s"
    target: Optional[float] = None
    limit: Optional[float] = None
    note: str = ""
    rounds: Optional[int] = None  # of a full run; --quick runs fewer
    skip: str = ""
    default_threads: bool = False  # run both libraries at their default thread settings (see fastest_threads)
    bytes: Optional[int] = None  # bytes minigrad must read and write at least: its time is then compared with
    # a copy of as many bytes (``copier``) as the record's ``of_limit``


def schedule(case, quick):
    """(rounds, seconds of calls per library and round, minimum calls per slice) for ``case``."""
    if case.measured:
        return 1 if quick else case.rounds or 5, 0.0, 1
    return 3 if quick else case.rounds or 9, 0.02 if quick else 0.2, 1 if quick else 3


def _slice(fn, measured, seconds, min_calls):
    """The median of one slice of calls: their durations, or their returned measurements."""
    samples, end = [], time.perf_counter() + seconds
    while len(samples) < min_calls or time.perf_counter() < end:
        if measured:
            samples.append(float(fn()))
        else:
            start = time.perf_counter()
            fn()
            samples.append(time.perf_counter() - start)
    return float(np.median(samples))


# Each library runs a timed case with whichever of one thread or its default (one per core) is faster
# there, chosen on a warm-up slice: thread pools pay off only on an idle machine. On this shared
# 2-core one (load 2.5-6), waking a second thread often costs a scheduler slice: torch.exp on 640
# floats took 1.7 us median / 2.9 us p90 with one thread, 3.3 us / 12 ms with two; forward + backward
# of hinge_embedding_loss on 2048x2048 took 163-175 ms single-threaded, 331-361 ms with two threads.
# Left at their defaults, both libraries' numbers measure the neighbours' load more than the code.
class Threads:
    """One library's thread pools: torch's intra-op pool; for minigrad, its kernels' pool and numpy's BLAS
    (through threadpoolctl, when installed)."""

    def __init__(self, lib):
        if lib == "torch":
            import torch
            self.get, self._set = torch.get_num_threads, torch.set_num_threads
        else:
            import minigrad
            from minigrad.kernels.cpu import _parallel
            self.get, self._set = minigrad.get_num_threads, minigrad.set_num_threads
            self._auto = _parallel._auto  # automatic unless a count was asked for: restored with the count
        self.lib, self.default, self._blas = lib, self.get(), None

    def set(self, n):
        self._set(n)
        if self.lib == "minigrad":
            try:
                from threadpoolctl import threadpool_limits
            except ImportError:
                return
            limiter = threadpool_limits(n, user_api="blas")
            self._blas = self._blas or limiter  # the first one knows the original limits

    def restore(self):
        self._set(self.default)
        if self.lib == "minigrad":
            from minigrad.kernels.cpu import _parallel
            _parallel._auto = self._auto
        if self._blas:
            self._blas.restore_original_limits()


@contextmanager
def fastest_threads(lib, fn, seconds, min_calls):
    """Give ``lib`` whichever of 1 thread and its default runs ``fn`` faster; yields that count and
    restores the default after."""
    threads = Threads(lib)
    speed = {}
    try:
        for n in sorted({1, threads.default}):
            threads.set(n)
            speed[n] = _slice(fn, False, seconds, min_calls)
        threads.set(min(speed, key=speed.get))
        yield threads.get()
    finally:
        threads.restore()


def copier(nbytes):
    """A numpy copy of ``nbytes`` / 2 bytes between two arrays: ``nbytes`` read and written in all over a
    footprint of ``nbytes``, the traffic and footprint of a loss that reads its inputs and writes its
    gradient once (counted the same way: write allocation counted on neither side). ``measure`` times it
    in the same rounds as the case, so the machine's load at that moment hits both."""
    src = np.ones(max(nbytes // 8, 1), np.float32)
    dst = np.empty_like(src)
    return lambda: np.copyto(dst, src)


def measure(case, quick=False):
    """Run ``case`` as described in the module docstring; returns its result record (a dict)."""
    rounds, seconds, min_calls = schedule(case, quick)
    fns = case.build()
    first = {}
    for lib in LIBS:
        start = time.perf_counter()
        out = fns[lib]()
        first[lib] = float(out) if case.measured else time.perf_counter() - start
    copy = None if case.bytes is None else copier(case.bytes)
    with ExitStack() as stack:  # warm-up (caches, allocators) choosing each library's thread count
        threads = {lib: None if case.measured or case.default_threads else stack.enter_context(
            fastest_threads(lib, fns[lib], seconds / 2, min_calls)) for lib in LIBS}
        medians = {lib: [] for lib in LIBS + ("copy",)}
        for r in range(rounds):
            for lib in (LIBS if r % 2 == 0 else LIBS[::-1]):  # alternate which library goes first
                medians[lib].append(_slice(fns[lib], case.measured, seconds, min_calls))
            if copy is not None:
                medians["copy"].append(_slice(copy, False, seconds, min_calls))
    mg, th, cp = np.array(medians["minigrad"]), np.array(medians["torch"]), np.array(medians["copy"])
    with np.errstate(divide="ignore", invalid="ignore"):
        ratios = np.where((mg == 0) & (th == 0), 1.0, mg / th)  # nothing measured on either side: equal
    q1, ratio, q3 = np.percentile(ratios, [25, 50, 75])
    return {"case": case.name, "unit": case.unit, "rounds": rounds,
            "minigrad": float(np.median(mg)), "torch": float(np.median(th)), "ratio": float(ratio),
            "ratio_q1": float(q1), "ratio_q3": float(q3), "minigrad_first": first["minigrad"],
            "torch_first": first["torch"], "minigrad_threads": threads["minigrad"],
            "torch_threads": threads["torch"], "target": case.target,
            "limit": case.limit, "note": case.note,
            **({} if copy is None else {"bandwidth": case.bytes / float(np.median(cp)),
                                        "of_limit": float(np.median(cp / mg))})}


def pytest_case(cases, device="cpu"):
    """The pytest-benchmark test over ``cases(device)``, one group per case and library:
    ``test_bench = pytest_case(cases)``. A measured case's values go to ``extra_info["values"]``."""
    import pytest

    built = {}

    def fns(case):
        if case.name not in built:
            built.clear()  # keep one case's inputs alive at a time
            built[case.name] = case.build()
        return built[case.name]

    @pytest.mark.parametrize("lib", LIBS)
    @pytest.mark.parametrize("case", cases(device), ids=lambda c: c.name)
    def test_bench(benchmark, case, lib):
        if case.skip:
            pytest.skip(case.skip)
        benchmark.group = case.name
        fn = fns(case)[lib]
        if case.measured:
            values = []
            benchmark.pedantic(lambda: values.append(fn()), rounds=schedule(case, False)[0], iterations=1)
            benchmark.extra_info["values"] = values
            return
        fn()  # JIT compilation outside the timing
        if case.default_threads:
            benchmark(fn)
            return
        with fastest_threads(lib, fn, 0.1, 3) as threads:
            benchmark.extra_info["threads"] = threads
            benchmark(fn)
    return test_bench


def discover(pattern=None, device="cpu"):
    """The ``Case``s for ``device`` of the ``bench_*.py`` modules beside this file that define ``cases``
    and list ``device`` in their ``DEVICES`` (default ("cpu",)), in file order; with ``pattern``, those
    whose name or module name contains it (or matches it as a glob)."""
    def matches(*names):
        if not pattern:
            return True
        if any(c in pattern for c in "*?["):
            return any(fnmatch.fnmatch(n, pattern) for n in names)
        return any(pattern.lower() in n.lower() for n in names)

    found = []
    for path in sorted(HERE.glob("bench_*.py")):
        module = importlib.import_module(path.stem)
        if hasattr(module, "cases") and device in getattr(module, "DEVICES", ("cpu",)):
            found += [c for c in module.cases(device) if matches(c.name, path.stem)]
    return found


def versions():
    import numba
    import torch

    import minigrad
    return {"python": platform.python_version(), "numpy": np.__version__, "numba": numba.__version__,
            "torch": torch.__version__, "minigrad": minigrad.__version__}


def _blas():
    """The BLAS libraries loaded, as threadpoolctl reports them: numpy's (its kernel, e.g. OpenBLAS's
    "SkylakeX", is what OPENBLAS_CORETYPE overrides); torch's MKL is linked in statically, unlisted."""
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        return "unknown (install threadpoolctl to record it)"
    libs = [f"{i.get('internal_api')} {i.get('version')} {i.get('architecture') or ''} "
            f"({i.get('num_threads')} threads, {os.path.basename(i.get('filepath', ''))})".replace("  ", " ")
            for i in threadpool_info() if i.get("user_api") == "blas"]
    return "; ".join(libs) or "none found"


def machine():
    return {"date": datetime.now(timezone.utc).astimezone().isoformat(timespec="seconds"),
            "platform": platform.platform(), "processor": platform.processor() or platform.machine(),
            "cpu_count": os.cpu_count(), "blas": _blas(),
            "openblas_env": ",".join(k for k in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE") if k in os.environ)
            or "unset", "versions": versions()}


def _emit(out, record):
    out.write(json.dumps(record) + "\n")
    out.flush()


def main(argv=None):
    """The worker ``minigrad bench`` starts: runs the matching cases and appends one JSON record per
    line to ``--results`` ("start" with the case count and the machine, "begin"/"case" per case)."""
    parser = argparse.ArgumentParser(description="minigrad's benchmark worker (use `minigrad bench`)")
    parser.add_argument("--results", required=True)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--filter")
    parser.add_argument("--device", default="cpu")
    args = parser.parse_args(argv)
    import torch  # noqa: F401 - fail here, before any case, when torch is missing
    cases = discover(args.filter, args.device)
    with open(args.results, "a", encoding="utf-8") as out:
        _emit(out, {"event": "start", "total": len(cases), "machine": machine(), "load_start": os.getloadavg(),
                    "available": [] if cases else [c.name for c in discover(None, args.device)]})
        for case in cases:
            _emit(out, {"event": "begin", "case": case.name})
            try:
                record = {"case": case.name, "skipped": case.skip} if case.skip else measure(case, args.quick)
            except Exception as exc:  # noqa: BLE001 - one broken case must not hide the others' numbers
                traceback.print_exc()
                record = {"case": case.name, "error": f"{type(exc).__name__}: {exc}".splitlines()[0]}
            _emit(out, {"event": "case", **record})
        _emit(out, {"event": "end", "load_end": os.getloadavg()})


if __name__ == "__main__":
    main()
