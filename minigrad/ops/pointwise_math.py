"""torch's elementwise tensor math, one ``Pointwise`` declaration each (``pointwise.py`` says what
follows from one). Each op's value ``f(x, p)`` and gradient ``grad(g, x, y, p)`` are scalar functions,
written in its declaration where they fit on a line (a ``def`` above where they do not), ``g`` the
upstream gradient, ``y`` the op's output, ``p`` its options:

    sin: cos x·g    cos: −sin x·g    tan: (1 + y²)·g    asin, acos: ±g/√(1 − x²)    atan: g/(1 + x²)
    sinh: cosh x·g   cosh: sinh x·g   asinh: g/√(x² + 1)   acosh: g/√(x² − 1)   atanh: g/(1 − x²)
    exp: y·g   exp2: y·ln 2·g   expm1: (y + 1)·g   log: g/x   log2, log10: g/(x ln b)   log1p: g/(1 + x)
    sqrt: g/(2y)   rsqrt: −½y³·g   reciprocal: −y²·g   square: 2x·g   sigmoid: y(1 − y)·g
    tanh: (1 − y²)·g   erf, erfc: ±2/√π·e^(−x²)·g   erfinv: √π/2·e^(y²)·g   lgamma: ψ(x)·g   digamma: ψ₁(x)·g
    logit: g/(x(1 − x)) (outside [eps, 1 − eps]: 0 when eps is given, else NaN outside [0, 1])   sinc: (cos πx − sinc x)/x·g
    abs: sign(x)·g (sign(NaN) = 0)   relu: [y > 0 or y is NaN]·g   frac: g   nan_to_num: [x finite]·g
    atan2(a, b): (b, −a)·g/(a² + b²)   hypot: (a, b)·g/y   xlogy: (log b [a ≠ 0], a/b)·g
    logaddexp: (σ(a − b), σ(b − a))·g   copysign: (y/a [a ≠ 0], 0)·g
    fmod, remainder: (1, −q)·g with q = trunc(a/b), floor(a/b)
    sign, sgn, floor, ceil, round, trunc: 0          floor_divide, heaviside: no derivative (as torch)

Constants exact in float32 (0, ½, 1, 2, 3) are float32 globals, which keep float32 math in float32;
the others are Python floats, so float32 math that uses them runs in float64 and is rounded once.
The device loops bind ``exp``/``log``/``log1p``/``sin``/``cos``/``tanh``/``erf``/``atan2``/``floor``/
``ceil``/``trunc``/``fmod`` to their fast or float-valued forms and ``like(c, x)`` to ``c`` in ``x``'s float
type (``kernels/scalar.py``); in Python they are ``math``'s and ``c`` itself.
"""
import math
from math import atan2, ceil, cos, erf, exp, floor, fmod, log, log1p, sin, tanh, trunc  # noqa: F401 - rebound by the loops

import numpy as np

from ..dtypes import c_name, scalar_name
from .pointwise import Pointwise, composed

ZERO, HALF, ONE, TWO, THREE = (np.float32(v) for v in (0, 0.5, 1, 2, 3))
INF = np.float32(np.inf)
LN2, LN10, PI = math.log(2), math.log(10), math.pi
TWO_OVER_SQRT_PI, SQRT_PI_OVER_TWO = 2 / math.sqrt(math.pi), math.sqrt(math.pi) / 2


# ---- helpers the math shares (compiled with it) -------------------------------------------------
def like(c, x):
    """``c`` in ``x``'s float type (the device loops compile their own)."""
    return c


def sign(x):
    """−1, 0 or 1 in x's type; sign(NaN) = 0, as torch."""
    return (ONE if x > ZERO else ZERO) - (ONE if x < ZERO else ZERO)


def sigmoid(x):
    """1/(1 + e⁻ˣ); e⁻ˣ overflowing to inf gives the limit 0."""
    return ONE / (ONE + exp(-x))


