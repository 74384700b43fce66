"""conv2d and max_pool2d kernels against torch, forward + backward, on the segmentation network
(float32, batch 4): 3x64x64 -> Conv2d(3,64,3,p=1) -> relu -> maxpool 2 -> Conv2d(64,128,3,p=1) -> relu
-> maxpool 2 -> Conv2d(128,2,3,p=1). The input needs no gradient, so conv1 computes only grad_w, grad_b.
The step's relu is the declared pointwise op's CPU loop (``kernels.cpu.pointwise_forward`` / ``_backward``).

    python benchmarks/bench_conv_kernels.py [--threads N] [--rounds R] [--cpu-time]
                                               # interleaved medians per layer and for the whole step,
                                               # with the ratio minigrad/torch
    minigrad bench --filter conv_kernels       # the same workloads as harness cases conv_kernels/<layer>
    pytest benchmarks/bench_conv_kernels.py    # and as pytest-benchmark groups

Time with ``env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE``: those settings halve numpy's matmul. On a
shared machine ``--threads 1 --cpu-time`` (process CPU time, one thread everywhere) stays comparable
while other processes compete for the cores; wall-clock times with 2 threads then do not.
"""
import argparse
import time

import numpy as np
import torch
import torch.nn.functional as F
from _harness import Case, pytest_case

import minigrad
from minigrad.kernels.cpu import pointwise_backward, pointwise_forward
from minigrad.kernels.cpu.conv2d import conv2d_backward, conv2d_forward
from minigrad.kernels.cpu.pooling import max_pool2d_backward, max_pool2d_forward
from minigrad.ops.pointwise import DECLARED

RELU = next(d for d in DECLARED if d.name == "relu")
ONE = (1, 1)
CONVS = {"conv1": (3, 64, 64), "conv2": (64, 128, 32), "conv3": (128, 2, 16)}  # in, out channels, size
POOLS = {"pool1": (64, 64), "pool2": (128, 32)}                               # channels, input size
BATCH = 4


def _data(seed=0):
    rng = np.random.default_rng(seed)
    arrays = {"x": rng.standard_normal((BATCH, 3, 64, 64), dtype=np.float32)}
    for name, (cin, cout, size) in CONVS.items():
        arrays[name + ".in"] = rng.standard_normal((BATCH, cin, size, size), dtype=np.float32)
        arrays[name + ".w"] = rng.standard_normal((cout, cin, 3, 3), dtype=np.float32) * (2 / (9 * cin)) ** 0.5
        arrays[name + ".b"] = rng.standard_normal(cout, dtype=np.float32) * 0.1
    for name, (c, size) in POOLS.items():
        arrays[name + ".in"] = rng.standard_normal((BATCH, c, size, size), dtype=np.float32)
    return arrays


def _mg_conv(x, w, b, need_x):
    out, saved = conv2d_forward(x, w, b, ONE, ONE, ONE, 1)
    return out, lambda g: conv2d_backward(g, x, w, saved, ONE, ONE, ONE, 1, (need_x, True, True))[0]


def _mg_pool(x):
    geometry = (2, 2, 0, 1, False)  # kernel, stride, padding, dilation, ceil_mode
    out, argmax = max_pool2d_forward(x, *geometry)
    return out, lambda g: max_pool2d_backward(g, argmax, x.shape, *geometry)


def _mg_relu(x):
    out = pointwise_forward(RELU, (x,), ())
    return out, lambda g: pointwise_backward(RELU, g, (None,), out, ())[0]


def _fwd_bwd(layer):
    """Run ``layer() -> (out, backward)`` and its backward on a gradient of ones."""
    def run():
        out, backward = layer()
        backward(np.ones_like(out))
    return run


