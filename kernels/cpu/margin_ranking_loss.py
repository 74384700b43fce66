"""margin_ranking_loss, elementwise over the broadcast of x₁, x₂ and the target y:

    u = −y·(x₁ − x₂) + margin        l = max(0, u)   (a NaN u stays NaN, as torch's clamp_min)

torch passes the gradient of clamp_min where u ≥ 0 (an exact tie u = 0 included, a NaN u excluded):

    ∂l/∂x₁ = −y·[u ≥ 0]      ∂l/∂x₂ = y·[u ≥ 0]      ∂l/∂y = −(x₁ − x₂)·[u ≥ 0]

'mean' divides the sum and every gradient by n, the number of broadcast elements.
"""
from ._host import broadcast, buffer, float16_in_float32, result, scale
from ._parallel import pieces, split


@split
def _kernel(p0, p1, partial, x1, x2, y, margin, s, out, g1, g2, gy):
    """Σ l per piece (float64) into ``partial``; l into ``out`` and s·∂l/∂· into each non-empty gradient
    buffer."""
    zero = s - s
    keep, need1, need2, needy = out.size > 0, g1.size > 0, g2.size > 0, gy.size > 0
    n_pieces = partial.size
    for piece in range(p0, p1):
        lo, hi = piece * x1.size // n_pieces, (piece + 1) * x1.size // n_pieces
        # slices indexed from 0, so Numba's negative-index wraparound folds away and the loop vectorises
        a, b, yp, op = x1[lo:hi], x2[lo:hi], y[lo:hi], out[lo:hi]
        ga, gb, gyp = g1[lo:hi], g2[lo:hi], gy[lo:hi]
        part = 0.0
        for i in range(hi - lo):
            d = a[i] - b[i]
            u = margin - yp[i] * d
            loss = zero if u < zero else u
            part += loss
            if keep:
                op[i] = loss
            on = s if u >= zero else zero
            if need1:
                ga[i] = -yp[i] * on
            if need2:
                gb[i] = yp[i] * on
            if needy:
                gyp[i] = -d * on
        partial[piece] = part


@float16_in_float32
def forward(x1, x2, y, *, need_grad, margin=0.0, reduction="mean"):
    shape, (x1, x2, y) = broadcast(x1, x2, y)
    dt = x1.dtype
    s = scale(reduction, x1.size)
    out = buffer(shape, dt, reduction == "none")
    grads = [buffer(shape, dt, need) for need in need_grad]
    flat = [a.reshape(-1) for a in (x1, x2, y, out, *grads)]
    total = _kernel.sum(x1.size, pieces(x1.size, x1.size), *flat[:3], dt.type(margin), dt.type(s), *flat[3:])
    return (result(reduction, total, s, out, dt),) + tuple(g if need else None for g, need in zip(grads, need_grad))
