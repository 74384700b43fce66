"""BatchNorm1d/2d/3d, LayerNorm, GroupNorm, InstanceNorm1d/2d and their functionals against torch:
outputs, input and parameter gradients, running statistics after several steps, train/eval,
float32/float64, float64 gradchecks, torch's errors."""
import numpy as np
import pytest
import torch

import minigrad
import minigrad.nn as mnn
import minigrad.nn.functional as MF
from tests.compare import assert_close, compare, gradcheck
from tests.nn.layer_helpers import compare_modules, rand, twin

TF = torch.nn.functional
DTYPES = [np.float32, np.float64]


def tol(dtype):
    # a float32 normalised output's gradient sums hundreds of products: torch's order differs from ours
    return dict(rtol=1e-4, atol=1e-4) if dtype == np.float32 else {}


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name,shape", [("BatchNorm1d", (6, 3)), ("BatchNorm1d", (4, 3, 5)),
                                        ("BatchNorm2d", (4, 3, 5, 6)), ("BatchNorm3d", (2, 3, 3, 4, 2))])
@pytest.mark.parametrize("options", [{}, dict(momentum=None), dict(affine=False), dict(track_running_stats=False),
                                     dict(momentum=0.3, eps=1e-3, bias=False)])
def test_batch_norm_train_then_eval(name, shape, options, dtype):
    mg, th = twin(getattr(mnn, name)(3, **options), getattr(torch.nn, name)(3, **options), dtype)
    for (_, pm), pt in zip(mg.named_parameters(), th.parameters()):  # not the init values
        v = rand(tuple(pt.shape), dtype, seed=9)
        pm.data.copy_(minigrad.tensor(v)), pt.data.copy_(torch.tensor(v))
    x = rand(shape, dtype) * dtype(3) + dtype(1)
    compare_modules(mg, th, x, steps=3, **tol(dtype))
    mg.eval(), th.eval()
    compare_modules(mg, th, x, **tol(dtype))


def test_batch_norm_grad_fn_and_default_init():
    m = mnn.BatchNorm2d(4)
    assert list(m.state_dict()) == list(torch.nn.BatchNorm2d(4).state_dict())
    assert m.weight.tolist() == [1.0] * 4 and m.bias.tolist() == [0.0] * 4
    assert m.num_batches_tracked.dtype == minigrad.int64
    y = m(minigrad.randn(2, 4, 3, 3, requires_grad=True))
    assert y.grad_fn is not None

@pytest.mark.parametrize("make", [lambda nn: nn.BatchNorm2d(4), lambda nn: nn.BatchNorm1d(3, affine=False),
                                  lambda nn: nn.BatchNorm1d(3, bias=False), lambda nn: nn.LayerNorm((2, 3)),
                                  lambda nn: nn.LayerNorm(3, elementwise_affine=False), lambda nn: nn.GroupNorm(2, 4),
                                  lambda nn: nn.GroupNorm(2, 4, bias=False), lambda nn: nn.InstanceNorm2d(3),
                                  lambda nn: nn.InstanceNorm1d(3, affine=True, track_running_stats=True)])
def test_repr_and_state_dict_names(make):
    m, t = make(mnn), make(torch.nn)
    assert repr(m) == repr(t)
    assert list(m.state_dict()) == list(t.state_dict())


@pytest.mark.parametrize("training", [True, False])
def test_batch_norm_functional(training):
    x, rm, rv, w, b = rand((5, 4, 3)), rand(4, seed=1), rand(4, seed=2, low=0.5), rand(4, seed=3), rand(4, seed=4)
    rm_m, rv_m, rm_t, rv_t = minigrad.tensor(rm), minigrad.tensor(rv), torch.tensor(rm), torch.tensor(rv)
    compare(lambda x, w, b: MF.batch_norm(x, rm_m, rv_m, w, b, training, 0.2, 1e-4),
            lambda x, w, b: TF.batch_norm(x, rm_t, rv_t, w, b, training, 0.2, 1e-4), [x, w, b], **tol(np.float32))
    assert_close(rm_m, rm_t), assert_close(rv_m, rv_t)


