"""``minigrad warmup``: compile the kernels a first script most likely needs into Numba's on-disk
cache, so that its first run loads them instead of compiling them.

Why: every Numba kernel compiles on its first call in a process whose cache lacks it (0.3-1.7 s each
on a loaded 2-core machine); a tutorial's first run spent most of its seconds there, and later runs
load the same kernels from the cache in milliseconds. (The random draws, max_pool2d, ReLU, nll_loss
on rows, the class losses' target check and the SGD/Adam updates run numpy twins instead of
compiling, kernels/cpu/_twins.py; the warm-up compiles their kernels, faster per call.) ``pip
install`` runs no code of the package (wheels have no install hook; pip builds in an isolated
environment without numba), so the cache cannot be filled at install time: run ``minigrad
warmup`` once after installing (or in a Dockerfile's build step). It fills the cache of this Python
and this CPU (``NUMBA_CACHE_DIR`` when set, else ``__pycache__`` beside the kernels), the same place
a script reads it from.

What: the float32 paths of the tutorials' common pieces, through the public API so that each kernel
compiles for exactly the argument types a script passes: the random kernels (float32 draws, randint,
dropout), Linear/Conv2d/max_pool2d/BatchNorm2d/ReLU/Sigmoid forward and backward, the common losses
(cross entropy on rows and on (N, C, H, W) maps, nll, mse, l1, smooth L1, BCE, BCE with logits) and
SGD/Adam steps. float64 and the rarer ops still compile on first use.
"""
import time

from . import nn, optim
from .nn import functional as F


def _losses(torch):
    logits = torch.randn(8, 5, requires_grad=True)
    classes = torch.randint(0, 5, (8,))
    maps = torch.randn(2, 3, 4, 4, requires_grad=True)
    pixels = torch.randint(0, 3, (2, 4, 4))
    x, y = torch.randn(8, 5, requires_grad=True), torch.rand(8, 5)
    for loss in (F.cross_entropy(logits, classes), F.cross_entropy(maps, pixels),
                 F.nll_loss(F.log_softmax(logits, dim=1), classes), F.mse_loss(x, y), F.l1_loss(x, y),
                 F.smooth_l1_loss(x, y), F.binary_cross_entropy(torch.sigmoid(x), y),
                 F.binary_cross_entropy_with_logits(x, y)):
        loss.backward()


def _mlp(torch):
    net = nn.Sequential(nn.Linear(10, 5), nn.ReLU(), nn.Linear(5, 3), nn.Sigmoid())
    for opt in (optim.SGD(net.parameters(), lr=0.01), optim.SGD(net.parameters(), lr=0.01, momentum=0.9),
                optim.Adam(net.parameters())):
        opt.zero_grad()
        net(torch.randn(4, 10)).sum().backward()
        opt.step()


def _conv(torch):
    net = nn.Sequential(nn.Conv2d(3, 4, 3, padding=1), nn.BatchNorm2d(4), nn.ReLU(), nn.MaxPool2d(2))
    out = F.max_pool2d(F.relu(net(torch.randn(2, 3, 8, 8))), kernel_size=2, stride=2)
    out.sum().backward()


def _random_draws(torch):
    torch.randn(40), torch.randn(3), torch.rand(8), torch.randint(0, 5, (8,)), torch.bernoulli(torch.rand(8))
    F.dropout(torch.ones(8), 0.5)


STEPS = {"random draws": _random_draws, "losses": _losses, "MLP and optimizers": _mlp,
         "convolution and pooling": _conv}


def warmup(report=print):
    """Run each warm-up step once (float32), calling ``report`` with a line per step and its seconds;
    returns the total seconds."""
    import minigrad
    from .kernels.cpu import _twins
    total = time.perf_counter()
    for name, step in STEPS.items():
        start = time.perf_counter()
        with _twins.executor("compiled"):  # the kernels, not their numpy twins
            step(minigrad)
        report(f"{name}: {time.perf_counter() - start:.2f} s")
    total = time.perf_counter() - total
    report(f"kernel cache filled in {total:.2f} s")
    return total
