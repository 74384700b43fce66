"""2-D max / average / adaptive-average pooling on NCHW numpy arrays (Numba kernels).

Output length along one axis (torch's ``pooling_output_shape``), dilation d = 1 for average pooling:

    out = (in + 2*pad - d*(k-1) - 1 + (s-1 if ceil_mode else 0)) // s + 1
    if ceil_mode and (out-1)*s >= in + pad: out -= 1     # last window must start inside input/left pad

Window of output o: input positions o*s - pad + i*d for i in [0, k), clipped to the input.

* max: value and flat index (ih*W + iw within the (n, c) plane) of the first maximum in window order
  (row-major); a NaN wins and the last NaN is kept, as in torch. Backward scatters
  ``grad_x[argmax] += grad_out``.
* average: sum over the clipped window / divisor, divisor = ``divisor_override``, else the window size
  clipped to the padded input (count_include_pad) or to the input (not count_include_pad).
  Backward adds ``grad_out / divisor`` to every clipped window position.
* adaptive average: window [floor(o*in/out), ceil((o+1)*in/out)), divisor = its clipped size.

Every kernel works on a range of the N*C planes and is ``split`` over threads above
``_parallel.PARALLEL_MIN`` input elements.
"""
import math

import numpy as np

from ..jit import njit
from ._parallel import split
from ._twins import run


def _pair(v):
    """An int or a 1- or 2-sequence as a pair (torch's ``_pair``)."""
    if isinstance(v, (int, np.integer)):
        return v, v
    v = tuple(v)
    return v * 2 if len(v) == 1 else v


def pool_output_size(in_size, kernel, stride, pad, dilation, ceil_mode):
    """Output length along one axis, torch's formula (see the module docstring)."""
    out = (in_size + 2 * pad - dilation * (kernel - 1) - 1 + (stride - 1 if ceil_mode else 0)) // stride + 1
    if ceil_mode and (out - 1) * stride >= in_size + pad:
        out -= 1
    return out


def _geometry(x_shape, kernel_size, stride, padding, dilation, ceil_mode):
    """Normalise the arguments (stride None/empty -> kernel_size) and return them with (OH, OW)."""
    kernel = _pair(kernel_size)
    stride = _pair(stride) if isinstance(stride, (int, np.integer)) or stride else kernel
    padding, dilation = _pair(padding), _pair(dilation)
    for name, v in (("kernel size", kernel), ("stride", stride), ("dilation", dilation)):
        if min(v) <= 0:
            raise RuntimeError(f"{name} should be greater than zero, but got {v}")
    for p, k, d in zip(padding, kernel, dilation):
        if p > k // 2:
            raise RuntimeError(f"pad should be at most half of effective kernel size, but got pad={p}, "
                               f"kernel_size={k} and dilation={d}")
    out_hw = tuple(pool_output_size(n, k, s, p, d, ceil_mode)
                   for n, k, s, p, d in zip(x_shape[-2:], kernel, stride, padding, dilation))
    if min(out_hw) <= 0:
        size = "x".join(map(str, x_shape[-3:]))
        raise RuntimeError(f"Given input size: ({size}). Calculated output size: "
                           f"({x_shape[-3]}x{out_hw[0]}x{out_hw[1]}). Output size is too small")
    return kernel, stride, padding, dilation, out_hw


def _planes(a):
    """(N, C, H, W) -> (N*C, H, W) view."""
    return a.reshape(-1, a.shape[-2], a.shape[-1])


def _count(a):
    """N*C: the planes of (N, C, H, W), the units a kernel's threads split."""
    return math.prod(a.shape[:-2])


_U = np.uint64  # indexing with unsigned ints skips Numba's negative-index wraparound, so loops vectorise


# ---------------------------------------------------------------------------------------- max pool

@njit
def _window(start, d, k, size):
    """Range [lo, hi) of taps i < k with 0 <= start + i*d < size."""
    lo = 0
    while lo < k and start + lo * d < 0:
        lo += 1
    hi = k
    while hi > lo and start + (hi - 1) * d >= size:
        hi -= 1
    return lo, hi


