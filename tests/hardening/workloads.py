"""Training jobs the thread, process and determinism tests run (imported by their child processes,
so spawned workers can find ``run_job``).

Every job's loss works on more than ``PARALLEL_MIN`` elements, so its kernels split their work over
threads; ``build`` uses the global generator, so jobs are built before any thread starts."""
import hashlib

import minigrad
from minigrad import nn, optim
from minigrad.kernels.cpu import _parallel

STEPS = 12


def build(seed):
    """Two (model, input, target, criterion) jobs: a 512-class classifier over a batch of 256
    (cross entropy on 131,072 logits) and a 1024-output regressor over a batch of 128 (MSE)."""
    minigrad.manual_seed(seed)
    return [
        (nn.Sequential(nn.Linear(64, 128), nn.ReLU(), nn.Linear(128, 512)), minigrad.randn(256, 64),
         minigrad.randint(0, 512, (256,)), nn.CrossEntropyLoss()),
        (nn.Sequential(nn.Linear(64, 1024)), minigrad.randn(128, 64), minigrad.randn(128, 1024), nn.MSELoss()),
    ]


def train(job, steps=STEPS):
    """SGD with momentum for ``steps`` steps: every loss (as float.hex) and a digest of the final
    parameters."""
    net, x, y, criterion = job
    opt = optim.SGD(net.parameters(), lr=0.05, momentum=0.9)
    losses = []
    for _ in range(steps):
        opt.zero_grad()
        out = net(x)
        assert out.numel() >= _parallel.PARALLEL_MIN  # the loss kernel takes its threaded path
        loss = criterion(out, y)
        loss.backward()
        opt.step()
        losses.append(loss.item().hex())
    digest = hashlib.sha1(b"".join(p.detach().numpy().tobytes() for p in net.parameters())).hexdigest()
    return {"losses": losses, "params": digest}


def run_job(index, seed=0, steps=STEPS):
    """``train`` job ``index`` of ``build(seed)`` (a worker's entry point)."""
    return train(build(seed)[index], steps)


def threaded_kernels_run():
    """How many ``split`` kernels have run on work large enough to split over threads, in this process."""
    import gc
    # type(), not isinstance(): isinstance dereferences a weakref.proxy, which raises once its object is gone
    return sum(1 for o in gc.get_objects() if type(o) is _parallel.Split and o.split_calls)


def report_job(queue, index, steps=STEPS):
    """``run_job`` in a worker process, its result put on ``queue`` as (index, result)."""
    queue.put((index, run_job(index, steps=steps)))
