"""nn.RNN / LSTM / GRU, their cells and nn.utils.rnn against torch: outputs, final states and the
gradients of the input, the initial states and every parameter (float32, float64), over the layers'
options, packed batches of mixed lengths, dropout between layers; float64 gradchecks of the
recurrence op; parameter names, shapes and init; torch's errors."""
import numpy as np
import pytest
import torch

import minigrad
import minigrad.nn as mnn
from minigrad.ops.rnn import recurrence
from tests.compare import assert_close, gradcheck

TNN = torch.nn
DTYPES = [np.float32, np.float64]
rng = np.random.default_rng(0)


def normal(shape, dtype, scale=1.0):
    return (rng.standard_normal(shape) * scale).astype(dtype)


def tol(dtype):
    # float32: gate pre-activations sum tens of products, in another order than torch's BLAS
    return dict(rtol=1e-4, atol=2e-5) if dtype == np.float32 else {}


def twins(name, dtype, *args, **kwargs):
    """A torch layer and a minigrad one with torch's parameters (its state_dict, via numpy)."""
    torch.manual_seed(0)
    th = getattr(TNN, name)(*args, **kwargs).to(torch.float64 if dtype == np.float64 else torch.float32)
    mg = getattr(mnn, name)(*args, **kwargs)
    if dtype == np.float64:
        mg.double()
    mg.load_state_dict({k: minigrad.tensor(v.detach().numpy()) for k, v in th.state_dict().items()})
    return mg, th


def leaves(arrays):
    return ([minigrad.tensor(a, requires_grad=True) for a in arrays],
            [torch.tensor(a, requires_grad=True) for a in arrays])


def flat(out):
    """A layer's result (output, h or (h, c)) as a list of tensors."""
    if isinstance(out, tuple):
        return [t for o in out for t in flat(o)]
    return [out]


def backward_and_compare(outs_mg, outs_th, ins_mg, ins_th, mg, th, dtype):
    for i, (a, b) in enumerate(zip(outs_mg, outs_th)):
        assert_close(a, b, what=f"result {i}", **tol(dtype))
    ups = [normal(tuple(b.shape), dtype) for b in outs_th]
    sum(((a * minigrad.tensor(u)).sum() for a, u in zip(outs_mg, ups)), minigrad.tensor(0, dtype=outs_mg[0].dtype)) \
        .backward()
    sum((b * torch.tensor(u)).sum() for b, u in zip(outs_th, ups)).backward()
    for i, (a, b) in enumerate(zip(ins_mg, ins_th)):
        assert_close(a.grad, b.grad, what=f"grad of input {i}", **tol(dtype))
    for name, p in th.named_parameters():
        assert_close(getattr(mg, name).grad, p.grad, what=f"grad of {name}", **tol(dtype))


LAYERS = {  # name: (constructor kwargs beyond (input 4, hidden 5))
    "one-layer": {},
    "two-layer-bidirectional": dict(num_layers=2, bidirectional=True),
    "no-bias-batch-first": dict(bias=False, batch_first=True),
    "three-layer": dict(num_layers=3),
}


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("case", LAYERS)
@pytest.mark.parametrize("name,extra", [("RNN", {}), ("RNN", dict(nonlinearity="relu")), ("LSTM", {}),
                                        ("GRU", {}), ("LSTM", dict(proj_size=3))])
@pytest.mark.parametrize("state", ["zeros", "given"])
def test_layer_matches_torch(name, extra, case, state, dtype):
    kwargs = dict(LAYERS[case], **extra)
    mg, th = twins(name, dtype, 4, 5, **kwargs)
    D, L = 2 if kwargs.get("bidirectional") else 1, kwargs.get("num_layers", 1)
    T, B = 6, 3
    x = normal((B, T, 4) if kwargs.get("batch_first") else (T, B, 4), dtype)
    arrays = [x]
    if state == "given":
        arrays.append(normal((L * D, B, kwargs.get("proj_size") or 5), dtype))
        if name == "LSTM":
            arrays.append(normal((L * D, B, 5), dtype))
    ins_mg, ins_th = leaves(arrays)
    hx_mg = None if state == "zeros" else tuple(ins_mg[1:]) if name == "LSTM" else ins_mg[1]
    hx_th = None if state == "zeros" else tuple(ins_th[1:]) if name == "LSTM" else ins_th[1]
    backward_and_compare(flat(mg(ins_mg[0], hx_mg)), flat(th(ins_th[0], hx_th)), ins_mg, ins_th, mg, th, dtype)