def digamma(x):
    """ψ(x): the reflection ψ(x) = ψ(1 − x) − π/tan(πx) for x < 0, the recurrence ψ(x) = ψ(x + 1) − 1/x
    up to x ≥ 6, then the asymptotic series ln x − 1/(2x) − Σ B₂ₖ/(2k x²ᵏ). ψ(±0) = ∓inf, NaN at the
    negative integers, as torch."""
    if x == 0:
        return -INF if math.copysign(1.0, x) > 0 else INF
    shift = 0.0
    if x < 0:
        if x == math.floor(x):
            return np.nan
        shift = -PI / math.tan(PI * x)
        x = 1.0 - x
    acc = 0.0
    while x < 6.0:
        acc -= 1.0 / x
        x += 1.0
    z = 1.0 / (x * x)
    series = z * (1.0 / 12 - z * (1.0 / 120 - z * (1.0 / 252 - z * (1.0 / 240 - z * (1.0 / 132)))))
    return shift + acc + math.log(x) - 0.5 / x - series


def trigamma(x):
    """ψ₁(x): the reflection ψ₁(x) = π²/sin²(πx) − ψ₁(1 − x) for x < 0, the recurrence ψ₁(x) = ψ₁(x + 1) +
    1/x² up to x ≥ 6, then 1/x + 1/(2x²) + Σ B₂ₖ/x²ᵏ⁺¹."""
    sgn, shift = 1.0, 0.0
    if x < 0:
        s = math.sin(PI * x)
        sgn, shift, x = -1.0, PI * PI / (s * s), 1.0 - x
    acc = 0.0
    while x < 6.0:
        acc += 1.0 / (x * x)
        x += 1.0
    z = 1.0 / (x * x)
    series = 1.0 / x + 0.5 * z + z / x * (1.0 / 6 - z * (1.0 / 30 - z * (1.0 / 42 - z * (1.0 / 30))))
    return shift + sgn * (acc + series)


def erfinv(y):
    """erf⁻¹(y): Giles' single-precision approximation, then two Newton steps on erf (which make it
    exact to float64); ±1 → ±inf, |y| > 1 → NaN."""
    if y <= -1.0 or y >= 1.0:
        return y * INF if y == -1.0 or y == 1.0 else np.nan
    w = -math.log((1.0 - y) * (1.0 + y))
    if w < 5.0:
        w -= 2.5
        p = 2.81022636e-08
        for c in (3.43273939e-07, -3.5233877e-06, -4.39150654e-06, 0.00021858087, -0.00125372503, -0.00417768164,
                  0.246640727, 1.50140941):
            p = c + p * w
    else:
        w = math.sqrt(w) - 3.0
        p = -0.000200214257
        for c in (0.000100950558, 0.00134934322, -0.00367342844, 0.00573950773, -0.0076224613, 0.00943887047,
                  1.00167406, 2.83297682):
            p = c + p * w
    x = p * y
    for _ in range(2):
        x -= (math.erf(x) - y) / (TWO_OVER_SQRT_PI * math.exp(-x * x))
    return x


# ---- unary -----------------------------------------------------------------------------------
def _logit(x, p):
    eps = p[0]
    if eps >= ZERO:  # x clamped to [eps, 1 − eps] (NaN kept)
        x = eps if x < eps else ONE - eps if x > ONE - eps else x
    return log(x / (ONE - x))


def _logit_grad(g, x, y, p):
    eps = p[0]
    if eps >= ZERO and (x < eps or x > ONE - eps):
        return ZERO
    if eps < ZERO and not ZERO <= x <= ONE:
        return np.nan
    d = x * (ONE - x)
    return g / (d if d != ZERO else ZERO)  # (+0: g/x at x = −0 is +inf·g, as torch)


def _sinc(x, p):
    if x == 0:
        return ONE
    t = PI * x
    return math.sin(t) / t


def _sinc_grad(g, x, y, p):
    if x == 0:
        return ZERO
    t = PI * x
    return g * (math.cos(t) * t - math.sin(t)) / (t * x)


def _nan_to_num(x, p):
    if x != x:
        return p[0]
    if x == INF:
        return p[1]
    return p[2] if x == -INF else x


def _logit_options(dt, eps=None):
    return (-1.0 if eps is None else float(eps),)


def _nan_to_num_options(dt, nan=0.0, posinf=None, neginf=None):
    big = np.finfo(dt).max if dt.kind == "f" else 0
    return (float(nan), big if posinf is None else posinf, -big if neginf is None else neginf)


def _round_options(dt, decimals=0):
    return (decimals,) if decimals else ()


# ---- binary ----------------------------------------------------------------------------------
def _atan2_grad(g, a, b, y, p):
    d = a * a + b * b
    r = ONE / d if d != ZERO else ZERO
    return g * b * r, -g * a * r


