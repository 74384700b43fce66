"""Cold start: the wall time of a fresh process running a documents' snippet end to end, through
``python -m minigrad run SNIPPET`` against ``python SNIPPET`` with real torch, alternating.

    <snippet>/warm_cache    minigrad's compiled kernels already cached on disk (≤ 0.5× torch)
    <snippet>/empty_cache   NUMBA_CACHE_DIR pointing to a new empty folder for every minigrad run, so
                            every kernel the snippet uses is compiled or replaced by its numpy twin
                            (kernels/cpu/_twins.py); torch runs as above. Issue 20's
                            targets: ≤ 0.6× torch for 001, ≤ 1× for 008
    <snippet>/after_warmup  a new empty cache filled by ``minigrad warmup`` (not timed) before each
                            minigrad run: a fresh install after its one warm-up (≤ torch's time)
    <snippet>/empty_cache_cpu  empty_cache's runs counted in CPU seconds (user + sys of the process)
                            instead of wall seconds: on a loaded machine the wall time is mostly
                            the wait for a core, the CPU time what each library made it do

Before the first run, minigrad's modules are byte-compiled (``compiled_bytecode``), as pip does when
it installs a wheel: torch's and numba's bytecode was written by pip when they were installed, and
this environment sets PYTHONDONTWRITEBYTECODE=1, so a checkout's editable install would otherwise
compile its ~130 modules from source in every process (0.15 s of CPU each time).

The snippets are the tests' own (``../shared/seed-examples``, see tests/test_seed_examples.py): 001,
the documents' tiny MLP training step, and 008, their segmentation step. Without that folder beside
the checkout the cases are skipped.

    minigrad bench --filter cold_start
    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE python -m pytest benchmarks/bench_cold_start.py --benchmark-only
"""
import compileall
import functools
import importlib.util
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _harness import Case, pytest_case

SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seed-examples"
SNIPPETS = {"tiny_mlp_snippet": "001_docA_crossentropy_train.py",
            "segmentation_snippet": "008_docA_segmentation_with_crossentropyloss.py"}
EMPTY_CACHE_TARGETS = {"tiny_mlp_snippet": 0.6, "segmentation_snippet": 1.0}
COMMANDS = {"minigrad": [sys.executable, "-m", "minigrad", "run"], "torch": [sys.executable]}


@functools.cache
def compiled_bytecode():
    """Byte-compile minigrad's sources (its package and ``minigrad.kernels``) where they lack an
    up-to-date ``.pyc``, once per benchmark process (untimed)."""
    for name in ("minigrad", "minigrad.kernels"):
        compileall.compile_dir(str(Path(importlib.util.find_spec(name).origin).parent), quiet=1)


def run_fresh(lib, snippet, empty_cache, warmup=False, cpu=False):
    """Seconds a fresh ``lib`` process takes to run ``snippet`` (wall, or with ``cpu`` its user + sys
    CPU seconds); with ``empty_cache`` minigrad's kernel cache starts empty, then with ``warmup`` is
    filled by ``minigrad warmup`` first (untimed)."""
    compiled_bytecode()
    env = dict(os.environ)
    cache = tempfile.mkdtemp(prefix="minigrad-cold-") if empty_cache else None
    if cache:
        env["NUMBA_CACHE_DIR"] = cache
    try:
        if warmup and lib == "minigrad":
            subprocess.run([sys.executable, "-m", "minigrad", "warmup"], env=env, capture_output=True, check=True)
        start, used = time.perf_counter(), resource.getrusage(resource.RUSAGE_CHILDREN)
        proc = subprocess.run(COMMANDS[lib] + [str(snippet)], cwd=snippet.parent, env=env,
                              capture_output=True, text=True)
        seconds = time.perf_counter() - start
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        if cpu:
            seconds = after.ru_utime - used.ru_utime + after.ru_stime - used.ru_stime
    finally:
        if cache:
            shutil.rmtree(cache, ignore_errors=True)
    if proc.returncode:
        raise RuntimeError(f"{lib} failed on {snippet.name}: {proc.stderr.strip().splitlines()[-1:]}")
    return seconds


def cases(device):
    if device != "cpu":  # the snippets choose their own device
        return []
    skip = "" if SEEDS.is_dir() else f"the snippets' folder {SEEDS} is not beside this checkout"
    out = []
    for label, file in SNIPPETS.items():
        settings = {"warm_cache": (False, False, False, 0.5),  # (empty cache, warm-up first, CPU, target)
                    "empty_cache": (True, False, False, EMPTY_CACHE_TARGETS[label]),
                    "after_warmup": (True, True, False, 1.0),
                    "empty_cache_cpu": (True, False, True, EMPTY_CACHE_TARGETS[label])}
        for name, (empty, warm, cpu, target) in settings.items():
            out.append(Case(f"cold_start/{label}/{name}",
                            lambda f=SEEDS / file, e=empty, w=warm, c=cpu: {
                                lib: lambda lib=lib: run_fresh(lib, f, e, w, c) for lib in COMMANDS},
                            measured=True, target=target, rounds=2 if warm else None,  # a warm-up each
                            note=f"{'CPU' if cpu else 'wall'} seconds per fresh process, end to end", skip=skip))
    return out


test_bench = pytest_case(cases)
