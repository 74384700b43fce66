"""2-D max / average / adaptive-average pooling on NCHW device arrays, the CUDA twin of
``kernels/cpu/pooling.py`` (same functions, arguments and results; its argument checks and output
size). The inputs are seen as P = N·C planes (H, W); one thread per output element forward, one per
input element backward. Along one axis, output o's window is

    max:       taps o·s − pad + i·d, i < k, clipped to the input (``cpu.pooling._window``)
    average:   [lo, hi) = [max(o·s − pad, 0), min(o·s − pad + k, in)), divisor factor hi − lo, or
               min(o·s − pad + k, in + pad) − (o·s − pad) with count_include_pad
    adaptive:  [floor(o·in/out), ceil((o+1)·in/out)), divisor factor hi − lo

and the divisor is the product of the two factors (or ``divisor_override``).

* max forward: the first maximum in row-major tap order (a NaN wins, the last NaN is kept), its flat
  plane index ih·W + iw in ``argmax``; exactly the CPU kernel's loop.
* backward is a gather, deterministic and free of atomics: input position i receives, in increasing
  (oh, ow) order (the order of the CPU's scatter), from each output o whose window can hold it,
  i.e. o·s − pad ≤ i ≤ o·s − pad + extent − 1 (extent d·(k−1) + 1):

      max:      grad_out[o]  if argmax[o] = i
      average:  grad_out[o] / divisor(o)  if lo(o) ≤ i < hi(o)

  (adaptive: o in [floor(i·out/in), ceil((i+1)·out/in)). The max gather needs the forward's
  geometry, which the op passes to the backward on both devices. An output whose window lies wholly
  in the padding (possible with dilation; its value is −inf) passes no gradient in the gather, as in
  torch's CUDA kernel.)
"""

from ..cpu.pooling import _adaptive_pool_windows, _geometry, _window
from ..cpu.pooling import pool_output_size  # noqa: F401 - the backends share the output size
from ._host import empty
from ._launch import cast_like, cuda, launch, units

_AVG, _AVG_INCLUDE_PAD, ADAPTIVE = 0, 1, 2  # the windows' rules (ADAPTIVE: adaptive_max_pool2d's too)


@cuda.jit(device=True)
def phw(u, shape):
    """(p, h, w) of flat index u in a C-contiguous (P, H, W) array."""
    return u // (shape[1] * shape[2]), u // shape[2] % shape[1], u % shape[2]


@cuda.jit(device=True)
def candidates(i, size, out_size, extent, s, pad, rule):
    """[first, last) of the outputs whose window can hold input position i (module docstring)."""
    if rule == ADAPTIVE:
        return i * out_size // size, min(out_size, ((i + 1) * out_size + size - 1) // size)
    t = i + pad - extent + 1
    return (t + s - 1) // s if t > 0 else 0, min(out_size, (i + pad) // s + 1)


# ------------------------------------------------------------------- max pools (adaptive_max_pool2d too)

@cuda.jit(device=True)
def first_max(x, p, h, rows, dh, w, cols, dw, best, at):
    """The first maximum in row-major order of plane p's taps (h + i·dh, w + j·dw), i < rows, j < cols,
    over the start (best, at), and its flat index ih·W + iw: a NaN wins, the last NaN is kept."""
    W = x.shape[2]
    for i in range(rows):
        ih = h + i * dh
        for j in range(cols):
            iw = w + j * dw
            v = x[p, ih, iw]
            if v > best or v != v:
                best, at = v, ih * W + iw
    return best, at


@cuda.jit(device=True)
def gather_max(grad_out, arg, p, at, oh_lo, oh_hi, ow_lo, ow_hi, acc):
    """acc + Σ grad_out[p, o] over the outputs o in the rectangle whose maximum is input ``at``, in (oh, ow) order."""
    for oh in range(oh_lo, oh_hi):
        for ow in range(ow_lo, ow_hi):
            if arg[p, oh, ow] == at:
                acc += grad_out[p, oh, ow]
    return acc


