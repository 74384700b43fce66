"""What the loss benchmarks share: ``F.<loss>`` forward + backward per library over the same arrays,
as harness cases, with inputs from the tests' loss-case registry (tests/losses/cases.py), float32.

Each bench_losses_<family>.py lists ``CASES``: (loss, size) pairs, where a size is ``tiny`` (64×10
for every loss) or ``medium`` (the registry's ``bench`` size for the loss), optionally with a shape
prefix or an options suffix the module describes (``seg-medium``, ``tiny+ls``; see ``make``).
The inputs a network produces (the case's ``trained`` positions) require grad; the others are data.
Targets (issue 20): ≤ 0.25× torch at tiny sizes, ≤ 0.3× at medium."""
import numpy as np
import torch

import minigrad
from _harness import Case
from tests.compare import tensors  # the tests' helper builds both sides from the same arrays
from tests.losses import cases as registry

TINY = (64, 10)


def family(name):
    """The registry's losses of one family, in its order."""
    return [loss for loss, case in registry.CASES.items() if case.family == name]


def make(name, size, variants=None, shapes=None, options=None):
    """(arrays, requires grad flags, kwargs) of case ``name``/``size``. A size is [prefix-]tiny|medium[+suffix]:
    ``shapes[prefix][tiny|medium]`` is an (n, c, spatial) size, ``variants[suffix]`` options; ``options``
    are the module's fixed options for the loss (over the registry's defaults)."""
    size, _, suffix = size.partition("+")
    prefix, _, size = size.rpartition("-")
    case = registry.CASES[name]
    n, c, sp = shapes[prefix][size] if prefix else (*(TINY if size == "tiny" else case.bench), ())
    opts = {**(options or {}), **(variants[suffix] if suffix else {})}
    args, kwargs, _ = registry.inputs(name, np.random.default_rng(0), np.float32, n, c, sp, opts)
    return args, tuple(i in case.trained for i in range(len(args))), kwargs


def workload(lib, name, arrays, grads, kw, device="cpu"):
    """A closure running ``F.<name>(*arrays, **kw)`` forward and backward in ``lib`` (minigrad or
    torch) on ``device``; the arrays flagged in ``grads`` require grad."""
    inputs = [t.to(device).requires_grad_(g) if g and t.is_floating_point() else t.to(device)
              for t, g in zip(tensors(arrays, lib, grad=False), grads)]
    kw = {k: lib.tensor(v, device=device) if isinstance(v, np.ndarray) else v for k, v in kw.items()}
    fn = getattr(lib.nn.functional, name)
    leaves = [t for t in inputs if t.requires_grad]
    ones = None

    def run():
        nonlocal ones
        for t in leaves:
            t.grad = None
        out = fn(*inputs, **kw)
        if out.ndim:
            ones = lib.ones_like(out) if ones is None else ones
            out.backward(ones)
        else:
            out.backward()
    return run


MEMORY_BOUND = ("mse_loss", "l1_loss", "smooth_l1_loss", "huber_loss")  # a few flops per element: bound by memory


def memory_bytes(name):
    """The bytes a memory-bound loss's medium case must move at least (float32): read x and y, write
    ∂L/∂x once each; None for the others. The bench shows the time as a share of the copy bandwidth."""
    if name not in MEMORY_BOUND:
        return None
    n, c = registry.CASES[name].bench
    return 3 * n * c * np.dtype(np.float32).itemsize


def loss_cases(names_sizes, variants=None, shapes=None, options=None):
    """``cases(device)`` for the harness: one case ``<loss>/<size>`` per (name, size) (see ``make``);
    ``options``: {loss: fixed options}."""
    def cases(device):
        def build(name, size):
            def both():
                arrays, grads, kw = make(name, size, variants, shapes, (options or {}).get(name))
                return {lib.__name__: workload(lib, name, arrays, grads, kw, device=device) for lib in (minigrad, torch)}
            return both
        return [Case(f"{name}/{size}", build(name, size), target=0.25 if "tiny" in size else 0.3,
                     bytes=memory_bytes(name) if size == "medium" else None)
                for name, size in names_sizes]
    return cases