@pytest.mark.parametrize("name", ["RNN", "LSTM", "GRU"])
def test_unbatched_input(name):
    mg, th = twins(name, np.float64, 3, 4, num_layers=2, bidirectional=True)
    arrays = [normal((5, 3), np.float64), normal((4, 4), np.float64)]
    if name == "LSTM":
        arrays.append(normal((4, 4), np.float64))
    ins_mg, ins_th = leaves(arrays)
    hx_mg = tuple(ins_mg[1:]) if name == "LSTM" else ins_mg[1]
    hx_th = tuple(ins_th[1:]) if name == "LSTM" else ins_th[1]
    backward_and_compare(flat(mg(ins_mg[0], hx_mg)), flat(th(ins_th[0], hx_th)), ins_mg, ins_th, mg, th, np.float64)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name,kwargs", [("RNN", {}), ("LSTM", {}), ("GRU", {}), ("LSTM", dict(proj_size=2))])
@pytest.mark.parametrize("enforce_sorted", [True, False])
def test_packed_sequence_matches_torch(name, kwargs, enforce_sorted, dtype):
    """Mixed lengths through a 2-layer bidirectional stack: the packed output (unpacked), the final
    states in the original batch order, and every gradient."""
    mg, th = twins(name, dtype, 3, 4, num_layers=2, bidirectional=True, **kwargs)
    lengths = [5, 3, 3, 1] if enforce_sorted else [2, 5, 1, 4]
    x = normal((5, 4, 3), dtype)
    P = kwargs.get("proj_size") or 4
    arrays = [x, normal((4, 4, P), dtype)] + ([normal((4, 4, 4), dtype)] if name == "LSTM" else [])
    ins_mg, ins_th = leaves(arrays)
    results = []
    for lib, nn_utils, ins, layer in ((minigrad, mnn.utils.rnn, ins_mg, mg), (torch, TNN.utils.rnn, ins_th, th)):
        packed = nn_utils.pack_padded_sequence(ins[0], lib.tensor(lengths), enforce_sorted=enforce_sorted)
        hx = tuple(ins[1:]) if name == "LSTM" else ins[1]
        out, h = layer(packed, hx)
        assert isinstance(out, nn_utils.PackedSequence)
        padded, out_lengths = nn_utils.pad_packed_sequence(out)
        assert out_lengths.tolist() == lengths
        results.append([padded, out.data] + flat(h))
    backward_and_compare(results[0], results[1], ins_mg, ins_th, mg, th, dtype)


@pytest.mark.parametrize("name", ["RNNCell", "LSTMCell", "GRUCell"])
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("batched,state", [(True, "given"), (True, "zeros"), (False, "given")])
def test_cell_matches_torch(name, dtype, batched, state):
    mg, th = twins(name, dtype, 4, 5)
    shape = (3,) if batched else ()
    arrays = [normal(shape + (4,), dtype)]
    if state == "given":
        arrays += [normal(shape + (5,), dtype)] * (2 if name == "LSTMCell" else 1)
    ins_mg, ins_th = leaves(arrays)
    hx_mg = None if state == "zeros" else tuple(ins_mg[1:]) if name == "LSTMCell" else ins_mg[1]
    hx_th = None if state == "zeros" else tuple(ins_th[1:]) if name == "LSTMCell" else ins_th[1]
    backward_and_compare(flat(mg(ins_mg[0], hx_mg)), flat(th(ins_th[0], hx_th)), ins_mg, ins_th, mg, th, dtype)