@njit(inline="always")
def _max_run(x, out, arg, o0, n, plane, W, r0, c0, kh, kw, sw, dh, dw):
    """out/arg[o0 + q], q < n: max and index over taps (r0 + i*dh, c0 + q*sw + j*dw), i < kh, j < kw.

    All taps lie inside the plane that starts at flat offset ``plane``. Called with literal kh, kw,
    sw, dh, dw for common geometries, so LLVM unrolls the taps and vectorises over q.
    """
    for q in range(n):
        best = x.dtype.type(-np.inf)
        best_at = r0 * W + c0 + q * sw  # torch's start: -inf at the first tap
        for i in range(kh):
            for j in range(kw):
                at = (r0 + i * dh) * W + c0 + q * sw + j * dw
                v = x[_U(plane + at)]
                take = (v > best) | (v != v)
                best = v if take else best
                best_at = at if take else best_at
        out[_U(o0 + q)] = best
        arg[_U(o0 + q)] = best_at


@njit
def _max_border(x, out, arg, o, plane, W, h0, i_lo, i_hi, w0, kw, dh, dw):
    """One output whose column taps are clipped by the left/right edge."""
    j_lo, j_hi = _window(w0, dw, kw, W)
    _max_run(x, out, arg, o, 1, plane, W, h0 + i_lo * dh, w0 + j_lo * dw, i_hi - i_lo, j_hi - j_lo, 0, dh, dw)


@split
def _max_pool_kernel(u0, u1, x3, out3, arg3, kh, kw, sh, sw, ph, pw, dh, dw):
    P, H, W = x3.shape
    OH, OW = out3.shape[1], out3.shape[2]
    x, out, arg = x3.reshape(-1), out3.reshape(-1), arg3.reshape(-1)
    c_lo, c_hi = _window(-pw, sw, OW, W - (kw - 1) * dw)  # outputs with every column tap inside
    for p in range(u0, u1):
        plane = p * H * W
        for oh in range(OH):
            h0 = oh * sh - ph
            i_lo, i_hi = _window(h0, dh, kh, H)
            o = (p * OH + oh) * OW
            for ow in range(c_lo):
                _max_border(x, out, arg, o + ow, plane, W, h0, i_lo, i_hi, ow * sw - pw, kw, dh, dw)
            for ow in range(c_hi, OW):
                _max_border(x, out, arg, o + ow, plane, W, h0, i_lo, i_hi, ow * sw - pw, kw, dh, dw)
            r0, c0, n = h0 + i_lo * dh, c_lo * sw - pw, c_hi - c_lo
            square = i_hi - i_lo == kh == kw and dh == dw == 1
            if square and kh == 2 and sw == 2:
                _max_run(x, out, arg, o + c_lo, n, plane, W, r0, c0, 2, 2, 2, 1, 1)
            elif square and kh == 3 and sw == 2:
                _max_run(x, out, arg, o + c_lo, n, plane, W, r0, c0, 3, 3, 2, 1, 1)
            elif square and kh == 3 and sw == 1:
                _max_run(x, out, arg, o + c_lo, n, plane, W, r0, c0, 3, 3, 1, 1, 1)
            else:
                _max_run(x, out, arg, o + c_lo, n, plane, W, r0, c0, i_hi - i_lo, kw, sw, dh, dw)


@split
def _max_pool_backward_kernel(u0, u1, grad_out, arg, grad_x):
    P, L = grad_out.shape
    HW = grad_x.shape[1]
    for p in range(u0, u1):
        grad_x[p, :] = 0
        for o in range(L):
            at = arg[p, o]
            if 0 <= at < HW:  # an all-padding window (possible with dilation) points past the plane
                grad_x[p, at] += grad_out[p, o]


def _max_pool_numpy(work, units, x3, out3, arg3, kh, kw, sh, sw, ph, pw, dh, dw):
    """``_max_pool_kernel``'s numpy twin for dilation 1 (kernels/cpu/_twins.py): every window's taps
    gathered at once, then the kernel's scan: the last NaN, else the first maximum (of the taps inside
    the plane; the first of those when all are −inf)."""
    P, H, W = x3.shape
    rows = (np.arange(out3.shape[1]) * sh - ph)[:, None] + np.arange(kh)  # (OH, kh)
    cols = (np.arange(out3.shape[2]) * sw - pw)[:, None] + np.arange(kw)  # (OW, kw)
    r, c = np.clip(rows, 0, H - 1)[:, None, :, None], np.clip(cols, 0, W - 1)[None, :, None, :]
    inside = ((rows >= 0) & (rows < H))[:, None, :, None] & ((cols >= 0) & (cols < W))[None, :, None, :]
    taps = out3.shape[1:] + (kh * kw,)
    v = np.where(inside, x3[:, r, c], x3.dtype.type(-np.inf)).reshape((P,) + taps)
    inside = inside.reshape(taps)
    nan = np.isnan(v)
    m = np.where(nan, v.dtype.type(-np.inf), v).max(axis=-1, keepdims=True)
    pick = np.where(nan.any(axis=-1), kh * kw - 1 - np.argmax(nan[..., ::-1], axis=-1),
                    np.argmax((v == m) & inside, axis=-1))[..., None]
    out3[...] = np.take_along_axis(v, pick, -1)[..., 0]
    arg3[...] = np.take_along_axis(np.broadcast_to((r * W + c).reshape(taps), v.shape), pick, -1)[..., 0]


