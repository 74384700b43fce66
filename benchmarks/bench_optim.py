"""One optimizer step against torch's: Adam, AdamW, RMSprop and Adagrad over the same parameters and
gradients (float32), minigrad's fused kernel (one pass per parameter) against torch's default and,
where torch has one, its fused CPU implementation.

    <optimizer>/<model>/default   torch's default implementation (on the CPU: one tensor at a time,
                                  several passes per parameter); targets ≤ 0.5×
    <optimizer>/<model>/fused     torch's ``fused=True`` (one vectorised pass, like minigrad's);
                                  target ≤ 1.0×
    <optimizer>/10M/peak_memory   how far steps after the first raise the resident memory (fresh
                                  process per library and round, as bench_training_steps measures)

The models: ``mnist_mlp`` holds the parameters of Linear(784, 256) → Linear(256, 10) (203,530, four
tensors: per-call overhead dominates), ``10M`` two 2500×2000 matrices and their biases (10,004,000:
memory bandwidth dominates). Each library runs with whichever of one thread or its default is faster
(``_harness.fastest_threads``); minigrad's optimizer kernels are single-threaded.

    minigrad bench --filter optim
    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE python -m pytest benchmarks/bench_optim.py --benchmark-only
"""
import numpy as np
import torch

import minigrad
from _harness import Case, pytest_case
from bench_training_steps import can_reset_peak, fresh_process_main, in_fresh_process, peak_rss_growth

LIBS = {"minigrad": minigrad, "torch": torch}
MODELS = {"mnist_mlp": [(256, 784), (256,), (10, 256), (10,)], "10M": [(2500, 2000), (2000,)] * 2}
OPTIMIZERS = {"Adam": {"lr": 1e-3}, "AdamW": {"lr": 1e-3}, "RMSprop": {"lr": 1e-2}, "Adagrad": {"lr": 1e-2}}
FUSED = ("Adam", "AdamW", "Adagrad")  # torch has no fused RMSprop


def optimizer_step(name, model, lib, torch_options=None):
    """A closure running one ``optim.<name>`` step over ``MODELS[model]``'s parameters, with gradients
    that stay (the same data in both libraries); the first step (state creation) has run."""
    rng = np.random.default_rng(0)
    params = []
    for shape in MODELS[model]:
        p = lib.nn.Parameter(lib.tensor(rng.standard_normal(shape, dtype=np.float32)))
        p.grad = lib.tensor(rng.standard_normal(shape, dtype=np.float32))
        params.append(p)
    optimizer = getattr(lib.optim, name)(params, **OPTIMIZERS[name], **(torch_options or {}))
    optimizer.step()
    return optimizer.step


def peak_growth(name, model, lib, steps=3):
    """Bytes by which ``steps`` optimizer steps after the first raise the peak resident set size (the
    parameters, gradients and state already exist); run in a fresh process (``in_fresh_process``)."""
    step = optimizer_step(name, model, LIBS[lib])
    step()
    return peak_rss_growth(step, steps)


def cases(device):
    out = []
    for name in OPTIMIZERS:
        for model in MODELS:
            for variant, options in (("default", {}), ("fused", {"fused": True})):
                if variant == "fused" and name not in FUSED:
                    continue
                target = 1.0 if variant == "fused" else 0.5
                out.append(Case(f"{name}/{model}/{variant}",
                                lambda n=name, m=model, o=options: {"minigrad": optimizer_step(n, m, minigrad),
                                                                    "torch": optimizer_step(n, m, torch, o)},
                                target=target))
        if can_reset_peak():
            out.append(Case(f"{name}/10M/peak_memory",
                            lambda n=name: {lib: lambda lib=lib: in_fresh_process(__file__, n, "10M", lib)
                                            for lib in LIBS},
                            measured=True, unit="B", rounds=3, limit=1 << 20,
                            note="peak RSS growth of steps after the first (torch default), fresh process"))
    return out


test_bench = pytest_case(cases)

if __name__ == "__main__":
    fresh_process_main(peak_growth, "OPTIMIZER MODEL LIB")