@cuda.jit
def _max_kernel(x, out, arg, kh, kw, sh, sw, ph, pw, dh, dw, lowest):
    H, W = x.shape[1], x.shape[2]
    first, step = units(False)
    for u in range(first, out.size, step):
        p, oh, ow = phw(u, out.shape)
        h0, w0 = oh * sh - ph, ow * sw - pw
        i_lo, i_hi = _window(h0, dh, kh, H)
        j_lo, j_hi = _window(w0, dw, kw, W)
        h, w = h0 + i_lo * dh, w0 + j_lo * dw  # the first tap, which holds -inf to start
        out[p, oh, ow], arg[p, oh, ow] = first_max(x, p, h, i_hi - i_lo, dh, w, j_hi - j_lo, dw, lowest, h * W + w)


@cuda.jit
def _max_backward_kernel(grad_out, arg, gx, kh, kw, sh, sw, ph, pw, dh, dw, zero):
    OH, OW = grad_out.shape[1], grad_out.shape[2]
    H, W = gx.shape[1], gx.shape[2]
    first, step = units(False)
    for u in range(first, gx.size, step):
        p, ih, iw = phw(u, gx.shape)
        oh_lo, oh_hi = candidates(ih, H, OH, dh * (kh - 1) + 1, sh, ph, _AVG)
        ow_lo, ow_hi = candidates(iw, W, OW, dw * (kw - 1) + 1, sw, pw, _AVG)
        gx[p, ih, iw] = gather_max(grad_out, arg, p, ih * W + iw, oh_lo, oh_hi, ow_lo, ow_hi, zero)


def _planes(a):
    """(N, C, H, W) device array -> (N*C, H, W) view."""
    *_, H, W = a.shape  # the simulator's shapes refuse negative indices
    return a.reshape(-1, H, W)


def max_pool2d_forward(x, kernel_size, stride, padding, dilation, ceil_mode):
    """Return ``(out, argmax)``; argmax (int64, shape of out) indexes each flattened input plane."""
    kernel, stride, padding, dilation, out_hw = _geometry(tuple(x.shape), kernel_size, stride, padding, dilation,
                                                          ceil_mode)
    out = empty(tuple(x.shape)[:-2] + out_hw, x.dtype)
    argmax = empty(out.shape, "int64")
    taps = kernel + stride + padding + dilation
    if out.size:
        launch(_max_kernel, out.size, False, _planes(x), _planes(out), _planes(argmax), *taps,
               x.dtype.type("-inf"))
    return out, argmax


def max_pool2d_backward(grad_out, argmax, input_shape, kernel_size, stride, padding, dilation, ceil_mode):
    """``grad_x`` of ``input_shape``: zero except ``grad_x[n, c].flat[argmax] += grad_out``, gathered
    per input element over the windows (the forward's geometry) that may have picked it."""
    input_shape = tuple(input_shape)  # the simulator's shapes refuse negative indices
    grad_x = empty(input_shape, grad_out.dtype)
    if grad_x.size:
        kernel, stride, padding, dilation, _ = _geometry(input_shape, kernel_size, stride, padding, dilation,
                                                         ceil_mode)
        launch(_max_backward_kernel, grad_x.size, False, _planes(grad_out), _planes(argmax), _planes(grad_x),
               *kernel, *stride, *padding, *dilation, grad_out.dtype.type(0))
    return grad_x


# ------------------------------------------------------------------------------- average pools

@cuda.jit(device=True)
def span(o, size, out_size, k, s, pad, rule):
    """(lo, hi, divisor factor) of output o's average window along one axis (module docstring)."""
    if rule == ADAPTIVE:
        lo, hi = o * size // out_size, ((o + 1) * size + out_size - 1) // out_size
        return lo, hi, hi - lo
    start = o * s - pad
    stop = min(start + k, size + pad)
    lo, hi = max(start, 0), min(stop, size)
    return lo, hi, stop - start if rule == _AVG_INCLUDE_PAD else hi - lo


@cuda.jit(device=True)
def window(oh, ow, in_shape, out_shape, kh, kw, sh, sw, ph, pw, rule, divisor, zero):
    """(h_lo, h_hi, w_lo, w_hi, divisor) of output (oh, ow)'s average window over (P, H, W) planes,
    the divisor in ``zero``'s type."""
    h_lo, h_hi, h_div = span(oh, in_shape[1], out_shape[1], kh, sh, ph, rule)
    w_lo, w_hi, w_div = span(ow, in_shape[2], out_shape[2], kw, sw, pw, rule)
    return h_lo, h_hi, w_lo, w_hi, cast_like(divisor if divisor else h_div * w_div, zero)


