"""The launchers (``minigrad run -n``, ``minigrad torchrun``), ``torch.multiprocessing.spawn`` over MPI
ranks, and the DDP tutorial script ``examples/ddp_toy.py`` run unchanged on 2 ranks."""
import os
import re

import pytest
import torch

from tests.distributed.mpi_jobs import ROOT, launch, ok

ENV_JOB = r'''
import os
import torch.distributed as dist
dist.init_process_group("gloo")
rank = dist.get_rank()
env = {k: os.environ.get(k) for k in ("RANK", "WORLD_SIZE", "LOCAL_RANK", "LOCAL_WORLD_SIZE", "MASTER_ADDR",
                                      "MASTER_PORT", "NUMBA_NUM_THREADS")}
assert env["RANK"] == env["LOCAL_RANK"] == str(rank), env
assert env["WORLD_SIZE"] == env["LOCAL_WORLD_SIZE"] == "2", env
assert env["MASTER_ADDR"] and env["MASTER_PORT"], env
cpus = len(os.sched_getaffinity(0))
assert env["NUMBA_NUM_THREADS"] == str(max(1, cpus // 2)), env
import torch
assert torch.get_num_threads() == max(1, cpus // 2)
os.write(1, f"OK {rank}\n".encode())
'''


@pytest.mark.parametrize("launcher", [("run", "-n"), ("torchrun", "--nproc-per-node")])
def test_launcher_exports_torchrun_environment(tmp_path, launcher):
    proc, _ = launch(ENV_JOB, 2, tmp_path, launcher=launcher, env={"NUMBA_NUM_THREADS": None})
    ok(proc, 2)


def test_spawn(tmp_path):
    script = tmp_path / "spawner.py"
    script.write_text(r'''
import os
import sys
import torch
import torch.distributed as dist
import torch.multiprocessing as mp

def work(rank, world_size, out, fail):
    dist.init_process_group("gloo", rank=rank, world_size=world_size)
    t = torch.tensor([float(rank + 1)])
    dist.all_reduce(t)
    if fail and rank == 1:
        raise KeyError("rank 1 fails")
    with open(os.path.join(out, f"rank{rank}"), "w") as f:
        f.write(str(t.item()))
    dist.destroy_process_group()

if __name__ == "__main__":
    out = sys.argv[1]
    mp.spawn(work, args=(2, out, False), nprocs=2, join=True)
    print(sorted(open(os.path.join(out, f)).read() for f in os.listdir(out)))
    try:
        mp.spawn(work, args=(2, out, True), nprocs=2)
    except mp.ProcessRaisedException as exc:
        print("raised", "KeyError: 'rank 1 fails'" in str(exc), exc.error_index)
''')
    import subprocess
    import sys
    out = tmp_path / "out"
    out.mkdir()
    proc = subprocess.run([sys.executable, "-m", "minigrad", "run", str(script), str(out)], capture_output=True,
                          text=True, timeout=120, cwd=tmp_path, env=dict(os.environ, PYTHONPATH=ROOT))
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert proc.stdout.splitlines() == ["['3.0', '3.0']", "raised True 1"], proc.stdout + proc.stderr[-3000:]


def test_ddp_tutorial_script(tmp_path):
    checkpoint = tmp_path / "toy.pt"
    example = os.path.join(ROOT, "minigrad", "examples", "ddp_toy.py")
    proc, _ = launch(open(example).read(), 2, tmp_path, args=(str(checkpoint),))
    assert proc.returncode == 0, proc.stderr[-3000:]
    lines = re.findall(r"rank (\d) epoch (\d) loss (-?\d+\.\d+)", proc.stdout)
    by_rank = {r: [(e, loss) for rr, e, loss in sorted(lines) if rr == r] for r in "01"}
    assert len(by_rank["0"]) == 3 and by_rank["0"] == by_rank["1"], proc.stdout
    losses = [float(loss) for _, loss in by_rank["0"]]
    assert losses == sorted(losses, reverse=True), losses
    state = torch.load(checkpoint, weights_only=True)  # the checkpoint is one torch reads
    assert sorted(state) == ["module.net1.bias", "module.net1.weight", "module.net2.bias", "module.net2.weight"]
