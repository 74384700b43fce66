"""The recurrences of RNN, LSTM and GRU on device arrays: the CUDA twin of ``kernels/cpu/rnn.py``
(same host functions, arguments and results; its docstring has the math and what is saved).

The time loop runs on the host, a few kernel launches per time step, one thread per (row, unit):

    forward   save h (and c) as h_prev[t]; the step: each thread forms its unit's gate
              pre-activations from xw and dot products of h_prev[t] with W_hh's rows, then the
              cell update; (LSTM with a projection) h = m·W_hrᵀ, one thread per (row, output)
    backward  dh += dy[t] (a projected LSTM keeps dh[t] for dW_hr); the step: each thread writes its
              unit's gate gradients (a projected LSTM first forms dm = dh·W_hr in the thread);
              dh_prev = da·W_hh (+ z·dh for GRU), one thread per (row, unit)

The step reads h_prev[t] and writes the new state, so no thread reads a value another thread of
the same launch writes. Each launch covers the active rows b < n = batch_sizes[t] (a packed batch
sorts them first): the others keep their state, and their outputs stay the 0 the result buffer
starts with. Dot products accumulate in float64.
"""
import math

import numpy as np

from ..cpu.rnn import GRU, LSTM, RNN_RELU
from ._host import empty
from ._launch import cuda, launch
from ._shape import zeros


@cuda.jit(device=True)
def _sigmoid(v):
    return 1.0 / (1.0 + math.exp(-v))


@cuda.jit(device=True)
def _dot(a, b, w, row):
    """Σ_k a[b, k]·w[row, k] in float64."""
    acc = 0.0
    for k in range(a.shape[1]):
        acc += a[b, k] * w[row, k]
    return acc


@cuda.jit(device=True)
def _emit(v, b, j, h, y_t):
    """The step's new hidden value is both the state h and the output y[t]."""
    h[b, j] = v
    y_t[b, j] = v


@cuda.jit
def _save(h, c, hprev_t, cprev_t):
    for u in range(cuda.grid(1), h.size, cuda.gridsize(1)):
        b, j = u // h.shape[1], u % h.shape[1]
        hprev_t[b, j] = h[b, j]
    for u in range(cuda.grid(1), c.size, cuda.gridsize(1)):
        b, j = u // c.shape[1], u % c.shape[1]
        cprev_t[b, j] = c[b, j]


@cuda.jit
def _rnn_step(a, hp, w_hh, n, relu, h, y_t):
    """a = xw[t] (in: x-part; out: activations)."""
    H = h.shape[1]
    for u in range(cuda.grid(1), n * H, cuda.gridsize(1)):
        b, j = u // H, u % H
        v = a[b, j] + _dot(hp, b, w_hh, j)
        v = (0.0 if v < 0 else v) if relu else math.tanh(v)
        a[b, j] = v
        _emit(v, b, j, h, y_t)


@cuda.jit
def _lstm_step(a, hp, w_hh, n, proj, c, h, m_t, y_t):
    H = c.shape[1]
    for u in range(cuda.grid(1), n * H, cuda.gridsize(1)):
        b, j = u // H, u % H
        i = _sigmoid(a[b, j] + _dot(hp, b, w_hh, j))
        f = _sigmoid(a[b, H + j] + _dot(hp, b, w_hh, H + j))
        g = math.tanh(a[b, 2 * H + j] + _dot(hp, b, w_hh, 2 * H + j))
        o = _sigmoid(a[b, 3 * H + j] + _dot(hp, b, w_hh, 3 * H + j))
        cn = f * c[b, j] + i * g
        c[b, j] = cn
        a[b, j], a[b, H + j], a[b, 2 * H + j], a[b, 3 * H + j] = i, f, g, o
        v = o * math.tanh(cn)
        if proj:
            m_t[b, j] = v
        else:
            _emit(v, b, j, h, y_t)


@cuda.jit
def _project(m_t, w_hr, n, h, y_t):
    """h = m·W_hrᵀ, y[t] = h on active rows."""
    P = h.shape[1]
    for u in range(cuda.grid(1), n * P, cuda.gridsize(1)):
        b, p = u // P, u % P
        _emit(_dot(m_t, b, w_hr, p), b, p, h, y_t)