def _max_pool_backward_numpy(work, units, grad_out, arg, grad_x):
    """``_max_pool_backward_kernel``'s numpy twin: the same adds in the same order."""
    grad_x[...] = 0
    keep = (arg >= 0) & (arg < grad_x.shape[1])
    plane = np.broadcast_to(np.arange(arg.shape[0])[:, None], arg.shape)
    np.add.at(grad_x, (plane[keep], arg[keep]), grad_out[keep])


TWIN_MAX_TAPS = 1 << 22  # gathered taps (outputs × window) up to which the numpy twins may run


def max_pool2d_forward(x, kernel_size, stride, padding, dilation, ceil_mode):
    """Return ``(out, argmax)``; argmax (int64, shape of out) indexes each flattened input plane."""
    (kh, kw), (sh, sw), (ph, pw), (dh, dw), out_hw = _geometry(x.shape, kernel_size, stride, padding,
                                                                 dilation, ceil_mode)
    out = np.empty(x.shape[:-2] + out_hw, x.dtype)
    argmax = np.empty(out.shape, np.int64)
    small = dh == dw == 1 and out.size * kh * kw <= TWIN_MAX_TAPS
    run(_max_pool_kernel, _max_pool_numpy, small, x.size, _count(x), _planes(x), _planes(out), _planes(argmax),
        kh, kw, sh, sw, ph, pw, dh, dw)
    return out, argmax


def max_pool2d_backward(grad_out, argmax, input_shape, kernel_size, stride, padding, dilation, ceil_mode):
    """``grad_x`` of ``input_shape``: zero except ``grad_x[n, c].flat[argmax] += grad_out``, scattered
    plane by plane (the geometry is for the CUDA twin, which gathers through it)."""
    grad_out = np.ascontiguousarray(grad_out)
    grad_x = np.empty(input_shape, grad_out.dtype)
    flat = grad_x.reshape(-1, input_shape[-2] * input_shape[-1])
    planes = (len(flat), grad_out.shape[-2] * grad_out.shape[-1])  # explicit: an empty batch has no -1
    run(_max_pool_backward_kernel, _max_pool_backward_numpy, grad_out.size <= TWIN_MAX_TAPS, grad_x.size, planes[0],
        grad_out.reshape(planes), argmax.reshape(planes), flat)
    return grad_x


# ------------------------------------------------------------------------------- average pools
# Both average pools are "sum a rectangle, divide": row o of the output reads input rows
# [h_lo[o], h_hi[o]), column o columns [w_lo[o], w_hi[o]), and divides by h_div[oh] * w_div[ow].

@njit(inline="always")
def _window_span(p, H, W, ih0, ih1, iw0, iw1):
    """Flat (start, row count, columns [lo, hi)) of a window; full-width rows are contiguous, so they
    become one run of (ih1-ih0)*W elements that vectorises."""
    start = (p * H + ih0) * W
    if iw0 == 0 and iw1 == W:
        return start, 1, 0, (ih1 - ih0) * W
    return start, ih1 - ih0, iw0, iw1


@split
def _window_mean_kernel(u0, u1, x3, out3, h_lo, h_hi, w_lo, w_hi, h_div, w_div):
    P, H, W = x3.shape
    OH, OW = out3.shape[1], out3.shape[2]
    x, out = x3.reshape(-1), out3.reshape(-1)
    zero = x.dtype.type(0)
    for p in range(u0, u1):
        for oh in range(OH):
            for ow in range(OW):
                start, rows, lo, hi = _window_span(p, H, W, h_lo[oh], h_hi[oh], w_lo[ow], w_hi[ow])
                s = zero
                for r in range(rows):
                    for k in range(start + r * W + lo, start + r * W + hi):
                        s += x[_U(k)]
                out[_U((p * OH + oh) * OW + ow)] = s / x.dtype.type(h_div[oh] * w_div[ow])


