"""Every collective on 2 and 3 ranks (oversubscribed on two cores) against numpy: each rank knows every
rank's input (seeded by rank), so it checks its own result. Before joining, arguments that contradict
MPI are refused."""
import pytest

from tests.distributed.mpi_jobs import launch, ok

COLLECTIVES = r'''
import datetime
import os
import numpy as np
import torch
import torch.distributed as dist

assert not dist.is_initialized()
for kwargs, message in ((dict(backend="gloo", world_size=7), "world_size is 7"),
                        (dict(backend="gloo", rank=7), "rank is 7"), (dict(backend="fancy"), "Invalid backend")):
    try:
        dist.init_process_group(**kwargs)
    except ValueError as exc:  # arguments that contradict MPI: a clear error naming the way to launch
        assert message in str(exc) and ("minigrad run -n" in str(exc) or "backend" in message), exc
    else:
        raise AssertionError(f"no error for {kwargs}")
dist.init_process_group("gloo", timeout=datetime.timedelta(seconds=60), world_size=int(os.environ["WORLD_SIZE"]),
                        rank=int(os.environ["RANK"]))
assert dist.is_initialized() and dist.get_backend() == "gloo"
rank, n = dist.get_rank(), dist.get_world_size()
def data(r, dtype, shape=(3, 4)):
    a = np.random.default_rng(r).standard_normal(shape) * 4
    return a.astype(dtype) if np.dtype(dtype).kind == "f" else np.round(a).astype(dtype)
def same(t, want):
    got = t.numpy()
    assert got.dtype == np.asarray(want).dtype, (got.dtype, want)
    np.testing.assert_array_equal(got, want)
everyone = lambda dtype, shape=(3, 4): np.stack([data(r, dtype, shape) for r in range(n)])

# all_reduce: every op, float32/float64/int64, in place, sync and async, non-contiguous
for dtype in (np.float32, np.float64, np.int64):
    for op, ref in ((dist.ReduceOp.SUM, np.sum), (dist.ReduceOp.PRODUCT, np.prod), (dist.ReduceOp.MIN, np.min),
                    (dist.ReduceOp.MAX, np.max), (dist.ReduceOp.AVG, None)):
        if op == dist.ReduceOp.AVG and dtype == np.int64:
            continue
        t = torch.from_numpy(data(rank, dtype))
        work = dist.all_reduce(t, op=op, async_op=op == dist.ReduceOp.MAX)
        if work is not None:
            assert work.wait() and work.is_completed()
        stacked = everyone(dtype)
        want = stacked.sum(0) / n if ref is None else ref(stacked, axis=0)
        if dtype == np.int64 or n == 2 or ref in (np.min, np.max):
            same(t, want.astype(dtype))
        else:  # MPI's summation order may differ from numpy's for three ranks
            np.testing.assert_allclose(t.numpy(), want.astype(dtype), rtol=1e-6)
base = torch.from_numpy(data(rank, np.float64, (4, 3)))
view = base.t()  # non-contiguous: reduced through a copy written back
dist.all_reduce(view)
same(base, everyone(np.float64, (4, 3)).sum(0))
b = torch.tensor([rank == 0, False, True])
dist.all_reduce(b)
same(b, np.array([True, False, True]))
h = torch.tensor([1.5, rank], dtype=torch.float16)
dist.all_reduce(h, op=dist.ReduceOp.MAX)
same(h, np.array([1.5, n - 1], dtype=np.float16))
z = torch.tensor(float(rank))  # 0-d
dist.all_reduce(z)
assert z.item() == sum(range(n))
e = torch.zeros(0)
dist.all_reduce(e)
assert e.shape == (0,)

# broadcast, reduce (AVG too), from the last rank
for src in (0, n - 1):
    t = torch.from_numpy(data(rank, np.float32))
    dist.broadcast(t, src=src)
    same(t, data(src, np.float32))
    t = torch.from_numpy(data(rank, np.int64))
    dist.reduce(t, dst=src, op=dist.ReduceOp.SUM)
    same(t, everyone(np.int64).sum(0) if rank == src else data(rank, np.int64))
t = torch.from_numpy(data(rank, np.float64))
dist.reduce(t, dst=0, op=dist.ReduceOp.AVG)
if rank == 0:
    np.testing.assert_allclose(t.numpy(), everyone(np.float64).mean(0), rtol=1e-12)

# all_gather, all_gather_into_tensor (concatenated and stacked), reduce_scatter_tensor, gather, scatter
parts = [torch.zeros(3, 4, dtype=torch.float64) for _ in range(n)]
dist.all_gather(parts, torch.from_numpy(data(rank, np.float64)))
for r, p in enumerate(parts):
    same(p, data(r, np.float64))
out = torch.zeros(n * 3, 4)
dist.all_gather_into_tensor(out, torch.from_numpy(data(rank, np.float32)))
same(out, everyone(np.float32).reshape(n * 3, 4))
out = torch.zeros(n, 3, 4)
dist.all_gather_into_tensor(out, torch.from_numpy(data(rank, np.float32)))
same(out, everyone(np.float32))
big = torch.from_numpy(data(rank, np.int64, (n * 2, 5)))
mine = torch.zeros(2, 5, dtype=torch.int64)
dist.reduce_scatter_tensor(mine, big, op=dist.ReduceOp.MAX)
same(mine, everyone(np.int64, (n * 2, 5)).max(0)[2 * rank:2 * rank + 2])
dist.reduce_scatter_tensor(mine, big)
same(mine, everyone(np.int64, (n * 2, 5)).sum(0)[2 * rank:2 * rank + 2])
mine = torch.zeros(2, 5, dtype=torch.float64)
dist.reduce_scatter_tensor(mine, torch.from_numpy(data(rank, np.float64, (n * 2, 5))), op=dist.ReduceOp.AVG)
np.testing.assert_allclose(mine.numpy(), everyone(np.float64, (n * 2, 5)).mean(0)[2 * rank:2 * rank + 2], rtol=1e-12)
dst = n - 1
got = [torch.zeros(3, 4, dtype=torch.int64) for _ in range(n)] if rank == dst else None
dist.gather(torch.from_numpy(data(rank, np.int64)), got, dst=dst)
if rank == dst:
    for r, p in enumerate(got):
        same(p, data(r, np.int64))
t = torch.zeros(3, 4)
dist.scatter(t, [torch.from_numpy(data(10 + r, np.float32)) for r in range(n)] if rank == 0 else None, src=0)
same(t, data(10 + rank, np.float32))
if rank != 0:  # a list on a non-root rank is refused before any message moves
    for call, role in ((lambda: dist.gather(t, [t] * n, dst=0), "destination"),
                       (lambda: dist.scatter(t, [t] * n, src=0), "source")):
        try:
            call()
        except ValueError as exc:
            assert f"must NOT be specified on non-{role} ranks" in str(exc), exc
        else:
            raise AssertionError(f"no error for a list on a non-{role} rank")

# send/recv around a ring, isend/irecv, recv from any source
right, left = (rank + 1) % n, (rank - 1) % n
t = torch.zeros(3, 4)
if rank % 2 == 0:
    dist.send(torch.from_numpy(data(rank, np.float32)), dst=right)
    assert dist.recv(t, src=left) == left
else:
    assert dist.recv(t, src=left) == left
    dist.send(torch.from_numpy(data(rank, np.float32)), dst=right)
same(t, data(left, np.float32))
if rank == 0:
    for _ in range(n - 1):
        t = torch.zeros(1, dtype=torch.int64)
        sender = dist.recv(t)
        assert t.item() == 100 + sender
else:
    dist.isend(torch.tensor([100 + rank]), dst=0).wait()

# objects
objs = [None] * n
dist.all_gather_object(objs, {"rank": rank, "t": torch.tensor([rank, 2 * rank])})
assert [o["rank"] for o in objs] == list(range(n)) and objs[n - 1]["t"].tolist() == [n - 1, 2 * n - 2]
lst = ["a", 1, {"k": [1, 2]}] if rank == n - 1 else [None, None, None]
dist.broadcast_object_list(lst, src=n - 1)
assert lst == ["a", 1, {"k": [1, 2]}]

# a subgroup of ranks 0 and n-1: group ranks, collectives inside it, nothing for the others
g = dist.new_group([n - 1, 0])
inside = rank in (0, n - 1)
assert dist.get_rank(g) == ((0 if rank == 0 else 1) if inside else -1)
assert dist.get_world_size(g) == (2 if inside else -1)
t = torch.tensor([float(rank + 1)])
dist.all_reduce(t, group=g)
assert t.item() == (float(n + 1) if inside else rank + 1)
t = torch.tensor([float(rank)])
dist.broadcast(t, src=n - 1, group=g)
assert t.item() == (n - 1 if inside else rank)
dist.barrier()
assert dist.barrier(async_op=True).wait()

# errors raised before anything is sent
for call, kind in ((lambda: dist.all_reduce([1.0]), TypeError),
                   (lambda: dist.all_reduce(torch.ones(2), op=dist.ReduceOp.BAND), RuntimeError),
                   (lambda: dist.all_reduce(torch.ones(2, dtype=torch.int64), op=dist.ReduceOp.AVG), RuntimeError),
                   (lambda: dist.broadcast(torch.ones(2), src=n), ValueError),
                   (lambda: dist.all_gather([torch.ones(2)], torch.ones(2)), ValueError),
                   (lambda: dist.all_gather_into_tensor(torch.ones(3), torch.ones(2)), ValueError),
                   (lambda: dist.init_process_group("gloo"), ValueError)):
    try:
        call()
    except kind:
        pass
    else:
        raise AssertionError(f"no {kind.__name__}")
dist.destroy_process_group()
assert not dist.is_initialized()
try:
    dist.get_rank()
except ValueError as exc:
    assert "init_process_group" in str(exc)
__import__("os").write(1, f"OK {rank}\n".encode())  # one write: ranks share the pipe
'''


