"""mse_loss, elementwise over the broadcast of input x and target y:

    l = (x − y)²        ∂l/∂x = 2(x − y)        ∂l/∂y = −2(x − y)

'mean' divides the sum and the gradients by n, the number of broadcast elements.
"""
from .element import element


@element
def mse_loss(x, y, z, w, p):
    d = x - y
    g = d + d
    return d * d, g, -g, d - d


def forward(run, x, y, *, need_grad, reduction="mean"):
    return run((x, y), need_grad, reduction)