@split
def _window_mean_backward_kernel(u0, u1, grad_out3, grad_x3, h_lo, h_hi, w_lo, w_hi, h_div, w_div):
    P, H, W = grad_x3.shape
    OH, OW = grad_out3.shape[1], grad_out3.shape[2]
    grad_out, grad_x = grad_out3.reshape(-1), grad_x3.reshape(-1)
    for p in range(u0, u1):
        grad_x[p * H * W:(p + 1) * H * W] = 0
        for oh in range(OH):
            for ow in range(OW):
                g = grad_out[_U((p * OH + oh) * OW + ow)] / grad_x.dtype.type(h_div[oh] * w_div[ow])
                start, rows, lo, hi = _window_span(p, H, W, h_lo[oh], h_hi[oh], w_lo[ow], w_hi[ow])
                for r in range(rows):
                    for k in range(start + r * W + lo, start + r * W + hi):
                        grad_x[_U(k)] += g


def _avg_windows(in_size, out_size, kernel, stride, pad, count_include_pad):
    """(lo, hi, size) per output: the window clipped to the input, and the divisor's factor."""
    start = np.arange(out_size, dtype=np.int64) * stride - pad
    stop = np.minimum(start + kernel, in_size + pad)
    lo, hi = np.maximum(start, 0), np.minimum(stop, in_size)
    return lo, hi, (stop - start) if count_include_pad else (hi - lo)


def _avg_pool_windows(x_shape, kernel_size, stride, padding, ceil_mode, count_include_pad, divisor_override):
    (kh, kw), (sh, sw), (ph, pw), _, (OH, OW) = _geometry(x_shape, kernel_size, stride, padding, 1, ceil_mode)
    h_lo, h_hi, h_div = _avg_windows(x_shape[-2], OH, kh, sh, ph, count_include_pad)
    w_lo, w_hi, w_div = _avg_windows(x_shape[-1], OW, kw, sw, pw, count_include_pad)
    if divisor_override is not None:
        if divisor_override == 0:
            raise RuntimeError("divisor must be not zero")
        h_div, w_div = np.full(OH, divisor_override, np.int64), np.ones(OW, np.int64)
    return h_lo, h_hi, w_lo, w_hi, h_div, w_div


def _adaptive_windows(in_size, out_size):
    """[floor(o*in/out), ceil((o+1)*in/out)) and its size, per output o."""
    o = np.arange(out_size, dtype=np.int64)
    lo, hi = (o * in_size) // out_size, -((-(o + 1) * in_size) // out_size)
    return lo, hi, hi - lo


def _adaptive_pool_windows(x_shape, output_size):
    out_hw = [x_shape[-2 + i] if s is None else s for i, s in enumerate(_pair(output_size))]
    h_lo, h_hi, h_div = _adaptive_windows(x_shape[-2], out_hw[0])
    w_lo, w_hi, w_div = _adaptive_windows(x_shape[-1], out_hw[1])
    return h_lo, h_hi, w_lo, w_hi, h_div, w_div


def _window_mean(x, windows):
    out = np.empty(x.shape[:-2] + (len(windows[0]), len(windows[2])), x.dtype)
    _window_mean_kernel(x.size, _count(x), _planes(x), _planes(out), *windows)
    return out


def _window_mean_backward(grad_out, input_shape, windows):
    grad_x = np.empty(input_shape, grad_out.dtype)
    _window_mean_backward_kernel(grad_x.size, _count(grad_x), _planes(np.ascontiguousarray(grad_out)),
                                 _planes(grad_x), *windows)
    return grad_x


def avg_pool2d_forward(x, kernel_size, stride, padding, ceil_mode, count_include_pad, divisor_override):
    return _window_mean(x, _avg_pool_windows(x.shape, kernel_size, stride, padding, ceil_mode,
                                             count_include_pad, divisor_override))


def avg_pool2d_backward(grad_out, input_shape, kernel_size, stride, padding, ceil_mode, count_include_pad,
                        divisor_override):
    return _window_mean_backward(grad_out, input_shape, _avg_pool_windows(
        input_shape, kernel_size, stride, padding, ceil_mode, count_include_pad, divisor_override))


def adaptive_avg_pool2d_forward(x, output_size):
    """``output_size``: int or (OH, OW); a None entry keeps that input size."""
    return _window_mean(x, _adaptive_pool_windows(x.shape, output_size))


def adaptive_avg_pool2d_backward(grad_out, input_shape):
    """The output size is ``grad_out``'s."""
    return _window_mean_backward(grad_out, input_shape, _adaptive_pool_windows(input_shape, grad_out.shape[-2:]))
