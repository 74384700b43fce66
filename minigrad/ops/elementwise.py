"""Elementwise ops. Inputs arrive already promoted to a common dtype and may broadcast; each
backward returns gradients in the broadcast shape (the engine sums them back).

    d(a*b) = b·g, a·g        d(a/b) = g/b, −g·a/b²      d(aᵇ) = b·aᵇ⁻¹·g, aᵇ·ln a·g
    d eˣ = eˣ·g              d ln x = g/x              d √x = g/(2√x)     d x^(−½) = −½ x^(−3/2)·g
    d σ(x) = σ(1−σ)·g        d tanh x = (1−tanh²)·g    d relu = [x>0]·g   d |x| = sign(x)·g
"""
from ..autograd.op import Op


class Add(Op):
    def forward(self, a, b, alpha=1):
        self.alpha = alpha
        return self.backend.add(a, b) if alpha == 1 else self.backend.add(a, self.backend.multiply(b, alpha))

    def backward(self, g):
        return g, (g if self.alpha == 1 else self.backend.multiply(g, self.alpha))


class Sub(Op):
    def forward(self, a, b, alpha=1):
        self.alpha = alpha
        return self.backend.subtract(a, b if alpha == 1 else self.backend.multiply(b, alpha))

    def backward(self, g):
        return g, self.backend.negative(g if self.alpha == 1 else self.backend.multiply(g, self.alpha))


class Mul(Op):
    saves = (0, 1)

    def forward(self, a, b):
        self.a, self.b = a, b
        return self.backend.multiply(a, b)

    def backward(self, g):
        m = self.backend.multiply
        need_a, need_b = self.needs_input_grad
        return (m(g, self.b) if need_a else None), (m(g, self.a) if need_b else None)


class Div(Op):
    saves = (0, 1)

    def forward(self, a, b):
        self.a, self.b = a, b
        return self.backend.divide(a, b)

    def backward(self, g):
        b = self.backend
        ga = b.divide(g, self.b) if self.needs_input_grad[0] else None
        gb = None
        if self.needs_input_grad[1]:
            gb = b.negative(b.divide(b.multiply(g, self.a), b.multiply(self.b, self.b)))
        return ga, gb


class Pow(Op):
    """``a ** b``; named PowBackward0 for a scalar exponent and PowBackward1 for a tensor one."""
    saves = (0, 1)

    def forward(self, a, b, scalar_exponent=False):
        if not scalar_exponent:
            self.name = "PowBackward1"
        self.a, self.b = a, b
        self.out = self.backend.power(a, b)
        return self.out

    def backward(self, g):
        b = self.backend
        ga = gb = None
        if self.needs_input_grad[0]:
            ga = b.multiply(g, b.multiply(self.b, b.power(self.a, b.subtract(self.b, 1))))
            ga = b.where(self.b == 0, 0, ga)
        if self.needs_input_grad[1]:
            gb = b.multiply(g, b.multiply(self.out, b.log(self.a)))
            gb = b.where((self.a == 0) & (self.b >= 0), 0, gb)
        return ga, gb


class Neg(Op):
    def forward(self, a):
        return self.backend.negative(a)

    def backward(self, g):
        return self.backend.negative(g)


class Exp(Op):
    saves_output = True

    def forward(self, a):
        self.out = self.backend.exp(a)
        return self.out

    def backward(self, g):
        return self.backend.multiply(g, self.out)


class Expm1(Op):
    saves_output = True

    def forward(self, a):
        self.out = self.backend.expm1(a)
        return self.out

    def backward(self, g):
        return self.backend.multiply(g, self.backend.add(self.out, 1))


class Log(Op):
    saves = (0,)

    def forward(self, a):
        self.a = a
        return self.backend.log(a)

    def backward(self, g):
        return self.backend.divide(g, self.a)


class Log1p(Op):
    name = "Log1PBackward0"
    saves = (0,)

    def forward(self, a):
        self.a = a
        return self.backend.log1p(a)

    def backward(self, g):
        return self.backend.divide(g, self.backend.add(self.a, 1))


