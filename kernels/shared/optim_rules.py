"""The fused optimizers' per-element update rules, one per optimizer and named after it, and
``element_step``, which applies one to an element of the arrays; each device's loop
(``kernels/<device>/_fused_update.py``: a CPU loop, a CUDA grid-stride kernel) calls it per element.

A rule ``rule(x, g, b0, b1, b2, scalars) -> (x, b0, b1, b2)`` maps one element of the parameter x,
its gradient g and its state buffers (up to three, in the order its optimizer's ``Update`` gives
them: Adam's exp_avg, exp_avg_sq, max_exp_avg_sq) to their new values; ``scalars`` holds the
hyper-parameters in the parameter's dtype (the flags as bools), in the order the optimizer in
``minigrad/optim/<optimizer>.py`` builds them. A slot the optimizer leaves unused (an optimizer with
fewer buffers, Adam's max_exp_avg_sq without amsgrad, RMSprop's grad_avg when not centered) passes
through unchanged, and ``element_step`` neither reads nor writes it: the slots in use are constants
of each compiled loop, so no two arrays a loop touches alias and it vectorises. Rules, and the
helpers they share (``lerp``, ``direction``, ``adam_moments``), take and return values, never arrays:
a store under a runtime branch inside an inlined function keeps Numba's loop from vectorising, and
the CUDA simulator, which runs a kernel in Python, cannot hand its arrays to a compiled function
(it runs ``element_step`` and the rule as Python, ``py_func``).

Every operation rounds in the parameter's dtype in torch's order: the loops compile without fastmath
(no fused multiply-adds, no re-association), under numpy's error model (x/0 gives ±inf or NaN, as in
torch); the rules hold no float literal, which would widen float32 math to float64 (1 − β comes
from the host). The host computes the step-dependent factors (bias corrections, NAdam's momentum
schedule, RAdam's rectification) in float64, as torch does. In the formulas, d is the update
direction, γ the learning rate, λ the weight decay.

(Numba's cache keys a compiled loop on the loop's own file; the CPU loop is named after a checksum
of this file, so an edit here compiles afresh.)
"""
import math

from .element import element


@element
def element_step(i, p, g, buffers, scalars, rule, live):
    """Element ``i`` of ``p`` and of the slots ``buffers`` (three arrays) updated in place by ``rule``,
    reading and writing only the slots ``live`` (three bools, constants of the calling loop)."""
    b0, b1, b2 = buffers
    x = p[i]
    x, n0, n1, n2 = rule(x, g[i], b0[i] if live[0] else x, b1[i] if live[1] else x, b2[i] if live[2] else x,
                         scalars)
    p[i] = x
    if live[0]:
        b0[i] = n0
    if live[1]:
        b1[i] = n1
    if live[2]:
        b2[i] = n2


@element
def lerp(a, b, w, rest):
    """torch's lerp: a + w·(b − a) for |w| < 0.5, else b − (b − a)·(1 − w); ``rest`` is 1 − w (the
    weights here are 1 − β ≥ 0; comparing with the literal 0.5 would put float64 math in a float32 kernel)."""
    return a + w * (b - a) if w < rest else b - (b - a) * rest  # w < 1 − w: torch's |w| < 0.5 for w ≥ 0


@element
def direction(x, g, weight_decay, maximize):
    """d ← −g if maximize else g;   d ← d + λ·x   (when λ ≠ 0)"""
    d = -g if maximize else g
    if weight_decay != 0:
        d = d + weight_decay * x
    return d


