"""Conv1d, ConvTranspose1d, ConvTranspose2d and F.conv1d / conv_transpose1d / conv_transpose2d against
torch: values and gradients of input, weight and bias over stride, padding, output_padding, groups,
dilation and ``output_size``; default init shapes and bounds, reprs, float64 gradcheck, torch's errors."""
import math

import numpy as np
import pytest
import torch

import minigrad
import minigrad.nn as mnn
import minigrad.nn.functional as MF
from tests.compare import compare, gradcheck
from tests.nn.layer_helpers import compare_modules, rand, twin

TF = torch.nn.functional
DTYPES = [np.float32, np.float64]
# stride, padding, output_padding, groups, dilation
GEOMETRIES = [(1, 0, 0, 1, 1), (2, 1, 1, 1, 1), (2, 0, 0, 2, 1), (3, 1, 2, 1, 2), (1, 1, 0, 1, 2), ((2, 1), (1, 0),
                                                                                                    (1, 0), 1, 1)]


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("geometry", GEOMETRIES)
@pytest.mark.parametrize("bias", [True, False])
def test_conv_transpose2d(geometry, bias, dtype):
    s, p, op, g, d = geometry
    x, w, b = rand((2, 4, 5, 6), dtype), rand((4, 3, 3, 2), dtype, seed=1), rand(3 * g, dtype, seed=2)
    args = [x, w, b] if bias else [x, w]
    compare(lambda *t: MF.conv_transpose2d(*t, stride=s, padding=p, output_padding=op, groups=g, dilation=d),
            lambda *t: TF.conv_transpose2d(*t, stride=s, padding=p, output_padding=op, groups=g, dilation=d), args,
            **({"rtol": 1e-4, "atol": 1e-4} if dtype == np.float32 else {}))


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("geometry", GEOMETRIES[:5])
def test_conv_transpose1d_and_conv1d(geometry, dtype):
    s, p, op, g, d = geometry
    x, w, b = rand((2, 4, 7), dtype), rand((4, 3, 3), dtype, seed=1), rand(3 * g, dtype, seed=2)
    tol = {"rtol": 1e-4, "atol": 1e-4} if dtype == np.float32 else {}
    compare(lambda *t: MF.conv_transpose1d(*t, s, p, op, g, d), lambda *t: TF.conv_transpose1d(*t, s, p, op, g, d),
            [x, w, b], **tol)
    w1 = rand((6, 4 // g, 3), dtype, seed=3)
    compare(lambda x, w: MF.conv1d(x, w, None, s, p, d, g), lambda x, w: TF.conv1d(x, w, None, s, p, d, g), [x, w1],
            **tol)


@pytest.mark.parametrize("padding", ["same", "valid"])
def test_conv1d_string_padding_and_unbatched(padding):
    x, w = rand((4, 9)), rand((5, 4, 4), seed=1)
    compare(lambda x, w: MF.conv1d(x, w, padding=padding, dilation=2),
            lambda x, w: TF.conv1d(x, w, padding=padding, dilation=2), [x, w], rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("make", [
    lambda nn: nn.ConvTranspose2d(4, 6, 3, stride=2, padding=1, output_padding=1, groups=2),
    lambda nn: nn.ConvTranspose2d(4, 3, (2, 3), bias=False, dilation=2),
    lambda nn: nn.ConvTranspose1d(4, 2, 3, stride=2),
    lambda nn: nn.Conv1d(4, 6, 3, padding="same", groups=2),
    lambda nn: nn.Conv1d(4, 6, 5, stride=2, padding=2, bias=False)])
@pytest.mark.parametrize("dtype", DTYPES)
def test_modules(make, dtype):
    mg, th = twin(make(mnn), make(torch.nn), dtype)
    assert repr(mg) == repr(th)
    assert [(n, tuple(p.shape)) for n, p in mg.named_parameters()] == [(n, tuple(p.shape)) for n, p in
                                                                         th.named_parameters()]
    shape = (2, 4, 6) if isinstance(mg, (mnn.Conv1d, mnn.ConvTranspose1d)) else (2, 4, 5, 5)
    compare_modules(mg, th, rand(shape, dtype), **({"rtol": 1e-4, "atol": 1e-4} if dtype == np.float32 else {}))


def test_default_init_bounds():
    minigrad.manual_seed(0)
    m = mnn.ConvTranspose2d(8, 4, 3, groups=2)
    bound = 1 / math.sqrt(2 * 9)  # fan_in = weight.size(1) * k·k = (C_out/G)·9
    assert m.weight.shape == (8, 2, 3, 3)
    assert np.abs(m.weight.detach().numpy()).max() <= bound and np.abs(m.bias.detach().numpy()).max() <= bound


def test_output_size():
    x = rand((1, 4, 6, 6))
    for size in [(11, 11), (12, 12), [1, 3, 12, 11]]:
        m, t = twin(mnn.ConvTranspose2d(4, 3, 3, stride=2, padding=1), torch.nn.ConvTranspose2d(4, 3, 3, stride=2,
                                                                                                padding=1))
        out_m, out_t = m(minigrad.tensor(x), output_size=size), t(torch.tensor(x), output_size=size)
        assert tuple(out_m.shape) == tuple(out_t.shape)
        np.testing.assert_allclose(out_m.detach().numpy(), out_t.detach().numpy(), rtol=1e-4, atol=1e-5)
    with pytest.raises(ValueError, match=r"requested an output size of \[13, 13\], but valid sizes range from "
                                         r"\[11, 11\] to \[12, 12\] \(for an input of \[6, 6\]\)"):
        m(minigrad.tensor(x), output_size=(13, 13))


def test_gradcheck():
    assert gradcheck(lambda x, w, b: MF.conv_transpose2d(x, w, b, stride=2, padding=1, output_padding=1),
                     [rand((1, 2, 3, 3), np.float64), rand((2, 3, 3, 3), np.float64, seed=1), rand(3, np.float64)])
    assert gradcheck(lambda x, w: MF.conv_transpose1d(x, w, dilation=2),
                     [rand((2, 2, 4), np.float64), rand((2, 1, 2), np.float64, seed=1)])


def test_errors():
    x = minigrad.randn(1, 4, 5, 5)
    with pytest.raises(RuntimeError, match="output padding must be smaller than either stride or dilation"):
        MF.conv_transpose2d(x, minigrad.randn(4, 2, 3, 3), output_padding=1)
    with pytest.raises(RuntimeError, match=r"Given transposed=1, weight of size \[3, 2, 3, 3\], expected "
                                           r"input\[1, 4, 5, 5\] to have 3 channels, but got 4 channels instead"):
        MF.conv_transpose2d(x, minigrad.randn(3, 2, 3, 3))
    with pytest.raises(RuntimeError, match="Expected 2D \\(unbatched\\) or 3D \\(batched\\) input to conv1d"):
        MF.conv1d(x, minigrad.randn(2, 4, 3))
    with pytest.raises(ValueError, match="padding='same' is not supported for strided convolutions"):
        mnn.Conv1d(2, 2, 3, stride=2, padding="same")
    with pytest.raises(ValueError, match="in_channels must be divisible by groups"):
        mnn.ConvTranspose2d(3, 4, 3, groups=2)


@pytest.mark.parametrize("make", [lambda nn: nn.ConvTranspose2d(4, 6, 3, groups=2),
                                  lambda nn: nn.ConvTranspose1d(3, 2, 4), lambda nn: nn.Conv1d(3, 5, 3, bias=False)])
def test_default_init_is_torchs_under_the_same_seed(make):
    minigrad.manual_seed(3), torch.manual_seed(3)
    for p, q in zip(make(mnn).parameters(), make(torch.nn).parameters()):
        np.testing.assert_array_equal(p.detach().numpy(), q.detach().numpy())
