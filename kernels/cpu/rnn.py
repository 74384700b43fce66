"""The recurrences of RNN (tanh / relu), LSTM and GRU: one compiled loop over time per layer and
direction, forward and backward, with the gate math fused and the hidden-hidden product inside.

The host (``minigrad/ops/rnn.py``) does the time-parallel work with BLAS: ``xw = x·W_ihᵀ + b`` for
every step at once before, and dx, dW_ih, dW_hh, dW_hr and the biases from the saved sequences after.
These kernels run the sequential part. Arrays are time-major, C-contiguous, indexed by time ``t``;
a ``reverse`` direction walks t = T−1 … 0. At step t only rows ``b < batch_sizes[t]`` are active (a
packed batch, sorted by decreasing length): the others keep their state untouched, so after the walk
``h`` holds every row's final state (the forward direction) and a row joining late starts from h0
(the reverse one); outputs of inactive rows are 0.

Gates (pre-activations ``a = xw + h_prev·W_hhᵀ``, σ the logistic function):

    RNN:   h = tanh(a)  or relu(a)
    LSTM:  i, f, g, o = σ(a_i), σ(a_f), tanh(a_g), σ(a_o);  c = f·c_prev + i·g;  m = o·tanh(c)
           h = m, or h = m·W_hrᵀ with a projection (proj_size)
    GRU:   hh = h_prev·W_hhᵀ + b_hh;  r = σ(xw_r + hh_r);  z = σ(xw_z + hh_z)
           n = tanh(xw_n + r·hh_n);  h = (1 − z)·n + z·h_prev

Saved for backward: the activated gates (written over ``xw``), h_prev and (LSTM) c_prev at every
step, (GRU) hh_n. Backward through time, from dh = dh_n (+ dy_t at each active step):

    RNN:   da = dh·(1 − h²)  or dh·[h > 0];                                    dh_prev = da·W_hh
    LSTM:  dm = dh (or dh·W_hr);  dc += dm·o·(1 − tanh²c);  da_o = dm·tanh(c)·o(1 − o)
           da_i = dc·g·i(1 − i);  da_f = dc·c_prev·f(1 − f);  da_g = dc·i·(1 − g²)
           dc_prev = dc·f;                                                     dh_prev = da·W_hh
    GRU:   dn = dh·(1 − z)·(1 − n²);  da_r = dn·hh_n·r(1 − r);  da_z = dh·(h_prev − n)·z(1 − z)
           input side da = (da_r, da_z, dn), hidden side (da_r, da_z, dn·r); dh_prev = dh·z + da_h·W_hh

The products ``out[:n] += a[:n]·Wᵀ`` (``_addmm_t``) run as blocks of 2 rows × 4 columns of dot
products over contiguous rows of a and W (eight accumulators in registers): 2.3x faster than a
plain dot per element, float32 on one core here 70 GFLOP/s at the forward's K = 128 and 97 at the
backward's K = 512 (numba's ``np.dot`` would need scipy; blocks of 4×4, 2×8 or 4×2, an axpy form
and an unrolled register tile measured the same or slower).
Rows are independent, so each kernel is a ``_parallel.split`` kernel over pairs of rows: threads
take disjoint row ranges for the whole walk, no synchronisation per step, and a row pairs with the
same neighbour in ``_addmm_t`` on any thread count (bit-identical results). The gate math uses
``_vecmath.exp`` and numpy's error model (a division by zero gives inf instead
of a check that raises) so the loops vectorise for float32: 180x faster than Python's error model.
"""
import math

import numpy as np
from numba import types
from numba.extending import overload, register_jitable

from . import _vecmath
from ._parallel import split

RNN_TANH, RNN_RELU, LSTM, GRU = "RNN_TANH", "RNN_RELU", "LSTM", "GRU"
_MINUS_THIRD, _TWO_FIFTEENTHS, _SERIES_BELOW = np.float32(-1 / 3), np.float32(2 / 15), np.float32(1 / 16)


def _tanh(v):
    """tanh v (Python stand-in; Numba compiles the overload below)."""
    return math.tanh(v)


