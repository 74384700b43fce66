"""cosine_embedding_loss on the device, one row of x₁, x₂ (broadcast against each other and the
target y) per block (derivation: ``kernels/cpu/cosine_embedding_loss.py``), ε = 1e-12:

    P = Σ x₁x₂    M₁ = Σ x₁² + ε    M₂ = Σ x₂² + ε    cos = P / √(M₁M₂)
    l = ([y = 1] ? 1 − cos : 0) + ([y = −1] ? max(0, cos − margin) : 0)
    ∂cos/∂x₁ = x₂/√(M₁M₂) − cos·x₁/M₁    (likewise x₂), times ∂l/∂cos = −[y = 1] + [y = −1]·[cos ≥ margin]

'mean' divides by the number of rows. Sums in float64.
"""
import math

from numba import cuda, float64

from ..cpu.cosine_embedding_loss import EPSILON
from ._host import broadcast_shape, buffer, empty, expand, float16_in_float32, rows, scale
from ._launch import SCRATCH, SUM, block_reduce, lanes, reduced, units, write_partial


@cuda.jit
def _kernel(x1, x2, y, margin, s, out, g1, g2, partial):
    scratch = cuda.shared.array(SCRATCH, float64)
    keep, need1, need2 = out.size > 0, g1.size > 0, g2.size > 0
    acc = 0.0
    first, step = units(True)
    lo, stride = lanes(True)
    for r in range(first, y.size, step):
        dot, m1, m2 = 0.0, 0.0, 0.0
        for i in range(lo, x1.shape[1], stride):
            u, v = x1[r, i], x2[r, i]
            dot += u * v
            m1 += u * u
            m2 += v * v
        dot = block_reduce(dot, SUM, scratch)
        m1, m2 = block_reduce(m1, SUM, scratch) + EPSILON, block_reduce(m2, SUM, scratch) + EPSILON
        denom = math.sqrt(m1 * m2)
        cos = dot / denom
        loss, dcos = 0.0, 0.0
        if y[r] == 1:
            loss, dcos = 1.0 - cos, -s
        if y[r] == -1:
            c = cos - margin
            loss += 0.0 if c < 0 else c
            dcos += s if c >= 0 else 0.0
        if cuda.threadIdx.x == 0:
            acc += loss
            if keep:
                out[r] = loss
        k, k1, k2 = dcos / denom, dcos * cos / m1, dcos * cos / m2
        for i in range(lo, x1.shape[1], stride):
            u, v = x1[r, i], x2[r, i]
            if need1:
                g1[r, i] = k * v - k1 * u
            if need2:
                g2[r, i] = k * u - k2 * v
    write_partial(acc, partial, scratch)


@float16_in_float32
def forward(x1, x2, y, need_grad, margin=0.0, reduction="mean"):
    """x₁, x₂: (N, D) with y (N), or (D) with a 0-d y."""
    shape = tuple(broadcast_shape(x1.shape, x2.shape, y.shape + (1,)))
    R, D = rows(shape)
    dt = x1.dtype
    s = scale(reduction, R)
    out = empty(R if reduction == "none" else 0, dt)
    g1, g2 = (buffer((R, D), dt, need) for need in need_grad[:2])
    a, b = (expand(x, shape).reshape(R, D) for x in (x1, x2))
    args = (a, b, expand(y, shape[:-1]).reshape(R), float(margin), s, out, g1, g2)
    loss = reduced(_kernel, R, 1, args, reduction, s, dt, out.reshape(shape[:-1]) if reduction == "none" else out)
    return loss, g1.reshape(shape) if need_grad[0] else None, g2.reshape(shape) if need_grad[1] else None, None
