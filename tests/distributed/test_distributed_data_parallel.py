"""DistributedDataParallel on 2 ranks (exact) and 3 ranks (close): replicas bit-identical, gradients equal
to one process averaging every rank's gradients, close to the full batch on one process; no_sync,
unused parameters, several buckets, bucket views, different initial weights, buffers; DistributedSampler
in a process group."""
import pytest

from tests.distributed.mpi_jobs import launch, ok

DDP_JOB = r'''
import os
import numpy as np
import torch
import torch.distributed as dist
import torch.nn as nn
import torch.nn.functional as F
from torch.nn.parallel import DistributedDataParallel as DDP
from minigrad.examples.segmentation import segmentation_net

dist.init_process_group("gloo")
rank, n = dist.get_rank(), dist.get_world_size()
EXACT = n == 2  # two addends sum the same in any order; three may round differently from numpy's order

def flat(xs):
    return np.concatenate([x.detach().numpy().ravel() for x in xs])

def identical_on_every_rank(module):
    everyone = [None] * n
    dist.all_gather_object(everyone, flat(module.parameters()).tobytes())
    assert all(e == everyone[0] for e in everyone), "replicas differ"

def equal(got, want, what):
    if EXACT:
        np.testing.assert_array_equal(got, want, err_msg=what)
    else:
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6, err_msg=what)

def mlp(dtype=torch.float32):
    return nn.Sequential(nn.Linear(8, 16), nn.ReLU(), nn.Linear(16, 16), nn.Tanh(), nn.Linear(16, 4)).to(dtype)

def mlp_batches(step, dtype):
    rng = np.random.default_rng(step)
    return [(torch.from_numpy(rng.standard_normal((5, 8)).astype(dtype)),
             torch.from_numpy(rng.standard_normal((5, 4)).astype(dtype))) for _ in range(n)]

def seg_batches(step, dtype):
    rng = np.random.default_rng(100 + step)
    return [(torch.from_numpy(rng.standard_normal((2, 3, 8, 8)).astype(dtype)),
             torch.from_numpy(rng.integers(0, 2, (2, 2, 2)))) for _ in range(n)]

def train_and_compare(make, batches, loss_fn, dtype, steps=2, **options):
    torch.manual_seed(rank)  # a different start on every rank: DDP must broadcast rank 0's
    model = make()
    torch.manual_seed(0)
    ref, full = make(), make()
    full.load_state_dict(ref.state_dict())  # both rank 0's start, on every rank
    ddp = DDP(model, **options)
    assert list(ddp.state_dict())[0].startswith("module.")
    equal(flat(model.parameters()), flat(ref.parameters()), "broadcast at construction")
    opts = [torch.optim.SGD(m.parameters(), lr=0.1) for m in (model, ref, full)]
    for step in range(steps):
        data = batches(step, dtype)
        for o in opts:
            o.zero_grad()
        loss_fn(ddp(data[rank][0]), data[rank][1]).backward()
        grads = []  # one process: every rank's gradient, averaged
        for x, y in data:
            ref.zero_grad()
            loss_fn(ref(x), y).backward()
            grads.append([p.grad.clone() for p in ref.parameters()])
        for i, p in enumerate(ref.parameters()):
            total = grads[0][i]
            for g in grads[1:]:
                total = total + g[i]
            p.grad = total / n
        equal(flat(p.grad for p in model.parameters()), flat(p.grad for p in ref.parameters()), "averaged grads")
        loss_fn(full(torch.cat([x for x, _ in data])), torch.cat([y for _, y in data])).backward()
        np.testing.assert_allclose(flat(p.grad for p in model.parameters()), flat(p.grad for p in full.parameters()),
                                   rtol=1e-4, atol=1e-6, err_msg="full batch")
        for o in opts:
            o.step()
        identical_on_every_rank(model)
    return ddp

ddp = train_and_compare(mlp, mlp_batches, F.mse_loss, np.float32, bucket_cap_mb=0.0005)
assert len(ddp._buckets) > 2, len(ddp._buckets)
train_and_compare(lambda: mlp(torch.float64), mlp_batches, F.mse_loss, np.float64, gradient_as_bucket_view=True,
                  steps=3)
train_and_compare(lambda: segmentation_net(nn, F), seg_batches, F.cross_entropy, np.float32, steps=1)

# no_sync: two local accumulations, then a synchronised backward reduces the sum of all three
model, ref = mlp(), mlp()
ddp = DDP(model)
ref.load_state_dict(model.state_dict())
data = [mlp_batches(s, np.float32) for s in range(3)]
with ddp.no_sync():
    for s in range(2):
        F.mse_loss(ddp(data[s][rank][0]), data[s][rank][1]).backward()
local = flat(p.grad for p in model.parameters())
everyone = [None] * n
dist.all_gather_object(everyone, local)
assert not all(np.array_equal(e, everyone[0]) for e in everyone), "no_sync reduced"
F.mse_loss(ddp(data[2][rank][0]), data[2][rank][1]).backward()
per_rank = []  # each rank's three accumulated gradients, then their average
for r in range(n):
    ref.zero_grad()
    for s in range(3):
        F.mse_loss(ref(data[s][r][0]), data[s][r][1]).backward()
    per_rank.append(flat(p.grad for p in ref.parameters()))
equal(flat(p.grad for p in model.parameters()), sum(per_rank) / n, "no_sync")

# find_unused_parameters: `spare` is used on rank 0 only, `never` on no rank
class Branchy(nn.Module):
    def __init__(self):
        super().__init__()
        self.body, self.spare, self.never = nn.Linear(4, 4), nn.Linear(4, 4), nn.Linear(4, 4)
    def forward(self, x, use_spare):
        x = self.body(x)
        return self.spare(x) if use_spare else x
model, ref = Branchy(), Branchy()
ddp = DDP(model, find_unused_parameters=True, bucket_cap_mb=0.0001)  # a bucket per parameter
ref.load_state_dict(model.state_dict())
xs = [torch.from_numpy(np.random.default_rng(r).standard_normal((3, 4)).astype(np.float32)) for r in range(n)]
ddp(xs[rank], rank == 0).pow(2).sum().backward()
for r in range(n):
    ref(xs[r], r == 0).pow(2).sum().backward()
assert model.never.weight.grad is None and model.never.bias.grad is None
for name in ("body", "spare"):
    for mine, want in zip(getattr(model, name).parameters(), getattr(ref, name).parameters()):
        equal(mine.grad.numpy(), want.grad.numpy() / n, name)
ddp(xs[rank], rank == 0).pow(2).sum().backward()  # a second iteration works the same way

# without find_unused_parameters an unused parameter is reported at the next forward
ddp = DDP(Branchy())
ddp(xs[rank], True).sum().backward()
try:
    ddp(xs[rank], True)
except RuntimeError as exc:
    assert "find_unused_parameters=True" in str(exc)
else:
    raise AssertionError("no error for the unused parameter")

# buffers: rank 0's at construction and before every forward
net = nn.Sequential(nn.Linear(4, 4), nn.BatchNorm1d(4))
net[1].running_mean.fill_(float(rank))
ddp = DDP(net)
assert net[1].running_mean.tolist() == [0.0] * 4
ddp.eval()
net[1].running_var.fill_(1.0 + rank)
ddp(xs[rank])
assert net[1].running_var.tolist() == [1.0] * 4
# DistributedSampler takes the replica count and rank from the process group
from torch.utils.data.distributed import DistributedSampler
sampler = DistributedSampler(range(11), seed=5)
assert (sampler.num_replicas, sampler.rank) == (n, rank)
everyone = [None] * n
dist.all_gather_object(everyone, list(sampler))
assert set(sum(everyone, [])) == set(range(11)) and sum(map(len, everyone)) == n * -(-11 // n)
__import__("os").write(1, f"OK {rank}\n".encode())
'''


@pytest.mark.parametrize("nprocs", [2, 3])
def test_ddp(tmp_path, nprocs):
    proc, _ = launch(DDP_JOB, nprocs, tmp_path, timeout=240)
    ok(proc, nprocs)
