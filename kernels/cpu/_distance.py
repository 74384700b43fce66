"""Row p-norm distances n = ‖a − b + eps‖ₚ and their derivatives, shared by pairwise_distance and
triplet_margin_loss (torch composes both from ``norm(x1 − x2 + eps, p, dim=-1)``).

    p = 0: #{dᵢ ≠ 0}     p = ±inf: max/min |dᵢ| (NaN propagates)     else (Σ|dᵢ|ᵖ)^(1/p)

∂n/∂dᵢ as torch's norm_backward computes it (sgn(0) = sgn(NaN) = 0; p = 0 has no gradient):

    p = 1:      sgn(dᵢ)
    p = 2:      dᵢ / n                               (0 where n = 0)
    p = ±inf:   sgn(dᵢ)·[|dᵢ| = n or dᵢ NaN] / #ties  (ties share the gradient)
    p < 1:      sgn(dᵢ)·|dᵢ|ᵖ⁻¹·n¹⁻ᵖ                  (0 where dᵢ = 0)
    1 < p < 2:  sgn(dᵢ)·|dᵢ|ᵖ⁻¹ / nᵖ⁻¹                 (0 where n = 0)
    p > 2:      dᵢ·|dᵢ|ᵖ⁻² / nᵖ⁻¹                       (0 where n = 0)

Sums accumulate in float64; dᵢ itself is formed in the input dtype, as torch does. Only the p = 2
norm (the hot path's sum) is compiled with fast-math: the other norms compare |dᵢ| with n, so dᵢ
must come out bit-identical in the norm and in its derivative, and in the derivative re-association
would form dᵢ as (a + eps) − b, which for equal rows in float32 loses eps's digits (a 5% gradient
error where torch gives 1/√D).
"""
import numpy as np

from ..jit import njit
from ..shared.distance import norm_grad


@njit
def norm(a, b, eps, p):
    """‖a − b + eps‖ₚ of two equal-length 1-D rows, as float64."""
    if p == 2.0:
        s = 0.0
        for i in range(a.size):
            d = a[i] - b[i] + eps
            s += d * d
        return np.sqrt(s)
    return _norm_exact(a, b, eps, p)


@njit(fastmath=False)
def _norm_exact(a, b, eps, p):
    if p == 1.0:
        s = 0.0
        for i in range(a.size):
            s += abs(a[i] - b[i] + eps)
        return s
    if np.isinf(p):
        m = abs(a[0] - b[0] + eps)
        for i in range(1, a.size):
            v = abs(a[i] - b[i] + eps)
            if (v > m if p > 0 else v < m) or v != v:
                m = v
        return m
    if p == 0.0:
        s = 0.0
        for i in range(a.size):
            if a[i] - b[i] + eps != 0:
                s += 1.0
        return s
    s = 0.0
    for i in range(a.size):
        s += abs(a[i] - b[i] + eps) ** p
    return s ** (1.0 / p)


@njit(fastmath=False)  # no sum to vectorise; re-association would form dᵢ as (a + eps) − b
def add_grad(a, b, eps, p, n, c, ga, gb):
    """ga += c·∂n/∂a and gb −= c·∂n/∂a for n = ‖a − b + eps‖ₚ (p ≠ 0); an empty ga or gb is skipped."""
    need_a, need_b = ga.size > 0, gb.size > 0
    if p == 2.0:
        k = 0.0 if n == 0 else c / n
        for i in range(a.size):
            r = ga.dtype.type((a[i] - b[i] + eps) * k)  # each term in the input dtype, as torch sums them
            if need_a:
                ga[i] += r
            if need_b:
                gb[i] -= r
        return
    _add_grad_exact(a, b, eps, p, n, c, ga, gb)


@njit(fastmath=False)  # as add_grad
def pair_grad2(a, b, eps, n, ga, gb):
    """Both gradients of ‖a − b + eps‖₂ written at once (what zeroed rows and ``add_grad`` with c = 1 would
    hold): rᵢ = dᵢ/n in the rows' dtype, ga = r, gb = −r (0 where n = 0)."""
    k = 0.0 if n == 0 else 1.0 / n
    for i in range(a.size):
        r = ga.dtype.type((a[i] - b[i] + eps) * k)
        ga[i] = r
        gb[i] = -r


@njit(fastmath=False)  # as add_grad
def triplet_grad2(a, pos, neg, eps, d_ap, d_an, h, ga, gp, gn):
    """The three gradients of h·(‖a − pos + eps‖₂ − ‖a − neg + eps‖₂) written at once (what zeroed rows and
    ``add_grad`` for both pairs would sum, in the same dtype steps): r⁺ᵢ = h·d⁺ᵢ/d⁺, r⁻ᵢ = −h·d⁻ᵢ/d⁻,
    ga = r⁺ + r⁻, gp = −r⁺, gn = −r⁻ (0 for a distance that is 0)."""
    k_ap = 0.0 if d_ap == 0 else h / d_ap
    k_an = 0.0 if d_an == 0 else -h / d_an
    for i in range(a.size):
        r_ap = ga.dtype.type((a[i] - pos[i] + eps) * k_ap)
        r_an = ga.dtype.type((a[i] - neg[i] + eps) * k_an)
        ga[i] = r_ap + r_an
        gp[i] = -r_ap
        gn[i] = -r_an


@njit(fastmath=False)
def _add_grad_exact(a, b, eps, p, n, c, ga, gb):
    need_a, need_b = ga.size > 0, gb.size > 0
    ties = 1.0
    if np.isinf(p):
        ties = 0.0
        for i in range(a.size):
            d = a[i] - b[i] + eps
            if abs(d) == n or d != d:
                ties += 1.0
    for i in range(a.size):
        r = norm_grad(a[i] - b[i] + eps, p, n, c, ties)
        r = ga.dtype.type(r)
        if need_a:
            ga[i] += r
        if need_b:
            gb[i] -= r
