"""The host-level conv2d and pooling kernels against torch (values and autograd gradients)."""
import itertools

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from minigrad.kernels.cpu import _parallel, conv2d
from minigrad.kernels.cpu.conv2d import conv2d_backward, conv2d_forward
from minigrad.kernels.cpu.pooling import (
    adaptive_avg_pool2d_backward, adaptive_avg_pool2d_forward, avg_pool2d_backward, avg_pool2d_forward,
    max_pool2d_backward, max_pool2d_forward,
)

TOL = {np.float32: dict(rtol=1e-4, atol=1e-5), np.float64: dict(rtol=1e-10, atol=1e-12)}
DTYPES = [np.float32, np.float64]


@pytest.fixture(autouse=True, scope="module")
def _torch_single_thread():
    """torch's thread pool only slows down these tiny reference ops (a lot, on a busy machine)."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


def rand(shape, dtype, seed):
    return np.random.default_rng(seed).standard_normal(shape).astype(dtype)


def close(got, want, dtype, what, scale=1.0):
    tol = TOL[dtype]
    assert got.dtype == dtype, f"{what}: dtype {got.dtype}"
    np.testing.assert_allclose(got, want.detach().numpy(), rtol=tol["rtol"], atol=tol["atol"] * scale,
                               equal_nan=True, err_msg=what)


def torch_grads(fn, arrays, grad_out_seed=99):
    """Run ``fn`` on leaf tensors copied from ``arrays``; backprop a random gradient.
    Returns (out, upstream gradient as numpy, grads of the inputs)."""
    leaves = [None if a is None else torch.tensor(a, requires_grad=True) for a in arrays]
    out = fn(*leaves)
    g = rand(out.shape, arrays[0].dtype, grad_out_seed)
    out.backward(torch.from_numpy(g))
    return out, g, [None if t is None else t.grad for t in leaves]


# ------------------------------------------------------------------------------------------ conv2d

def _conv_cases():
    cases = []
    shapes = [(2, 4, 9, 7), (1, 8, 6, 6), (3, 4, 5, 8)]   # N, C, H, W; C divisible by every group count
    grid = itertools.product([1, 2, 3], [1, 2], [0, 1, 2], [1, 2], [1, 2, 4])
    for i, (k, s, p, d, g) in enumerate(grid):
        n, c, h, w = shapes[i % len(shapes)]
        if min(h, w) + 2 * p < d * (k - 1) + 1:
            continue
        cases.append(pytest.param((n, c, h, w), 2 * g, k, s, p, d, g, i % 2 == 0,
                                  id=f"k{k}-s{s}-p{p}-d{d}-g{g}"))
    return cases


def check_conv(x, w, b, stride, pad, dil, groups=1, torch_pad=None):
    """Forward and all gradients against torch. ``pad``: ours, an int or (top, bottom, left, right);
    torch gets ``torch_pad`` if given, else the same padding (a 4-tuple through F.pad)."""
    geo = ((stride, stride), (pad, pad) if isinstance(pad, int) else pad, (dil, dil), groups)
    out, saved = conv2d_forward(x, w, b, *geo)

    def reference(x, w, b):
        if torch_pad is None and not isinstance(pad, int):
            top, bottom, left, right = pad
            return F.conv2d(F.pad(x, (left, right, top, bottom)), w, b, stride, 0, dil, groups)
        return F.conv2d(x, w, b, stride, pad if torch_pad is None else torch_pad, dil, groups)

    t_out, g, t_grads = torch_grads(reference, [x, w, b])
    close(out, t_out, x.dtype.type, "out")
    grads = conv2d_backward(g, x, w, saved, *geo, needs=(True, True, b is not None))
    for got, want, what in zip(grads, t_grads, ("grad_x", "grad_w", "grad_b")):
        if want is None:
            assert got is None
        else:
            close(got, want, x.dtype.type, what, scale=10)


@pytest.mark.parametrize("dtype", DTYPES, ids=["f32", "f64"])
@pytest.mark.parametrize("shape,out_ch,k,stride,pad,dil,groups,bias", _conv_cases())
def test_conv2d(shape, out_ch, k, stride, pad, dil, groups, bias, dtype):
    check_conv(rand(shape, dtype, 0), rand((out_ch, shape[1] // groups, k, k), dtype, 1),
               rand(out_ch, dtype, 2) if bias else None, stride, pad, dil, groups)


@pytest.mark.parametrize("dtype", DTYPES, ids=["f32", "f64"])
@pytest.mark.parametrize("shape,out_ch,pad,groups,bias", [
    ((2, 16, 9, 7), 16, 1, 1, True), ((1, 32, 6, 5), 48, 0, 2, False), ((2, 16, 8, 8), 20, 2, 1, True),
    ((1, 16, 5, 6), 24, (0, 1, 1, 0), 1, True), ((1, 20, 2, 3), 16, 1, 1, False), ((1, 16, 5, 4), 16, 3, 1, True),
    ((3, 16, 33, 30), 17, 1, 1, True)])
def test_conv2d_winograd(shape, out_ch, pad, groups, bias, dtype):
    """3x3, stride 1, >= 16 channels per group: the Winograd F(2x2, 3x3) route (odd sizes crop tiles)."""
    geo = conv2d._Geometry(shape, (out_ch, shape[1] // groups, 3, 3), (1, 1),
                           (pad, pad) if isinstance(pad, int) else pad, (1, 1), groups)
    assert conv2d._winograd(geo)
    check_conv(rand(shape, dtype, 0), rand((out_ch, shape[1] // groups, 3, 3), dtype, 1),
               rand(out_ch, dtype, 2) if bias else None, 1, pad, 1, groups)


@pytest.mark.parametrize("dtype", DTYPES, ids=["f32", "f64"])
@pytest.mark.parametrize("chunk_tiles,groups", [(1, 1), (5, 1), (7, 1), (7, 2)])
def test_conv2d_winograd_chunks(monkeypatch, chunk_tiles, groups, dtype):
    """Winograd over chunks of ``chunk_tiles`` tiles (4x that for grad_w): chunks that end inside a
    tile row and inside an image, with cropped edge tiles (9x7 input: 5x4 tiles an image)."""
    shape, out_ch = (3, 16 * groups, 9, 7), 24 * groups
    per_tile = 16 * (shape[1] + out_ch) * np.dtype(dtype).itemsize
    monkeypatch.setattr(conv2d, "CHUNK_BYTES", chunk_tiles * per_tile)
    w_shape = (out_ch, shape[1] // groups, 3, 3)
    geo = conv2d._Geometry(shape, w_shape, (1, 1), (1, 1), (1, 1), groups)
    assert conv2d._winograd(geo)
    assert len(list(conv2d._winograd_chunks(geo, dtype, conv2d.CHUNK_BYTES))) == -(-60 // chunk_tiles)
    check_conv(rand(shape, dtype, 0), rand(w_shape, dtype, 1), rand(out_ch, dtype, 2), 1, 1, 1, groups)


@pytest.mark.parametrize("per_chunk", [1, 2])
@pytest.mark.parametrize("out_ch,k,stride,groups", [(2, 3, 1, 1), (12, 3, 1, 2), (6, 3, 2, 1), (8, 1, 1, 2)])
def test_conv2d_im2col_chunks(monkeypatch, per_chunk, out_ch, k, stride, groups):
    """The im2col route over chunks of ``per_chunk`` samples (3 in all): forward, grad_w summed over
    chunks, both grad_x routes (flipped convolution, col2im) and the pointwise view."""
    shape = (3, 4, 7, 6)
    monkeypatch.setattr(conv2d, "CHUNK_BYTES", per_chunk * 4 * k * k * 7 * 6 * 8)
    geo = conv2d._Geometry(shape, (out_ch, 4 // groups, k, k), (stride,) * 2, (k // 2,) * 2, (1, 1), groups)
    assert not conv2d._winograd(geo)
    if k == 1:
        assert geo.pointwise
    elif stride == 1:
        assert len(geo.samples(np.float64)) == -(-3 // per_chunk)
    check_conv(rand(shape, np.float64, 0), rand((out_ch, 4 // groups, k, k), np.float64, 1),
               rand(out_ch, np.float64, 2), stride, k // 2, 1, groups)


@pytest.mark.parametrize("channels,out_ch,k,stride", [(3, 8, 3, 1), (16, 16, 3, 1), (8, 2, 3, 1), (4, 6, 3, 2),
                                                      (4, 6, 1, 1)])
def test_conv2d_empty_batch(channels, out_ch, k, stride):
    """N = 0 on every route (im2col, Winograd, flipped grad_x, col2im, pointwise): empty output and
    grad_x, zero grad_w and grad_b."""
    check_conv(rand((0, channels, 6, 6), np.float32, 0), rand((out_ch, channels, k, k), np.float32, 1),
               rand(out_ch, np.float32, 2), stride, k // 2, 1)


@pytest.mark.parametrize("out_ch", [2, 12])   # fewer / more output than input channels: both grad_x routes
@pytest.mark.parametrize("k,stride,pad,dil", [(3, 1, 1, 1), (3, 2, 1, 1), (5, 1, 4, 2), (2, 1, 0, 1)])
def test_conv2d_large_planes(k, stride, pad, dil, out_ch):
    """Planes large enough for the vectorised copy/add loops of im2col/col2im."""
    check_conv(rand((2, 6, 21, 37), np.float32, 0), rand((out_ch, 6, k, k), np.float32, 1),
               rand(out_ch, np.float32, 2), stride, pad, dil)


@pytest.mark.parametrize("shape,k,stride,pad,dil", [((2, 3, 2, 3), 5, 1, 2, 1), ((1, 2, 2, 2), 3, 1, 2, 2),
                                                   ((1, 2, 3, 1), 3, 2, 2, 1), ((2, 2, 1, 4), 2, 1, 3, 3)])
def test_conv2d_padding_wider_than_input(shape, k, stride, pad, dil):
    """Taps whose whole column (or row) range falls in the padding."""
    check_conv(rand(shape, np.float64, 0), rand((3, shape[1], k, k), np.float64, 1), rand(3, np.float64, 2),
               stride, pad, dil)


@pytest.mark.filterwarnings("ignore:Using padding='same'")
@pytest.mark.parametrize("k,dil", [(2, 1), (4, 1), (2, 3)])
def test_conv2d_same_even_kernel(k, dil):
    """torch's 'same' pads d*(k-1) in total, the floor half top/left: a 4-tuple padding."""
    total = dil * (k - 1)
    check_conv(rand((2, 3, 7, 6), np.float64, 0), rand((5, 3, k, k), np.float64, 1), rand(5, np.float64, 2),
               1, (total // 2, total - total // 2) * 2, dil, torch_pad="same")


def test_conv2d_needs_and_strided_grad_out():
    x, w = rand((2, 4, 6, 6), np.float32, 0), rand((6, 4, 3, 3), np.float32, 1)
    out, saved = conv2d_forward(x, w, None, (1, 1), (1, 1), (1, 1), 1)
    t_out, g, (gx, gw) = torch_grads(lambda x, w: F.conv2d(x, w, None, 1, 1), [x, w])
    g_strided = np.asfortranarray(g)
    got = conv2d_backward(g_strided, x, w, saved, (1, 1), (1, 1), (1, 1), 1, needs=(False, True, False))
    assert got[0] is None and got[2] is None
    close(got[1], gw, np.float32, "grad_w", scale=10)
    got = conv2d_backward(g_strided, x, w, saved, (1, 1), (1, 1), (1, 1), 1, needs=(True, False, False))
    assert got[1] is None
    close(got[0], gx, np.float32, "grad_x", scale=10)


def test_conv2d_rejects_mismatched_groups():
    with pytest.raises(RuntimeError, match="groups=2"):
        conv2d_forward(rand((1, 4, 5, 5), np.float32, 0), rand((3, 2, 3, 3), np.float32, 1), None,
                       (1, 1), (0, 0), (1, 1), 2)


# ------------------------------------------------------------------------------------------ max pool

def _pool_cases(dilations):
    cases = []
    shapes = [(2, 3, 7, 9), (1, 2, 8, 8), (2, 1, 5, 6)]
    grid = itertools.product([1, 2, 3], [1, 2], [0, 1], dilations, [False, True])
    for i, (k, s, p, d, ceil) in enumerate(grid):
        shape = shapes[i % len(shapes)]
        if p > k // 2 or min(shape[-2:]) + 2 * p < d * (k - 1) + 1:
            continue
        cases.append(pytest.param(shape, k, s, p, d, ceil, id=f"k{k}-s{s}-p{p}-d{d}-{'ceil' if ceil else 'floor'}"))
    return cases


@pytest.fixture(params=["compiled", "numpy"])
def executor(request):
    """The max-pool kernels, and their numpy twins (kernels/cpu/_twins.py; dilation 1 only)."""
    from minigrad.kernels.cpu import _twins
    with _twins.executor(request.param):
        yield request.param


def check_max_pool(x, k, s, p, d, ceil):
    out, argmax = max_pool2d_forward(x, k, s, p, d, ceil)
    tx = torch.tensor(x, requires_grad=True)
    t_out, t_idx = F.max_pool2d(tx, k, s, p, d, ceil, return_indices=True)
    close(out, t_out, x.dtype.type, "out")
    np.testing.assert_array_equal(argmax, t_idx.numpy(), err_msg="argmax")
    g = rand(out.shape, x.dtype, 9)
    t_out.backward(torch.from_numpy(g))
    close(max_pool2d_backward(g, argmax, x.shape, k, s, p, d, ceil), tx.grad, x.dtype.type, "grad_x")


@pytest.mark.parametrize("dtype", DTYPES, ids=["f32", "f64"])
@pytest.mark.parametrize("shape,k,s,p,d,ceil", _pool_cases([1, 2]))
def test_max_pool2d(shape, k, s, p, d, ceil, dtype, executor):
    check_max_pool(rand(shape, dtype, 0), k, s, p, d, ceil)


@pytest.mark.parametrize("fill", ["equal", "few_values", "neg_inf"])
@pytest.mark.parametrize("k,s,p", [(2, 2, 0), (3, 2, 1), (3, 1, 1), (2, 1, 1)])
def test_max_pool2d_ties(fill, k, s, p, executor):
    """Ties pick the first maximum in row-major window order."""
    shape = (2, 2, 7, 8)
    x = {"equal": np.full(shape, 1.5, np.float32),
         "few_values": np.random.default_rng(0).integers(0, 3, shape).astype(np.float32),
         "neg_inf": np.full(shape, -np.inf, np.float32)}[fill]
    check_max_pool(x, k, s, p, 1, True)


@pytest.mark.parametrize("dtype", DTYPES, ids=["f32", "f64"])
@pytest.mark.parametrize("k,s,p,d", [(2, 2, 0, 1), (3, 1, 1, 1), (3, 2, 1, 2)])
def test_max_pool2d_nan(k, s, p, d, dtype, executor):
    """A NaN wins its window; with several, the last one's index is kept (torch's CPU kernel)."""
    x = rand((2, 3, 8, 9), dtype, 0)
    x.reshape(-1)[np.random.default_rng(1).choice(x.size, 40, replace=False)] = np.nan
    check_max_pool(x, k, s, p, d, False)


@pytest.mark.parametrize("dtype", DTYPES, ids=["f32", "f64"])
@pytest.mark.parametrize("k,s,p", [(2, 2, 0), (2, 2, 1), (3, 2, 1), (3, 1, 1), (3, 1, 0)])
def test_max_pool2d_wide_rows(k, s, p, dtype, executor):
    """Rows long enough for the vectorised loops of the specialised geometries; ties and NaNs mixed in."""
    x = np.random.default_rng(0).integers(0, 4, (2, 3, 9, 75)).astype(dtype)
    x[0, 1, 2, ::7] = np.nan
    check_max_pool(x, k, s, p, 1, True)


def test_max_pool2d_unbatched_and_threaded(monkeypatch, executor):
    check_max_pool(rand((3, 10, 11), np.float32, 0), 3, 2, 1, 1, True)
    monkeypatch.setattr(_parallel, "PARALLEL_MIN", 0)
    check_max_pool(rand((2, 4, 12, 10), np.float32, 0), 2, 2, 0, 1, False)
    check_max_pool(rand((2, 4, 12, 10), np.float32, 0), 3, 1, 1, 2, True)


@pytest.mark.parametrize("args,message", [((3, 1, 2, 1), "pad should be at most half"),
                                          ((5, 1, 0, 1), "Output size is too small"),
                                          ((2, 0, 0, 1), "stride should be greater than zero")])
def test_max_pool2d_errors(args, message):
    with pytest.raises(RuntimeError, match=message):
        max_pool2d_forward(rand((1, 1, 4, 4), np.float32, 0), *args, False)


def test_pool_argument_forms():
    """(k,) and [k, k] mean k; stride None or () means the kernel size."""
    x = rand((1, 2, 7, 6), np.float32, 0)
    np.testing.assert_array_equal(max_pool2d_forward(x, (3,), None, [1], 1, False)[0],
                                  max_pool2d_forward(x, 3, 3, 1, (1, 1), False)[0])
    np.testing.assert_array_equal(avg_pool2d_forward(x, [2, 2], (), 0, False, True, None),
                                  avg_pool2d_forward(x, 2, 2, 0, False, True, None))
    with pytest.raises(RuntimeError, match="divisor must be not zero"):
        avg_pool2d_forward(x, 2, 2, 0, False, True, 0)


# -------------------------------------------------------------------------------------- average pools

def _avg_cases():
    return [pytest.param(*case.values[:4], case.values[5], include_pad, divisor,
                         id=f"{case.id}-{'incl' if include_pad else 'excl'}-div{divisor}")
            for case in _pool_cases([1])
            for include_pad, divisor in [(True, None), (False, None), (False, 3)]]


def check_avg_pool(x, k, s, p, ceil, include_pad, divisor):
    args = (k, s, p, ceil, include_pad, divisor)
    out = avg_pool2d_forward(x, *args)
    t_out, g, (t_gx,) = torch_grads(lambda x: F.avg_pool2d(x, *args), [x])
    close(out, t_out, x.dtype.type, "out")
    close(avg_pool2d_backward(g, x.shape, *args), t_gx, x.dtype.type, "grad_x")


@pytest.mark.parametrize("dtype", DTYPES, ids=["f32", "f64"])
@pytest.mark.parametrize("shape,k,s,p,ceil,include_pad,divisor", _avg_cases())
def test_avg_pool2d(shape, k, s, p, ceil, include_pad, divisor, dtype):
    check_avg_pool(rand(shape, dtype, 0), k, s, p, ceil, include_pad, divisor)


def test_pools_empty_batch():
    """No planes: empty outputs and gradients, as torch."""
    x = rand((0, 3, 6, 6), np.float32, 0)
    check_max_pool(x, 2, 2, 0, 1, False)
    check_avg_pool(x, 2, 2, 0, False, True, None)


def test_avg_pool2d_threaded(monkeypatch):
    monkeypatch.setattr(_parallel, "PARALLEL_MIN", 0)
    check_avg_pool(rand((2, 4, 12, 10), np.float32, 0), 3, 2, 1, True, False, None)


@pytest.mark.parametrize("dtype", DTYPES, ids=["f32", "f64"])
@pytest.mark.parametrize("shape,output_size", [((2, 3, 7, 9), (3, 4)), ((2, 3, 7, 9), 1), ((1, 2, 6, 5), (5, None)),
                                               ((1, 2, 6, 5), (6, 5)), ((1, 2, 4, 5), (7, 9)), ((3, 8, 8), 3)])
def test_adaptive_avg_pool2d(shape, output_size, dtype):
    x = rand(shape, dtype, 0)
    out = adaptive_avg_pool2d_forward(x, output_size)
    t_out, g, (t_gx,) = torch_grads(lambda x: F.adaptive_avg_pool2d(x, output_size), [x])
    close(out, t_out, dtype, "out")
    close(adaptive_avg_pool2d_backward(g, x.shape), t_gx, dtype, "grad_x")