def _tanh_f32(v):
    # 1 − 2/(e²ᵛ + 1) (±1 at the overflowing ends, NaN kept), but its error is ~1 ulp of 1, too much
    # relative to a small tanh: below |v| = 1/16 the series v − v³/3 + 2v⁵/15 (next term < 1e-9·|v|)
    big = np.float32(1) - np.float32(2) / (_vecmath.exp(v + v) + np.float32(1))
    v2 = v * v
    small = v + v * v2 * (_MINUS_THIRD + v2 * _TWO_FIFTEENTHS)
    return _vecmath._select(abs(v) < _SERIES_BELOW, small, big)


overload(_tanh, inline="always")(lambda v: _tanh_f32 if v == types.float32 else (lambda v: math.tanh(v)))


@register_jitable(inline="always")
def _sigmoid(v, one):
    return one / (one + _vecmath.exp(-v))


@register_jitable
def _addmm_t(a, w, out, first, last, zero):
    """out[first:last] += a[first:last]·wᵀ for a (·, K), w (G, K), out (·, G), all row-contiguous;
    rows pair up from ``first`` (even), so a row's sums do not depend on how rows are split."""
    K, G = a.shape[1], w.shape[0]
    b = first
    while b + 2 <= last:
        a0, a1 = a[b], a[b + 1]
        j = 0
        while j + 4 <= G:
            w0, w1, w2, w3 = w[j], w[j + 1], w[j + 2], w[j + 3]
            c00 = c01 = c02 = c03 = c10 = c11 = c12 = c13 = zero
            for k in range(K):
                x0, x1 = a0[k], a1[k]
                y0, y1, y2, y3 = w0[k], w1[k], w2[k], w3[k]
                c00 += x0 * y0
                c01 += x0 * y1
                c02 += x0 * y2
                c03 += x0 * y3
                c10 += x1 * y0
                c11 += x1 * y1
                c12 += x1 * y2
                c13 += x1 * y3
            out[b, j] += c00
            out[b, j + 1] += c01
            out[b, j + 2] += c02
            out[b, j + 3] += c03
            out[b + 1, j] += c10
            out[b + 1, j + 1] += c11
            out[b + 1, j + 2] += c12
            out[b + 1, j + 3] += c13
            j += 4
        for r in range(b, b + 2):
            _dots(a[r], w, out[r], j, zero)
        b += 2
    for r in range(b, last):
        _dots(a[r], w, out[r], 0, zero)


@register_jitable
def _dots(a, w, out, first, zero):
    """out[j] += a·w[j] for j ≥ first."""
    for j in range(first, w.shape[0]):
        acc = zero
        wj = w[j]
        for k in range(a.shape[0]):
            acc += a[k] * wj[k]
        out[j] += acc


@register_jitable(inline="always")
def _rows(lo, hi, state):
    """Rows [2·lo, min(2·hi, B)) of the (B, ·) ``state`` (the kernels' units are row pairs), and 0
    and 1 in its dtype."""
    return 2 * lo, min(2 * hi, state.shape[0]), state.dtype.type(0), state.dtype.type(1)


@register_jitable(inline="always")
def _step(s, T, reverse, batch_sizes, r0, r1):
    """Walk step s: its time t (T − 1 − s in reverse) and the end of the range's active rows
    (b < batch_sizes[t]) then."""
    t = T - 1 - s if reverse else s
    return t, max(r0, min(r1, batch_sizes[t]))


# Each row's gate math is a few loops that each write one array (a gate block, c, m, dh ...): with
# one output per loop LLVM proves (or checks once) that it does not overlap the inputs and vectorises;
# a single loop writing five arrays stayed scalar (0.3 ms a step instead of 0.01).

@register_jitable
def _sigmoid_(v, one):
    """v = σ(v), in place."""
    for k in range(v.size):
        v[k] = _sigmoid(v[k], one)


@register_jitable
def _tanh_(v):
    """v = tanh(v), in place."""
    for k in range(v.size):
        v[k] = _tanh(v[k])


@register_jitable
def _lstm_cell(a, c, m, H, one):
    """a: a row's gate pre-activations (i, f, g, o) → activations; c ← f·c + i·g; m ← o·tanh(c)."""
    _sigmoid_(a[:2 * H], one)
    _tanh_(a[2 * H:3 * H])
    _sigmoid_(a[3 * H:], one)
    i, f, g, o = a[:H], a[H:2 * H], a[2 * H:3 * H], a[3 * H:]
    for j in range(H):
        c[j] = f[j] * c[j] + i[j] * g[j]
    for j in range(H):
        m[j] = o[j] * _tanh(c[j])


