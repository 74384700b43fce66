"""Embedding, EmbeddingBag, F.embedding, F.embedding_bag against torch: outputs, weight (and
per-sample-weight) gradients for every option, init and state_dict names, torch's errors."""
import numpy as np
import pytest
import torch

import minigrad
import minigrad.nn as mnn
import minigrad.nn.functional as MF
from tests.compare import assert_close, gradcheck
from tests.nn.layer_helpers import rand

TF = torch.nn.functional
DTYPES = [np.float32, np.float64]
IDX = np.array([[1, 2, 0, 4], [4, 3, 2, 9], [0, 0, 7, 4]])


def run_both(fn, weight, *args, grad=True, **kw):
    """fn(lib, F, weight tensor, *args) in both libraries; returns (minigrad result, torch result, weights)."""
    wm, wt = minigrad.tensor(weight.copy(), requires_grad=grad), torch.tensor(weight.copy(), requires_grad=grad)
    out_m, out_t = fn(minigrad, MF, wm, *args, **kw), fn(torch, TF, wt, *args, **kw)
    assert_close(out_m, out_t)
    if grad:
        up = np.random.default_rng(1).standard_normal(out_t.shape).astype(weight.dtype)
        out_m.backward(minigrad.tensor(up)), out_t.backward(torch.tensor(up))
        assert_close(wm.grad, wt.grad, what="weight grad")
    return out_m, out_t, wm, wt


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("options", [{}, dict(padding_idx=0), dict(padding_idx=-1), dict(scale_grad_by_freq=True),
                                     dict(padding_idx=4, scale_grad_by_freq=True)])
@pytest.mark.parametrize("index_dtype", [np.int64, np.int32])
def test_embedding(options, dtype, index_dtype):
    w = rand((10, 5), dtype)
    run_both(lambda lib, F, w: F.embedding(lib.tensor(IDX.astype(index_dtype)), w, **options), w)


@pytest.mark.parametrize("norm_type", [2.0, 1.0])
def test_embedding_max_norm_renormalises_in_place(norm_type):
    w = rand((10, 5), np.float64) * 3
    _, _, wm, wt = run_both(lambda lib, F, w: F.embedding(lib.tensor(IDX), w, max_norm=1.5, norm_type=norm_type) * 2, w)
    assert_close(wm, wt, what="renormalised weight")
    assert not np.array_equal(wm.detach().numpy(), w)


def test_embedding_module_and_from_pretrained():
    minigrad.manual_seed(0)
    e = mnn.Embedding(10, 3, padding_idx=2)
    assert e.weight.shape == (10, 3) and e.weight[2].tolist() == [0.0, 0.0, 0.0]
    assert list(e.state_dict()) == ["weight"]
    assert repr(e) == repr(torch.nn.Embedding(10, 3, padding_idx=2))
    w = rand((4, 3))
    for freeze in (True, False):
        m, t = mnn.Embedding.from_pretrained(minigrad.tensor(w), freeze=freeze), \
            torch.nn.Embedding.from_pretrained(torch.tensor(w), freeze=freeze)
        assert m.weight.requires_grad == t.weight.requires_grad
        assert_close(m(minigrad.tensor([3, 1])), t(torch.tensor([3, 1])))
    with pytest.raises(AssertionError, match="Embeddings parameter is expected to be 2-dimensional"):
        mnn.Embedding.from_pretrained(minigrad.tensor(rand(4)))


def test_embedding_errors_before_any_kernel():
    w = minigrad.tensor(rand((10, 3)), requires_grad=True)
    for bad in ([0, 10], [-1, 2]):
        with pytest.raises(IndexError, match="index out of range in self"):
            MF.embedding(minigrad.tensor(bad), w)
    with pytest.raises(RuntimeError, match=r"Expected tensor for argument #1 'indices' to have one of the following "
                                           r"scalar types: Long, Int; but got minigrad.FloatTensor instead"):
        MF.embedding(minigrad.tensor([1.0]), w)
    with pytest.raises(AssertionError, match="Padding_idx must be within num_embeddings"):
        mnn.Embedding(5, 2, padding_idx=5)
    with pytest.raises(NotImplementedError, match="sparse"):
        MF.embedding(minigrad.tensor([1]), w, sparse=True)


def test_embedding_gradcheck():
    assert gradcheck(lambda w: MF.embedding(minigrad.tensor(IDX), w),
                     [rand((10, 4), np.float64)])


def test_embedding_empty_and_scalar_index():
    w = rand((6, 2))
    run_both(lambda lib, F, w: F.embedding(lib.tensor(np.zeros((0, 3), np.int64)), w), w)
    run_both(lambda lib, F, w: F.embedding(lib.tensor(3), w), w)


