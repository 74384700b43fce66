"""multilabel_margin_loss on the device, one row of x (N, C) per block, int64 targets t (N, C)
(derivation: ``kernels/cpu/multilabel_margin_loss.py``). Row n's targets are t[n, 0..k) (k = position
of the first −1, or C) and T is their set; with z_ji = 1 − x[y_j] + x[i], only z > 0 counting:

    l_n = Σ_{j<k} Σ_{i∉T} max(0, z_ji) / C
    ∂l_n/∂x[i] = #{j < k : z_ji > 0} / C                          (i ∉ T)
    ∂l_n/∂x[c] = −#{j < k : y_j = c} · #{i ∉ T : 1 − x[c] + x[i] > 0} / C   (c ∈ T)

The second line gathers, per target class, what the CPU kernel scatters per target position, so each
thread writes only its own classes. k is a block minimum; T is marked in ``is_target`` (N, C) scratch
between two barriers. 'mean' divides by N. Targets ≥ C (the host range-checks them) are skipped.
"""
from numba import cuda, float64

from ._host import buffer, class_rows, empty, scale
from ._launch import MIN, SCRATCH, SUM, block_reduce, lanes, record, reduced, units, write_partial


@cuda.jit
def _kernel(x, t, one, sc, is_target, out, gx, partial):
    """``sc`` = (mean ? 1/N : 1)/C scales each gradient step."""
    scratch = cuda.shared.array(SCRATCH, float64)
    N, C = x.shape
    zero = one - one
    need = gx.size > 0
    first, step = units(True)
    acc = 0.0
    lo, stride = lanes(True)
    for n in range(first, N, step):
        end = C
        for j in range(lo, C, stride):
            if t[n, j] < 0 and j < end:
                end = j
        k = int(block_reduce(end, MIN, scratch))
        for i in range(lo, C, stride):
            is_target[n, i] = 0
        cuda.syncthreads()
        for j in range(lo, k, stride):
            if t[n, j] < C:
                is_target[n, t[n, j]] = 1
        cuda.syncthreads()
        row = 0.0
        for i in range(lo, C, stride):
            if not is_target[n, i]:
                hits = 0
                for j in range(k):
                    if t[n, j] < C:
                        z = one - x[n, t[n, j]] + x[n, i]
                        hit = z > zero
                        row += z if hit else 0.0
                        hits += hit
                if need:
                    gx[n, i] = hits * sc
            elif need:
                repeats, hits = 0, 0
                for j in range(k):
                    repeats += t[n, j] == i
                for c in range(C):
                    hits += not is_target[n, c] and one - x[n, i] + x[n, c] > zero
                gx[n, i] = -(repeats * hits) * sc
        row = block_reduce(row, SUM, scratch) / C
        acc = record(acc, row, out, n, True)
    write_partial(acc, partial, scratch)


def forward(x, t, *, need_grad, reduction="mean"):
    """x: (C) or (N, C) (0-d counts as one class); the 'none' loss is (N) or 0-d."""
    dt = x.dtype
    N, C = class_rows(x)
    s = scale(reduction, N)
    out = empty(N if reduction == "none" else 0, dt)
    gx = buffer((N, C), dt, need_grad[0])
    args = (x.reshape(N, C), t.reshape(N, C), dt.type(1), dt.type(s / C), empty((N, C), "u1"), out, gx)
    loss = reduced(_kernel, N, True, args, reduction, s, dt, out.reshape(N if x.ndim > 1 else ()) if reduction == "none"
                   else out)
    return loss, gx.reshape(x.shape) if need_grad[0] else None, None
