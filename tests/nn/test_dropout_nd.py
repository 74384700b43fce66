"""Dropout1d/2d/3d, AlphaDropout, FeatureAlphaDropout and their functionals: the structure torch
gives (one draw per channel, kept values scaled by 1/(1−p), alpha dropout's affine form checked
against torch's own outputs), eval identity, gradients through the mask, torch's errors and
warnings, and the masks themselves: drawn as torch draws them from a generator that reproduces
torch's, they equal torch's under the same seed."""
import math
import warnings

import numpy as np
import pytest
import torch

import minigrad
import minigrad.nn as mnn
import minigrad.nn.functional as MF
from tests.nn.layer_helpers import rand

TF = torch.nn.functional
ALPHA = 1.7580993408473766


def channel_mask(x, y, p):
    """Each (n, c) channel of y is all 0 or all x/(1−p); returns the kept flags (N, C)."""
    x, y = x.reshape(x.shape[0], x.shape[1], -1), y.reshape(y.shape[0], y.shape[1], -1)
    kept = np.abs(y).sum(axis=2) > 0
    np.testing.assert_allclose(y, np.where(kept[..., None], x / (1 - p), 0), rtol=1e-6)
    return kept


@pytest.mark.parametrize("name,shape", [("Dropout1d", (8, 16, 5)), ("Dropout2d", (8, 16, 3, 4)),
                                        ("Dropout3d", (4, 16, 2, 3, 2))])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_channel_dropout_structure_and_gradient(name, shape, dtype):
    minigrad.manual_seed(0)
    x = rand(shape, dtype, low=0.5, high=2.0)
    xm = minigrad.tensor(x, requires_grad=True)
    m = getattr(mnn, name)(p=0.25)
    y = m(xm)
    kept = channel_mask(x, y.detach().numpy(), 0.25)
    assert 0.5 < kept.mean() < 0.95
    y.sum().backward()
    g = xm.grad.numpy().reshape(shape[0], shape[1], -1)
    np.testing.assert_allclose(g, np.broadcast_to(np.where(kept, 1 / 0.75, 0)[..., None], g.shape), rtol=1e-6)
    m.eval()
    assert m(xm) is xm
    assert repr(m) == repr(getattr(torch.nn, name)(p=0.25))


@pytest.mark.parametrize("fn,shape", [(MF.dropout1d, (5, 7)), (MF.dropout3d, (5, 2, 3, 4))])
def test_unbatched_input_draws_per_channel(fn, shape):
    x = rand(shape, low=0.5)
    y = fn(minigrad.tensor(x), 0.5).numpy()
    channel_mask(x[None], y[None], 0.5)


def test_dropout2d_3d_input_is_channels_of_a_batch_with_torchs_warning():
    x = rand((4, 6, 5), low=0.5)
    with pytest.warns(UserWarning, match="Received a 3D input to dropout2d"):
        y = MF.dropout2d(minigrad.tensor(x), 0.5).numpy()
    channel_mask(x, y, 0.5)


@pytest.mark.parametrize("p", [0.0, 1.0])
def test_extreme_probabilities_as_torch(p):
    x = rand((2, 3, 4, 4))
    for fm, ft in ((MF.dropout2d, TF.dropout2d), (MF.alpha_dropout, TF.alpha_dropout),
                   (MF.feature_alpha_dropout, TF.feature_alpha_dropout)):
        np.testing.assert_array_equal(fm(minigrad.tensor(x), p, True).numpy(), ft(torch.tensor(x), p, True).numpy())


def test_inplace():
    x = minigrad.tensor(rand((4, 8, 3, 3), low=0.5))
    before = x.numpy().copy()
    y = MF.dropout2d(x, 0.5, inplace=True)
    assert y is x
    channel_mask(before, x.numpy(), 0.5)


@pytest.mark.parametrize("feature", [False, True])
def test_alpha_dropout_takes_torchs_two_values_and_keeps_moments(feature):
    p = 0.3
    a = 1 / math.sqrt((ALPHA * ALPHA * p + 1) * (1 - p))
    x = np.random.default_rng(0).standard_normal((64, 32, 8, 8)).astype(np.float64)
    fm, ft = (MF.feature_alpha_dropout, TF.feature_alpha_dropout) if feature else (MF.alpha_dropout, TF.alpha_dropout)
    for y in (fm(minigrad.tensor(x), p, True).numpy(), ft(torch.tensor(x), p, True).numpy()):
        kept = np.isclose(y, a * x + ALPHA * a * p)
        dropped = np.isclose(y, -ALPHA * a + ALPHA * a * p)
        assert np.all(kept | dropped)
        assert abs(dropped.mean() - p) < 0.05
        assert abs(y.mean()) < 0.05 and abs(y.std() - 1) < 0.05
        if feature:
            flags = dropped.reshape(64, 32, -1)
            assert np.all(flags.all(axis=2) | ~flags.any(axis=2) | np.isclose(x.reshape(64, 32, -1), -ALPHA).any(2))
    assert repr(mnn.AlphaDropout(0.3)) == repr(torch.nn.AlphaDropout(0.3))
    assert mnn.AlphaDropout(0.3)(minigrad.tensor(x)) is not None  # train mode by default
    m = mnn.FeatureAlphaDropout(0.3).eval()
    xm = minigrad.tensor(x)
    assert m(xm) is xm


def test_errors():
    with pytest.raises(ValueError, match="dropout probability has to be between 0 and 1, but got 1.5"):
        mnn.Dropout2d(1.5)
    with pytest.raises(ValueError, match="dropout probability has to be between 0 and 1"):
        MF.alpha_dropout(minigrad.ones(3), -0.1, True)
    with pytest.raises(RuntimeError, match="dropout1d: Expected 2D or 3D input, but received a 4D input"):
        MF.dropout1d(minigrad.ones(1, 2, 3, 4))
    with pytest.warns(UserWarning, match="Received a 5-D input to dropout2d"):
        MF.dropout2d(minigrad.ones(1, 2, 3, 4, 5))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        MF.dropout2d(minigrad.ones(1, 2, 3, 4))


@pytest.mark.parametrize("fm,ft,shape", [(MF.dropout1d, TF.dropout1d, (4, 8, 5)), (MF.dropout1d, TF.dropout1d, (8, 5)),
                                         (MF.dropout2d, TF.dropout2d, (4, 8, 3, 3)),
                                         (MF.dropout3d, TF.dropout3d, (2, 8, 2, 2, 2)),
                                         (MF.alpha_dropout, TF.alpha_dropout, (4, 8, 3)),
                                         (MF.feature_alpha_dropout, TF.feature_alpha_dropout, (4, 8, 3))])
def test_masks_are_torchs_under_the_same_seed(fm, ft, shape):
    x = rand(shape)
    minigrad.manual_seed(7), torch.manual_seed(7)
    for p in (0.2, 0.5):
        np.testing.assert_allclose(fm(minigrad.tensor(x), p, True).numpy(), ft(torch.tensor(x), p, True).numpy(),
                                   rtol=1e-6, atol=1e-7)
