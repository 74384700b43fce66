"""nn.MultiheadAttention against torch: outputs, weights and gradients (inputs and parameters) with
batch_first, unbatched input, bool/float attn_mask (2-D and per head), key_padding_mask, need_weights,
average_attn_weights, no bias; the same initialisation under one seed; repr and state_dict keys; errors."""
import numpy as np
import pytest
import torch

import minigrad
import minigrad.nn as mnn
from tests.compare import assert_close
from tests.core_helpers import same_error, torch_repr


def pair(dtype="float32", **kw):
    minigrad.manual_seed(0)
    torch.manual_seed(0)
    mg = mnn.MultiheadAttention(8, 2, dtype=getattr(minigrad, dtype), **kw)
    th = torch.nn.MultiheadAttention(8, 2, dtype=getattr(torch, dtype), **kw)
    th.load_state_dict({k: torch.tensor(v.numpy()) for k, v in mg.state_dict().items()})
    return mg, th


def rand(shape, dtype, seed):
    return np.random.default_rng(seed).standard_normal(shape).astype(dtype)


CASES = [  # (module options, query shape, key shape, forward options built per library)
    (dict(), (4, 2, 8), (5, 2, 8), lambda lib: dict()),
    (dict(batch_first=True), (2, 4, 8), (2, 5, 8), lambda lib: dict(average_attn_weights=False)),
    (dict(), (4, 8), (5, 8), lambda lib: dict()),
    (dict(bias=False), (3, 2, 8), (3, 2, 8), lambda lib: dict(
        attn_mask=lib.tensor(np.triu(np.ones((3, 3), bool), 1)), is_causal=True)),
    (dict(batch_first=True), (2, 3, 8), (2, 4, 8), lambda lib: dict(
        attn_mask=lib.tensor(rand((4, 3, 4), "float32", 5)), need_weights=False)),
    (dict(), (3, 2, 8), (4, 2, 8), lambda lib: dict(
        key_padding_mask=lib.tensor(np.array([[False, False, True, True], [False, True, False, False]])))),
]


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("case", range(len(CASES)))
def test_multihead_attention_matches_torch(case, dtype):
    options, qs, ks, fwd = CASES[case]
    mg, th = pair(dtype, **options)
    q, k, v = rand(qs, dtype, 0), rand(ks, dtype, 1), rand(ks, dtype, 2)
    outs = []
    for lib, m in ((minigrad, mg), (torch, th)):
        tq, tk, tv = (lib.tensor(a, requires_grad=True) for a in (q, k, v))
        out, weights = m(tq, tk, tv, **fwd(lib))
        up = lib.tensor(rand(tuple(out.shape), dtype, 3))
        (out * up).sum().backward()
        outs.append((out, weights, tq.grad, tk.grad, tv.grad, [p.grad for p in m.parameters()]))
    (o_mg, w_mg, *g_mg, pg_mg), (o_th, w_th, *g_th, pg_th) = outs
    assert_close(o_mg, o_th)
    assert (w_mg is None) == (w_th is None)
    if w_th is not None:
        assert_close(w_mg, w_th)
    for a, b in zip(g_mg + pg_mg, g_th + pg_th):
        assert_close(a, b)


def test_initialisation_repr_and_keys_as_torch():
    minigrad.manual_seed(3)
    torch.manual_seed(3)
    mg, th = mnn.MultiheadAttention(8, 4), torch.nn.MultiheadAttention(8, 4)
    assert torch_repr(mg) == repr(th)
    assert list(mg.state_dict()) == list(th.state_dict())
    for (name, a), b in zip(mg.state_dict().items(), th.state_dict().values()):
        assert_close(a, b, what=name)


def test_errors_as_torch():
    same_error(lambda: mnn.MultiheadAttention(6, 4), lambda: torch.nn.MultiheadAttention(6, 4))
    same_error(lambda: mnn.MultiheadAttention(0, 1), lambda: torch.nn.MultiheadAttention(0, 1))
    x_mg, x_th = minigrad.ones(2, 1, 8), torch.ones(2, 1, 8)
    same_error(lambda: mnn.MultiheadAttention(8, 2)(x_mg, x_mg, x_mg, is_causal=True),
               lambda: torch.nn.MultiheadAttention(8, 2)(x_th, x_th, x_th, is_causal=True))
    with pytest.raises(NotImplementedError, match="add_bias_kv"):
        mnn.MultiheadAttention(8, 2, add_bias_kv=True)