def _remainder(a, b, p):
    """Python's a mod b (the sign of b), from fmod so it keeps fmod's signed zeros."""
    r = fmod(a, b)
    return r + b if r != ZERO and (r < ZERO) != (b < ZERO) else r


def _xlogy(a, b, p):
    if b != b:
        return b
    return ZERO if a == ZERO else a * log(b)


def _logaddexp(a, b, p):
    m = a if a > b else b
    if m == a and m == b and (m == INF or m == -INF):  # ±inf twice: a − b would be NaN
        return m
    return m + log1p(exp(-abs(a - b)))


def _lerp(a, b, p):
    """torch's two-sided form: exact at both ends (w = 0 and w = 1)."""
    w = p[0]
    return a + w * (b - a) if abs(w) < HALF else b - (b - a) * (ONE - w)


def _lerp_options(dt, weight):
    return (float(weight),)


def _same_dtype_end(x, end, *weight):
    for name, t in (("end", end), ("weight", weight[0] if weight else None)):
        if hasattr(t, "_data") and hasattr(x, "_data") and t.dtype != x.dtype:
            raise RuntimeError(f"expected dtype {c_name(x)} for `{name}` but got dtype {c_name(t)}")


def _not_bool(x):
    if x.dtype.category == 0:
        raise RuntimeError("Negation, the `-` operator, on a bool tensor is not supported. If you are trying to "
                           "invert a mask, use the `~` or `logical_not()` operator instead.")


def _same_dtype(x, values):
    if x.dtype != values.dtype:
        raise RuntimeError("heaviside is not yet implemented for tensors with different dtypes.")


def _check_integer_divisor(b, d):
    if b.any(b.equal(d, 0)):
        raise RuntimeError("ZeroDivisionError")


def _integer_fmod(b, x, d):
    _check_integer_divisor(b, d)
    return b.fmod(x, d)


def _integer_remainder(b, x, d):
    _check_integer_divisor(b, d)
    return b.mod(x, d)


def _integer_floor_divide(b, x, d):
    _check_integer_divisor(b, d)
    return b.floor_divide(x, d)


def _copy(b, x, *p):
    return b.copy(x)


TRIG = [
    Pointwise("sin", lambda x, p: sin(x), lambda g, x, y, p: g * cos(x)),
    Pointwise("cos", lambda x, p: cos(x), lambda g, x, y, p: -g * sin(x)),
    Pointwise("tan", lambda x, p: math.tan(x), lambda g, x, y, p: g * (ONE + y * y), reads="y"),
    Pointwise("asin", lambda x, p: math.asin(x), lambda g, x, y, p: g / math.sqrt(ONE - x * x), aliases=("arcsin",)),
    Pointwise("acos", lambda x, p: math.acos(x), lambda g, x, y, p: -g / math.sqrt(ONE - x * x), aliases=("arccos",)),
    Pointwise("atan", lambda x, p: math.atan(x), lambda g, x, y, p: g / (ONE + x * x), aliases=("arctan",)),
    Pointwise("sinh", lambda x, p: math.sinh(x), lambda g, x, y, p: g * math.cosh(x)),
    Pointwise("cosh", lambda x, p: math.cosh(x), lambda g, x, y, p: g * math.sinh(x)),
    Pointwise("asinh", lambda x, p: math.asinh(x), lambda g, x, y, p: g / math.sqrt(x * x + ONE), aliases=("arcsinh",)),
    Pointwise("acosh", lambda x, p: math.acosh(x), lambda g, x, y, p: g / math.sqrt(x * x - ONE), aliases=("arccosh",)),
    Pointwise("atanh", lambda x, p: math.atanh(x), lambda g, x, y, p: g / (ONE - x * x), aliases=("arctanh",)),
    Pointwise("deg2rad", lambda x, p: x * (PI / 180), lambda g, x, y, p: g * (PI / 180), reads=""),
    Pointwise("rad2deg", lambda x, p: x * (180 / PI), lambda g, x, y, p: g * (180 / PI), reads=""),
    Pointwise("sinc", _sinc, _sinc_grad),
    Pointwise("atan2", lambda a, b, p: atan2(a, b), _atan2_grad, other="tensor", aliases=("arctan2",)),
    Pointwise("hypot", lambda a, b, p: math.hypot(a, b), lambda g, a, b, y, p: (g * a / y, g * b / y), reads="xy",
              other="tensor", inputs="float_only"),
]

