"""Processes: workers started with fork after parallel kernels have run in the parent (the pattern of
data-loader workers), and with spawn, train exactly as the parent does; a fork while another thread
is inside a parallel kernel gives a child that still runs them."""
import pytest

from childproc import result, run

# In the child: run the two jobs here (so threaded kernels have run), then in worker processes.
WORKERS = """
    import json, multiprocessing as mp, sys
    import workloads

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
    """, timeout=400)
    out = result(proc)
    assert out["workers"] == out["parent"]


def test_fork_while_another_thread_runs_parallel_kernels():
    """Forks land while a training thread is inside (or between) threaded kernels: every child still
    gets the kernel launch lock and the thread pool, and trains like the parent."""
    proc = run(WORKERS, """
        import threading
        want = workloads.run_job(1, steps=2)
        stop = threading.Event()

        def background():
            job = workloads.build(seed=1)[1]
            while not stop.is_set():
                workloads.train(job, steps=1)

        thread = threading.Thread(target=background)
        thread.start()
        try:
            got = [in_workers("fork", [1], steps=2)[1] for _ in range(6)]
        finally:
            stop.set()
            thread.join()
        print(json.dumps({"want": want, "got": got}))
    """, timeout=400)
    out = result(proc)
    assert out["got"] == [out["want"]] * 6