BAG_INPUT = np.array([1, 2, 4, 5, 4, 3, 2, 9, 0, 0])
OFFSETS = np.array([0, 3, 3, 6])


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("mode", ["sum", "mean", "max"])
@pytest.mark.parametrize("options", [{}, dict(padding_idx=0), dict(include_last_offset=True), dict(max_norm=1.0)])
def test_embedding_bag_offsets(mode, options, dtype):
    w = rand((10, 4), dtype)
    # include_last_offset: the last offset ends the last bag, at the input's end (torch's documented use)
    offsets = np.append(OFFSETS, BAG_INPUT.size) if options.get("include_last_offset") else OFFSETS
    run_both(lambda lib, F, w: F.embedding_bag(lib.tensor(BAG_INPUT), w, lib.tensor(offsets), mode=mode, **options), w)


@pytest.mark.parametrize("mode", ["sum", "mean", "max"])
def test_embedding_bag_2d_input(mode):
    w = rand((10, 4))
    run_both(lambda lib, F, w: F.embedding_bag(lib.tensor(IDX), w, mode=mode, padding_idx=4), w)


@pytest.mark.parametrize("dtype", DTYPES)
def test_embedding_bag_per_sample_weights(dtype):
    w, a = rand((10, 4), dtype), rand(BAG_INPUT.size, dtype, seed=3)
    am, at = minigrad.tensor(a, requires_grad=True), torch.tensor(a, requires_grad=True)
    run_both(lambda lib, F, w: F.embedding_bag(lib.tensor(BAG_INPUT), w, lib.tensor(OFFSETS), mode="sum",
                                               per_sample_weights=am if lib is minigrad else at, padding_idx=0), w)
    assert_close(am.grad, at.grad, what="per_sample_weights grad")


def test_embedding_bag_module():
    m, t = mnn.EmbeddingBag(10, 3, mode="sum", padding_idx=1), torch.nn.EmbeddingBag(10, 3, mode="sum", padding_idx=1)
    assert repr(m) == repr(t) and list(m.state_dict()) == list(t.state_dict())
    t.load_state_dict({"weight": torch.tensor(m.weight.detach().numpy())})
    assert_close(m(minigrad.tensor(BAG_INPUT), minigrad.tensor(OFFSETS)),
                 t(torch.tensor(BAG_INPUT), torch.tensor(OFFSETS)))
    assert mnn.EmbeddingBag.from_pretrained(minigrad.tensor(rand((3, 2)))).weight.requires_grad is False


def test_embedding_bag_gradcheck():
    a = minigrad.tensor(rand(BAG_INPUT.size, np.float64), requires_grad=True)
    assert gradcheck(lambda w: MF.embedding_bag(minigrad.tensor(BAG_INPUT), w, minigrad.tensor(OFFSETS), mode="mean"),
                     [rand((10, 4), np.float64)])
    assert minigrad.autograd.gradcheck(
        lambda w, a: MF.embedding_bag(minigrad.tensor(BAG_INPUT), w, minigrad.tensor(OFFSETS), mode="sum",
                                      per_sample_weights=a),
        (minigrad.tensor(rand((10, 4), np.float64), requires_grad=True), a))


def test_embedding_bag_errors():
    w = minigrad.tensor(rand((10, 3)))
    x = minigrad.tensor(BAG_INPUT)
    with pytest.raises(ValueError, match="offsets has to be a 1D Tensor but got None"):
        MF.embedding_bag(x, w)
    with pytest.raises(ValueError, match="if input is 2D, then offsets has to be None"):
        MF.embedding_bag(minigrad.tensor(IDX), w, minigrad.tensor([0]))
    with pytest.raises(RuntimeError, match="offsets\\[0\\] has to be 0"):
        MF.embedding_bag(x, w, minigrad.tensor([1, 3]))
    with pytest.raises(ValueError, match="mode has to be one of sum, mean or max"):
        MF.embedding_bag(x, w, minigrad.tensor([0]), mode="min")
    with pytest.raises(NotImplementedError, match="per_sample_weights is only supported for mode='sum'"):
        MF.embedding_bag(x, w, minigrad.tensor([0]), per_sample_weights=minigrad.ones(10))
    with pytest.raises(IndexError, match="index out of range in self"):
        MF.embedding_bag(minigrad.tensor([3, 10]), w, minigrad.tensor([0]))
    with pytest.raises(NotImplementedError, match="scale_grad_by_freq"):
        MF.embedding_bag(x, w, minigrad.tensor([0]), scale_grad_by_freq=True)


def test_default_init_is_torchs_under_the_same_seed():
    for make in (lambda nn: nn.Embedding(10, 3, padding_idx=4), lambda nn: nn.EmbeddingBag(7, 2, mode="sum")):
        minigrad.manual_seed(5), torch.manual_seed(5)
        np.testing.assert_array_equal(make(mnn).weight.detach().numpy(), make(torch.nn).weight.detach().numpy())
