"""binary_cross_entropy_with_logits of logits x and targets y, weight w and positive-class weight
p_w (each 1 if none), in torch's stable form with log σ(x) = min(x, 0) − log1p(e^−|x|):

    l = w·((1 − y)·x − (1 + (p_w − 1)·y)·log σ(x))
    ∂l/∂x = w·((1 + (p_w − 1)·y)·σ(x) − p_w·y)
    ∂l/∂y = w·(log σ(−x) − p_w·log σ(x))         (= −w·x when p_w = 1)

e^−|x| never overflows, so |x| ≥ 100 (even 1e4) gives the exact limits: l = w·x for y = 0, x ≫ 0
and l = w·p_w·|x| for y = 1, x ≪ 0. σ(x) is 1/(1 + e^−|x|) for x ≥ 0 and e^−|x|/(1 + e^−|x|) below.
'mean' divides the sum and the gradients by n.
"""
import numpy as np

from ..cpu._vecmath import exp, log1p_unit

from .element import element

_ZERO, _ONE = np.float32(0), np.float32(1)


@element(sum_apart=True)
def binary_cross_entropy_with_logits(x, y, w, pw, p):
    e = exp(-abs(x))
    log1p_e = log1p_unit(e)
    log_sig = min(x, _ZERO) - log1p_e
    r = _ONE / (_ONE + e)  # one division for σ either side
    sig = r if x >= 0 else e * r
    lw = _ONE + (pw - _ONE) * y
    l = w * ((_ONE - y) * x - lw * log_sig)
    log_sig_neg = min(-x, _ZERO) - log1p_e
    return l, w * (lw * sig - pw * y), w * (log_sig_neg - pw * log_sig), _ZERO


def forward(run, x, y, *, need_grad, reduction="mean", weight=None, pos_weight=None):
    return run((x, y, weight, pos_weight), need_grad, reduction)