@register_jitable
def _gru_cell(a, hh, h, H, one):
    """a: a row's input parts (r, z, n) → r, z, n; h ← (1 − z)·n + z·h."""
    for k in range(2 * H):
        a[k] = _sigmoid(a[k] + hh[k], one)
    r, z, n, hn = a[:H], a[H:2 * H], a[2 * H:], hh[2 * H:]
    for j in range(H):
        n[j] = _tanh(n[j] + r[j] * hn[j])
    for j in range(H):
        h[j] = (one - z[j]) * n[j] + z[j] * h[j]


@split(depends=(_vecmath,), error_model="numpy")
def _rnn_forward(lo, hi, xw, w_hh, h, batch_sizes, reverse, relu, y, hprev):
    T, H = xw.shape[0], h.shape[1]
    r0, r1, zero, one = _rows(lo, hi, h)
    for s in range(T):
        t, ne = _step(s, T, reverse, batch_sizes, r0, r1)
        hprev[t, r0:r1] = h[r0:r1]
        a = xw[t]
        _addmm_t(h, w_hh, a, r0, ne, zero)
        for b in range(r0, ne):
            row = a[b]
            if relu:
                for j in range(H):
                    row[j] = zero if row[j] < zero else row[j]
            else:
                _tanh_(row)
        h[r0:ne] = a[r0:ne]
        y[t, r0:ne] = a[r0:ne]
        y[t, ne:r1] = zero


@split(depends=(_vecmath,), error_model="numpy")
def _lstm_forward(lo, hi, xw, w_hh, w_hr, h, c, batch_sizes, reverse, y, hprev, cprev, m):
    T, H = xw.shape[0], c.shape[1]
    r0, r1, zero, one = _rows(lo, hi, h)
    proj = w_hr.shape[0] > 0
    for s in range(T):
        t, ne = _step(s, T, reverse, batch_sizes, r0, r1)
        hprev[t, r0:r1] = h[r0:r1]
        cprev[t, r0:r1] = c[r0:r1]
        a = xw[t]
        _addmm_t(h, w_hh, a, r0, ne, zero)
        mt = m[t] if proj else y[t]
        for b in range(r0, ne):
            _lstm_cell(a[b], c[b], mt[b], H, one)
        if proj:
            h[r0:ne] = zero
            _addmm_t(mt, w_hr, h, r0, ne, zero)
            y[t, r0:ne] = h[r0:ne]
        else:
            h[r0:ne] = mt[r0:ne]
        y[t, ne:r1] = zero


@split(depends=(_vecmath,), error_model="numpy")
def _gru_forward(lo, hi, xw, w_hh, b_hh, h, batch_sizes, reverse, y, hprev, hn, hh):
    T, H = xw.shape[0], h.shape[1]
    r0, r1, zero, one = _rows(lo, hi, h)
    for s in range(T):
        t, ne = _step(s, T, reverse, batch_sizes, r0, r1)
        hprev[t, r0:r1] = h[r0:r1]
        hh[r0:ne] = b_hh
        _addmm_t(h, w_hh, hh, r0, ne, zero)
        a = xw[t]
        for b in range(r0, ne):
            _gru_cell(a[b], hh[b], h[b], H, one)
        hn[t, r0:ne] = hh[r0:ne, 2 * H:]
        y[t, r0:ne] = h[r0:ne]
        y[t, ne:r1] = zero


# ----------------------------------------------------------------------------------------- backward

@split(error_model="numpy")
def _rnn_backward(lo, hi, gates, dy, dh, w_hh_t, batch_sizes, reverse, relu, da):
    T, H = gates.shape[0], dh.shape[1]
    r0, r1, zero, one = _rows(lo, hi, dh)
    for s in range(T):
        t, ne = _step(s, T, not reverse, batch_sizes, r0, r1)
        for b in range(r0, ne):
            d, v, g, up = da[t, b], gates[t, b], dh[b], dy[t, b]
            if relu:
                for j in range(H):
                    d[j] = g[j] + up[j] if v[j] > zero else zero
            else:
                for j in range(H):
                    d[j] = (g[j] + up[j]) * (one - v[j] * v[j])
        dh[r0:ne] = zero
        _addmm_t(da[t], w_hh_t, dh, r0, ne, zero)


