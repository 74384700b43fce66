"""cross_entropy, fused: log-softmax, the loss and dL/dlogits in one pass over the logits.

Layout as in ``nll_loss``: logits x[n, c, s] of shape (N, C, S), positions p = (n, s). Per position
m = max_c x_c, e_c = exp(x_c − m), Z = Σ_c e_c, p_c = e_c / Z, −log p_c = log Z − (x_c − m), and
d(−log p_k)/dx_c = p_c − [k = c].

Class targets t (class weights w, 1 if none; label smoothing ε; C classes):

    ℓ_p = (1−ε)·w_t·(−log p_t) + (ε/C)·Σ_c w_c·(−log p_c)          (0 where t == ignore_index)
    dℓ_p/dx_c = [(1−ε)·w_t + (ε/C)·Σ_k w_k]·p_c − (1−ε)·w_t·[c = t] − (ε/C)·w_c

    'mean' divides both terms by W = Σ_{p not ignored} w[t_p] (torch's normaliser, NaN when W = 0),
    'sum' by 1; the gradient at an ignored position is 0·(…) (NaN only if its logits hold NaN/inf,
    as torch's log_softmax backward gives).

Probability targets y (x's shape), smoothed y' = (1−ε)·y + ε/C:

    ℓ_p = −Σ_c w_c·y'_c·log p_c                       'mean' divides by the position count N·S
    dℓ_p/dx_c = p_c·Σ_k w_k·y'_k − w_c·y'_c
    dℓ_p/dy_c = −(1−ε)·w_c·log p_c,   dℓ_p/dw_c = −y'_c·log p_c   (per position; the Op sums over p)

The pass: the max over classes (a read), e_c written straight into the gradient buffer (a scratch
buffer when no gradient is wanted), Z and ℓ_p, then the gradient overwrites e_c in place while it is
still in cache. (N, C) logits go row by row; (N, C, S) logits go in blocks of BLOCK positions so every
inner loop runs over contiguous s and vectorises. ``_vecmath.exp_nonpositive`` is the vectorisable exp
(x_c − m ≤ 0).
"""
import math
from types import FunctionType

import numpy as np
from llvmlite import ir
from numba import types
from numba.extending import intrinsic, overload

from ..jit import njit
from . import _vecmath
from ._vecmath import exp_nonpositive
from ._host import buffer, result, scale
from ._parallel import Split, pieces, split
from .nll_loss import class_arrays, compute_dtype, layout, loss_shape, ones, target_weight_sum

BLOCK = 128  # positions per block of the (N, C, S) kernels: a block of x and of the gradient stays in
# L1 for C ≈ 20 (16x21x128x128 float32 fwd+grad, one thread: 9.5 ms with 512, 8.5 with 128, more with 64)
_PLAIN_DTYPES = (np.dtype(np.float32), np.dtype(np.float64))  # the dtypes the kernels take as they are
_INT64 = np.dtype(np.int64)


# ------------------------------------------------------------------------------------ softmax parts

@intrinsic
def _int_of(typingctx, v):
    """The bits of the float ``v`` as an integer of its width (int32 for float32, int64 for float64)."""
    width = v.bitwidth
    return (types.int32 if width == 32 else types.int64)(v), \
        lambda context, builder, sig, args: builder.bitcast(args[0], ir.IntType(width))


@intrinsic
def _float_of(typingctx, bits):
    """The float (float32 for int32 bits, float64 for int64) whose bits are ``bits``."""
    width = bits.bitwidth
    return (types.float32 if width == 32 else types.float64)(bits), \
        lambda context, builder, sig, args: builder.bitcast(args[0], ir.FloatType() if width == 32 else ir.DoubleType())


def _key(b):
    """The float with bits ``b`` as an integer that orders as the floats do: a negative float's
    magnitude bits flipped (its own inverse). Python stand-in; Numba compiles the overload below."""
    return b ^ ((b >> (8 * b.itemsize - 1)) & np.iinfo(b.dtype).max)


@overload(_key, inline="always")
def _key_overload(b):
    itype = np.int32 if b == types.int32 else np.int64  # Numba widens int32 arithmetic: cast back
    flip, shift = itype(np.iinfo(itype).max), itype(8 * np.dtype(itype).itemsize - 1)
    return lambda b: itype(b ^ ((b >> shift) & flip))