@cuda.jit
def _gru_step(a, hp, w_hh, b_hh, n, h, hn_t, y_t):
    H = h.shape[1]
    for u in range(cuda.grid(1), n * H, cuda.gridsize(1)):
        b, j = u // H, u % H
        r = _sigmoid(a[b, j] + b_hh[j] + _dot(hp, b, w_hh, j))
        z = _sigmoid(a[b, H + j] + b_hh[H + j] + _dot(hp, b, w_hh, H + j))
        hn = b_hh[2 * H + j] + _dot(hp, b, w_hh, 2 * H + j)
        nv = math.tanh(a[b, 2 * H + j] + r * hn)
        a[b, j], a[b, H + j], a[b, 2 * H + j] = r, z, nv
        hn_t[b, j] = hn
        _emit((1.0 - z) * nv + z * hp[b, j], b, j, h, y_t)


@cuda.jit
def _dh_add(dh, dy_t, n, proj, dhs_t):
    """dh += dy[t] on active rows (kept in dhs[t] for a projection's dW_hr)."""
    P = dh.shape[1]
    for u in range(cuda.grid(1), n * P, cuda.gridsize(1)):
        b, p = u // P, u % P
        v = dh[b, p] + dy_t[b, p]
        dh[b, p] = v
        if proj:
            dhs_t[b, p] = v


@cuda.jit
def _rnn_step_backward(v_t, dh, n, relu, da_t):
    H = dh.shape[1]
    for u in range(cuda.grid(1), n * H, cuda.gridsize(1)):
        b, j = u // H, u % H
        v = v_t[b, j]
        da_t[b, j] = (dh[b, j] if v > 0 else 0.0) if relu else dh[b, j] * (1.0 - v * v)


@cuda.jit
def _lstm_step_backward(a, cp, dh, w_hr, n, proj, dc, da_t, m_t):
    H = dc.shape[1]
    for u in range(cuda.grid(1), n * H, cuda.gridsize(1)):
        b, j = u // H, u % H
        i, f, g, o = a[b, j], a[b, H + j], a[b, 2 * H + j], a[b, 3 * H + j]
        tc = math.tanh(f * cp[b, j] + i * g)
        dm = _dot(dh, b, w_hr.T, j) if proj else dh[b, j]
        if proj:
            m_t[b, j] = o * tc
        dcv = dc[b, j] + dm * o * (1.0 - tc * tc)
        dc[b, j] = dcv * f
        da_t[b, j] = dcv * g * i * (1.0 - i)
        da_t[b, H + j] = dcv * cp[b, j] * f * (1.0 - f)
        da_t[b, 2 * H + j] = dcv * i * (1.0 - g * g)
        da_t[b, 3 * H + j] = dm * tc * o * (1.0 - o)


@cuda.jit
def _gru_step_backward(a, hp, hn_t, dh, n, di_t, dh_t):
    H = dh.shape[1]
    for u in range(cuda.grid(1), n * H, cuda.gridsize(1)):
        b, j = u // H, u % H
        r, z, nv = a[b, j], a[b, H + j], a[b, 2 * H + j]
        d = dh[b, j]
        dn = d * (1.0 - z) * (1.0 - nv * nv)
        dr = dn * hn_t[b, j] * r * (1.0 - r)
        dz = d * (hp[b, j] - nv) * z * (1.0 - z)
        di_t[b, j] = dr
        di_t[b, H + j] = dz
        di_t[b, 2 * H + j] = dn
        dh_t[b, j] = dr
        dh_t[b, H + j] = dz
        dh_t[b, 2 * H + j] = dn * r
        dh[b, j] = d * z


@cuda.jit
def _dh_prev(da_t, w_hh, n, accumulate, dh):
    """dh = da·W_hh on active rows (added to dh when ``accumulate``: GRU's direct z·dh)."""
    P = dh.shape[1]
    for u in range(cuda.grid(1), n * P, cuda.gridsize(1)):
        b, k = u // P, u % P
        v = _dot(da_t, b, w_hh.T, k)
        dh[b, k] = dh[b, k] + v if accumulate else v


