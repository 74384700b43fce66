"""torch's elementwise tensor math, one ``Pointwise`` declaration each (``pointwise.py`` says what
follows from one). Each op's value and gradient are scalar functions, ``g`` the upstream gradient,
``y`` the op's output, ``p`` its options:

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
def _sin(x, p):
    return sin(x)


def _sin_grad(g, x, y, p):
    return g * cos(x)


def _cos(x, p):
    return cos(x)


def _cos_grad(g, x, y, p):
    return -g * sin(x)


def _tan(x, p):
    return math.tan(x)


def _tan_grad(g, x, y, p):
    return g * (ONE + y * y)


def _asin(x, p):
    return math.asin(x)


def _asin_grad(g, x, y, p):
    return g / math.sqrt(ONE - x * x)


def _acos(x, p):
    return math.acos(x)


def _acos_grad(g, x, y, p):
    return -g / math.sqrt(ONE - x * x)


def _atan(x, p):
    return math.atan(x)


def _atan_grad(g, x, y, p):
    return g / (ONE + x * x)


def _sinh(x, p):
    return math.sinh(x)


def _sinh_grad(g, x, y, p):
    return g * math.cosh(x)


def _cosh(x, p):
    return math.cosh(x)


def _cosh_grad(g, x, y, p):
    return g * math.sinh(x)


def _asinh(x, p):
    return math.asinh(x)


def _asinh_grad(g, x, y, p):
    return g / math.sqrt(x * x + ONE)


def _acosh(x, p):
    return math.acosh(x)


def _acosh_grad(g, x, y, p):
    return g / math.sqrt(x * x - ONE)


def _atanh(x, p):
    return math.atanh(x)


def _atanh_grad(g, x, y, p):
    return g / (ONE - x * x)


def _exp(x, p):
    return exp(x)


def _exp_grad(g, x, y, p):
    return g * y


def _exp2(x, p):
    return math.pow(TWO, x)


def _exp2_grad(g, x, y, p):
    return g * y * LN2


def _expm1(x, p):
    return math.expm1(x)


def _expm1_grad(g, x, y, p):
    return g * (y + ONE)


def _log(x, p):
    return log(x)


def _log_grad(g, x, y, p):
    return g / x


def _log2(x, p):
    return math.log2(x)


def _log2_grad(g, x, y, p):
    return g / (x * LN2)


def _log10(x, p):
    return math.log10(x)


def _log10_grad(g, x, y, p):
    return g / (x * LN10)


def _log1p(x, p):
    return log1p(x)


def _log1p_grad(g, x, y, p):
    return g / (x + ONE)


def _sqrt(x, p):
    return math.sqrt(x)


def _sqrt_grad(g, x, y, p):
    return g / (TWO * y)


def _rsqrt(x, p):
    return ONE / math.sqrt(x)


def _rsqrt_grad(g, x, y, p):
    return -HALF * g * y * y * y


def _reciprocal(x, p):
    return ONE / x


def _reciprocal_grad(g, x, y, p):
    return -g * y * y


def _square(x, p):
    return x * x


def _square_grad(g, x, y, p):
    return TWO * g * x


def _erf(x, p):
    return erf(x)


def _erf_grad(g, x, y, p):
    return g * like(TWO_OVER_SQRT_PI, x) * exp(-x * x)


def _erfc(x, p):
    return math.erfc(x)


def _erfc_grad(g, x, y, p):
    return -g * TWO_OVER_SQRT_PI * math.exp(-x * x)


def _erfinv(x, p):
    return erfinv(x)


def _erfinv_grad(g, x, y, p):
    return g * SQRT_PI_OVER_TWO * math.exp(y * y)


def _lgamma(x, p):
    return math.lgamma(x)


def _lgamma_grad(g, x, y, p):
    return g * digamma(x)


def _digamma(x, p):
    return digamma(x)


def _digamma_grad(g, x, y, p):
    return g * trigamma(x)


def _sigmoid(x, p):
    return sigmoid(x)


def _sigmoid_grad(g, x, y, p):
    return g * y * (ONE - y)


def _tanh(x, p):
    return tanh(x)


def _tanh_grad(g, x, y, p):
    return g * (ONE - y * y)


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


def _frac(x, p):
    return x - trunc(x)


def _frac_grad(g, x, y, p):
    return g


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


def _deg2rad(x, p):
    return x * (PI / 180)


def _deg2rad_grad(g, x, y, p):
    return g * (PI / 180)


def _rad2deg(x, p):
    return x * (180 / PI)


def _rad2deg_grad(g, x, y, p):
    return g * (180 / PI)


def _neg(x, p):
    return -x


def _neg_grad(g, x, y, p):
    return -g


def _abs(x, p):
    return abs(x)


def _abs_grad(g, x, y, p):
    return g * sign(x)


def _sign(x, p):
    return sign(x)


def _relu(x, p):  # torch's: NaN and −0 pass through
    return ZERO if x < ZERO else x


def _relu_grad(g, x, y, p):  # threshold_backward: a NaN output passes g
    return ZERO if y <= ZERO else g


def _signbit(x, p):
    return math.copysign(ONE, x) < ZERO


def _nan_to_num(x, p):
    if x != x:
        return p[0]
    if x == INF:
        return p[1]
    return p[2] if x == -INF else x


def _nan_to_num_grad(g, x, y, p):
    return g if x == x and x != INF and x != -INF else ZERO


def _logit_options(dt, eps=None):
    return (-1.0 if eps is None else float(eps),)


def _nan_to_num_options(dt, nan=0.0, posinf=None, neginf=None):
    big = np.finfo(dt).max if dt.kind == "f" else 0
    return (float(nan), big if posinf is None else posinf, -big if neginf is None else neginf)


def _round_options(dt, decimals=0):
    return (decimals,) if decimals else ()


# ---- binary ----------------------------------------------------------------------------------
def _atan2(a, b, p):
    return atan2(a, b)


def _atan2_grad(g, a, b, y, p):
    d = a * a + b * b
    r = ONE / d if d != ZERO else ZERO
    return g * b * r, -g * a * r


def _hypot(a, b, p):
    return math.hypot(a, b)


def _hypot_grad(g, a, b, y, p):
    return g * a / y, g * b / y


def _fmod(a, b, p):
    return fmod(a, b)


def _fmod_grad(g, a, b, y, p):
    return g, -g * trunc(a / b)


def _remainder(a, b, p):
    """Python's a mod b (the sign of b), from fmod so it keeps fmod's signed zeros."""
    r = fmod(a, b)
    return r + b if r != ZERO and (r < ZERO) != (b < ZERO) else r


def _remainder_grad(g, a, b, y, p):
    return g, -g * floor(a / b)


def _xlogy(a, b, p):
    if b != b:
        return b
    return ZERO if a == ZERO else a * log(b)


def _xlogy_grad(g, a, b, y, p):
    return (g * log(b) if a != ZERO or b != b else ZERO), g * a / b


def _logaddexp(a, b, p):
    m = a if a > b else b
    if m == a and m == b and (m == INF or m == -INF):  # ±inf twice: a − b would be NaN
        return m
    return m + log1p(exp(-abs(a - b)))


def _logaddexp_grad(g, a, b, y, p):
    return g / (ONE + exp(b - a)), g / (ONE + exp(a - b))


def _copysign(a, b, p):
    return math.copysign(a, b)


def _copysign_grad(g, a, b, y, p):
    return (g * (y / a) if a != ZERO else ZERO), ZERO


def _heaviside(a, b, p):
    return b if a == ZERO else (ONE if a > ZERO else ZERO)


def _lerp(a, b, p):
    """torch's two-sided form: exact at both ends (w = 0 and w = 1)."""
    w = p[0]
    return a + w * (b - a) if abs(w) < HALF else b - (b - a) * (ONE - w)