def minigrad_workloads(a):
    def step():
        backwards = []
        h = a["x"]
        for i, name in enumerate(CONVS):
            h, back = _mg_conv(h, a[name + ".w"], a[name + ".b"], need_x=i > 0)
            backwards.append(back)
            if i < 2:
                for layer in (_mg_relu, _mg_pool):
                    h, back = layer(h)
                    backwards.append(back)
        g = np.ones_like(h)
        for back in reversed(backwards):
            g = back(g)

    work = {name: _fwd_bwd(lambda n=name, i=i: _mg_conv(a[n + ".in"], a[n + ".w"], a[n + ".b"], need_x=i > 0))
            for i, name in enumerate(CONVS)}
    work.update({name: _fwd_bwd(lambda n=name: _mg_pool(a[n + ".in"])) for name in POOLS})
    work["step"] = step
    return work


def torch_workloads(a):
    t = {k: torch.from_numpy(v.copy()) for k, v in a.items()}
    params = [t[n + s] for n in CONVS for s in (".w", ".b")]
    leaves = params + [t[n + ".in"] for n in list(CONVS)[1:] + list(POOLS)]  # conv1's input needs no grad
    for p in leaves:
        p.requires_grad_(True)

    def backward(out):
        for p in leaves:
            p.grad = None
        out.backward(torch.ones_like(out))

    def step():
        h = t["x"]
        for i, name in enumerate(CONVS):
            h = F.conv2d(h, t[name + ".w"], t[name + ".b"], padding=1)
            if i < 2:
                h = F.max_pool2d(F.relu(h), 2)
        backward(h)

    work = {name: (lambda n=name: backward(F.conv2d(t[n + ".in"], t[n + ".w"], t[n + ".b"], padding=1)))
            for name in CONVS}
    work.update({name: (lambda n=name: backward(F.max_pool2d(t[n + ".in"], 2))) for name in POOLS})
    work["step"] = step
    return work


ORDER = ["conv1", "pool1", "conv2", "pool2", "conv3", "step"]


def cases(device):
    """One harness case per layer, ``conv_kernels/<layer>``: these are the CPU backend's kernels."""
    skip = "" if device == "cpu" else "times the CPU kernels (minigrad.kernels.cpu) only"

    def build(layer):
        a = _data()
        return {"minigrad": minigrad_workloads(a)[layer], "torch": torch_workloads(a)[layer]}
    return [Case(f"conv_kernels/{layer}", lambda layer=layer: build(layer), target=1.0, skip=skip,
                 note="kernels only, no autograd" if layer == "step" else "") for layer in ORDER]


test_bench = pytest_case(cases)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=40)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--threads", type=int, help="BLAS, Numba and torch threads (default: theirs)")
    parser.add_argument("--cpu-time", action="store_true", help="process CPU time instead of wall clock")
    args = parser.parse_args()
    clock = time.process_time if args.cpu_time else time.perf_counter
    if args.threads:
        from threadpoolctl import threadpool_limits
        threadpool_limits(args.threads)
        minigrad.set_num_threads(args.threads)
        torch.set_num_threads(args.threads)
    a = _data()
    impls = {"minigrad": minigrad_workloads(a), "torch": torch_workloads(a)}
    times = {(impl, layer): [] for impl in impls for layer in ORDER}
    for r in range(args.warmup + args.rounds):
        for layer in ORDER:          # interleave, so load from other processes hits both sides alike
            for impl, work in impls.items():
                start = clock()
                work[layer]()
                if r >= args.warmup:
                    times[impl, layer].append(clock() - start)
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads; medians of {args.rounds} rounds, "
          f"ms of {'CPU' if args.cpu_time else 'wall-clock'} time")
    print(f"{'layer':8}{'minigrad':>10}{'torch':>10}{'ratio':>8}")
    med = {k: 1e3 * float(np.median(v)) for k, v in times.items()}
    for layer in ORDER:
        m, t = med["minigrad", layer], med["torch", layer]
        print(f"{layer:8}{m:10.3f}{t:10.3f}{m / t:8.2f}")
    m, t = (sum(med[impl, layer] for layer in ORDER[:-1]) for impl in impls)
    print(f"{'layers':8}{m:10.3f}{t:10.3f}{m / t:8.2f}   (sum of the rows above step)")


if __name__ == "__main__":
    main()
