"""nn.Conv2d / F.conv2d and the pooling functionals against torch: values, every gradient, errors,
gradcheck, and the documents' segmentation network training."""
import itertools

import numpy as np
import pytest
import torch
import torch.nn.functional as TF

import minigrad
import minigrad.nn as nn
import minigrad.nn.functional as F
from tests.compare import compare, gradcheck
from minigrad.examples.segmentation import segmentation_net

rng = np.random.default_rng(0)

CONV_CASES = [  # x shape, weight shape, stride, padding, dilation, groups
    ((2, 3, 7, 6), (4, 3, 3, 3), 1, 1, 1, 1),
    ((1, 4, 8, 8), (6, 2, 3, 2), 2, (1, 0), 1, 2),
    ((2, 4, 9, 9), (4, 1, 3, 3), 1, 2, 2, 4),
    ((1, 3, 5, 5), (2, 3, 1, 1), 1, 0, 1, 1),
    ((1, 2, 6, 6), (3, 2, 4, 4), 1, "same", 1, 1),
    ((1, 2, 6, 5), (3, 2, 3, 2), 1, "valid", 1, 1),
    ((5, 6, 4), (2, 5, 3, 3), 1, 1, 1, 1),  # unbatched
]


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("bias", [True, False])
@pytest.mark.parametrize("xs,ws,stride,padding,dilation,groups", CONV_CASES)
def test_conv2d_matches_torch(xs, ws, stride, padding, dilation, groups, bias, dtype):
    x, w = rng.standard_normal(xs).astype(dtype), rng.standard_normal(ws).astype(dtype)
    inputs = [x, w] + ([rng.standard_normal(ws[0]).astype(dtype)] if bias else [])
    kw = dict(stride=stride, padding=padding, dilation=dilation, groups=groups)
    out, _ = compare(lambda *a: F.conv2d(*a, **kw), lambda *a: TF.conv2d(*a, **kw), inputs)
    assert out.grad_fn.name == ("SqueezeBackward1" if len(xs) == 3 else "ConvolutionBackward0")


def test_conv2d_gradcheck():
    x, w, b = rng.standard_normal((1, 2, 5, 4)), rng.standard_normal((3, 2, 2, 3)), rng.standard_normal(3)
    assert gradcheck(lambda *a: F.conv2d(*a, stride=(2, 1), padding=1), [x, w, b])


POOL_CASES = [  # shape, kernel, stride, padding, dilation, ceil_mode
    ((2, 3, 8, 8), 2, 2, 0, 1, False),
    ((1, 2, 7, 9), 3, 2, 1, 1, True),
    ((1, 2, 9, 9), (3, 2), (2, 1), (1, 0), (2, 1), False),
    ((2, 7, 7), 2, None, 0, 1, True),
]


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("shape,k,s,p,d,ceil", POOL_CASES)
def test_max_pool2d_matches_torch(shape, k, s, p, d, ceil, dtype):
    x = rng.standard_normal(shape).astype(dtype)
    kw = dict(kernel_size=k, stride=s, padding=p, dilation=d, ceil_mode=ceil)
    out, _ = compare(lambda a: F.max_pool2d(a, **kw), lambda a: TF.max_pool2d(a, **kw), [x])
    _, idx = F.max_pool2d(minigrad.tensor(x), return_indices=True, **kw)
    _, tidx = TF.max_pool2d(torch.tensor(x), return_indices=True, **kw)
    np.testing.assert_array_equal(idx.numpy(), tidx.numpy())


def test_max_pool2d_ties_send_gradient_to_first_maximum():
    compare(lambda a: F.max_pool2d(a, 2), lambda a: TF.max_pool2d(a, 2), [np.ones((1, 1, 4, 4), np.float32)])


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("ceil,count_pad,divisor", list(itertools.product([False, True], [True, False], [None, 3])))
def test_avg_pool2d_matches_torch(ceil, count_pad, divisor, dtype):
    x = rng.standard_normal((2, 3, 7, 8)).astype(dtype)
    kw = dict(kernel_size=3, stride=2, padding=1, ceil_mode=ceil, count_include_pad=count_pad,
              divisor_override=divisor)
    compare(lambda a: F.avg_pool2d(a, **kw), lambda a: TF.avg_pool2d(a, **kw), [x])


@pytest.mark.parametrize("size", [1, (2, 3), (None, 2), (5, 7)])
def test_adaptive_avg_pool2d_matches_torch(size):
    x = rng.standard_normal((2, 3, 5, 7))
    compare(lambda a: F.adaptive_avg_pool2d(a, size), lambda a: TF.adaptive_avg_pool2d(a, size), [x])


def test_pooling_gradcheck():
    x = rng.standard_normal((1, 2, 6, 5))
    assert gradcheck(lambda a: F.avg_pool2d(a, 3, 2, 1), [x])
    assert gradcheck(lambda a: F.max_pool2d(a, 2, 1), [x])
    assert gradcheck(lambda a: F.adaptive_avg_pool2d(a, (4, 3)), [x])


