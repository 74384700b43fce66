"""The recurrent CUDA kernels (``kernels/cuda/rnn.py``) against their CPU twins: the same host
functions fed device copies of the same arrays give the same outputs, final states, saved sequences
and backward gradients, for every mode, both directions, a packed batch and a projection; and
2-layer bidirectional layers on 'cuda' match 'cpu' through the modules (a packed GRU too), gradients
included."""
import numpy as np
import pytest
from numba import cuda

import minigrad
from minigrad.kernels import cpu, cuda as cuda_backend
from minigrad.kernels.cuda import _matmul
from minigrad.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

cpu_rnn, cuda_rnn = cpu.load("rnn"), cuda_backend.load("rnn")
TOL = {np.float32: dict(rtol=2e-5, atol=2e-6), np.float64: dict(rtol=1e-11, atol=1e-12)}
rng = np.random.default_rng(3)


def normal(shape, dtype, scale=1.0):
    return (rng.standard_normal(shape) * scale).astype(dtype)


def host(a):
    return a.copy_to_host()


def device(a):
    return None if a is None else cuda.to_device(a)


def assert_same(got, want, dtype, what):
    assert got.shape == want.shape and got.dtype == want.dtype, what
    np.testing.assert_allclose(got, want, err_msg=what, **TOL[dtype])


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("mode,proj", [("RNN_TANH", False), ("RNN_RELU", False), ("LSTM", False), ("LSTM", True),
                                       ("GRU", False)])
@pytest.mark.parametrize("reverse", [False, True])
def test_recurrence_matches_cpu(mode, proj, reverse, dtype):
    T, B, H = 3, 3, 3
    P = 2 if proj else H
    G = {"LSTM": 4, "GRU": 3}.get(mode, 1) * H
    batch_sizes = np.array([3, 2, 1], dtype=np.int64)
    xw, w_hh = normal((T, B, G), dtype), normal((G, P), dtype, 0.6)
    b_hh = normal(G, dtype) if mode == "GRU" else None
    w_hr = normal((P, H), dtype, 0.6) if proj else None
    h0 = normal((B, P), dtype)
    c0 = normal((B, H), dtype) if mode == "LSTM" else None
    want, want_saved = cpu_rnn.forward(mode, xw.copy(), w_hh, b_hh, w_hr, h0, c0, batch_sizes, reverse)
    got, got_saved = cuda_rnn.forward(mode, device(xw), device(w_hh), device(b_hh), device(w_hr), device(h0),
                                      device(c0), batch_sizes, reverse)
    assert_same(host(got), want, dtype, "y, h_n, c_n")
    for k, (g, w) in enumerate(zip(got_saved, want_saved)):
        assert_same(host(g), w, dtype, f"saved {k}")

    dy, dh = normal((T, B, P), dtype), normal((B, P), dtype)
    dc = normal((B, H), dtype) if mode == "LSTM" else None
    dh_dev, dc_dev = device(dh), device(dc)  # (both overwritten with the initial states' gradients)
    got_grads = cuda_rnn.backward(mode, got_saved, device(dy), dh_dev, dc_dev, device(w_hh), device(w_hr),
                                  batch_sizes, reverse)
    want_dh, want_dc = dh.copy(), None if dc is None else dc.copy()
    want_grads = cpu_rnn.backward(mode, want_saved, dy, want_dh, want_dc, w_hh, w_hr, batch_sizes, reverse)
    assert_same(host(got_grads[0]), want_grads[0], dtype, "da (input side)")
    assert_same(host(got_grads[1]), want_grads[1], dtype, "da (hidden side)")
    assert_same(host(dh_dev), want_dh, dtype, "dh0")
    if dc is not None:
        assert_same(host(dc_dev), want_dc, dtype, "dc0")
    if proj:
        for k in range(2):
            assert_same(host(got_grads[2][k]), want_grads[2][k], dtype, f"projection {k}")


@pytest.mark.parametrize("name,packed", [("LSTM", False), ("GRU", True)])
def test_layer_on_cuda_matches_cpu(name, packed, monkeypatch):
    """A 2-layer bidirectional layer (with a packed batch of lengths 2, 4, 1: sorting, gathers and
    active rows on the device) gives the CPU's outputs, final states and gradients."""
    monkeypatch.setattr(_matmul, "TILE", 4)
    minigrad.manual_seed(0)
    layer = getattr(minigrad.nn, name)(3, 4, num_layers=2, bidirectional=True)
    x = normal((4, 3, 3), np.float32)
    results = {}
    for dev in ("cpu", "cuda"):
        layer.zero_grad()
        layer.to(dev)
        xt = minigrad.tensor(x, device=dev, requires_grad=True)
        inp = pack_padded_sequence(xt, minigrad.tensor([2, 4, 1]), enforce_sorted=False) if packed else xt
        out, state = layer(inp)
        out = pad_packed_sequence(out)[0] if packed else out
        states = list(state) if name == "LSTM" else [state]
        (out.sum() + sum((s * s).sum() for s in states)).backward()
        results[dev] = [t.cpu().detach().numpy() for t in [out, *states, xt.grad]] + \
            [p.grad.cpu().numpy() for p in layer.parameters()]
    for k, (g, w) in enumerate(zip(results["cuda"], results["cpu"])):
        np.testing.assert_allclose(g, w, rtol=1e-4, atol=1e-5, err_msg=f"result {k}")