def test_relu_cell_and_no_bias():
    mg, th = twins("RNNCell", np.float64, 4, 5, bias=False, nonlinearity="relu")
    ins_mg, ins_th = leaves([normal((3, 4), np.float64), normal((3, 5), np.float64)])
    backward_and_compare([mg(*ins_mg)], [th(*ins_th)], ins_mg, ins_th, mg, th, np.float64)


@pytest.mark.parametrize("name", ["LSTM", "GRU"])
def test_dropout_between_layers(name):
    """dropout=1 zeroes every layer's output but the last (deterministic, so comparable); in eval mode
    dropout is off."""
    mg, th = twins(name, np.float64, 3, 4, num_layers=2, dropout=1.0)
    x = normal((5, 2, 3), np.float64)
    for train in (True, False):
        mg.train(train), th.train(train)
        ins_mg, ins_th = leaves([x])
        backward_and_compare(flat(mg(ins_mg[0])), flat(th(ins_th[0])), ins_mg, ins_th, mg, th, np.float64)
        mg.zero_grad(), th.zero_grad()


def test_backward_twice_with_retain_graph():
    """Backward reads the saved sequences without changing them: a second pass adds the same gradients."""
    layer = mnn.LSTM(3, 4, num_layers=2)
    x = minigrad.tensor(normal((5, 2, 3), np.float32), requires_grad=True)
    out, (h, c) = layer(x)
    loss = out.sum() + c.sum()
    loss.backward(retain_graph=True)
    first = [x.grad.numpy().copy()] + [p.grad.numpy().copy() for p in layer.parameters()]
    loss.backward()
    for a, b in zip(first, [x.grad.numpy()] + [p.grad.numpy() for p in layer.parameters()]):
        np.testing.assert_allclose(b, 2 * a, rtol=1e-6)


# ------------------------------------------------------------------------------------ gradcheck

@pytest.mark.parametrize("mode", ["RNN_TANH", "RNN_RELU", "LSTM", "GRU", "LSTM-proj"])
@pytest.mark.parametrize("reverse", [False, True])
def test_recurrence_gradcheck(mode, reverse):
    """The op's backward against finite differences, float64, a packed batch (rows of lengths 3, 2, 2, 1)."""
    proj = mode == "LSTM-proj"
    mode = "LSTM" if proj else mode
    G, H, P = {"LSTM": 4, "GRU": 3}.get(mode, 1), 3, (2 if proj else 3)
    batch_sizes = np.array([4, 3, 1], dtype=np.int64)
    arrays = [normal((3, 4, 2), np.float64), normal((4, P), np.float64)]
    arrays += [normal((4, H), np.float64)] if mode == "LSTM" else []
    arrays += [normal((G * H, 2), np.float64, 0.7), normal((G * H, P), np.float64, 0.7), normal(G * H, np.float64),
               normal(G * H, np.float64)] + ([normal((P, H), np.float64)] if proj else [])
    mask = np.zeros((3, 4, 1))
    for t, n in enumerate(batch_sizes):
        mask[t, :n] = 1  # padded outputs are constants (zeros): leave them out of the check

    def fn(x, h0, *rest):
        c0, weights = (rest[0], rest[1:]) if mode == "LSTM" else (None, rest)
        weights = tuple(weights) + (None,) * (5 - len(weights))
        y, h, c = recurrence(mode, x, h0, c0, weights, reverse=reverse, batch_sizes=batch_sizes)
        outs = (y * minigrad.tensor(mask), h) + ((c,) if c is not None else ())
        return minigrad.cat([o.reshape(-1) for o in outs])

    assert gradcheck(fn, arrays)


# ------------------------------------------------------------------------------ parameters, init