def test_batch_norm_errors():
    with pytest.raises(ValueError, match="Expected more than 1 value per channel when training"):
        mnn.BatchNorm1d(3)(minigrad.randn(1, 3))
    with pytest.raises(ValueError, match=r"expected 4D input \(got 3D input\)"):
        mnn.BatchNorm2d(3)(minigrad.randn(1, 3, 4))
    with pytest.raises(ValueError, match=r"expected 2D or 3D input \(got 4D input\)"):
        mnn.BatchNorm1d(3)(minigrad.randn(2, 3, 4, 4))
    with pytest.raises(RuntimeError, match="running_mean"):
        MF.batch_norm(minigrad.randn(2, 3), minigrad.zeros(4), minigrad.ones(4))
    m = mnn.BatchNorm1d(3).eval()  # eval mode takes a batch of one
    assert m(minigrad.randn(1, 3)).shape == (1, 3)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape,normalized,options", [((4, 7), 7, {}), ((2, 3, 4, 5), (4, 5), {}),
                                                      ((3, 6), [6], dict(elementwise_affine=False)),
                                                      ((2, 5, 8), 8, dict(bias=False, eps=1e-3))])
def test_layer_norm(shape, normalized, options, dtype):
    mg, th = twin(mnn.LayerNorm(normalized, **options), torch.nn.LayerNorm(normalized, **options), dtype)
    for (_, pm), pt in zip(mg.named_parameters(), th.parameters()):
        v = rand(tuple(pt.shape), dtype, seed=9)
        pm.data.copy_(minigrad.tensor(v)), pt.data.copy_(torch.tensor(v))
    compare_modules(mg, th, rand(shape, dtype) * dtype(5), **tol(dtype))


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("groups,shape,affine", [(2, (3, 4, 5), True), (3, (2, 6, 3, 4), True), (1, (2, 4, 6), False),
                                                 (4, (2, 4, 3, 3), True)])
def test_group_norm(groups, shape, affine, dtype):
    mg, th = twin(mnn.GroupNorm(groups, shape[1], affine=affine, bias=groups != 4),
                  torch.nn.GroupNorm(groups, shape[1], affine=affine, bias=groups != 4), dtype)
    for (_, pm), pt in zip(mg.named_parameters(), th.parameters()):
        v = rand(tuple(pt.shape), dtype, seed=9)
        pm.data.copy_(minigrad.tensor(v)), pt.data.copy_(torch.tensor(v))
    compare_modules(mg, th, rand(shape, dtype), **tol(dtype))


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name,shape", [("InstanceNorm1d", (3, 4, 6)), ("InstanceNorm1d", (4, 6)),
                                        ("InstanceNorm2d", (2, 4, 3, 5)), ("InstanceNorm2d", (4, 3, 5))])
@pytest.mark.parametrize("options", [{}, dict(affine=True), dict(affine=True, track_running_stats=True)])
def test_instance_norm(name, shape, options, dtype):
    mg, th = twin(getattr(mnn, name)(4, **options), getattr(torch.nn, name)(4, **options), dtype)
    x = rand(shape, dtype) * dtype(2) + dtype(0.5)
    compare_modules(mg, th, x, steps=2, **tol(dtype))
    mg.eval(), th.eval()
    compare_modules(mg, th, x, **tol(dtype))


def test_functional_forms():
    x, w, b = rand((3, 4, 5)), rand(4, seed=1), rand(4, seed=2)
    compare(lambda x, w, b: MF.group_norm(x, 2, w, b), lambda x, w, b: TF.group_norm(x, 2, w, b), [x, w, b],
            **tol(np.float32))
    compare(lambda x, w, b: MF.instance_norm(x, weight=w, bias=b),
            lambda x, w, b: TF.instance_norm(x, weight=w, bias=b), [x, w, b], **tol(np.float32))
    compare(lambda x: MF.layer_norm(x, (4, 5)), lambda x: TF.layer_norm(x, (4, 5)), [x], **tol(np.float32))
    compare(lambda x, w: MF.layer_norm(x, (5,), w[:1].expand(5)), lambda x, w: TF.layer_norm(x, (5,), w[:1].expand(5)),
            [x, w], **tol(np.float32))