@register_jitable
def _lstm_cell_backward(a, cp, dm, dc, d, tc, H, one):
    """One row: from the gates a (i, f, g, o), c_prev, dm = ∂/∂(o·tanh c) and dc (in: from step t+1;
    out: ∂/∂c_prev) write d, the gates' pre-activation gradients; tc ← tanh(c)."""
    i, f, g, o = a[:H], a[H:2 * H], a[2 * H:3 * H], a[3 * H:]
    di, df, dg, do = d[:H], d[H:2 * H], d[2 * H:3 * H], d[3 * H:]
    for j in range(H):
        tc[j] = _tanh(f[j] * cp[j] + i[j] * g[j])
    for j in range(H):
        dc[j] += dm[j] * o[j] * (one - tc[j] * tc[j])
    for j in range(H):
        di[j] = dc[j] * g[j] * i[j] * (one - i[j])
    for j in range(H):
        df[j] = dc[j] * cp[j] * f[j] * (one - f[j])
    for j in range(H):
        dg[j] = dc[j] * i[j] * (one - g[j] * g[j])
    for j in range(H):
        do[j] = dm[j] * tc[j] * o[j] * (one - o[j])
    for j in range(H):
        dc[j] *= f[j]


@split(depends=(_vecmath,), error_model="numpy")
def _lstm_backward(lo, hi, gates, cprev, dy, dh, dc, w_hh_t, w_hr_t, batch_sizes, reverse, da, dhs, m, dm, tc):
    T, H = gates.shape[0], dc.shape[1]
    r0, r1, zero, one = _rows(lo, hi, dh)
    proj = w_hr_t.shape[0] > 0
    for s in range(T):
        t, ne = _step(s, T, not reverse, batch_sizes, r0, r1)
        dh[r0:ne] += dy[t, r0:ne]
        if proj:
            dhs[t, r0:ne] = dh[r0:ne]
            dm[r0:ne] = zero
            _addmm_t(dh, w_hr_t, dm, r0, ne, zero)
        else:
            dm = dh
        for b in range(r0, ne):
            _lstm_cell_backward(gates[t, b], cprev[t, b], dm[b], dc[b], da[t, b], tc[b], H, one)
            if proj:
                o, mb, tb = gates[t, b, 3 * H:], m[t, b], tc[b]
                for j in range(H):
                    mb[j] = o[j] * tb[j]
        dh[r0:ne] = zero
        _addmm_t(da[t], w_hh_t, dh, r0, ne, zero)


@register_jitable
def _gru_cell_backward(a, hp, hn, dh, di, dhh, H, one):
    """One row: from r, z, n (a), h_prev, hh_n and dh (in: ∂/∂h_t; out: its direct part z·dh) write
    di (input side) and dhh (hidden side) pre-activation gradients."""
    r, z, n = a[:H], a[H:2 * H], a[2 * H:]
    di_r, di_z, di_n = di[:H], di[H:2 * H], di[2 * H:]
    for j in range(H):
        di_n[j] = dh[j] * (one - z[j]) * (one - n[j] * n[j])
    for j in range(H):
        di_r[j] = di_n[j] * hn[j] * r[j] * (one - r[j])
    for j in range(H):
        di_z[j] = dh[j] * (hp[j] - n[j]) * z[j] * (one - z[j])
    for j in range(H):
        dhh[2 * H + j] = di_n[j] * r[j]
    dhh[:2 * H] = di[:2 * H]
    for j in range(H):
        dh[j] *= z[j]


@split(depends=(_vecmath,), error_model="numpy")
def _gru_backward(lo, hi, gates, hprev, hn, dy, dh, w_hh_t, batch_sizes, reverse, da_in, da_h):
    T, H = gates.shape[0], dh.shape[1]
    r0, r1, zero, one = _rows(lo, hi, dh)
    for s in range(T):
        t, ne = _step(s, T, not reverse, batch_sizes, r0, r1)
        dh[r0:ne] += dy[t, r0:ne]
        for b in range(r0, ne):
            _gru_cell_backward(gates[t, b], hprev[t, b], hn[t, b], dh[b], da_in[t, b], da_h[t, b], H, one)
        _addmm_t(da_h[t], w_hh_t, dh, r0, ne, zero)


# --------------------------------------------------------------------------------------- host level