@pytest.mark.parametrize("name,kwargs", [("RNN", dict(num_layers=2, bidirectional=True, bias=False)),
                                         ("LSTM", dict(num_layers=2, bidirectional=True, proj_size=2)),
                                         ("GRU", dict(num_layers=3)), ("LSTMCell", {}), ("GRUCell", dict(bias=False))])
def test_parameters_named_shaped_and_initialised_as_torch(name, kwargs):
    minigrad.manual_seed(7)
    torch.manual_seed(7)
    mg, th = getattr(mnn, name)(3, 4, **kwargs), getattr(TNN, name)(3, 4, **kwargs)
    assert [(n, tuple(p.shape)) for n, p in mg.named_parameters()] == \
        [(n, tuple(p.shape)) for n, p in th.named_parameters()]
    for (n, p), q in zip(mg.named_parameters(), th.parameters()):  # U(−1/√hidden, 1/√hidden), torch's draws
        assert p.dtype == minigrad.float32 and np.array_equal(p.detach().numpy(), q.detach().numpy()), n
    assert repr(mg) == repr(th)
    # the state dict loads into torch and gives torch's own results
    th.load_state_dict({k: torch.tensor(v.numpy()) for k, v in mg.state_dict().items()})
    x = normal((2, 3) if "Cell" in name else (4, 2, 3), np.float32)
    for a, b in zip(flat(mg(minigrad.tensor(x))), flat(th(torch.tensor(x)))):
        assert_close(a, b, **tol(np.float32))


@pytest.mark.parametrize("name", ["LSTM", "GRU"])
def test_checkpoint_files_interchange_with_torch(name, tmp_path):
    """A state dict saved by minigrad loads in torch and the other way round, with identical outputs."""
    kwargs = dict(num_layers=2, bidirectional=True, **(dict(proj_size=2) if name == "LSTM" else {}))
    mg, th = getattr(mnn, name)(3, 4, **kwargs), getattr(TNN, name)(3, 4, **kwargs)
    minigrad.save(mg.state_dict(), tmp_path / "mg.pt")
    th.load_state_dict(torch.load(tmp_path / "mg.pt"))
    x = normal((5, 2, 3), np.float32)
    for a, b in zip(flat(mg(minigrad.tensor(x))), flat(th(torch.tensor(x)))):
        assert_close(a, b, **tol(np.float32))
    th2 = getattr(TNN, name)(3, 4, **kwargs)
    torch.save(th2.state_dict(), tmp_path / "th.pt")
    mg.load_state_dict(minigrad.load(tmp_path / "th.pt"))
    for a, b in zip(flat(mg(minigrad.tensor(x))), flat(th2(torch.tensor(x)))):
        assert_close(a, b, **tol(np.float32))


def test_init_draws_uniform_over_parameters_in_order(monkeypatch):
    """reset_parameters calls init.uniform_(p, -1/√H, 1/√H) on each parameter in registration order
    (torch's call sequence, so a torch-identical generator gives torch's weights)."""
    calls = []
    monkeypatch.setattr(mnn.init, "uniform_", lambda t, a, b: calls.append((tuple(t.shape), a, b)))
    m = mnn.LSTM(3, 4, num_layers=2, bidirectional=True)
    assert calls == [(tuple(p.shape), -0.5, 0.5) for p in m.parameters()]


@pytest.mark.parametrize("name,kwargs", [("LSTM", dict(num_layers=2, bidirectional=True, proj_size=2)),
                                         ("GRU", {}), ("RNNCell", dict(nonlinearity="relu")), ("LSTMCell", {})])
def test_default_init_is_torchs_under_the_same_seed(name, kwargs):
    torch.manual_seed(3), minigrad.manual_seed(3)
    th, mg = getattr(TNN, name)(3, 4, **kwargs), getattr(mnn, name)(3, 4, **kwargs)
    for (n, p), q in zip(mg.named_parameters(), th.parameters()):
        np.testing.assert_array_equal(p.detach().numpy(), q.detach().numpy(), err_msg=n)