@njit(inline="always")
def _row_max(xr):
    """max(xr) as an integer max over ``_key``s: LLVM vectorises an integer max, not a float one whose
    NaN it may not drop (a NaN need not win here: it reaches Z, and so ℓ, through exp anyway)."""
    k = _key(_int_of(xr[0]))
    for c in range(1, xr.shape[0]):
        b = _key(_int_of(xr[c]))
        k = b if b > k else k
    return _float_of(_key(k))


@njit(inline="always")
def _softmax_row(xr, er):
    """er[c] = exp(xr[c] − m); returns (m, Z)."""
    m = _row_max(xr)
    z = 0.0
    for c in range(xr.shape[0]):
        e = exp_nonpositive(xr[c] - m)
        er[c] = e
        z += e
    return m, z


@njit(inline="always")
def _softmax_block(x2, e2, s0, e0, width, m, z):
    """Positions s0 … s0+width of one sample's (C, S) logits x2: m = max over classes,
    e2[c, e0 + j] = exp(x2[c, s0 + j] − m[j]), z = Σ_c e. e2 is the sample's gradient (e0 = s0) or
    a (C, BLOCK) scratch (e0 = 0)."""
    first = x2[0, s0:s0 + width]
    for j in range(width):
        m[j] = first[j]
        z[j] = 0.0
    for c in range(1, x2.shape[0]):
        xs = x2[c, s0:s0 + width]
        for j in range(width):
            m[j] = xs[j] if xs[j] > m[j] else m[j]
    for c in range(x2.shape[0]):
        xs, es = x2[c, s0:s0 + width], e2[c, e0:e0 + width]
        for j in range(width):
            e = exp_nonpositive(xs[j] - m[j])
            es[j] = e
            z[j] += e


# ------------------------------------------------------------------------------------ class targets

def _smoothing_pair(func):
    """(``func`` compiled without label smoothing, and with it): the global ``SMOOTH`` is a constant
    of each, so Numba prunes the smoothing code from the common kernel, which compiles faster on a
    first run (empty cache, CPU: blocks 1.35 -> 1.05 s, rows 0.85 -> 0.77 s); the other compiles only
    when a script smooths."""
    pair = []
    for on in (False, True):
        clone = FunctionType(func.__code__, {**func.__globals__, "SMOOTH": on}, func.__name__)
        clone.__qualname__ = func.__qualname__ + ("_smooth" if on else "")  # Numba's cache keys on the name
        pair.append(Split(clone, depends=(_vecmath,), error_model="numpy"))
    return tuple(pair)