def forward(mode, xw, w_hh, b_hh, w_hr, h0, c0, batch_sizes, reverse):
    """Run one layer-direction over time. ``xw`` (T, B, G·H): x·W_ihᵀ + b_ih (+ b_hh except GRU), a
    buffer the kernel overwrites with the gates; ``h0`` (B, P), ``c0`` (B, H) (LSTM, else None): the
    initial state; ``w_hr`` (P, H) or None; ``b_hh`` (GRU). Returns (out, saved): ``out`` the flat
    [y (T, B, P), h_n (B, P), c_n (B, H)], ``saved`` what ``backward`` takes."""
    T, B = xw.shape[:2]
    P, H = h0.shape[1], (0 if c0 is None else c0.shape[1])
    bs, pairs = np.ascontiguousarray(batch_sizes, dtype=np.int64), (B + 1) // 2
    out = np.empty(T * B * P + B * P + B * H, xw.dtype)
    y = out[:T * B * P].reshape(T, B, P)
    h = out[T * B * P:T * B * P + B * P].reshape(B, P)
    h[...] = h0
    hprev = np.empty((T, B, P), xw.dtype)
    w_hh = np.ascontiguousarray(w_hh)
    if mode == LSTM:
        c = out[T * B * P + B * P:].reshape(B, H)
        c[...] = c0
        cprev = np.empty((T, B, H), xw.dtype)
        proj = w_hr is not None
        m = np.zeros((T, B, H) if proj else (0, 0, 0), xw.dtype)
        w_hr = np.ascontiguousarray(w_hr) if proj else np.empty((0, 0), xw.dtype)
        _lstm_forward(xw.size, pairs, xw, w_hh, w_hr, h, c, bs, reverse, y, hprev, cprev, m)
        return out, (xw, hprev, cprev)
    if mode == GRU:
        hn = np.empty((T, B, P), xw.dtype)
        hh = np.empty((B, w_hh.shape[0]), xw.dtype)
        _gru_forward(xw.size, pairs, xw, w_hh, b_hh, h, bs, reverse, y, hprev, hn, hh)
        return out, (xw, hprev, hn)
    _rnn_forward(xw.size, pairs, xw, w_hh, h, bs, reverse, mode == RNN_RELU, y, hprev)
    return out, (xw, hprev)


def backward(mode, saved, dy, dh, dc, w_hh, w_hr, batch_sizes, reverse):
    """Backward through time of one layer-direction. ``dy`` (T, B, P): the outputs' gradient; ``dh``,
    ``dc``: the final states' gradients, overwritten with the initial states'. Returns (da_in, da_h,
    dm) with da_in (T, B, G·H) the gradient of ``xw``, da_h that of h_prev·W_hhᵀ (+ b_hh) (the same
    array except for GRU), and for a projected LSTM (dh (T, B, P), m (T, B, H)) for dW_hr, else None."""
    T, B = dy.shape[:2]
    bs, pairs = np.ascontiguousarray(batch_sizes, dtype=np.int64), (B + 1) // 2
    dy = np.ascontiguousarray(dy)
    w_hh_t = np.ascontiguousarray(w_hh.T)
    da = np.zeros((T, B, w_hh.shape[0]), dy.dtype)
    if mode == LSTM:
        gates, _, cprev = saved
        proj = w_hr is not None
        empty = np.empty((0, 0, 0), dy.dtype)
        dhs = np.zeros(dy.shape, dy.dtype) if proj else empty
        m = np.zeros(cprev.shape, dy.dtype) if proj else empty
        w_hr_t = np.ascontiguousarray(w_hr.T) if proj else np.empty((0, 0), dy.dtype)
        _lstm_backward(da.size, pairs, gates, cprev, dy, dh, dc, w_hh_t, w_hr_t, bs, reverse, da, dhs, m,
                       np.empty(dc.shape, dy.dtype), np.empty(dc.shape, dy.dtype))
        return da, da, ((dhs, m) if proj else None)
    if mode == GRU:
        gates, hprev, hn = saved
        da_h = np.zeros_like(da)
        _gru_backward(da.size, pairs, gates, hprev, hn, dy, dh, w_hh_t, bs, reverse, da, da_h)
        return da, da_h, None
    _rnn_backward(da.size, pairs, saved[0], dy, dh, w_hh_t, bs, reverse, mode == RNN_RELU, da)
    return da, da, None