def test_flatten_parameters_and_all_weights():
    m, t = mnn.GRU(3, 4, num_layers=2), TNN.GRU(3, 4, num_layers=2)
    assert m.flatten_parameters() is None
    assert [[tuple(p.shape) for p in ws] for ws in m.all_weights] == \
        [[tuple(p.shape) for p in ws] for ws in t.all_weights]


# ------------------------------------------------------------------------------------ nn.utils.rnn

@pytest.mark.parametrize("batch_first", [False, True])
@pytest.mark.parametrize("padding_side", ["right", "left"])
def test_pad_sequence(batch_first, padding_side):
    seqs = [normal((n, 2), np.float64) for n in (3, 5, 1)]
    got = mnn.utils.rnn.pad_sequence([minigrad.tensor(s) for s in seqs], batch_first, -1.5, padding_side)
    want = TNN.utils.rnn.pad_sequence([torch.tensor(s) for s in seqs], batch_first, -1.5, padding_side)
    assert_close(got, want)


def test_pack_sequence_unpack_and_total_length():
    seqs = [normal((n, 2), np.float64) for n in (2, 4, 3)]
    mg_packed = mnn.utils.rnn.pack_sequence([minigrad.tensor(s) for s in seqs], enforce_sorted=False)
    th_packed = TNN.utils.rnn.pack_sequence([torch.tensor(s) for s in seqs], enforce_sorted=False)
    assert_close(mg_packed.data, th_packed.data)
    assert mg_packed.batch_sizes.tolist() == th_packed.batch_sizes.tolist()
    assert mg_packed.sorted_indices.tolist() == th_packed.sorted_indices.tolist()
    assert mg_packed.unsorted_indices.tolist() == th_packed.unsorted_indices.tolist()
    got, lengths = mnn.utils.rnn.pad_packed_sequence(mg_packed, batch_first=True, padding_value=7.0, total_length=6)
    want, _ = TNN.utils.rnn.pad_packed_sequence(th_packed, batch_first=True, padding_value=7.0, total_length=6)
    assert_close(got, want)
    assert lengths.tolist() == [2, 4, 3]
    for a, s in zip(mnn.utils.rnn.unpack_sequence(mg_packed), seqs):
        assert_close(a, torch.tensor(s))


def test_packing_errors():
    x = minigrad.zeros(4, 3, 2)
    with pytest.raises(RuntimeError, match="must be sorted in decreasing order"):
        mnn.utils.rnn.pack_padded_sequence(x, [2, 3, 1])
    with pytest.raises(RuntimeError, match="greater than 0"):
        mnn.utils.rnn.pack_padded_sequence(x, [2, 0, 0])
    with pytest.raises(ValueError, match="batch_size"):
        mnn.utils.rnn.pack_padded_sequence(x, [2, 1])
    packed = mnn.utils.rnn.pack_padded_sequence(x, [4, 2, 1])
    with pytest.raises(ValueError, match="total_length"):
        mnn.utils.rnn.pad_packed_sequence(packed, total_length=2)


# ------------------------------------------------------------------------------------------ errors

def both_raise(make, call):
    """``call(make(lib), lib)`` raises the same exception type with the same message in both."""
    errors = []
    for lib in (minigrad, torch):
        with pytest.raises(Exception) as info:
            call(make(lib), lib)
        errors.append(info.value)
    assert type(errors[0]) is type(errors[1]), errors
    assert str(errors[0]).replace("minigrad.", "torch.") == str(errors[1]), errors


