"""Per-row scalar math of the row losses, written once for both devices' loops (each device forms the
row's sums its own way: a loop on the CPU, a block reduction on the GPU). Plain Numba functions,
inlined on either target; the derivations are in the CPU kernel modules.
"""
import math

import numba

EPSILON = 1e-12  # cosine_embedding_loss's ε on the squared norms, as torch's


@numba.njit(inline="always")
def cosine_embedding_row(dot, m1, m2, y, margin, s):
    """(loss, k, k₁, k₂) of one cosine_embedding_loss row from its sums P = Σx₁x₂, Σx₁², Σx₂² (float64)
    and target y, the gradient scaled by s: ∂l/∂x₁ = k·x₂ − k₁·x₁ and ∂l/∂x₂ = k·x₁ − k₂·x₂."""
    m1, m2 = m1 + EPSILON, m2 + EPSILON
    denom = math.sqrt(m1 * m2)
    cos = dot / denom
    similar, hinge = y == 1, y == -1
    c = cos - margin
    loss = (1.0 - cos if similar else 0.0) + (c if hinge and not c < 0 else 0.0)
    dcos = (-s if similar else 0.0) + (s if hinge and c >= 0 else 0.0)
    return loss, dcos / denom, dcos * cos / m1, dcos * cos / m2
