"""Determinism: the same ``manual_seed`` gives bit-identical losses and gradients run after run, and
with 1 or 2 Numba threads: every reduction must split its work the same way whatever the thread
count. Each loss runs above ``PARALLEL_MIN`` in float64 (where a changed summation order shows), on
its kernel's path that splits the work over threads."""
import json

import pytest

from tests.losses import cases as loss_cases
from tests.hardening.childproc import result, run

# (label, loss, n, c, extra dims, options): every threaded kernel, each loss at >= 2**17 elements
LARGE = [(name, name, 1024, 128, (), {}) for name in loss_cases.CASES] + [
    ("nll_loss (N, C, S)", "nll_loss", 8, 16, (1024,), {}),
    ("cross_entropy (N, C, S)", "cross_entropy", 8, 16, (1024,), {}),
    ("cross_entropy probabilities", "cross_entropy", 1024, 128, (), {"target": "probabilities"}),
    ("cross_entropy probabilities (N, C, S)", "cross_entropy", 8, 16, (1024,), {"target": "probabilities"}),
    ("cross_entropy label_smoothing", "cross_entropy", 1024, 128, (), {"label_smoothing": 0.1}),
]
TRAINING = ["documents' MLP, 50 steps", "cross-entropy job", "MSE job"]
SEEDS = 4  # inputs per case: a sum regrouped by another split can round to the same bits by chance

CHILD = """
    import hashlib, json, sys, zlib
    import numpy as np
    import minigrad
    import minigrad.nn.functional as F
    from tests.hardening import workloads
    from tests.losses import cases as loss_cases

    def digest(arrays):
        return hashlib.sha1(b"".join(np.ascontiguousarray(a).tobytes() for a in arrays)).hexdigest()

    out = {}
    for label, name, n, c, sp, options in json.loads(sys.argv[1]):
        results = []
        for seed in range(SEEDS):
            g = np.random.default_rng([seed, zlib.crc32(label.encode())])
            args, kwargs, grads = loss_cases.inputs(name, g, np.float64, n, c, sp, options)
            args = [minigrad.tensor(a, requires_grad=i in grads) if isinstance(a, np.ndarray) else a
                    for i, a in enumerate(args)]
            kwargs = {k: minigrad.tensor(v) if isinstance(v, np.ndarray) else v for k, v in kwargs.items()}
            loss = getattr(F, name)(*args, **kwargs)
            loss.sum().backward()
            results += [loss.detach().numpy()] + [args[i].grad.numpy() for i in grads]
        out[label] = digest(results)

    minigrad.manual_seed(0)
    x, target = minigrad.randn(4, 10), minigrad.tensor([0, 2, 1, 2])
    net = minigrad.nn.Sequential(minigrad.nn.Linear(10, 5), minigrad.nn.ReLU(), minigrad.nn.Linear(5, 3))
    opt = minigrad.optim.SGD(net.parameters(), lr=0.01)
    losses = []
    for _ in range(50):
        opt.zero_grad()
        loss = minigrad.nn.CrossEntropyLoss()(net(x), target)
        loss.backward()
        opt.step()
        losses.append(loss.item().hex())
    out[TRAINING[0]] = losses
    out[TRAINING[1]], out[TRAINING[2]] = workloads.run_job(0), workloads.run_job(1)
    out["threaded kernels"] = workloads.threaded_kernels_run()
    print(json.dumps(out))
"""


def _child(threads, cases=LARGE, **env):
    return result(run(f"TRAINING, SEEDS = {TRAINING!r}, {SEEDS}", CHILD, env={"NUMBA_NUM_THREADS": threads, **env},
                      args=(json.dumps(cases),), timeout=600))


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """The child's digests with 1 thread, with 2 threads, with 2 threads again (every kernel now loaded
    from the on-disk cache), and with 2 threads on an empty cache (every kernel compiled afresh)."""
    fresh = str(tmp_path_factory.mktemp("numba-cache"))
    return {key: _child(threads, **env) for key, threads, env in (("1", "1", {}), ("2", "2", {}), ("2 again", "2", {}),
                                                                   ("fresh", "2", {"NUMBA_CACHE_DIR": fresh}))}


def test_threaded_kernels_ran(runs):
    assert all(r["threaded kernels"] >= 20 for r in runs.values())


@pytest.mark.slow
@pytest.mark.parametrize("label", [c[0] for c in LARGE] + TRAINING)
def test_same_seed_same_bits_run_after_run(runs, label):
    assert runs["2"][label] == runs["2 again"][label]


@pytest.mark.slow
@pytest.mark.parametrize("label", [c[0] for c in LARGE] + TRAINING)
def test_same_bits_with_one_and_two_threads(runs, label):
    assert runs["1"][label] == runs["2"][label]


@pytest.mark.slow
@pytest.mark.parametrize("label", [c[0] for c in LARGE] + TRAINING)
def test_fresh_compile_matches_cached_one(runs, label):
    """The first run on an empty kernel cache gives the bits of every later run (``prange`` kernels did
    not: see ``kernels/cpu/_parallel.py``)."""
    assert runs["fresh"][label] == runs["2 again"][label]


def _loss_and_grads(name, n, c, sp, options):
    """The loss and its input gradients (numpy) of one LARGE case, on its fixed seed-0 inputs."""
    import numpy as np
    import minigrad
    import minigrad.nn.functional as F
    args, kwargs, grads = loss_cases.inputs(name, np.random.default_rng(0), np.float64, n, c, sp, options)
    args = [minigrad.tensor(a, requires_grad=i in grads) if isinstance(a, np.ndarray) else a
            for i, a in enumerate(args)]
    kwargs = {k: minigrad.tensor(v) if isinstance(v, np.ndarray) else v for k, v in kwargs.items()}
    loss = getattr(F, name)(*args, **kwargs)
    loss.sum().backward()
    return [loss.detach().numpy()] + [args[i].grad.numpy() for i in grads]


@pytest.mark.slow
@pytest.mark.filterwarnings("ignore:reduction. 'mean' divides")  # kl_div's, as torch's
@pytest.mark.parametrize("case", LARGE, ids=[c[0] for c in LARGE])
def test_threaded_and_single_call_runs_agree(monkeypatch, case):
    """A kernel sums the same pieces in the same order whether its units are split over threads or
    run in one call, so crossing ``PARALLEL_MIN`` changes no bits."""
    from minigrad.kernels.cpu import _parallel
    threaded = _loss_and_grads(*case[1:])
    monkeypatch.setattr(_parallel, "PARALLEL_MIN", 1 << 62)
    serial = _loss_and_grads(*case[1:])
    assert all(a.tobytes() == b.tobytes() for a, b in zip(threaded, serial))
