"""margin_ranking_loss, elementwise over the broadcast of x₁, x₂ and the target y:

    u = −y·(x₁ − x₂) + margin        l = max(0, u)   (a NaN u stays NaN, as torch's clamp_min)

torch passes the gradient of clamp_min where u ≥ 0 (an exact tie u = 0 included, a NaN u excluded):

    ∂l/∂x₁ = −y·[u ≥ 0]      ∂l/∂x₂ = y·[u ≥ 0]      ∂l/∂y = −(x₁ − x₂)·[u ≥ 0]

'mean' divides the sum and every gradient by n, the number of broadcast elements. Each device's
``margin_ranking_loss`` module runs this element function in its elementwise loop after broadcasting
all three operands (the target sets the shape too; the loop would read a one-element z in place).
"""
from .element import element


@element
def margin_ranking_loss(x1, x2, y, w, p):
    margin, zero, one = p[0], p[1], p[2]
    d = x1 - x2
    u = margin - y * d
    on = one if u >= zero else zero
    return (zero if u < zero else u), -y * on, y * on, -d * on
