"""Threads: separate models trained at the same time in two Python threads give exactly the results
they give one after the other, with no abort (``kernels/cpu/_parallel.py``: kernels release the GIL
and split their work over a thread pool that any number of callers can share)."""
import threading

import pytest

import minigrad
from tests.hardening.childproc import result, run
from minigrad import nn


def test_two_threads_train_like_sequential_runs():
    proc = run("""
        import json, threading
        from tests.hardening import workloads

        STEPS = 40  # enough overlap that Numba's workqueue layer, under prange kernels, aborted every time (6/6)
        sequential = [workloads.train(job, STEPS) for job in workloads.build(seed=0)]
        jobs = workloads.build(seed=0)
        start = threading.Barrier(len(jobs))
        concurrent = [None] * len(jobs)

        def worker(i):
            start.wait()
            concurrent[i] = workloads.train(jobs[i], STEPS)

        threads = [threading.Thread(target=worker, args=(i,)) for i in range(len(jobs))]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        print(json.dumps({"sequential": sequential, "concurrent": concurrent,
                          "threaded_kernels": workloads.threaded_kernels_run()}))
    """, timeout=300, env={"NUMBA_NUM_THREADS": "2"})  # the pool is used even on a one-core machine
    out = result(proc)  # a crash or an abort fails here
    assert out["threaded_kernels"] >= 2, "the jobs never reached a kernel's threaded path"
    assert out["concurrent"] == out["sequential"]


def test_grad_mode_is_per_thread():
    """``no_grad`` in one thread does not stop another thread from recording its graph."""
    inside, done = threading.Event(), threading.Event()
    seen = {}

    def quiet():
        with minigrad.no_grad():
            inside.set()
            done.wait(30)
            seen["quiet"] = (nn.Linear(3, 2)(minigrad.randn(4, 3))).requires_grad

    def training():
        inside.wait(30)
        seen["training"] = minigrad.is_grad_enabled() and nn.Linear(3, 2)(minigrad.randn(4, 3)).sum().grad_fn.name
        done.set()

    threads = [threading.Thread(target=quiet), threading.Thread(target=training)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert seen == {"quiet": False, "training": "SumBackward0"}


def test_worker_threads_compute_inf_and_nan_silently():
    """torch computes log(0), 1/0 and an overflowing exp without a word; so must minigrad in any
    thread (numpy keeps its error settings per thread: the main thread's ``seterr`` does not reach
    the others). A child process, because pytest resets warning filters set while it collects."""
    out = result(run("""
        import json, threading
        import minigrad
        caught = []

        def worker():
            try:
                x = minigrad.tensor([0.0, 1.0, 1000.0], requires_grad=True)
                (x.log() + 1 / x + x.exp() + x.sqrt()).sum().backward()
                assert not minigrad.isfinite(x.grad).all().item()
            except Exception as exc:  # a warning turned into an error by -W error
                caught.append(f"{type(exc).__name__}: {exc}")

        thread = threading.Thread(target=worker)
        thread.start()
        thread.join()
        print(json.dumps(caught))
    """, env={"PYTHONWARNINGS": "error::RuntimeWarning"}))
    assert out == []


def test_set_num_threads_as_torch():
    """``set_num_threads``/``get_num_threads`` take and refuse what torch's do, and the thread count
    changes no bits of a large kernel's results."""
    import numpy as np
    import torch
    import minigrad.nn.functional as F

    for bad in (0, -1, 1.5, "2", True):
        with pytest.raises(RuntimeError) as want:
            torch.set_num_threads(bad)
        with pytest.raises(RuntimeError) as got:
            minigrad.set_num_threads(bad)
        assert str(got.value) == str(want.value)
    g = np.random.default_rng(0)
    x, y = g.standard_normal((1024, 300)), g.standard_normal((1024, 300))  # over PARALLEL_MIN elements
    before = minigrad.get_num_threads()
    results = {}
    try:
        for n in (1, 2, 3):
            minigrad.set_num_threads(n)
            assert minigrad.get_num_threads() == n
            a = minigrad.tensor(x, requires_grad=True)
            loss = F.smooth_l1_loss(a, minigrad.tensor(y))
            loss.backward()
            results[n] = loss.item().hex(), a.grad.numpy().tobytes()
    finally:
        minigrad.set_num_threads(before)
    assert results[1] == results[2] == results[3]