@cuda.jit
def _mean_kernel(x, out, kh, kw, sh, sw, ph, pw, rule, divisor, zero):
    first, step = units(False)
    for u in range(first, out.size, step):
        p, oh, ow = phw(u, out.shape)
        h_lo, h_hi, w_lo, w_hi, d = window(oh, ow, x.shape, out.shape, kh, kw, sh, sw, ph, pw, rule, divisor, zero)
        acc = zero
        for ih in range(h_lo, h_hi):
            for iw in range(w_lo, w_hi):
                acc += x[p, ih, iw]
        out[p, oh, ow] = acc / d


@cuda.jit
def _mean_backward_kernel(grad_out, gx, kh, kw, sh, sw, ph, pw, rule, divisor, zero):
    first, step = units(False)
    for u in range(first, gx.size, step):
        p, ih, iw = phw(u, gx.shape)
        oh_lo, oh_hi = candidates(ih, gx.shape[1], grad_out.shape[1], kh, sh, ph, rule)
        ow_lo, ow_hi = candidates(iw, gx.shape[2], grad_out.shape[2], kw, sw, pw, rule)
        acc = zero
        for oh in range(oh_lo, oh_hi):
            for ow in range(ow_lo, ow_hi):
                h_lo, h_hi, w_lo, w_hi, d = window(oh, ow, gx.shape, grad_out.shape, kh, kw, sh, sw, ph, pw, rule,
                                                   divisor, zero)
                if h_lo <= ih < h_hi and w_lo <= iw < w_hi:
                    acc += grad_out[p, oh, ow] / d
        gx[p, ih, iw] = acc


def _avg_geometry(x_shape, kernel_size, stride, padding, ceil_mode, count_include_pad, divisor_override):
    """(out_hw, the kernels' window arguments) for avg_pool2d, checked as on the CPU."""
    kernel, stride, padding, _, out_hw = _geometry(x_shape, kernel_size, stride, padding, 1, ceil_mode)
    if divisor_override is not None and divisor_override == 0:
        raise RuntimeError("divisor must be not zero")
    rule = _AVG_INCLUDE_PAD if count_include_pad else _AVG
    return out_hw, kernel + stride + padding + (rule, divisor_override or 0)


def _adaptive_geometry(x_shape, output_size):
    """(out_hw, the kernels' window arguments) for adaptive_avg_pool2d."""
    windows = _adaptive_pool_windows(x_shape, output_size)
    return (len(windows[0]), len(windows[2])), (0,) * 6 + (ADAPTIVE, 0)


def _mean(x, out_hw, args):
    out = empty(tuple(x.shape)[:-2] + out_hw, x.dtype)
    if out.size:
        launch(_mean_kernel, out.size, False, _planes(x), _planes(out), *args, x.dtype.type(0))
    return out


def _mean_backward(grad_out, input_shape, args):
    grad_x = empty(input_shape, grad_out.dtype)
    if grad_x.size:
        launch(_mean_backward_kernel, grad_x.size, False, _planes(grad_out), _planes(grad_x), *args,
               grad_out.dtype.type(0))
    return grad_x


def avg_pool2d_forward(x, kernel_size, stride, padding, ceil_mode, count_include_pad, divisor_override):
    out_hw, args = _avg_geometry(tuple(x.shape), kernel_size, stride, padding, ceil_mode, count_include_pad,
                                 divisor_override)
    return _mean(x, out_hw, args)


def avg_pool2d_backward(grad_out, input_shape, kernel_size, stride, padding, ceil_mode, count_include_pad,
                        divisor_override):
    _, args = _avg_geometry(tuple(input_shape), kernel_size, stride, padding, ceil_mode, count_include_pad,
                            divisor_override)
    return _mean_backward(grad_out, input_shape, args)


def adaptive_avg_pool2d_forward(x, output_size):
    """``output_size``: int or (OH, OW); a None entry keeps that input size."""
    return _mean(x, *_adaptive_geometry(tuple(x.shape), output_size))


def adaptive_avg_pool2d_backward(grad_out, input_shape):
    """The output size is ``grad_out``'s."""
    return _mean_backward(grad_out, input_shape, _adaptive_geometry(tuple(input_shape), tuple(grad_out.shape)[-2:])[1])