def test_modules_match_torch_with_copied_weights():
    m, t = nn.Conv2d(3, 5, 3, stride=2, padding=1, groups=1), torch.nn.Conv2d(3, 5, 3, stride=2, padding=1)
    with torch.no_grad():
        t.weight.copy_(torch.tensor(m.weight.detach().numpy()))
        t.bias.copy_(torch.tensor(m.bias.detach().numpy()))
    x = rng.standard_normal((2, 3, 9, 9)).astype(np.float32)
    np.testing.assert_allclose(m(minigrad.tensor(x)).detach().numpy(), t(torch.tensor(x)).detach().numpy(),
                               rtol=1e-4, atol=1e-5)
    assert repr(m) == repr(t)
    assert repr(nn.MaxPool2d(2, 2)) == repr(torch.nn.MaxPool2d(2, 2))
    assert repr(nn.AvgPool2d(2)) == repr(torch.nn.AvgPool2d(2))
    assert repr(nn.Conv2d(4, 4, 3, padding="same", groups=2, bias=False)) == \
        repr(torch.nn.Conv2d(4, 4, 3, padding="same", groups=2, bias=False))


def test_conv2d_default_init_bounds():
    m = nn.Conv2d(64, 128, 3)
    bound = 1 / np.sqrt(64 * 9)
    assert np.abs(m.weight.detach().numpy()).max() <= bound
    assert np.abs(m.bias.detach().numpy()).max() <= bound
    assert m.weight.detach().numpy().std() > bound / 3


ERRORS = [
    (lambda: F.conv2d(minigrad.zeros(1, 4, 8, 8), minigrad.zeros(2, 3, 3, 3)), RuntimeError,
     r"expected input\[1, 4, 8, 8\] to have 3 channels, but got 4 channels instead"),
    (lambda: F.conv2d(minigrad.zeros(2, 3), minigrad.zeros(2, 3, 3, 3)), RuntimeError, "3D .unbatched. or 4D"),
    (lambda: F.conv2d(minigrad.zeros(1, 3, 2, 2), minigrad.zeros(2, 3, 3, 3)), RuntimeError,
     "Kernel size can't be greater than actual input size"),
    (lambda: F.conv2d(minigrad.zeros(1, 3, 5, 5), minigrad.zeros(2, 3, 3, 3), stride=0), RuntimeError,
     "non-positive stride"),
    (lambda: F.conv2d(minigrad.zeros(1, 4, 5, 5), minigrad.zeros(3, 2, 3, 3), groups=2), RuntimeError,
     "divisible by 2"),
    (lambda: nn.Conv2d(3, 4, 3, groups=2), ValueError, "in_channels must be divisible by groups"),
    (lambda: nn.Conv2d(4, 4, 3, stride=2, padding="same"), ValueError, "not supported for strided"),
    (lambda: F.max_pool2d(minigrad.zeros(1, 1, 4, 4), 2, padding=2), RuntimeError, "pad should be at most half"),
    (lambda: F.max_pool2d(minigrad.zeros(1, 1, 1, 1), 2), RuntimeError, "Output size is too small"),
    (lambda: F.max_pool2d(minigrad.zeros(4, 4), 2), RuntimeError, "3D or 4D"),
    (lambda: F.max_pool2d(minigrad.zeros(2, 0, 6, 6), 2), RuntimeError,
     r"with optional 0 dim batch size for input, but got:\[2, 0, 6, 6\]"),
    (lambda: F.avg_pool2d(minigrad.zeros(0, 6, 6), 2), RuntimeError, r"optional 0 dim batch size .*\[0, 6, 6\]"),
    (lambda: F.adaptive_avg_pool2d(minigrad.zeros(2, 3, 0, 6), 2), RuntimeError,
     r"sizes \[2, 3, 0, 6\] with dimension 2 being empty"),
]


@pytest.mark.parametrize("call,exc,match", ERRORS)
def test_bad_input_raises_torch_error(call, exc, match):
    with pytest.raises(exc, match=match):
        call()


def test_segmentation_network_trains_with_crossentropyloss2d():
    minigrad.manual_seed(0)
    net, crit = segmentation_net(nn, F, 2), nn.CrossEntropyLoss2d()
    opt = minigrad.optim.SGD(net.parameters(), lr=0.05, momentum=0.9)
    x, y = minigrad.randn(2, 3, 16, 16), minigrad.randint(0, 2, (2, 4, 4))
    losses = []
    for _ in range(15):
        opt.zero_grad()
        loss = crit(net(x), y)
        loss.backward()
        opt.step()
        losses.append(loss.item())
    assert losses[-1] < 0.5 * losses[0]
