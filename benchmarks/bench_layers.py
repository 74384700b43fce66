"""Issue 17's layers against torch, forward + backward, float32, both libraries on the same data and
weights (the upstream gradient is ones):

    batch_norm2d         BatchNorm2d (training) on the segmentation net's conv1 activation (4, 64, 64, 64)
    layer_norm           LayerNorm(64) over that activation channels-last: 16384 rows of 64
    embedding            Embedding(50000, 128) on 4096 indices (the dense weight gradient included)
    conv_transpose2d     the U-Net decoder's ConvTranspose2d(128, 64, 2, stride 2) on (4, 128, 16, 16)
    conv_transpose2d_k3  ConvTranspose2d(128, 64, 3, stride 2, padding 1, output_padding 1), same input
    interpolate          bilinear ×2 upsampling of (4, 64, 32, 32)
    unet_step            one SGD step of minigrad.examples.segmentation_unet on (4, 3, 64, 64)

Targets (issue 17): normalisation and embedding ≤ 0.5× torch, transposed convolution and the step ≤ 1.0×.

    minigrad bench --filter layers
    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE python -m pytest benchmarks/bench_layers.py --benchmark-only
"""
import numpy as np
import torch
from _harness import Case, pytest_case

import minigrad
from minigrad.examples.segmentation_unet import segmentation_unet

LIBS = {"minigrad": minigrad, "torch": torch}


def _layer_step(make, x_shape, lib, seed=0):
    """step() running ``make(lib)`` forward and backward on a fixed input; weights copied from
    minigrad's initialisation so both libraries hold the same."""
    minigrad.manual_seed(seed)
    weights = {k: v.detach().numpy() for k, v in make(minigrad).state_dict().items()}
    layer = make(lib)
    layer.load_state_dict({k: lib.tensor(v) for k, v in weights.items()})
    x = lib.tensor(np.random.default_rng(seed).standard_normal(x_shape, dtype=np.float32), requires_grad=True)
    ones = None

    def step():
        nonlocal ones
        layer.zero_grad()
        x.grad = None
        out = layer(x)
        ones = lib.ones(out.shape) if ones is None else ones
        out.backward(ones)
    return step


def _embedding_step(lib):
    minigrad.manual_seed(0)
    weight = minigrad.nn.Embedding(50000, 128).weight.detach().numpy()
    layer = lib.nn.Embedding.from_pretrained(lib.tensor(weight), freeze=False)
    idx = lib.tensor(np.random.default_rng(0).integers(0, 50000, 4096))
    ones = lib.ones(4096, 128)

    def step():
        layer.weight.grad = None
        layer(idx).backward(ones)
    return step


def _interpolate_step(lib):
    x = lib.tensor(np.random.default_rng(0).standard_normal((4, 64, 32, 32), dtype=np.float32), requires_grad=True)
    ones = lib.ones(4, 64, 64, 64)

    def step():
        x.grad = None
        lib.nn.functional.interpolate(x, scale_factor=2, mode="bilinear").backward(ones)
    return step


def _unet_step(lib):
    minigrad.manual_seed(0)
    weights = {k: v.detach().numpy() for k, v in segmentation_unet(minigrad).state_dict().items()}
    net = segmentation_unet(lib)
    net.load_state_dict({k: lib.tensor(v) for k, v in weights.items()})
    rng = np.random.default_rng(0)
    x = lib.tensor(rng.standard_normal((4, 3, 64, 64), dtype=np.float32))
    y = lib.tensor(rng.integers(0, 2, (4, 64, 64)))
    criterion, optimizer = lib.nn.CrossEntropyLoss(), lib.optim.SGD(net.parameters(), lr=0.01)

    def step():
        optimizer.zero_grad()
        criterion(net(x), y).backward()
        optimizer.step()
    return step


LAYERS = {
    "batch_norm2d": (lambda lib: lib.nn.BatchNorm2d(64), (4, 64, 64, 64), 0.5),
    "layer_norm": (lambda lib: lib.nn.LayerNorm(64), (4, 64 * 64, 64), 0.5),
    "conv_transpose2d": (lambda lib: lib.nn.ConvTranspose2d(128, 64, 2, stride=2), (4, 128, 16, 16), 1.0),
    "conv_transpose2d_k3": (lambda lib: lib.nn.ConvTranspose2d(128, 64, 3, stride=2, padding=1, output_padding=1),
                            (4, 128, 16, 16), 1.0),
}
STEPS = {"embedding": (_embedding_step, 0.5), "interpolate": (_interpolate_step, None), "unet_step": (_unet_step, 1.0)}


def cases(device):
    out = [Case(name, lambda m=make, s=shape: {lib: _layer_step(m, s, LIBS[lib]) for lib in LIBS}, target=target)
           for name, (make, shape, target) in LAYERS.items()]
    out += [Case(name, lambda f=fn: {lib: f(LIBS[lib]) for lib in LIBS}, target=target)
            for name, (fn, target) in STEPS.items()]
    return out


test_bench = pytest_case(cases)
