"""MaxPool1d, AvgPool1d, AdaptiveMaxPool2d, MaxUnpool2d, Unfold/Fold and their functionals against
torch: values, indices, gradients, reprs, float64 gradcheck, torch's errors."""
import numpy as np
import pytest
import torch

import minigrad
import minigrad.nn as mnn
import minigrad.nn.functional as MF
from tests.compare import assert_close, compare, gradcheck
from tests.nn.layer_helpers import rand

TF = torch.nn.functional
DTYPES = [np.float32, np.float64]


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("args", [dict(kernel_size=2), dict(kernel_size=3, stride=2, padding=1),
                                  dict(kernel_size=3, stride=1, dilation=2, ceil_mode=True),
                                  dict(kernel_size=2, stride=3, ceil_mode=True)])
@pytest.mark.parametrize("shape", [(2, 3, 11), (3, 10)])
def test_max_pool1d(args, shape, dtype):
    x = rand(shape, dtype)
    compare(lambda x: MF.max_pool1d(x, **args), lambda x: TF.max_pool1d(x, **args), [x])
    out_m, idx_m = MF.max_pool1d(minigrad.tensor(x), return_indices=True, **args)
    out_t, idx_t = TF.max_pool1d(torch.tensor(x), return_indices=True, **args)
    assert_close(idx_m, idx_t)
    assert repr(mnn.MaxPool1d(**args)) == repr(torch.nn.MaxPool1d(**args))


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("args", [dict(kernel_size=2), dict(kernel_size=3, stride=2, padding=1),
                                  dict(kernel_size=3, stride=2, padding=1, count_include_pad=False, ceil_mode=True)])
def test_avg_pool1d(args, dtype):
    compare(lambda x: MF.avg_pool1d(x, **args), lambda x: TF.avg_pool1d(x, **args), [rand((2, 3, 9), dtype)])
    m, t = mnn.AvgPool1d(**args), torch.nn.AvgPool1d(**args)
    assert repr(m) == repr(t)
    assert_close(m(minigrad.tensor(rand((3, 9)))), t(torch.tensor(rand((3, 9)))))


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("size", [2, (3, 5), (None, 2), (7, 9)])
def test_adaptive_max_pool2d(size, dtype):
    x = rand((2, 3, 7, 9), dtype)
    compare(lambda x: MF.adaptive_max_pool2d(x, size), lambda x: TF.adaptive_max_pool2d(x, size), [x])
    (_, i_m), (_, i_t) = MF.adaptive_max_pool2d(minigrad.tensor(x), size, True), \
        TF.adaptive_max_pool2d(torch.tensor(x), size, True)
    assert_close(i_m, i_t)
    m, t = mnn.AdaptiveMaxPool2d(size), torch.nn.AdaptiveMaxPool2d(size)
    assert repr(m) == repr(t)
    assert_close(m(minigrad.tensor(x[0])), t(torch.tensor(x[0])))
    assert m(minigrad.tensor(x)).grad_fn is None


def test_adaptive_max_pool2d_nan_wins_as_torch():
    x = rand((1, 1, 4, 4))
    x[0, 0, 0, 1], x[0, 0, 3, 3] = np.nan, np.inf
    assert_close(MF.adaptive_max_pool2d(minigrad.tensor(x), 2, True)[1], TF.adaptive_max_pool2d(torch.tensor(x), 2,
                                                                                                  True)[1])


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("k,s,p,size", [(2, None, 0, None), (3, 2, 1, (8, 8)), (2, 2, 0, (9, 8)),
                                        (2, 2, 0, [1, 3, 9, 9])])
def test_max_unpool2d(k, s, p, size, dtype):
    x = rand((1, 3, 8, 8), dtype)
    out, idx = TF.max_pool2d(torch.tensor(x), k, s, p, return_indices=True)
    pooled = out.numpy()
    compare(lambda y: MF.max_unpool2d(y, minigrad.tensor(idx.numpy()), k, s, p, size),
            lambda y: TF.max_unpool2d(y, idx, k, s, p, size), [pooled])
    m, t = mnn.MaxUnpool2d(k, s, p), torch.nn.MaxUnpool2d(k, s, p)
    assert repr(m) == repr(t)
    size = None if size is None else tuple(size)[-2:]
    assert_close(m(minigrad.tensor(pooled[0]), minigrad.tensor(idx.numpy()[0]), size),
                 t(torch.tensor(pooled[0]), idx[0], size))


def test_unpool_errors():
    y, idx = minigrad.tensor(rand((1, 1, 2, 2))), minigrad.tensor(np.array([[[[0, 1], [4, 16]]]]))
    with pytest.raises(RuntimeError, match=r"Found an invalid max index: 16 \(output volumes are of size 4x4\)"):
        MF.max_unpool2d(y, idx, 2)
    x = rand((1, 3, 8, 8))
    out, i = TF.max_pool2d(torch.tensor(x), 3, 2, 1, return_indices=True)
    with pytest.raises(RuntimeError) as th:
        TF.max_unpool2d(out, i, 3, 2, 1)
    with pytest.raises(RuntimeError, match=str(th.value).replace("(", r"\(").replace(")", r"\)")):
        MF.max_unpool2d(minigrad.tensor(out.numpy()), minigrad.tensor(i.numpy()), 3, 2, 1)
    with pytest.raises(ValueError, match='invalid output_size "\\[9, 9\\]"'):
        MF.max_unpool2d(y, idx, 2, output_size=(9, 9))


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("geo", [dict(kernel_size=2), dict(kernel_size=(2, 3), dilation=2, padding=1, stride=(2, 1)),
                                 dict(kernel_size=3, padding=1, stride=2)])
def test_unfold_and_fold(geo, dtype):
    x = rand((2, 3, 7, 8), dtype)
    cols, _ = compare(lambda x: MF.unfold(x, **geo), lambda x: TF.unfold(x, **geo), [x])
    compare(lambda c: MF.fold(c, (7, 8), **geo), lambda c: TF.fold(c, (7, 8), **geo), [cols.detach().numpy()])
    compare(lambda x: MF.unfold(x, **geo), lambda x: TF.unfold(x, **geo), [x[0]])
    for mk in (lambda nn: nn.Unfold(**geo), lambda nn: nn.Fold((7, 8), **geo)):
        assert repr(mk(mnn)) == repr(mk(torch.nn))


def test_gradchecks():
    x = rand((1, 2, 5, 6), np.float64)
    assert gradcheck(lambda x: MF.unfold(x, 2, padding=1, stride=2), [x])
    assert gradcheck(lambda c: MF.fold(c, (5, 6), 2), [rand((1, 8, 20), np.float64)])
    assert gradcheck(lambda x: MF.adaptive_max_pool2d(x, (2, 4)), [x])
    assert gradcheck(lambda x: MF.avg_pool1d(x, 3, 2, 1), [x[0]])


def test_fold_errors():
    with pytest.raises(RuntimeError, match="Expected size of input's dimension 1 to be divisible by the product of "
                                           "kernel_size"):
        MF.fold(minigrad.tensor(rand((1, 5, 4))), (3, 3), 2)
    with pytest.raises(RuntimeError, match="expected size of input's dimension 2 to match the calculated number of "
                                           "sliding blocks 2 \\* 2 = 4, but got input.size\\(2\\)=5"):
        MF.fold(minigrad.tensor(rand((1, 4, 5))), (3, 3), 2)
    with pytest.raises(RuntimeError, match="Expected 3D or 4D \\(batch mode\\) tensor"):
        MF.unfold(minigrad.tensor(rand((2, 3))), 2)
