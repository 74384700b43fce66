"""Row p-norm distances n = ‖a[r] − b[r] + eps‖ₚ and their derivatives, one row per block, shared by
pairwise_distance and triplet_margin_loss. The derivative is ``kernels/shared/distance.py``'s
(derivation in ``kernels/cpu/_distance.py``): each thread takes the row's elements i ≡ thread (mod
block size), and the row's sum, maximum, minimum or count is reduced across the block in float64. dᵢ is formed in the input dtype, as torch
does. Every function here must be called by every thread of the block.
"""
import math

from numba import cuda

from ..shared.distance import norm_grad
from ._launch import MAX, MIN, SUM, block_reduce, lanes


@cuda.jit(device=True)
def norm(a, b, r, eps, p, scratch):
    """‖a[r] − b[r] + eps‖ₚ of two (R, D) arrays' row r, as float64, returned to every thread."""
    first, step = lanes(True)
    inf = math.isinf(p)
    acc = (-math.inf if p > 0 else math.inf) if inf else 0.0
    for i in range(first, a.shape[1], step):
        d = a[r, i] - b[r, i] + eps
        ad = abs(d)
        if p == 2.0:
            acc += d * d
        elif p == 1.0:
            acc += ad
        elif inf:
            acc = ad if (ad > acc if p > 0 else ad < acc) or ad != ad else acc
        elif p == 0.0:
            acc += 1.0 if d != 0 else 0.0
        else:
            acc += ad ** p
    total = block_reduce(acc, (MAX if p > 0 else MIN) if inf else SUM, scratch)
    if p == 2.0:
        return math.sqrt(total)
    if inf or p == 0.0 or p == 1.0:
        return total
    return total ** (1.0 / p)


@cuda.jit(device=True)
def add_grad(a, b, r, eps, p, n, c, ga, gb, scratch):
    """ga[r] += c·∂n/∂a and gb[r] −= c·∂n/∂a for n = ‖a[r] − b[r] + eps‖ₚ (p ≠ 0); an empty ga or gb
    is skipped. Each thread updates only its own elements."""
    need_a, need_b = ga.size > 0, gb.size > 0
    first, step = lanes(True)
    inf = math.isinf(p)
    ties = 1.0
    if inf:
        count = 0.0
        for i in range(first, a.shape[1], step):
            d = a[r, i] - b[r, i] + eps
            if abs(d) == n or d != d:
                count += 1.0
        ties = block_reduce(count, SUM, scratch)
    for i in range(first, a.shape[1], step):
        g = norm_grad(a[r, i] - b[r, i] + eps, p, n, c, ties)
        if need_a:
            ga[r, i] += g
        if need_b:
            gb[r, i] -= g


@cuda.jit(device=True)
def zero_row(g, r):
    """g[r] = 0 over this thread's elements (nothing for an empty g)."""
    if g.size > 0:
        first, step = lanes(True)
        for i in range(first, g.shape[1], step):
            g[r, i] = 0