def _times(T, reverse):
    return range(T - 1, -1, -1) if reverse else range(T)


def _state(out, T, B, P, H):
    """The views y, h, c of the flat result buffer."""
    y = out[:T * B * P].reshape(T, B, P)
    h = out[T * B * P:T * B * P + B * P].reshape(B, P)
    c = out[T * B * P + B * P:].reshape(B, H) if H else None
    return y, h, c


@cuda.jit
def _copy(src, dst):
    for u in range(cuda.grid(1), src.size, cuda.gridsize(1)):
        dst[u] = src[u]


def forward(mode, xw, w_hh, b_hh, w_hr, h0, c0, batch_sizes, reverse):
    """``kernels.cpu.rnn.forward`` on device arrays (xw is overwritten with the gates)."""
    T, B = xw.shape[:2]
    P, H = h0.shape[1], (0 if c0 is None else c0.shape[1])
    dt = xw.dtype
    out = zeros((T * B * P + B * P + B * H,), dt)
    y, h, c = _state(out, T, B, P, H)
    launch(_copy, B * P, False, h0.reshape(B * P), h.reshape(B * P))
    hprev = empty((T, B, P), dt)
    lstm, proj = mode == LSTM, w_hr is not None
    if lstm:
        launch(_copy, B * H, False, c0.reshape(B * H), c.reshape(B * H))
    cprev = empty((T, B, H) if lstm else (1, 1, 1), dt)
    m = zeros((T, B, H) if proj else (1, 1, 1), dt)
    hn = empty((T, B, P) if mode == GRU else (1, 1, 1), dt)
    for t in _times(T, reverse):
        n = int(batch_sizes[t])
        launch(_save, B * max(P, H), False, h, c if lstm else cprev[0], hprev[t], cprev[t if lstm else 0])
        if lstm:
            launch(_lstm_step, n * H, False, xw[t], hprev[t], w_hh, n, proj, c, h, m[t if proj else 0], y[t])
            if proj:
                launch(_project, n * P, False, m[t], w_hr, n, h, y[t])
        elif mode == GRU:
            launch(_gru_step, n * P, False, xw[t], hprev[t], w_hh, b_hh, n, h, hn[t], y[t])
        else:
            launch(_rnn_step, n * P, False, xw[t], hprev[t], w_hh, n, mode == RNN_RELU, h, y[t])
    saved = (xw, hprev, cprev) if lstm else (xw, hprev, hn) if mode == GRU else (xw, hprev)
    return out, saved


def backward(mode, saved, dy, dh, dc, w_hh, w_hr, batch_sizes, reverse):
    """``kernels.cpu.rnn.backward`` on device arrays (dh, dc overwritten with the initial states' gradients)."""
    T, B, P = dy.shape
    dt = dy.dtype
    G = w_hh.shape[0]
    da = zeros((T, B, G), dt)
    da_h = zeros((T, B, G), dt) if mode == GRU else da
    lstm, proj = mode == LSTM, w_hr is not None
    H = dc.shape[1] if lstm else P
    dhs = zeros((T, B, P) if proj else (1, 1, 1), dt)
    m = zeros((T, B, H) if proj else (1, 1, 1), dt)
    w_hr_arg = w_hr if proj else zeros((1, 1), dt)
    for t in _times(T, not reverse):
        n = int(batch_sizes[t])
        launch(_dh_add, n * P, False, dh, dy[t], n, proj, dhs[t if proj else 0])
        if lstm:
            gates, _, cprev = saved
            launch(_lstm_step_backward, n * H, False, gates[t], cprev[t], dh, w_hr_arg, n, proj, dc, da[t],
                   m[t if proj else 0])
        elif mode == GRU:
            gates, hprev, hn = saved
            launch(_gru_step_backward, n * H, False, gates[t], hprev[t], hn[t], dh, n, da[t], da_h[t])
        else:
            launch(_rnn_step_backward, n * H, False, saved[0][t], dh, n, mode == RNN_RELU, da[t])
        launch(_dh_prev, n * P, False, da_h[t], w_hh, n, mode == GRU, dh)
    return da, da_h, ((dhs, m) if proj else None)