def _lerp_grad(g, a, b, y, p):
    return g * (ONE - p[0]), g * p[0]


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
    Pointwise("sin", _sin, _sin_grad),
    Pointwise("cos", _cos, _cos_grad),
    Pointwise("tan", _tan, _tan_grad, reads="y"),
    Pointwise("asin", _asin, _asin_grad, aliases=("arcsin",)),
    Pointwise("acos", _acos, _acos_grad, aliases=("arccos",)),
    Pointwise("atan", _atan, _atan_grad, aliases=("arctan",)),
    Pointwise("sinh", _sinh, _sinh_grad),
    Pointwise("cosh", _cosh, _cosh_grad),
    Pointwise("asinh", _asinh, _asinh_grad, aliases=("arcsinh",)),
    Pointwise("acosh", _acosh, _acosh_grad, aliases=("arccosh",)),
    Pointwise("atanh", _atanh, _atanh_grad, aliases=("arctanh",)),
    Pointwise("deg2rad", _deg2rad, _deg2rad_grad, reads=""),
    Pointwise("rad2deg", _rad2deg, _rad2deg_grad, reads=""),
    Pointwise("sinc", _sinc, _sinc_grad),
    Pointwise("atan2", _atan2, _atan2_grad, other="tensor", aliases=("arctan2",)),
    Pointwise("hypot", _hypot, _hypot_grad, reads="xy", other="tensor", inputs="float_only"),
]