class Sqrt(Op):
    saves_output = True

    def forward(self, a):
        self.out = self.backend.sqrt(a)
        return self.out

    def backward(self, g):
        return self.backend.divide(g, self.backend.multiply(self.out, 2))


class Rsqrt(Op):
    saves_output = True

    def forward(self, a):
        b = self.backend
        self.out = b.divide(1, b.sqrt(a)).astype(a.dtype, copy=False)
        return self.out

    def backward(self, g):
        b = self.backend
        return b.multiply(g, b.multiply(b.power(self.out, 3), -0.5).astype(self.out.dtype, copy=False))


class Abs(Op):
    saves = (0,)

    def forward(self, a):
        self.a = a
        return self.backend.abs(a)

    def backward(self, g):
        return self.backend.multiply(g, self.backend.sign(self.a))


class Sign(Op):
    def forward(self, a):
        return self.backend.sign(a)

    def backward(self, g):
        return self.backend.multiply(g, 0)


class Sigmoid(Op):
    saves_output = True

    def forward(self, a):
        self.out = self.backend.sigmoid(a)
        return self.out

    def backward(self, g):
        b = self.backend
        return b.multiply(g, b.multiply(self.out, b.subtract(1, self.out)))


class Tanh(Op):
    saves_output = True

    def forward(self, a):
        self.out = self.backend.tanh(a)
        return self.out

    def backward(self, g):
        b = self.backend
        return b.multiply(g, b.subtract(1, b.multiply(self.out, self.out)))


class Relu(Op):
    saves_output = True

    def forward(self, a):
        self.out = self.backend.relu(a)
        return self.out

    def backward(self, g):
        return self.backend.relu_backward(g, self.out)


class Clamp(Op):
    """Gradient passes where ``min <= x <= max`` (torch's inclusive rule)."""
    saves = (0,)

    def forward(self, a, min=None, max=None):  # noqa: A002 - torch's names
        self.name = "ClampBackward1" if (min is not None and max is not None) else \
            ("ClampMinBackward0" if min is not None else "ClampMaxBackward0")
        self.a, self.min, self.max = a, min, max
        return self.backend.clip(a, min, max)

    def backward(self, g):
        b = self.backend
        keep = True
        if self.min is not None:
            keep = b.greater_equal(self.a, self.min)
        if self.max is not None:
            keep = b.logical_and(keep, b.less_equal(self.a, self.max))
        return b.where(keep, g, 0).astype(g.dtype, copy=False)


class Maximum(Op):
    """Ties split the gradient equally between the two inputs, as torch does."""
    saves = (0, 1)
    combine, pick = "maximum", "greater"

    def forward(self, a, b):
        self.a, self.b = a, b
        return getattr(self.backend, self.combine)(a, b)

    def backward(self, g):
        b = self.backend
        wins = getattr(b, self.pick)(self.a, self.b)
        tie = b.multiply(b.equal(self.a, self.b), 0.5).astype(g.dtype)
        wa = b.add(wins.astype(g.dtype), tie)
        return b.multiply(g, wa), b.multiply(g, b.subtract(1, wa))


class Minimum(Maximum):
    combine, pick = "minimum", "less"


class Where(Op):
    """``where(cond, a, b)``: the condition is a constant option, not an input."""

    def forward(self, a, b, cond=None):
        self.cond = cond
        return self.backend.where(cond, a, b)

    def backward(self, g):
        w = self.backend.where
        return w(self.cond, g, 0).astype(g.dtype, copy=False), w(self.cond, 0, g).astype(g.dtype, copy=False)


class MaskedFill(Op):
    def forward(self, a, mask=None, value=None):
        self.mask = mask
        return self.backend.where(mask, value, a).astype(a.dtype, copy=False)

    def backward(self, g):
        return self.backend.where(self.mask, 0, g).astype(g.dtype, copy=False)
