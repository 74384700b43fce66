"""F.interpolate / nn.Upsample (every mode, align_corners, size or scale_factor,
recompute_scale_factor), PixelShuffle / PixelUnshuffle against torch: values, gradients, grad_fn
names, float64 gradcheck, inf/NaN placement, torch's errors."""
import numpy as np
import pytest
import torch

import minigrad
import minigrad.nn as mnn
import minigrad.nn.functional as MF
from tests.compare import assert_close, compare, gradcheck
from tests.nn.layer_helpers import rand

TF = torch.nn.functional
SHAPES = {1: (2, 3, 6), 2: (2, 3, 5, 7), 3: (1, 2, 3, 4, 5)}
MODES = [("nearest", 1), ("nearest", 2), ("nearest", 3), ("nearest-exact", 2), ("linear", 1), ("bilinear", 2),
         ("bicubic", 2), ("trilinear", 3), ("area", 2)]
RESIZES = [dict(scale_factor=2), dict(scale_factor=1.7), dict(scale_factor=0.6, recompute_scale_factor=True),
           dict(size=9), dict(size="shrink")]


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("mode,dim,align_corners", [m + (None,) for m in MODES] +
                         [m + (True,) for m in MODES if not m[0].startswith(("nearest", "area"))])
@pytest.mark.parametrize("resize", RESIZES, ids=lambda r: "-".join(f"{k}={v}" for k, v in r.items()))
def test_interpolate(mode, dim, resize, align_corners, dtype):
    if resize.get("size") == "shrink":
        resize = dict(size=tuple(max(1, s - 2) for s in SHAPES[dim][2:]))
    x = rand(SHAPES[dim], dtype)
    tol = dict(rtol=1e-5, atol=1e-5) if dtype == np.float32 else {}
    out, _ = compare(lambda x: MF.interpolate(x, mode=mode, align_corners=align_corners, **resize),
                     lambda x: TF.interpolate(x, mode=mode, align_corners=align_corners, **resize), [x], **tol)
    if mode != "area":
        assert out.grad_fn.name == TF.interpolate(torch.tensor(x, requires_grad=True), mode=mode,
                                                  align_corners=align_corners, **resize).grad_fn.name()


@pytest.mark.parametrize("mode,dim", [m for m in MODES if m[0] != "area"])
def test_gradcheck(mode, dim):
    shape = tuple(min(s, 4) for s in SHAPES[dim])
    assert gradcheck(lambda x: MF.interpolate(x, scale_factor=1.5, mode=mode), [rand(shape, np.float64)])


def test_inf_and_nan_stay_local_as_torch():
    x = rand((1, 1, 4, 5))
    x[0, 0, 1, 2], x[0, 0, 3, 0] = np.inf, np.nan
    for mode in ("nearest", "bilinear", "bicubic"):
        assert_close(MF.interpolate(minigrad.tensor(x), scale_factor=2, mode=mode),
                     TF.interpolate(torch.tensor(x), scale_factor=2, mode=mode))


def test_modules():
    x = rand((1, 2, 4, 4))
    for make in (lambda nn: nn.Upsample(scale_factor=2, mode="bilinear"), lambda nn: nn.Upsample(size=(5, 3)),
                 lambda nn: nn.UpsamplingNearest2d(scale_factor=3), lambda nn: nn.UpsamplingBilinear2d(size=7),
                 lambda nn: nn.Upsample(scale_factor=(2, 1.5), mode="bicubic", align_corners=True)):
        m, t = make(mnn), make(torch.nn)
        assert repr(m) == repr(t)
        assert_close(m(minigrad.tensor(x)), t(torch.tensor(x)), rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("shape,r", [((2, 8, 3, 3), 2), ((18, 2, 2), 3), ((2, 1, 4, 3, 5), 1)])
def test_pixel_shuffle_roundtrip(shape, r):
    x = rand(shape)
    out, _ = compare(lambda x: MF.pixel_shuffle(x, r), lambda x: TF.pixel_shuffle(x, r), [x])
    compare(lambda x: MF.pixel_unshuffle(x, r), lambda x: TF.pixel_unshuffle(x, r), [out.detach().numpy()])
    assert repr(mnn.PixelShuffle(r)) == repr(torch.nn.PixelShuffle(r))
    assert repr(mnn.PixelUnshuffle(r)) == repr(torch.nn.PixelUnshuffle(r))
    assert_close(mnn.PixelUnshuffle(r)(mnn.PixelShuffle(r)(minigrad.tensor(x))), x)


def test_errors():
    x = minigrad.tensor(rand((1, 2, 4, 4)))
    with pytest.raises(ValueError, match="align_corners option can only be set with the interpolating modes"):
        MF.interpolate(x, scale_factor=2, align_corners=True)
    with pytest.raises(ValueError, match="only one of size or scale_factor should be defined"):
        MF.interpolate(x, size=3, scale_factor=2)
    with pytest.raises(ValueError, match="either size or scale_factor should be defined"):
        MF.interpolate(x)
    with pytest.raises(ValueError, match="Input and output must have the same number of spatial dimensions"):
        MF.interpolate(x, size=(2, 3, 4))
    with pytest.raises(NotImplementedError, match="Got 4D input, but linear mode needs 3D input"):
        MF.interpolate(x, scale_factor=2, mode="linear")
    with pytest.raises(NotImplementedError, match="Input Error: Only 3D, 4D and 5D input Tensors supported"):
        MF.interpolate(x, scale_factor=2, mode="cubic")
    with pytest.raises(RuntimeError, match="pixel_shuffle expects its input's 'channel' dimension to be divisible"):
        MF.pixel_shuffle(minigrad.tensor(rand((1, 3, 2, 2))), 2)
    with pytest.raises(RuntimeError, match="pixel_unshuffle expects height to be divisible by downscale_factor"):
        MF.pixel_unshuffle(minigrad.tensor(rand((1, 3, 3, 2))), 2)
