"""Differential fuzzing against torch (``fuzzing.py``): every loss of ``minigrad.nn.functional`` and
the core ops, on drawn shapes, dtypes, options and bad inputs. The fuzz runs in a child process: a
crash (a segfault in a kernel) fails the target it hit, and the others still run. Each minigrad bug
the fuzz found is kept here as a regression test on the example that found it."""
import json

import pytest

from tests.hardening import fuzzing
from tests.hardening.childproc import run


def _fuzz(targets, prelude=""):
    """{target: {"examples": n, "error": text or None}} from child runs of ``fuzzing.main`` (after
    the code ``prelude``); a target during which the child died gets the exit status as its error,
    and the rest run in a fresh child."""
    results, left = {}, list(targets)
    while left:
        proc = run(prelude, "import sys, numpy; from tests.hardening import fuzzing; numpy.seterr(all='ignore'); "
                   "fuzzing.main(sys.argv[1:])", args=left, timeout=600)
        started = None
        for line in proc.stdout.splitlines():
            if line.startswith("@@fuzz "):
                record = json.loads(line[len("@@fuzz "):])
                started = record["target"]
                if record["event"] == "end":
                    results[started] = record
                    started = None
        if started is not None:  # died inside a target
            results[started] = {"examples": None, "error": f"the fuzzing process died (exit status "
                                                           f"{proc.returncode}):\n{proc.stderr[-3000:]}"}
        elif proc.returncode != 0:
            pytest.fail(f"the fuzzing process failed outside any target:\n{proc.stderr[-3000:]}")
        left = [t for t in left if t not in results]
    return results


@pytest.fixture(scope="module")
def fuzzed():
    return _fuzz(list(fuzzing.PROPERTIES))


@pytest.mark.slow
@pytest.mark.parametrize("target", list(fuzzing.PROPERTIES))
def test_agrees_with_torch(fuzzed, target):
    result = fuzzed[target]
    assert result["error"] is None, result["error"]
    assert result["examples"] == fuzzing.EXAMPLES


@pytest.mark.slow
def test_example_count(fuzzed):
    total = sum(r["examples"] or 0 for r in fuzzed.values())
    print(f"{total} fuzz examples over {len(fuzzed)} targets")
    assert total >= 500


@pytest.mark.parametrize("target, example, bug", fuzzing.REGRESSIONS, ids=[r[0] for r in fuzzing.REGRESSIONS])
def test_fixed_bug_stays_fixed(target, example, bug):
    """Each minigrad bug the fuzz found, on the example that found it."""
    fuzzing.CASES[target](**example)


def test_a_crash_fails_only_its_target():
    """A target whose check kills the process is reported as a failure; the targets after it run."""
    segfault = "import ctypes; from tests.hardening import fuzzing; fuzzing.PROPERTIES['mse_loss'] = lambda: ctypes.string_at(0)"
    results = _fuzz(["mse_loss", "unary ops"], prelude=segfault)
    assert results["mse_loss"]["error"].startswith("the fuzzing process died (exit status -11)")
    assert results["unary ops"]["error"] is None and results["unary ops"]["examples"] == fuzzing.EXAMPLES