EXP_LOG = [
    Pointwise("exp", lambda x, p: exp(x), lambda g, x, y, p: g * y, reads="y"),
    Pointwise("exp2", lambda x, p: math.pow(TWO, x), lambda g, x, y, p: g * y * LN2, reads="y"),
    Pointwise("expm1", lambda x, p: math.expm1(x), lambda g, x, y, p: g * (y + ONE), reads="y"),
    Pointwise("log", lambda x, p: log(x), lambda g, x, y, p: g / x),
    Pointwise("log2", lambda x, p: math.log2(x), lambda g, x, y, p: g / (x * LN2)),
    Pointwise("log10", lambda x, p: math.log10(x), lambda g, x, y, p: g / (x * LN10)),
    Pointwise("log1p", lambda x, p: log1p(x), lambda g, x, y, p: g / (x + ONE)),
    Pointwise("sqrt", lambda x, p: math.sqrt(x), lambda g, x, y, p: g / (TWO * y), reads="y"),
    Pointwise("rsqrt", lambda x, p: ONE / math.sqrt(x), lambda g, x, y, p: -HALF * g * y * y * y, reads="y"),
    Pointwise("reciprocal", lambda x, p: ONE / x, lambda g, x, y, p: -g * y * y, reads="y"),
    Pointwise("square", lambda x, p: x * x, lambda g, x, y, p: TWO * g * x, inputs="keep",
              integer=lambda b, x: b.multiply(x, x), grad_fn="PowBackward0"),
    Pointwise("sigmoid", lambda x, p: sigmoid(x), lambda g, x, y, p: g * y * (ONE - y), reads="y"),
    Pointwise("tanh", lambda x, p: tanh(x), lambda g, x, y, p: g * (ONE - y * y), reads="y"),
    Pointwise("logit", _logit, _logit_grad, options=_logit_options),
    Pointwise("xlogy", _xlogy, lambda g, a, b, y, p: (g * log(b) if a != ZERO or b != b else ZERO, g * a / b),
              grad_fn_scalar="XlogyBackward2"),
    Pointwise("logaddexp", _logaddexp, lambda g, a, b, y, p: (g / (ONE + exp(b - a)), g / (ONE + exp(a - b))),
              other="tensor", inputs="float_only", api=("function", "method")),
]

SPECIAL = [
    Pointwise("erf", lambda x, p: erf(x), lambda g, x, y, p: g * like(TWO_OVER_SQRT_PI, x) * exp(-x * x)),
    Pointwise("erfc", lambda x, p: math.erfc(x), lambda g, x, y, p: -g * TWO_OVER_SQRT_PI * math.exp(-x * x)),
    Pointwise("erfinv", lambda x, p: erfinv(x), lambda g, x, y, p: g * SQRT_PI_OVER_TWO * math.exp(y * y),
              reads="y"),
    Pointwise("lgamma", lambda x, p: math.lgamma(x), lambda g, x, y, p: g * digamma(x)),
    Pointwise("digamma", lambda x, p: digamma(x), lambda g, x, y, p: g * trigamma(x)),
]

