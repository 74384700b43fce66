"""Processes: workers started with fork after parallel kernels have run in the parent (the pattern of
data-loader workers), and with spawn, train exactly as the parent does; a fork while another thread
is inside a parallel kernel gives a child that still runs them."""
import pytest

from tests.hardening.childproc import result, run

# In the child: run the two jobs here (so threaded kernels have run), then in worker processes.
WORKERS = """
    import json, multiprocessing as mp, sys
    from tests.hardening import workloads

    def in_workers(method, jobs, steps=workloads.STEPS):
        ctx = mp.get_context(method)
        queue = ctx.Queue()
        procs = [ctx.Process(target=workloads.report_job, args=(queue, i, steps)) for i in jobs]
        for p in procs:
            p.start()
        for p in procs:
            p.join(240)
        codes = [p.exitcode for p in procs]
        if codes != [0] * len(procs):
            sys.exit(f"{method} workers ended with exit codes {codes} (None: still running)")
        return dict(queue.get(timeout=10) for _ in procs)
"""


@pytest.mark.parametrize("method", ["fork", "spawn"])
def test_workers_train_like_the_parent(method):
    proc = run(WORKERS, f"""
        parent = [workloads.run_job(i) for i in range(2)]
        assert workloads.threaded_kernels_run() >= 2
        workers = in_workers({method!r}, range(2))
        print(json.dumps({{"parent": parent, "workers": [workers[0], workers[1]]}}))
    """, timeout=400, env={"NUMBA_NUM_THREADS": "2"})  # the parent's pool runs, even on one core
    out = result(proc)
    assert out["workers"] == out["parent"]


def test_fork_while_another_thread_runs_parallel_kernels():
    """Forks land while a thread is inside (or between) threaded loss kernels, so some copy the thread
    pool's lock taken or its workers busy: every child still runs threaded kernels, with the parent's
    results.
    (The thread runs no matmul: a fork while another thread is inside OpenBLAS hangs the child in
    OpenBLAS itself, whatever the library above it.)"""
    proc = run("""
        import json, multiprocessing as mp, threading
        import minigrad
        import minigrad.nn.functional as F

        minigrad.manual_seed(0)
        x, y = minigrad.randn(300_000), minigrad.randn(300_000)
        want = F.mse_loss(x, y).item()
        stop = threading.Event()

        def background():
            while not stop.is_set():
                F.mse_loss(x, y)

        def child(queue):
            queue.put(F.mse_loss(x, y).item())

        thread = threading.Thread(target=background)
        thread.start()
        got, codes = [], []
        try:
            for _ in range(10):
                queue = mp.get_context("fork").Queue()
                p = mp.get_context("fork").Process(target=child, args=(queue,))
                p.start()
                p.join(60)
                codes.append(p.exitcode)
                got.append(queue.get(timeout=5) if p.exitcode == 0 else None)
        finally:
            stop.set()
            thread.join()
        print(json.dumps({"want": want, "got": got, "codes": codes}))
    """, timeout=400, env={"NUMBA_NUM_THREADS": "2"})  # the parent's pool runs, even on one core
    out = result(proc)
    assert out["codes"] == [0] * 10, "exit codes of the forked children (None: hung)"
    assert out["got"] == [out["want"]] * 10
