"""A DistributedDataParallel script of the shape torch's DDP tutorial has, written for torch and run
unchanged by ``minigrad run -n 2 ddp_toy.py [checkpoint path]`` (or ``torchrun --nproc-per-node 2``
with PyTorch): a toy model, DistributedSampler, DDP, SGD and a checkpoint saved by rank 0.

Each rank prints one line per epoch: its rank, the epoch and the loss averaged over the ranks.
"""
import os
import sys

import torch  # alias-ok: run through `minigrad run -n 2`
import torch.distributed as dist  # alias-ok
import torch.nn as nn  # alias-ok
import torch.optim as optim  # alias-ok
from torch.nn.parallel import DistributedDataParallel as DDP  # alias-ok
from torch.utils.data import DataLoader, TensorDataset  # alias-ok
from torch.utils.data.distributed import DistributedSampler  # alias-ok


class ToyModel(nn.Module):
    def __init__(self):
        super().__init__()
        self.net1 = nn.Linear(10, 10)
        self.relu = nn.ReLU()
        self.net2 = nn.Linear(10, 5)

    def forward(self, x):
        return self.net2(self.relu(self.net1(x)))


def main(checkpoint):
    dist.init_process_group("gloo")
    rank, world_size = dist.get_rank(), dist.get_world_size()
    torch.manual_seed(0)
    data = TensorDataset(torch.randn(64, 10), torch.randn(64, 5))
    sampler = DistributedSampler(data, num_replicas=world_size, rank=rank, shuffle=True, seed=0)
    loader = DataLoader(data, batch_size=8, sampler=sampler)

    torch.manual_seed(rank)  # different initial weights per rank: DDP's broadcast makes them rank 0's
    model = ToyModel()
    ddp_model = DDP(model)
    loss_fn = nn.MSELoss()
    optimizer = optim.SGD(ddp_model.parameters(), lr=0.05)

    for epoch in range(3):
        sampler.set_epoch(epoch)
        total = torch.zeros(1)
        for x, y in loader:
            optimizer.zero_grad()
            loss = loss_fn(ddp_model(x), y)
            loss.backward()
            optimizer.step()
            total += loss.detach()
        dist.all_reduce(total, op=dist.ReduceOp.AVG)
        print(f"rank {rank} epoch {epoch} loss {total.item() / len(loader):.6f}", flush=True)

    if rank == 0:
        torch.save(ddp_model.state_dict(), checkpoint)
    dist.barrier()  # the others wait until rank 0 has saved
    state = torch.load(checkpoint, map_location="cpu", weights_only=True)
    ddp_model.load_state_dict(state)
    dist.destroy_process_group()


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.getcwd(), "ddp_toy.pt"))
