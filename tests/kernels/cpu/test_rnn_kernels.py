"""The recurrent CPU kernels (``kernels/cpu/rnn.py``) split their rows over threads: the same bits on
one thread and on several (uneven ranges, an odd batch, a packed batch), forward and backward."""
import numpy as np
import pytest

import minigrad
from minigrad.kernels.cpu import _parallel, rnn

rng = np.random.default_rng(1)


def run(mode, arrays, batch_sizes, reverse, proj):
    xw, w_hh, b_hh, w_hr, h0, c0, dy, dh, dc = arrays
    out, saved = rnn.forward(mode, xw.copy(), w_hh, b_hh, w_hr, h0, c0, batch_sizes, reverse)
    dh, dc = dh.copy(), None if dc is None else dc.copy()
    grads = rnn.backward(mode, saved, dy, dh, dc, w_hh, w_hr, batch_sizes, reverse)
    saved = [padding_zeroed(a, batch_sizes) for a in saved]
    flat = [out, *saved, dh, grads[0], grads[1]] + ([] if dc is None else [dc]) + (list(grads[2]) if proj else [])
    return flat


def padding_zeroed(a, batch_sizes):
    """A copy of the saved sequence ``a`` (T, B, ...) with the rows past each step's batch size zeroed:
    the forward never writes them (``np.empty``) and the backward never reads them."""
    a = a.copy()
    for t, n in enumerate(batch_sizes):
        a[t, n:] = 0
    return a


@pytest.mark.parametrize("mode,proj", [("RNN_TANH", False), ("LSTM", False), ("LSTM", True), ("GRU", False)])
def test_threads_give_the_same_bits(mode, proj, monkeypatch):
    T, B, H = 4, 7, 6
    P = 3 if proj else H
    G = {"LSTM": 4, "GRU": 3}.get(mode, 1) * H
    arrays = [rng.standard_normal(s).astype(np.float32) if s else None for s in (
        (T, B, G), (G, P), (G,) if mode == "GRU" else None, (P, H) if proj else None, (B, P),
        (B, H) if mode == "LSTM" else None, (T, B, P), (B, P), (B, H) if mode == "LSTM" else None)]
    batch_sizes = np.array([7, 6, 3, 1])
    monkeypatch.setattr(_parallel, "PARALLEL_MIN", 1)  # split even these tiny calls
    threads = minigrad.get_num_threads()
    kernels = (rnn._rnn_forward, rnn._lstm_forward, rnn._gru_forward)
    splits = sum(k.split_calls for k in kernels)
    try:
        results = []
        for n in (1, 3):
            minigrad.set_num_threads(n)
            results.append(run(mode, arrays, batch_sizes, True, proj))
    finally:
        minigrad.set_num_threads(threads)
    assert sum(k.split_calls for k in kernels) > splits
    for k, (a, b) in enumerate(zip(*results)):
        np.testing.assert_array_equal(a, b, err_msg=f"result {k}")
