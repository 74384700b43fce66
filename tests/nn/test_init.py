"""``nn.init`` and the layers' default initialisation draw torch 2.13's numbers, bit for bit."""
import warnings

import numpy as np
import pytest
import torch

import minigrad
from tests.compare import assert_close

SHAPES = [(5, 3), (1, 7), (30, 40), (64, 32, 3, 3), (8, 4, 5)]


def init_both(name, shape, dtype, seed=0, **kwargs):
    """``nn.init.<name>(empty(shape), **kwargs)`` in both libraries under ``seed``."""
    out = []
    for lib in (minigrad, torch):
        lib.manual_seed(seed)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            out.append(getattr(lib.nn.init, name)(lib.empty(shape, dtype=getattr(lib, dtype)), **kwargs))
    return out


def assert_same_state():
    np.testing.assert_array_equal(minigrad.get_rng_state().numpy(), torch.get_rng_state().numpy())


EXACT = {
    "uniform_": dict(a=-0.3, b=0.8),
    "normal_": dict(mean=0.2, std=3.0),
    "xavier_uniform_": dict(gain=1.7),
    "xavier_normal_": dict(gain=1.7),
    "kaiming_uniform_": dict(a=5 ** 0.5),
    "kaiming_normal_": dict(mode="fan_out", nonlinearity="relu"),
    "trunc_normal_": dict(mean=0.1, std=0.5, a=-0.4, b=0.9),  # > 30% of the mass: normal redraws
    "trunc_normal_ narrow": dict(mean=0.0, std=1.0, a=1.5, b=3.0),  # uniform proposals
    "trunc_normal_ default": dict(std=0.02),
}


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("case", list(EXACT))
def test_init_matches_torch_bit_for_bit(case, shape, dtype):
    got, want = init_both(case.split()[0], shape, dtype, **EXACT[case])
    assert_close(got, want, rtol=0, atol=0)
    assert_same_state()


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("shape", SHAPES)
def test_orthogonal_draws_as_torch(shape, dtype):
    """The same normal draws and the same Q up to the last bits (numpy's QR rounds differently
    from torch's LAPACK); the result is orthogonal times the gain."""
    got, want = init_both("orthogonal_", shape, dtype, gain=2.0)
    assert_close(got, want, rtol=1e-5 if dtype == "float32" else 1e-12, atol=1e-6 if dtype == "float32" else 1e-13)
    assert_same_state()
    q = got.numpy().reshape(shape[0], -1).astype(np.float64) / 2
    small = min(q.shape)
    gram = q @ q.T if q.shape[0] == small else q.T @ q
    np.testing.assert_allclose(gram, np.eye(small), atol=1e-5)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_sparse_and_eye(dtype):
    got, want = init_both("sparse_", (10, 5), dtype, sparsity=0.3)
    assert_close(got, want, rtol=0, atol=0)
    assert_same_state()
    got, want = init_both("eye_", (4, 6), dtype)
    assert_close(got, want, rtol=0, atol=0)


def test_generator_argument_and_empty_tensor():
    g, tg = minigrad.Generator().manual_seed(3), torch.Generator().manual_seed(3)
    got = minigrad.nn.init.kaiming_uniform_(minigrad.empty(6, 4), generator=g)
    want = torch.nn.init.kaiming_uniform_(torch.empty(6, 4), generator=tg)
    assert_close(got, want, rtol=0, atol=0)
    with pytest.warns(UserWarning, match="zero-element tensors is a no-op"):
        minigrad.nn.init.kaiming_normal_(minigrad.empty(0, 3))


@pytest.mark.parametrize("fn,shape,error,match", [
    ("orthogonal_", (3,), ValueError, "2 or more dimensions"),
    ("sparse_", (2, 3, 4), ValueError, "2 dimensions"),
    ("xavier_uniform_", (3,), ValueError, "fewer than 2 dimensions"),
    ("kaiming_uniform_", (3,), ValueError, "fewer than 2 dimensions"),
])
def test_init_errors(fn, shape, error, match):
    for lib in (minigrad, torch):
        args = (0.5,) if fn == "sparse_" else ()
        with pytest.raises(error, match=match):
            getattr(lib.nn.init, fn)(lib.empty(shape), *args)


LAYERS = {
    "Linear": lambda nn: nn.Linear(20, 7),
    "Linear no bias": lambda nn: nn.Linear(3, 9, bias=False),
    "Conv2d": lambda nn: nn.Conv2d(3, 8, 3),
    "Conv2d groups": lambda nn: nn.Conv2d(4, 8, (3, 2), groups=2),
    "Conv1d": lambda nn: nn.Conv1d(3, 5, 4),
    "ConvTranspose2d": lambda nn: nn.ConvTranspose2d(4, 3, 3),
    "Embedding": lambda nn: nn.Embedding(11, 6),
    "RNN": lambda nn: nn.RNN(5, 4, num_layers=2),
    "LSTM": lambda nn: nn.LSTM(5, 4),
    "GRU": lambda nn: nn.GRU(5, 4, bidirectional=True),
    "ConvTranspose1d": lambda nn: nn.ConvTranspose1d(4, 3, 3),
    "Bilinear": lambda nn: nn.Bilinear(3, 4, 5),
    "MultiheadAttention": lambda nn: nn.MultiheadAttention(8, 2),
}


@pytest.mark.parametrize("layer", list(LAYERS))
def test_layer_default_init_matches_torch(layer):
    """Building the same layers in sequence gives torch's parameters (same draws, same order)."""
    minigrad.manual_seed(7)
    torch.manual_seed(7)
    got = dict(LAYERS[layer](minigrad.nn).named_parameters())
    want = dict(LAYERS[layer](torch.nn).named_parameters())
    assert list(got) == list(want)
    for name in want:
        assert_close(got[name].detach(), want[name].detach(), rtol=0, atol=0, what=name)
    assert_same_state()