@_smoothing_pair
def _class_rows(p0, p1, partial, x, g, out, t, w, ignore_index, eps, sc):
    """(N, C) logits row by row: ℓ into ``out``, dℓ·sc into ``g`` when non-empty, Σ ℓ per piece into
    ``partial``."""
    rows, n_classes = x.shape
    has_grad = g.shape[0] > 0
    keep, eps_c = 1.0 - eps, eps / n_classes
    w_sum = 0.0
    for c in range(n_classes):
        w_sum += w[c]
    n_pieces = partial.size
    for piece in range(p0, p1):
        e = g if has_grad else np.empty((1, n_classes), x.dtype)
        part = 0.0
        for i in range(piece * rows // n_pieces, (piece + 1) * rows // n_pieces):
            xr = x[i]
            er = e[i] if has_grad else e[0]
            m, z = _softmax_row(xr, er)
            ti = t[i]
            wt = k = loss = 0.0
            if ti != ignore_index:
                log_z = np.log(z)
                wt, k = w[ti], sc
                loss = keep * wt * (log_z - (xr[ti] - m))
                if SMOOTH:  # noqa: F821 - bound by _smoothing_pair
                    shifted = 0.0
                    for c in range(n_classes):
                        shifted += w[c] * (xr[c] - m)
                    loss += eps_c * (w_sum * log_z - shifted)
            out[i] = loss
            part += loss
            if has_grad:
                a = x.dtype.type((keep * wt + eps_c * w_sum) * k / z)
                if SMOOTH:  # noqa: F821 - bound by _smoothing_pair
                    b = x.dtype.type(eps_c * k)
                    for c in range(n_classes):
                        er[c] = a * er[c] - b * w[c]
                else:
                    for c in range(n_classes):
                        er[c] *= a
                if ti != ignore_index:
                    er[ti] -= keep * wt * k
        partial[piece] = part


@_smoothing_pair
def _class_blocks(p0, p1, partial, x, g, out, t, w, ignore_index, eps, sc):
    """(N, C, S) logits in blocks of BLOCK positions of one sample (block b: sample b // per_sample,
    positions from (b % per_sample)·BLOCK); ``t``/``out`` are (N, S). Σ ℓ per piece into ``partial``."""
    n_samples, n_classes, spatial = x.shape
    has_grad = g.shape[0] > 0
    keep, eps_c = 1.0 - eps, eps / n_classes
    w_sum = 0.0
    for c in range(n_classes):
        w_sum += w[c]
    per_sample = (spatial + BLOCK - 1) // BLOCK
    n_blocks = n_samples * per_sample
    n_pieces = partial.size
    for piece in range(p0, p1):
        e = g if has_grad else np.empty((1, n_classes, BLOCK), x.dtype)
        m, z, shifted = np.empty(BLOCK, x.dtype), np.empty(BLOCK), np.empty(BLOCK)
        a, k = np.empty(BLOCK, x.dtype), np.empty(BLOCK, x.dtype)
        part = 0.0
        for b in range(piece * n_blocks // n_pieces, (piece + 1) * n_blocks // n_pieces):
            n, s0 = b // per_sample, (b % per_sample) * BLOCK
            width = min(BLOCK, spatial - s0)
            x2 = x[n]
            e2, e0 = (e[n], s0) if has_grad else (e[0], 0)
            _softmax_block(x2, e2, s0, e0, width, m, z)
            tn, on = t[n, s0:s0 + width], out[n, s0:s0 + width]
            if SMOOTH:  # noqa: F821 - bound by _smoothing_pair
                for j in range(width):
                    shifted[j] = 0.0
                for c in range(n_classes):
                    xs, wc = x2[c, s0:s0 + width], w[c]
                    for j in range(width):
                        shifted[j] += wc * (xs[j] - m[j])
            for j in range(width):
                tj = tn[j]
                wt = loss = 0.0
                k[j] = 0
                if tj != ignore_index:
                    log_z = np.log(z[j])
                    wt, k[j] = w[tj], sc
                    loss = keep * wt * (log_z - (x2[tj, s0 + j] - m[j]))
                    if SMOOTH:  # noqa: F821 - bound by _smoothing_pair
                        loss += eps_c * (w_sum * log_z - shifted[j])
                on[j] = loss
                part += loss
                a[j] = (keep * wt + eps_c * w_sum) * k[j] / z[j]
            if has_grad:
                for c in range(n_classes):
                    es = e2[c, e0:e0 + width]
                    if SMOOTH:  # noqa: F821 - bound by _smoothing_pair
                        bc = x.dtype.type(eps_c * w[c])
                        for j in range(width):
                            es[j] = a[j] * es[j] - bc * k[j]
                    else:
                        for j in range(width):
                            es[j] *= a[j]
                for j in range(width):
                    tj = tn[j]
                    if tj != ignore_index:
                        e2[tj, e0 + j] -= keep * w[tj] * k[j]
        partial[piece] = part


# ------------------------------------------------------------------------------ probability targets

@split(depends=(_vecmath,), error_model="numpy")
def _prob_rows(p0, p1, partial, x, y, g, gy, gw, out, w, eps, sc):
    """(N, C) logits and targets row by row; gradients into whichever of g, gy, gw are non-empty."""
    rows, n_classes = x.shape
    has_grad = g.shape[0] > 0
    keep, eps_c = 1.0 - eps, eps / n_classes
    n_pieces = partial.size
    for piece in range(p0, p1):
        e = g if has_grad else np.empty((1, n_classes), x.dtype)
        part = 0.0
        for i in range(piece * rows // n_pieces, (piece + 1) * rows // n_pieces):
            xr, yr = x[i], y[i]
            er = e[i] if has_grad else e[0]
            m, z = _softmax_row(xr, er)
            log_z = np.log(z)
            wy = loss = 0.0
            for c in range(n_classes):
                wyc = w[c] * (keep * yr[c] + eps_c)
                wy += wyc
                loss += wyc * (log_z - (xr[c] - m))
            out[i] = loss
            part += loss
            if has_grad:
                a = x.dtype.type(wy * sc / z)
                for c in range(n_classes):
                    er[c] = a * er[c] - sc * w[c] * (keep * yr[c] + eps_c)
            if gy.shape[0] > 0:
                for c in range(n_classes):
                    gy[i, c] = sc * keep * w[c] * (log_z - (xr[c] - m))
            if gw.shape[0] > 0:
                for c in range(n_classes):
                    gw[i, c] = sc * (keep * yr[c] + eps_c) * (log_z - (xr[c] - m))
        partial[piece] = part


@split(depends=(_vecmath,), error_model="numpy")
def _prob_blocks(p0, p1, partial, x, y, g, gy, gw, out, w, eps, sc):
    """(N, C, S) logits and targets in blocks, as ``_class_blocks``; ``out`` is (N, S)."""
    n_samples, n_classes, spatial = x.shape
    has_grad = g.shape[0] > 0
    keep, eps_c = 1.0 - eps, eps / n_classes
    per_sample = (spatial + BLOCK - 1) // BLOCK
    n_blocks = n_samples * per_sample
    n_pieces = partial.size
    for piece in range(p0, p1):
        e = g if has_grad else np.empty((1, n_classes, BLOCK), x.dtype)
        m, z, wy, loss = np.empty(BLOCK, x.dtype), np.empty(BLOCK), np.empty(BLOCK), np.empty(BLOCK)
        log_z, a = np.empty(BLOCK, x.dtype), np.empty(BLOCK, x.dtype)
        part = 0.0
        for b in range(piece * n_blocks // n_pieces, (piece + 1) * n_blocks // n_pieces):
            n, s0 = b // per_sample, (b % per_sample) * BLOCK
            width = min(BLOCK, spatial - s0)
            x2, y2 = x[n], y[n]
            e2, e0 = (e[n], s0) if has_grad else (e[0], 0)
            _softmax_block(x2, e2, s0, e0, width, m, z)
            for j in range(width):
                log_z[j] = np.log(z[j])
                wy[j] = 0.0
                loss[j] = 0.0
            for c in range(n_classes):
                xs, ys, wc = x2[c, s0:s0 + width], y2[c, s0:s0 + width], w[c]
                for j in range(width):
                    wyc = wc * (keep * ys[j] + eps_c)
                    wy[j] += wyc
                    loss[j] += wyc * (log_z[j] - (xs[j] - m[j]))
            on = out[n, s0:s0 + width]
            for j in range(width):
                on[j] = loss[j]
                part += loss[j]
                a[j] = wy[j] * sc / z[j]
            for c in range(n_classes):
                xs, ys, wc = x2[c, s0:s0 + width], y2[c, s0:s0 + width], w[c]
                if has_grad:
                    es = e2[c, e0:e0 + width]
                    for j in range(width):
                        es[j] = a[j] * es[j] - sc * wc * (keep * ys[j] + eps_c)
                if gy.shape[0] > 0:
                    gys = gy[n, c, s0:s0 + width]
                    for j in range(width):
                        gys[j] = sc * keep * wc * (log_z[j] - (xs[j] - m[j]))
                if gw.shape[0] > 0:
                    gws = gw[n, c, s0:s0 + width]
                    for j in range(width):
                        gws[j] = sc * (keep * ys[j] + eps_c) * (log_z[j] - (xs[j] - m[j]))
        partial[piece] = part


# ------------------------------------------------------------------------------------------- host

def _run(kernels, x, per_class, grads, out, per_position, options):
    """Σ ℓ and the gradient buffers (x's shape, None where not wanted) from the row kernel (S = 1)
    or the block kernel of ``kernels``. ``x`` and ``per_class`` (arrays of x's shape) are cast to the
    compute dtype and made contiguous; ``out`` and ``per_position`` (arrays with one entry per
    position) are shaped (N,) or (N, S); ``options`` are the kernel's trailing arguments."""
    n, n_classes, spatial = layout(x.shape)
    dtype = out.dtype
    rows = spatial == 1
    shape, positions = ((n, n_classes), (n,)) if rows else ((n, n_classes, spatial), (n, spatial))
    bufs = [buffer(shape, dtype, wanted) for wanted in grads]
    arrays = [np.ascontiguousarray(a, dtype).reshape(shape) for a in (x, *per_class)] + bufs
    arrays += [a.reshape(positions) for a in (out, *per_position)]
    if n_classes == 0:  # ℓ = an empty sum over classes
        total = 0.0
    else:
        units = n if rows else n * ((spatial + BLOCK - 1) // BLOCK)
        total = kernels[0 if rows else 1].sum(x.size, pieces(units, x.size), *arrays, *options)
    return total, [b.reshape(x.shape) if wanted else None for b, wanted in zip(bufs, grads)]


def _classes(x, target, weight, need_grad, ignore_index, reduction, eps):
    dtype = compute_dtype(x.dtype)
    w, t = class_arrays(layout(x.shape)[1], weight, target, dtype)
    s = scale(reduction, target_weight_sum(t, w, ignore_index))
    out = np.zeros(t.shape[0], dtype)
    total, (g,) = _run((_class_rows[eps > 0], _class_blocks[eps > 0]), x, (), need_grad[:1], out, (t,),
                       (w, ignore_index, eps, s))
    loss = _class_loss(reduction, total, s, out.reshape(loss_shape(x.shape)), x.dtype).astype(x.dtype, copy=False)
    return (loss, None if g is None else g.astype(x.dtype, copy=False)) + (None,) * (len(need_grad) - 1)


def _plain_rows(x, t, need_grad, ignore_index, reduction):
    """``_classes`` for the common case, where there is nothing to cast, copy or reshape: (N, C) logits
    with C > 0 (C-contiguous float32/float64), int64 targets, no weight, no smoothing. It goes straight
    to the row kernel (at 64x10 the general path's host code costs more than the kernel)."""
    n, n_classes = x.shape
    w = ones(n_classes, x.dtype)
    s = scale(reduction, target_weight_sum(t, w, ignore_index))
    out = np.zeros(n, x.dtype)
    g = buffer(x.shape, x.dtype, need_grad[0])
    total = _class_rows[0].sum(x.size, pieces(n, x.size), x, g, out, t, w, ignore_index, 0.0, s)
    loss = _class_loss(reduction, total, s, out, x.dtype)
    return (loss, g if need_grad[0] else None) + (None,) * (len(need_grad) - 1)


def _class_loss(reduction, total, s, out, dtype):
    """The class-target loss from the kernel's Σ ℓ (``total``), normaliser ``s`` and ℓ (``out``)."""
    if s == np.inf:  # torch divides the nll and smoothing sums by W = 0 apart; the nll one is 0/0
        total = np.nan
    return result(reduction, total, s, out, dtype)


def _probabilities(x, y, weight, need_grad, reduction, eps):
    arrays = (x, y) if weight is None else (x, y, weight)
    result_dtype = np.result_type(*arrays)
    dtype = compute_dtype(result_dtype)
    w = ones(layout(x.shape)[1], dtype) if weight is None else np.ascontiguousarray(weight, dtype)
    positions = math.prod(loss_shape(x.shape))
    s = scale(reduction, positions if x.size else 0)  # torch: an empty input's mean is NaN
    out = np.zeros(positions, dtype)
    wants = tuple(need_grad) + (False,) * (3 - len(need_grad))
    total, grads = _run((_prob_rows, _prob_blocks), x, (y,), wants, out, (), (w, eps, s))
    loss = result(reduction, total, s, out.reshape(loss_shape(x.shape)), result_dtype)
    return (loss.astype(result_dtype, copy=False),) + tuple(None if g is None else g.astype(a.dtype, copy=False)
                                                            for g, a in zip(grads, arrays))


def forward(x, target, weight=None, *, need_grad, ignore_index=-100, reduction="mean", label_smoothing=0.0):
    """(loss, dL/dx, dL/dtarget[, dL/dweight per position, x's shape]) for logits ``x`` and class targets
    (int64/uint8) or class probabilities (floating, x's shape). ``label_smoothing`` <= 0 is none."""
    eps = float(label_smoothing) if label_smoothing > 0 else 0.0
    if target.dtype.kind == "f":
        return _probabilities(x, target, weight, need_grad, reduction, eps)
    if (weight is None and eps == 0 and x.ndim == 2 and x.shape[1] and x.dtype in _PLAIN_DTYPES
            and x.flags.c_contiguous and target.ndim == 1 and target.dtype == _INT64 and target.flags.c_contiguous):
        return _plain_rows(x, target, need_grad, ignore_index, reduction)
    return _classes(x, target, weight, need_grad, ignore_index, reduction, eps)
