"""Issue 17's layers on 'cuda' against 'cpu' (the same module, input and upstream gradient on each
device): outputs, input and parameter gradients and buffers, float32 and float64, tiny shapes."""
import numpy as np
import pytest

import minigrad
import minigrad.nn as nn
import minigrad.nn.functional as F
from minigrad.kernels.cuda import _matmul, conv2d

TOL = {np.float32: dict(rtol=2e-5, atol=2e-5), np.float64: dict(rtol=1e-10, atol=1e-12)}


@pytest.fixture(autouse=True)
def small_tiles(monkeypatch):
    monkeypatch.setattr(_matmul, "TILE", 4)
    monkeypatch.setattr(conv2d, "T", 2)
    monkeypatch.setattr(conv2d, "R", 2)


def run(make, x, device, dtype, grad=True):
    minigrad.manual_seed(0)
    module = make()
    if isinstance(module, nn.Module):
        module = module.to(device)
        if dtype == np.float64:
            module.double()
    xt = minigrad.tensor(x).to(device)
    if grad and x.dtype.kind == "f":
        xt.requires_grad_(True)
    out = module(xt)
    results = [out]
    if out.requires_grad:
        up = np.random.default_rng(1).standard_normal(out.shape).astype(x.dtype if x.dtype.kind == "f" else dtype)
        out.backward(minigrad.tensor(up).to(device))
        results += [xt.grad] if xt.requires_grad else []
    if isinstance(module, nn.Module):
        results += [p.grad for p in module.parameters() if p.grad is not None] + list(module.buffers())
    return [r.detach().cpu().numpy() for r in results]


def compare(make, x, dtype, grad=True):
    want, got = run(make, x, "cpu", dtype, grad), run(make, x, "cuda", dtype, grad)
    assert len(got) == len(want)
    for g, w in zip(got, want):
        assert g.shape == w.shape and g.dtype == w.dtype
        np.testing.assert_allclose(g, w, equal_nan=True, **(TOL[dtype] if w.dtype.kind == "f" else {}))


def data(shape, dtype):
    return np.random.default_rng(0).standard_normal(shape).astype(dtype)


LAYERS = {
    "batch_norm2d": (lambda: nn.BatchNorm2d(3), (2, 3, 3, 2)),
    "batch_norm1d": (lambda: nn.BatchNorm1d(4, momentum=None), (5, 4)),
    "layer_norm": (lambda: nn.LayerNorm((2, 3)), (3, 2, 3)),
    "group_norm": (lambda: nn.GroupNorm(2, 4), (2, 4, 3)),
    "instance_norm": (lambda: nn.InstanceNorm2d(3, affine=True, track_running_stats=True), (2, 3, 2, 3)),
    "conv_transpose2d": (lambda: nn.ConvTranspose2d(4, 6, 3, stride=2, padding=1, output_padding=1, groups=2),
                         (2, 4, 3, 3)),
    "conv_transpose1d": (lambda: nn.ConvTranspose1d(2, 3, 2, stride=2), (2, 2, 3)),
    "upsample_bilinear": (lambda: nn.Upsample(scale_factor=2, mode="bilinear"), (1, 2, 3, 2)),
    "upsample_bicubic": (lambda: nn.Upsample(size=(4, 5), mode="bicubic", align_corners=True), (1, 1, 3, 3)),
    "upsample_nearest": (lambda: nn.Upsample(scale_factor=1.5), (1, 2, 3, 4)),
    "unfold": (lambda: nn.Unfold(2, padding=1, stride=2), (1, 2, 3, 4)),
    "fold": (lambda: nn.Fold((3, 4), 2), (1, 8, 6)),
    "adaptive_max_pool2d": (lambda: nn.AdaptiveMaxPool2d((2, 3)), (1, 2, 5, 4)),
    "local_response_norm": (lambda: nn.LocalResponseNorm(2, alpha=0.5), (2, 3, 2, 2)),
    "pixel_shuffle": (lambda: nn.PixelShuffle(2), (1, 8, 2, 3)),
    "max_pool1d": (lambda: nn.MaxPool1d(3, 2, 1), (2, 2, 7)),
    "avg_pool1d": (lambda: nn.AvgPool1d(2), (2, 2, 6)),
    "conv1d": (lambda: nn.Conv1d(2, 4, 3, padding="same", groups=2), (2, 2, 5)),
}


# float64 for every layer (exact index and tap logic), float32 for the normalisations (their float64 sums)
@pytest.mark.parametrize("name,dtype", [(name, np.float64) for name in LAYERS] +
                         [(name, np.float32) for name in ("batch_norm2d", "layer_norm", "group_norm")])
def test_layer(name, dtype):
    make, shape = LAYERS[name]
    compare(make, data(shape, dtype), dtype)


@pytest.mark.parametrize("options", [{}, dict(padding_idx=1, scale_grad_by_freq=True), dict(max_norm=1.0)])
def test_embedding(options):
    idx = np.array([[0, 2, 1], [2, 2, 4]])
    compare(lambda: nn.Embedding(5, 3, **options), idx, np.float32)


def test_max_unpool2d():
    x = data((1, 2, 4, 4), np.float64)
    out, idx = F.max_pool2d(minigrad.tensor(x), 2, return_indices=True)
    compare(lambda: (lambda y: F.max_unpool2d(y, idx.to(y.device), 2)), out.numpy(), np.float64)


@pytest.mark.parametrize("mode", ["sum", "mean", "max"])
def test_embedding_bag(mode):
    x, offsets = np.array([1, 2, 4, 5, 4, 3, 2, 9, 0, 0]), np.array([0, 3, 3, 6])
    compare(lambda: (lambda w: F.embedding_bag(minigrad.tensor(x).to(w.device), w, minigrad.tensor(offsets).to(w.device),
                                               mode=mode, padding_idx=0)), data((10, 3), np.float64), np.float64)


def test_embedding_bag_per_sample_weights():
    x, offsets, a = np.array([1, 2, 4, 5, 4, 3]), np.array([0, 2]), data(6, np.float64)
    for device in ("cpu", "cuda"):
        w = minigrad.tensor(data((7, 3), np.float64)).to(device).requires_grad_(True)
        am = minigrad.tensor(a).to(device).requires_grad_(True)
        out = F.embedding_bag(minigrad.tensor(x).to(device), w, minigrad.tensor(offsets).to(device), mode="sum",
                              per_sample_weights=am)
        out.sum().backward()
        got = [t.detach().cpu().numpy() for t in (out, w.grad, am.grad)]
        if device == "cpu":
            want = got
    for g, w_ in zip(got, want):
        np.testing.assert_allclose(g, w_, rtol=1e-10)