@element
def adam_moments(x, g, m, v, scalars):
    """The Adam family's start (Adam, AdamW, NAdam, RAdam) on one element: the new (x, d, m, v), from
    the first eight ``scalars`` that these optimizers share (``minigrad/optim/adam.py``'s ``moments``):

        d ← −g if maximize else g
        x ← p·(1 − γλ)  (decoupled: ``shrink``)   or   x ← p, d ← d + λ·p
        m ← lerp(m, d, 1 − β₁)                    exp_avg (m + (1 − β₁)·(d − m) for β₁ > 0.5)
        v ← β₂·v + (1 − β₂)·d·d                   exp_avg_sq
    """
    weight_decay, shrink, w1, rest1, beta2, w2, maximize, decoupled = scalars[:8]
    d = -g if maximize else g
    if decoupled:
        x = x * shrink
    elif weight_decay != 0:
        d = d + weight_decay * x
    return x, d, lerp(m, d, w1, rest1), v * beta2 + w2 * d * d


@element
def adam(x, g, m, v, v_max, scalars):
    """Adam and AdamW; state (exp_avg, exp_avg_sq, max_exp_avg_sq), after ``adam_moments``:

        v̂ ← max(v̂, v)                          (amsgrad, NaN propagates; v̂ is read in place of v)
        p ← x − s·m / (√v / √(1 − β₂ᵗ) + ε),    s = γ / (1 − β₁ᵗ)   (``neg_step_size`` = −s)
    """
    x, _, m, v = adam_moments(x, g, m, v, scalars)
    bc2_sqrt, eps, neg_step_size, amsgrad = scalars[8:]
    denom = v
    if amsgrad:
        if v_max > v or v_max != v_max:
            denom = v_max
        v_max = denom
    return x + neg_step_size * (m / (math.sqrt(denom) / bc2_sqrt + eps)), m, v, v_max


@element
def nadam(x, g, m, v, unused, scalars):
    """NAdam; state (exp_avg, exp_avg_sq), after ``adam_moments``:

        r ← √(v / (1 − β₂ᵗ)) + ε
        p ← x + c_g·d/r,  then  p ← p + c_m·m/r       (c_g, c_m from the host: torch's two addcdiv)
    """
    x, d, m, v = adam_moments(x, g, m, v, scalars)
    bc2, eps, c_grad, c_avg = scalars[8:]
    r = math.sqrt(v / bc2) + eps
    x = x + c_grad * (d / r)
    return x + c_avg * (m / r), m, v, unused


@element
def radam(x, g, m, v, unused, scalars):
    """RAdam; state (exp_avg, exp_avg_sq), after ``adam_moments`` (ρₜ and rect from the host):

        p ← x − m/(1 − β₁ᵗ)·γ · √(1 − β₂ᵗ)/(√v + ε) · rect     when ρₜ > 5 (``rectify``)
        p ← x − m/(1 − β₁ᵗ)·γ                                  otherwise
    """
    x, _, m, v = adam_moments(x, g, m, v, scalars)
    bc1, lr, bc2_sqrt, eps, rect, rectify = scalars[8:]
    step = m / bc1 * lr
    if rectify:
        step = step * (bc2_sqrt / (math.sqrt(v) + eps)) * rect
    return x - step, m, v, unused


@element
def adamax(x, g, m, u, unused, scalars):
    """Adamax; state (exp_avg, exp_inf):

        d ← direction;   m ← lerp(m, d, 1 − β₁)
        u ← max(β₂·u, |d| + ε)                         (NaN propagates)
        p ← p − γ/(1 − β₁ᵗ) · m/u                      (``neg_clr`` = −γ/(1 − β₁ᵗ))
    """
    weight_decay, w1, rest1, beta2, eps, neg_clr, maximize = scalars
    d = direction(x, g, weight_decay, maximize)
    m = lerp(m, d, w1, rest1)
    u = u * beta2
    bound = abs(d) + eps
    if bound > u or bound != bound:
        u = bound
    return x + neg_clr * (m / u), m, u, unused


@element
def adadelta(x, g, s, u, unused, scalars):
    """Adadelta; state (square_avg s, acc_delta u):

        s ← ρ·s + (1 − ρ)·d·d
        δ ← √(u + ε) / √(s + ε) · d
        u ← ρ·u + (1 − ρ)·δ·δ
        p ← p − γ·δ
    """
    weight_decay, rho, w, eps, neg_lr, maximize = scalars
    d = direction(x, g, weight_decay, maximize)
    s = s * rho + w * d * d
    delta = math.sqrt(u + eps) / math.sqrt(s + eps) * d
    u = u * rho + w * delta * delta
    return x + neg_lr * delta, s, u, unused