@pytest.mark.parametrize("fn", [
    lambda x, w, b: MF.batch_norm(x, None, None, w, b, training=True),
    lambda x, w, b: MF.layer_norm(x, (3, 4), w.reshape(3, 1).expand(3, 4), b.reshape(1, 3).expand(4, 3).t()),
    lambda x, w, b: MF.group_norm(x, 3, w, b),
    lambda x, w, b: MF.instance_norm(x, weight=w, bias=b),
], ids=["batch_norm", "layer_norm", "group_norm", "instance_norm"])
def test_gradcheck(fn):
    assert gradcheck(fn, [rand((2, 3, 3, 4), np.float64), rand(3, np.float64, seed=1), rand(3, np.float64, seed=2)])


def test_eval_batch_norm_gradcheck():
    rm, rv = minigrad.tensor(rand(3, np.float64)), minigrad.tensor(rand(3, np.float64, low=0.5))
    assert gradcheck(lambda x, w, b: MF.batch_norm(x, rm, rv, w, b, training=False),
                     [rand((2, 3, 4), np.float64), rand(3, np.float64, seed=1), rand(3, np.float64, seed=2)])


def test_norm_errors():
    with pytest.raises(RuntimeError, match=r"Given normalized_shape=\[5\], expected input with shape \[\*, 5\]"):
        MF.layer_norm(minigrad.randn(2, 4), (5,))
    with pytest.raises(RuntimeError, match="Expected number of channels in input to be divisible by num_groups"):
        MF.group_norm(minigrad.randn(2, 5, 3), 2)
    with pytest.raises(ValueError, match="num_channels must be divisible by num_groups"):
        mnn.GroupNorm(2, 5)
    with pytest.raises(ValueError, match=r"expected 3D or 4D input \(got 2D input\)"):
        mnn.InstanceNorm2d(3)(minigrad.randn(2, 3))
    with pytest.raises(ValueError, match="Expected more than 1 spatial element"):
        MF.instance_norm(minigrad.randn(2, 3, 1))


def test_edge_values_as_torch():
    x = rand((3, 2, 4))
    x[0, 0, 1], x[1, 1, 2] = np.inf, np.nan
    for fn in (lambda t, F: F.layer_norm(t, (4,)), lambda t, F: F.group_norm(t, 1),
               lambda t, F: F.batch_norm(t, None, None, training=True)):
        assert_close(fn(minigrad.tensor(x), MF), fn(torch.tensor(x), TF))
    empty = rand((0, 3, 4))
    assert_close(MF.layer_norm(minigrad.tensor(empty), (4,)), TF.layer_norm(torch.tensor(empty), (4,)))


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("size,shape", [(2, (2, 5, 4, 3)), (3, (2, 6, 7)), (4, (1, 5, 2, 2, 3)), (1, (2, 3, 4))])
def test_local_response_norm(size, shape, dtype):
    m, t = mnn.LocalResponseNorm(size, alpha=0.3, beta=0.6, k=2.0), torch.nn.LocalResponseNorm(size, 0.3, 0.6, 2.0)
    assert repr(m) == repr(t)
    compare(m, t, [rand(shape, dtype) * dtype(3)], **tol(dtype))
    if dtype == np.float64:
        assert gradcheck(lambda x: MF.local_response_norm(x, size, 0.3, 0.6, 2.0), [rand(shape, dtype)])
    with pytest.raises(ValueError, match="Expected 3D or higher dimensionality"):
        m(minigrad.ones(2, 3))


def test_torch_state_dict_loads_into_minigrad():
    t = torch.nn.BatchNorm2d(3)
    t(torch.tensor(rand((4, 3, 2, 2)) * 3 + 1))  # running statistics and num_batches_tracked move
    m = mnn.BatchNorm2d(3)
    m.load_state_dict({k: minigrad.tensor(v.numpy()) for k, v in t.state_dict().items()})
    assert int(m.num_batches_tracked) == 1
    m.eval(), t.eval()
    x = rand((2, 3, 2, 2))
    assert_close(m(minigrad.tensor(x)), t(torch.tensor(x)))