@pytest.mark.parametrize("name,call", [
    ("RNN", lambda m, lib: m(lib.zeros(5, 2, 4))),                       # wrong input size
    ("LSTM", lambda m, lib: m(lib.zeros(5, 2, 3, 1))),                   # 4-D input
    ("GRU", lambda m, lib: m(lib.zeros(5, 2, 3), lib.zeros(1, 3, 5))),   # hidden batch
    ("RNN", lambda m, lib: m(lib.zeros(5, 2, 3), lib.zeros(1, 2, 5, 1))),  # hidden dims
    ("LSTM", lambda m, lib: m(lib.zeros(5, 2, 3), (lib.zeros(1, 2, 5), lib.zeros(2, 2, 5)))),
    ("LSTM", lambda m, lib: m(lib.zeros(5, 2, 3), (lib.zeros(1, 2, 4), lib.zeros(1, 2, 5)))),
    ("LSTM", lambda m, lib: m(lib.zeros(5, 3), (lib.zeros(1, 2, 5), lib.zeros(1, 2, 5)))),
    ("GRU", lambda m, lib: m(lib.zeros(5, 2, 3, dtype=lib.float64))),   # dtype
    ("LSTM", lambda m, lib: m(lib.zeros(0, 2, 3))),                      # no time steps
])
def test_layer_errors_as_torch(name, call):
    both_raise(lambda lib: getattr(lib.nn, name)(3, 5), call)


@pytest.mark.parametrize("make", [
    lambda lib: lib.nn.RNN(3, 5, nonlinearity="sigmoid"),
    lambda lib: lib.nn.GRU(3, 5, proj_size=2),
    lambda lib: lib.nn.LSTM(3, 5, proj_size=5),
    lambda lib: lib.nn.LSTM(3, 5, proj_size=-1),
    lambda lib: lib.nn.LSTM(3, 0),
    lambda lib: lib.nn.LSTM(3, 5, num_layers=0),
    lambda lib: lib.nn.GRU(3, 5, dropout=1.5),
    lambda lib: lib.nn.GRU(3, 5.0),
])
def test_constructor_errors_as_torch(make):
    both_raise(make, lambda m, lib: None)


@pytest.mark.parametrize("name", ["LSTM", "GRU"])
def test_float16_runs_in_float32(name):
    """float16 layers compute in float32 and round back, as torch's CPU layers give float16 results."""
    mg, th = twins(name, np.float32, 3, 4, num_layers=2)
    mg.to(dtype=minigrad.float16), th.half()
    x = normal((5, 2, 3), np.float16)
    ins_mg, ins_th = leaves([x])
    outs_mg, outs_th = flat(mg(ins_mg[0])), flat(th(ins_th[0]))
    for a, b in zip(outs_mg, outs_th):
        assert_close(a, b, rtol=1e-2, atol=2e-3)
    sum(o.sum() for o in outs_mg).backward()
    sum(o.sum() for o in outs_th).backward()
    assert_close(ins_mg[0].grad, ins_th[0].grad, rtol=2e-2, atol=5e-3)
    for n, p in th.named_parameters():
        assert_close(getattr(mg, n).grad, p.grad, rtol=2e-2, atol=5e-3, what=n)


def test_cell_errors():
    for lib in (minigrad, torch):
        cell = lib.nn.LSTMCell(3, 4)
        with pytest.raises(ValueError, match="Expected input to be 1D or 2D"):
            cell(lib.zeros(2, 2, 3))
        with pytest.raises(RuntimeError):
            cell(lib.zeros(2, 5))
        with pytest.raises(RuntimeError):
            cell(lib.zeros(2, 3), (lib.zeros(3, 4), lib.zeros(3, 4)))


@pytest.mark.parametrize("name", ["RNN", "LSTM", "GRU"])
def test_empty_batch(name):
    mg, th = twins(name, np.float32, 3, 4, num_layers=2, bidirectional=True)
    ins_mg, ins_th = leaves([np.zeros((5, 0, 3), np.float32)])
    backward_and_compare(flat(mg(ins_mg[0])), flat(th(ins_th[0])), ins_mg, ins_th, mg, th, np.float32)


def test_dropout_warning_for_one_layer():
    with pytest.warns(UserWarning, match="non-zero dropout expects num_layers greater than 1"):
        mnn.LSTM(3, 4, dropout=0.3)