@element
def adagrad(x, g, s, unused, unused2, scalars):
    """Adagrad; state (sum s,):

        s ← s + d·d
        p ← p − γₜ·d / (√s + ε),   γₜ = γ / (1 + (t − 1)·lr_decay)   (``neg_clr`` = −γₜ)
    """
    weight_decay, eps, neg_clr, maximize = scalars
    d = direction(x, g, weight_decay, maximize)
    s = s + d * d
    return x + neg_clr * (d / (math.sqrt(s) + eps)), s, unused, unused2


@element
def asgd(x, g, a, unused, unused2, scalars):
    """ASGD; state (ax a,), with η and μ the state's values before this step:

        p ← p·(1 − λ_d·η) − η·d
        a ← a + (p − a)·μ  if μ ≠ 1 (``average``),  else a ← p
    """
    weight_decay, shrink, neg_eta, mu, maximize, average = scalars
    d = direction(x, g, weight_decay, maximize)
    x = x * shrink
    x = x + neg_eta * d
    return x, a + (x - a) * mu if average else x, unused, unused2


@element
def rmsprop(x, g, s, a, b, scalars):
    """RMSprop; state (square_avg s, grad_avg a, momentum_buffer b):

        s ← α·s + (1 − α)·d·d
        a ← lerp(a, d, 1 − α);  r ← √(s − a·a) + ε     if centered (else r ← √s + ε)
        b ← μ·b + d/r;  p ← p − γ·b                    if μ > 0 (else p ← p − γ·d/r)
    """
    weight_decay, alpha, w, rest, eps, momentum, neg_lr, centered, maximize = scalars
    d = direction(x, g, weight_decay, maximize)
    s = s * alpha + w * d * d
    if centered:
        a = lerp(a, d, w, rest)
        r = math.sqrt(s + -a * a) + eps
    else:
        r = math.sqrt(s) + eps
    if momentum > 0:
        b = b * momentum + d / r
        return x + neg_lr * b, s, a, b
    return x + neg_lr * (d / r), s, a, b


@element
def rprop(x, g, prev, s, unused, scalars):
    """Rprop; state (prev, step_size s); ``one`` is 1 in the dtype:

        d ← −g if maximize else g
        f ← η₊ if d·prev > 0, η₋ if d·prev < 0, 1 if it is 0        (NaN stays NaN)
        s ← clamp(s·f, step_min, step_max)
        d ← 0 where f = η₋
        p ← p − sign(d)·s;   prev ← d
    """
    eta_minus, eta_plus, step_min, step_max, one, maximize = scalars
    d = -g if maximize else g
    f = d * prev
    if f > 0:
        f = eta_plus
    elif f < 0:
        f = eta_minus
    elif f == 0:
        f = one
    s = s * f
    if s < step_min:
        s = step_min
    if s > step_max:
        s = step_max
    if f == eta_minus:
        d = one - one
    if d > 0:
        x = x - s
    elif d < 0:
        x = x + s
    elif d != d:
        x = x + d
    return x, d, s, unused


@element
def sgd(x, g, b, unused, unused2, scalars):
    """SGD; state (momentum_buffer b,), none without momentum:

        b ← d (``first`` step) or μ·b + (1 − τ)·d;   d ← d + μ·b if nesterov else b      (when μ ≠ 0)
        p ← p − γ·d
    """
    lr, momentum, damp, weight_decay, nesterov, maximize, first, use_momentum = scalars
    d = direction(x, g, weight_decay, maximize)
    if use_momentum:
        b = d if first else momentum * b + damp * d
        d = d + momentum * b if nesterov else b
    return x - lr * d, b, unused, unused2