EXP_LOG = [
    Pointwise("exp", _exp, _exp_grad, reads="y"),
    Pointwise("exp2", _exp2, _exp2_grad, reads="y"),
    Pointwise("expm1", _expm1, _expm1_grad, reads="y"),
    Pointwise("log", _log, _log_grad),
    Pointwise("log2", _log2, _log2_grad),
    Pointwise("log10", _log10, _log10_grad),
    Pointwise("log1p", _log1p, _log1p_grad),
    Pointwise("sqrt", _sqrt, _sqrt_grad, reads="y"),
    Pointwise("rsqrt", _rsqrt, _rsqrt_grad, reads="y"),
    Pointwise("reciprocal", _reciprocal, _reciprocal_grad, reads="y"),
    Pointwise("square", _square, _square_grad, inputs="keep", integer=lambda b, x: b.multiply(x, x),
              grad_fn="PowBackward0"),
    Pointwise("sigmoid", _sigmoid, _sigmoid_grad, reads="y"),
    Pointwise("tanh", _tanh, _tanh_grad, reads="y"),
    Pointwise("logit", _logit, _logit_grad, options=_logit_options),
    Pointwise("xlogy", _xlogy, _xlogy_grad, grad_fn_scalar="XlogyBackward2"),
    Pointwise("logaddexp", _logaddexp, _logaddexp_grad, other="tensor", inputs="float_only",
              api=("function", "method")),
]

SPECIAL = [
    Pointwise("erf", _erf, _erf_grad),
    Pointwise("erfc", _erfc, _erfc_grad),
    Pointwise("erfinv", _erfinv, _erfinv_grad, reads="y"),
    Pointwise("lgamma", _lgamma, _lgamma_grad),
    Pointwise("digamma", _digamma, _digamma_grad),
]

SIGN_AND_ROUNDING = [
    Pointwise("neg", _neg, _neg_grad, reads="", inputs="keep", integer=lambda b, x: b.negative(x),
              check=_not_bool, aliases=("negative",)),
    Pointwise("abs", _abs, _abs_grad, inputs="keep", integer=lambda b, x: b.abs(x), aliases=("absolute",)),
    Pointwise("sign", _sign, "zero", reads="", inputs="keep", integer=lambda b, x: b.sign(x)),
    Pointwise("sgn", _sign, "zero", reads="", inputs="keep", integer=lambda b, x: b.sign(x)),
    Pointwise("signbit", _signbit, None, reads="", inputs="keep", out_dtype=np.bool_,
              integer=lambda b, x: b.less(x, 0), api=("function", "method")),
    Pointwise("relu", _relu, _relu_grad, reads="y", inputs="keep", integer=lambda b, x: b.maximum(x, 0)),
    Pointwise("frac", _frac, _frac_grad, reads="", inputs="float_only"),
    Pointwise("nan_to_num", _nan_to_num, _nan_to_num_grad, inputs="keep", integer=_copy,
              options=_nan_to_num_options),
    Pointwise("floor", "floor", "zero", arity=1, reads="", inputs="keep", integer=_copy),
    Pointwise("ceil", "ceil", "zero", arity=1, reads="", inputs="keep", integer=_copy),
    Pointwise("trunc", "trunc", "zero", arity=1, reads="", inputs="keep", integer=_copy, aliases=("fix",)),
    Pointwise("round", "round", "zero", arity=1, reads="", inputs="keep", integer=_copy, options=_round_options,
              grad_fn_options="RoundBackward1"),
    Pointwise("copysign", _copysign, _copysign_grad, reads="xy", grad_fn_scalar="CopysignBackward1"),
    Pointwise("heaviside", _heaviside, "not_implemented", inputs="keep", other="tensor", other_name="values",
              check=_same_dtype,
              integer=lambda b, x, v: b.where(b.equal(x, 0), v, b.astype(b.greater(x, 0), x.dtype))),
    Pointwise("fmod", _fmod, _fmod_grad, inputs="keep", integer=_integer_fmod, grad_fn="FmodBackward1",
              grad_fn_scalar="FmodBackward0"),
    Pointwise("remainder", _remainder, _remainder_grad, inputs="keep", integer=_integer_remainder,
              grad_fn="RemainderBackward1", grad_fn_scalar="RemainderBackward0"),
    Pointwise("floor_divide", "floor_divide", "not_implemented", arity=2, reads="", inputs="keep",
              integer=_integer_floor_divide),
]

LERP = Pointwise("lerp", _lerp, _lerp_grad, reads="", other="tensor", other_name="end", options=_lerp_options,
                 check=_same_dtype_end, api=())


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