@pytest.mark.parametrize("nprocs", [2, 3])
def test_collectives_against_numpy(tmp_path, nprocs):
    proc, _ = launch(COLLECTIVES, nprocs, tmp_path)
    ok(proc, nprocs)


def test_import_does_not_start_mpi():
    import subprocess
    import sys
    code = ("import sys, minigrad, minigrad.distributed as d, minigrad.nn.parallel, minigrad.multiprocessing; "
            "assert d.is_available(); assert 'mpi4py' not in sys.modules and 'mpi4py.MPI' not in sys.modules; "
            "print('clean')")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.stdout.strip() == "clean", out.stderr


def test_cuda_tensors_through_host_under_simulator(tmp_path):
    """The 'nccl' backend on CUDA tensors (Numba's simulator): results on the device, one warning, and
    torch's error for a CPU tensor."""
    proc, _ = launch(r'''
        import os, warnings
        import numpy as np
        import torch, torch.distributed as dist
        dist.init_process_group("nccl")
        rank, n = dist.get_rank(), dist.get_world_size()
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            t = torch.arange(4, dtype=torch.float32, device="cuda") * (rank + 1)
            dist.all_reduce(t, op=dist.ReduceOp.AVG)
            assert t.is_cuda and t.cpu().tolist() == [0.0, 1.5, 3.0, 4.5], t
            b = torch.full((2, 2), float(rank), device="cuda")
            dist.broadcast(b, src=1)
            assert b.is_cuda and b.cpu().tolist() == [[1.0, 1.0], [1.0, 1.0]]
            parts = [torch.zeros(2, device="cuda") for _ in range(n)]
            dist.all_gather(parts, torch.full((2,), float(rank), device="cuda"))
            assert [p.cpu().tolist() for p in parts] == [[0.0, 0.0], [1.0, 1.0]]
        assert len(caught) == 1 and "through host memory" in str(caught[0].message), [str(w.message) for w in caught]
        try:
            dist.all_reduce(torch.ones(2))
        except RuntimeError as exc:
            assert "device type cpu" in str(exc)
        else:
            raise AssertionError("no error for a CPU tensor on nccl")
        os.write(1, f"OK {rank}\n".encode())
    ''', 2, tmp_path, env={"NUMBA_ENABLE_CUDASIM": "1"})
    ok(proc, 2)
