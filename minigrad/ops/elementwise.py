"""Arithmetic and selection ops over numpy's (or the device's) flat functions: add, sub, mul, div,
pow, clamp, maximum/minimum, where, masked_fill. Inputs arrive already promoted to a common dtype and
may broadcast; each backward returns gradients in the broadcast shape (the engine sums them back).
The declared elementwise math (exp, sin, relu, ...) is in ``pointwise_math.py``.

    d(a*b) = b·g, a·g        d(a/b) = g/b, −g·a/b²      d(aᵇ) = b·aᵇ⁻¹·g, aᵇ·ln a·g
    clamp(x, lo, hi) = min(max(x, lo), hi): dx = [lo ≤ x ≤ hi]·g, dlo = [x < lo][lo < hi]·g,
                                            dhi = [x > hi or hi < lo]·g
"""
from ..autograd.op import Op


class Add(Op):
    stateless = True

    def forward(self, a, b, alpha=1):
        self.alpha = alpha
        return self.backend.add(a, b) if alpha == 1 else self.backend.add(a, self.backend.multiply(b, alpha))

    def backward(self, g):
        return g, (g if self.alpha == 1 else self.backend.multiply(g, self.alpha))


class Sub(Op):
    stateless = True

    def forward(self, a, b, alpha=1):
        self.alpha = alpha
        return self.backend.subtract(a, b if alpha == 1 else self.backend.multiply(b, alpha))

    def backward(self, g):
        return g, self.backend.negative(g if self.alpha == 1 else self.backend.multiply(g, self.alpha))


class Binary(Op):
    """A binary op whose backward reads both operands: forward keeps them and applies the backend
    function named ``combine``."""
    saves = (0, 1)
    combine = None

    def forward(self, a, b):
        self.a, self.b = a, b
        return getattr(self.backend, self.combine)(a, b)


class Mul(Binary):
    combine = "multiply"

    def backward(self, g):
        m = self.backend.multiply
        need_a, need_b = self.needs_input_grad
        return (m(g, self.b) if need_a else None), (m(g, self.a) if need_b else None)


class Div(Binary):
    combine = "divide"

    def backward(self, g):
        b = self.backend
        ga = b.divide(g, self.b) if self.needs_input_grad[0] else None
        gb = None
        if self.needs_input_grad[1]:
            gb = b.negative(b.divide(b.multiply(g, self.a), b.multiply(self.b, self.b)))
        return ga, gb


class Pow(Op):
    """``a ** b``; torch names it PowBackward0 for a scalar exponent, PowBackward2 for a scalar base
    and PowBackward1 when both are tensors."""
    saves = (0, 1)

    def forward(self, a, b, scalar_exponent=False, scalar_base=False):
        if not scalar_exponent:
            self.name = "PowBackward2" if scalar_base else "PowBackward1"
        self.a, self.b = a, b
        self.out = self.backend.power(a, b)
        return self.out

    def backward(self, g):
        b = self.backend
        ga = gb = None
        if self.needs_input_grad[0]:
            ga = b.multiply(g, b.multiply(self.b, b.power(self.a, b.subtract(self.b, 1))))
            ga = b.where(b.equal(self.b, 0), 0, ga)
        if self.needs_input_grad[1]:
            gb = b.multiply(g, b.multiply(self.out, b.log(self.a)))
            gb = b.where(b.logical_and(b.equal(self.a, 0), b.greater_equal(self.b, 0)), 0, gb)
        return ga, gb


class Clamp(Op):
    """Clamp to scalar bounds; the gradient passes where ``min <= x <= max`` (torch's inclusive rule)."""
    name = "ClampBackward1"
    saves = (0,)

    def forward(self, a, min=None, max=None):  # noqa: A002 - torch's names
        self.a, self.min, self.max = a, min, max
        return self.backend.clip(a, min, max)

    def backward(self, g):
        b = self.backend
        keep = True
        if self.min is not None:
            keep = b.greater_equal(self.a, self.min)
        if self.max is not None:
            keep = b.logical_and(keep, b.less_equal(self.a, self.max))
        return b.astype(b.where(keep, g, 0), g.dtype)


class ClampTensor(Op):
    """Clamp to tensor bounds (``lo``/``hi`` given by ``has_min``/``has_max``), torch's ClampBackward0."""
    name = "ClampBackward0"

    def forward(self, a, *bounds, has_min=True, has_max=True):
        b = self.backend
        self.saves = tuple(range(1 + len(bounds)))
        self.a = a
        self.lo = bounds[0] if has_min else None
        self.hi = bounds[-1] if has_max else None
        out = a if self.lo is None else b.maximum(a, self.lo)
        return out if self.hi is None else b.minimum(out, self.hi)

    def backward(self, g):
        b, a, lo, hi = self.backend, self.a, self.lo, self.hi
        keep = True
        if lo is not None:
            keep = b.greater_equal(a, lo)
        if hi is not None:
            keep = b.logical_and(keep, b.less_equal(a, hi))
        grads = [b.astype(b.where(keep, g, 0), g.dtype)]
        if lo is not None:
            below = b.less(a, lo) if hi is None else b.logical_and(b.less(a, lo), b.less(lo, hi))
            grads.append(b.astype(b.where(below, g, 0), g.dtype))
        if hi is not None:
            above = b.greater(a, hi) if lo is None else b.logical_or(b.greater(a, hi), b.less(hi, lo))
            grads.append(b.astype(b.where(above, g, 0), g.dtype))
        return tuple(grads)


class Maximum(Binary):
    """Ties split the gradient equally between the two inputs, as torch does."""
    combine, pick = "maximum", "greater"

    def backward(self, g):
        b = self.backend
        wins = getattr(b, self.pick)(self.a, self.b)
        tie = b.astype(b.multiply(b.equal(self.a, self.b), 0.5), g.dtype)
        wa = b.add(b.astype(wins, g.dtype), tie)
        return b.multiply(g, wa), b.multiply(g, b.subtract(1, wa))


class Minimum(Maximum):
    combine, pick = "minimum", "less"


class Where(Op):
    """``where(cond, a, b)``: the condition is a constant option, not an input."""

    def forward(self, a, b, cond=None):
        self.cond = cond
        return self.backend.where(cond, a, b)

    def backward(self, g):
        b = self.backend
        return b.astype(b.where(self.cond, g, 0), g.dtype), b.astype(b.where(self.cond, 0, g), g.dtype)


class MaskedFill(Op):
    """``a`` with ``value`` where ``mask``; the value is a Python scalar (MaskedFillBackward0) or a 0-d
    tensor input that receives the masked gradient sum (MaskedFillBackward1)."""

    def forward(self, a, *v, mask=None, value=None):
        self.mask = mask
        if v:
            self.name, value = "MaskedFillBackward1", v[0]
        return self.backend.astype(self.backend.where(mask, value, a), a.dtype)

    def backward(self, g):
        b = self.backend
        ga = b.astype(b.where(self.mask, 0, g), g.dtype)
        if len(self.needs_input_grad) == 1:
            return ga
        return ga, b.astype(b.where(self.mask, g, 0), g.dtype)