SIGN_AND_ROUNDING = [
    Pointwise("neg", lambda x, p: -x, lambda g, x, y, p: -g, reads="", inputs="keep",
              integer=lambda b, x: b.negative(x), check=_not_bool, aliases=("negative",)),
    Pointwise("abs", lambda x, p: abs(x), lambda g, x, y, p: g * sign(x), inputs="keep",
              integer=lambda b, x: b.abs(x), aliases=("absolute",)),
    Pointwise("sign", lambda x, p: sign(x), "zero", reads="", inputs="keep", integer=lambda b, x: b.sign(x)),
    Pointwise("sgn", lambda x, p: sign(x), "zero", reads="", inputs="keep", integer=lambda b, x: b.sign(x)),
    Pointwise("signbit", lambda x, p: math.copysign(ONE, x) < ZERO, None, reads="", inputs="keep",
              out_dtype=np.bool_, integer=lambda b, x: b.less(x, 0), api=("function", "method")),
    # NaN and −0 pass through; the gradient passes where the output is NaN (torch's threshold_backward)
    Pointwise("relu", lambda x, p: ZERO if x < ZERO else x, lambda g, x, y, p: ZERO if y <= ZERO else g, reads="y",
              inputs="keep", integer=lambda b, x: b.maximum(x, 0)),
    Pointwise("frac", lambda x, p: x - trunc(x), lambda g, x, y, p: g, reads="", inputs="float_only"),
    Pointwise("nan_to_num", _nan_to_num, lambda g, x, y, p: g if x == x and x != INF and x != -INF else ZERO,
              inputs="keep", integer=_copy, options=_nan_to_num_options),
    Pointwise("floor", "floor", "zero", arity=1, reads="", inputs="keep", integer=_copy),
    Pointwise("ceil", "ceil", "zero", arity=1, reads="", inputs="keep", integer=_copy),
    Pointwise("trunc", "trunc", "zero", arity=1, reads="", inputs="keep", integer=_copy, aliases=("fix",)),
    Pointwise("round", "round", "zero", arity=1, reads="", inputs="keep", integer=_copy, options=_round_options,
              grad_fn_options="RoundBackward1"),
    Pointwise("copysign", lambda a, b, p: math.copysign(a, b),
              lambda g, a, b, y, p: (g * (y / a) if a != ZERO else ZERO, ZERO), reads="xy",
              grad_fn_scalar="CopysignBackward1"),
    Pointwise("heaviside", lambda a, b, p: b if a == ZERO else (ONE if a > ZERO else ZERO), "not_implemented",
              inputs="keep", other="tensor", other_name="values", check=_same_dtype,
              integer=lambda b, x, v: b.where(b.equal(x, 0), v, b.astype(b.greater(x, 0), x.dtype))),
    Pointwise("fmod", lambda a, b, p: fmod(a, b), lambda g, a, b, y, p: (g, -g * trunc(a / b)), inputs="keep",
              integer=_integer_fmod, grad_fn="FmodBackward1", grad_fn_scalar="FmodBackward0"),
    Pointwise("remainder", _remainder, lambda g, a, b, y, p: (g, -g * floor(a / b)), inputs="keep",
              integer=_integer_remainder, grad_fn="RemainderBackward1", grad_fn_scalar="RemainderBackward0"),
    Pointwise("floor_divide", "floor_divide", "not_implemented", arity=2, reads="", inputs="keep",
              integer=_integer_floor_divide),
]

LERP = Pointwise("lerp", _lerp, lambda g, a, b, y, p: (g * (ONE - p[0]), g * p[0]), reads="", other="tensor",
                 other_name="end", options=_lerp_options, check=_same_dtype_end, api=())


@composed()
def lerp(input, end, weight):  # noqa: A002 - torch's argument names
    """``input + weight·(end − input)``; a tensor ``weight`` broadcasts and gets a gradient."""
    if not hasattr(weight, "_data"):
        return LERP(input, end, weight)
    _same_dtype_end(input, end, weight)
    return (input + weight * (end - input))._renamed("LerpBackward1")


@composed()
def addcmul(input, tensor1, tensor2, *, value=1):  # noqa: A002
    """``input + value·tensor1·tensor2``."""
    return (input + value * (tensor1 * tensor2))._renamed("AddcmulBackward0")


@composed()
def addcdiv(input, tensor1, tensor2, *, value=1):  # noqa: A002
    """``input + value·tensor1/tensor2``."""
    if not tensor1.is_floating_point() and not tensor2.is_floating_point():
        raise RuntimeError("Integer division with addcdiv is no longer supported, and in a future  release addcdiv "
                           "will perform a true division of tensor1 and tensor2. The historic addcdiv behavior can "
                           "be implemented as (input + value * torch.trunc(tensor1 / tensor2)).to(input.dtype) for "
                           "integer inputs and as (input + value * tensor1 / tensor2) for float inputs. The future "
                           "addcdiv behavior is just the latter implementation: (input + value * tensor1 / tensor2), "
                           "for all dtypes.")
    return (input + value * (tensor1 / tensor2))._renamed("AddcdivBackward0")


@composed("function", "method")
def float_power(input, exponent):  # noqa: A002
    """``input ** exponent`` computed in float64."""
    if hasattr(input, "_data"):
        return input.double() ** (exponent.double() if hasattr(exponent, "_data") else float(exponent))
    return float(input) ** exponent.double()


@composed("method")
def float_power_(self, exponent):
    """In place: torch requires a float64 ``self`` (the result's dtype)."""
    if self.dtype.name != "float64":
        raise RuntimeError(f"the base given to float_power_ has dtype {scalar_name(self)} but the operation's result "
                           "requires dtype Double")
    return self._inplace(float_power, exponent)
