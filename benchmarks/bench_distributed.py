"""Distributed: MPI jobs of minigrad.distributed against torch 2.13's gloo, each rank on one thread.

    allreduce/<size>            seconds of one in-place SUM all_reduce of a float32 tensor on 2 ranks
                                (the median over calls, each started after a barrier); the 64 MB case's
                                limit is twice the time of one memory copy of 64 MB on this machine
                                (``copy_seconds``): MPI's shared-memory allreduce should move the data
                                about as fast as a copy
    ddp/<model>/1rank           seconds of one training step (zero_grad, forward, cross-entropy,
                                backward, SGD step) of the plain model on one process
    ddp/<model>/2ranks          the same step under DistributedDataParallel on 2 ranks, each with the
                                1-rank batch: 2ranks − 1rank is what DDP costs a step (bucketing, the
                                allreduce, the wait); 1rank / 2ranks is the scaling efficiency
    models: mnist_mlp (Linear(784, 256) → relu → Linear(256, 10), batch 128 per rank) and
    segmentation (the documents' net, batch 4 of 3×64×64 per rank)

Every measurement is a fresh ``mpiexec`` job (``python bench_distributed.py --rank-job ...``) that times
inside and reports rank 0's median; minigrad's and torch's jobs alternate round by round.

    minigrad bench --filter distributed
    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE python -m pytest benchmarks/bench_distributed.py --benchmark-only
"""
import json
import os
import socket
import statistics
import subprocess
import sys
import time

import numpy as np

if __name__ != "__main__":
    from _harness import LIBS, Case, pytest_case

SIZES = {"4KB": 4 << 10, "256KB": 256 << 10, "4MB": 4 << 20, "64MB": 64 << 20}
MODELS = ("mnist_mlp", "segmentation")


def copy_seconds(nbytes):
    """The best time of ``np.copyto`` between two ``nbytes`` buffers: this machine's memory-copy limit."""
    src, dst = np.ones(nbytes // 4, np.float32), np.empty(nbytes // 4, np.float32)
    best = float("inf")
    for _ in range(7):
        start = time.perf_counter()
        np.copyto(dst, src)
        best = min(best, time.perf_counter() - start)
    return best


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run_job(lib, nprocs, kind, arg):
    """Rank 0's measurement (seconds) of a fresh ``nprocs``-rank job."""
    from minigrad.distributed.launch import mpiexec
    env = dict(os.environ, NUMBA_NUM_THREADS="1", OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1")
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                                                      env.get("PYTHONPATH")]))
    cmd = [mpiexec(), "-n", str(nprocs), sys.executable, os.path.abspath(__file__), "--rank-job", lib, kind, str(arg),
           str(_free_port())]
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=600)
    if proc.returncode:
        raise RuntimeError(f"{lib} {kind} job failed: {proc.stderr[-2000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])["seconds"]


def cases(device):
    if device != "cpu":
        return []
    out = []
    for label, nbytes in SIZES.items():
        limit = 2 * copy_seconds(nbytes) if label == "64MB" else None
        note = "bus bandwidth = size / time on 2 ranks"
        if limit:
            note += f"; limit = 2 copies ({limit * 1e3:.1f} ms)"
        out.append(Case(f"distributed/allreduce/{label}",
                        lambda n=nbytes: {lib: lambda lib=lib: run_job(lib, 2, "allreduce", n) for lib in LIBS},
                        measured=True, limit=limit, rounds=3, note=note))
    for model in MODELS:
        for nprocs in (1, 2):
            out.append(Case(f"distributed/ddp/{model}/{nprocs}rank{'s' if nprocs > 1 else ''}",
                            lambda m=model, n=nprocs: {lib: lambda lib=lib: run_job(lib, n, "ddp", m) for lib in LIBS},
                            measured=True, rounds=3))
    return out


if __name__ != "__main__":
    test_bench = pytest_case(cases)


# ---- inside a rank ------------------------------------------------------------------------------
def _timed(fn, barrier, calls, warmup=3):
    """Durations of ``calls`` calls of ``fn``, each started after ``barrier()`` (a fixed count, so every
    rank makes the same collectives)."""
    for _ in range(warmup):
        barrier()
        fn()
    samples = []
    for _ in range(calls):
        barrier()
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return samples


def _model(nn, F, name):
    if name == "mnist_mlp":
        model = nn.Sequential(nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 10))
        return model, (128, 784), (128,), 10
    from minigrad.examples.segmentation import segmentation_net
    return segmentation_net(nn, F), (4, 3, 64, 64), (4, 16, 16), 2


def rank_job(lib, kind, arg, port):
    rank, size = int(os.environ["PMI_RANK"]), int(os.environ["PMI_SIZE"])
    if lib == "minigrad":
        import minigrad as torch
        torch.distributed.init_process_group("gloo")
    else:
        import torch
        import torch.distributed
        torch.distributed.init_process_group("gloo", init_method=f"tcp://127.0.0.1:{port}", rank=rank,
                                             world_size=size)
    torch.set_num_threads(1)
    dist = torch.distributed
    if kind == "allreduce":
        t = torch.ones(int(arg) // 4)
        samples = _timed(lambda: dist.all_reduce(t), dist.barrier, max(10, min(200, (256 << 20) // int(arg))))
    else:
        nn, F = torch.nn, torch.nn.functional
        torch.manual_seed(0)
        model, xshape, yshape, classes = _model(nn, F, arg)
        net = torch.nn.parallel.DistributedDataParallel(model) if size > 1 else model
        opt = torch.optim.SGD(net.parameters(), lr=0.01)
        g = np.random.default_rng(rank)
        x = torch.from_numpy(g.standard_normal(xshape).astype(np.float32))
        y = torch.from_numpy(g.integers(0, classes, yshape))

        def step():
            opt.zero_grad()
            F.cross_entropy(net(x), y).backward()
            opt.step()
        samples = _timed(step, dist.barrier, 20)
    if rank == 0:
        print(json.dumps({"seconds": statistics.median(samples)}), flush=True)
    dist.destroy_process_group()


if __name__ == "__main__" and sys.argv[1:2] == ["--rank-job"]:
    rank_job(*sys.argv[2:6])
