"""Every declared pointwise op (ops/pointwise_math.py, ops/activation.py) on 'cuda' against 'cpu': the
same scalar element functions compiled by the device loop (kernels/cuda/pointwise.py). Values,
grad_fn names and gradients in float32 and float64 on tiny shapes, through the Tensor API."""
import pytest

import minigrad
import minigrad.nn.functional as F
from minigrad.ops.pointwise import DECLARED
from tests.kernels.cuda.test_cuda_ops import check

# a declared op -> the call that exercises it on tensors in its domain (inputs are standard normal)
UNARY = {
    "sin": lambda a: a.sin(), "cos": lambda a: a.cos(), "tan": lambda a: a.tan(), "asin": lambda a: (a * 0.3).asin(),
    "acos": lambda a: (a * 0.3).acos(), "atan": lambda a: a.atan(), "sinh": lambda a: a.sinh(),
    "cosh": lambda a: a.cosh(), "asinh": lambda a: a.asinh(), "acosh": lambda a: (a.abs() + 1.1).acosh(),
    "atanh": lambda a: (a * 0.3).atanh(), "deg2rad": lambda a: a.deg2rad(), "rad2deg": lambda a: a.rad2deg(),
    "sinc": lambda a: a.sinc(), "exp": lambda a: a.exp(), "exp2": lambda a: a.exp2(), "expm1": lambda a: a.expm1(),
    "log": lambda a: a.abs().log(), "log2": lambda a: a.abs().log2(), "log10": lambda a: a.abs().log10(),
    "log1p": lambda a: a.abs().log1p(), "sqrt": lambda a: a.abs().sqrt(), "rsqrt": lambda a: a.abs().rsqrt(),
    "reciprocal": lambda a: a.reciprocal(), "square": lambda a: a.square(), "sigmoid": lambda a: a.sigmoid(),
    "tanh": lambda a: a.tanh(), "logit": lambda a: a.sigmoid().logit(), "erf": lambda a: a.erf(),
    "erfc": lambda a: a.erfc(), "erfinv": lambda a: (a * 0.3).erfinv(), "lgamma": lambda a: (a.abs() + 0.2).lgamma(),
    "digamma": lambda a: (a.abs() + 0.2).digamma(), "neg": lambda a: -a, "abs": lambda a: a.abs(),
    "sign": lambda a: a.sign(), "sgn": lambda a: a.sgn(), "signbit": lambda a: a.signbit(),
    "relu": lambda a: a.relu(), "frac": lambda a: (a * 3).frac(), "nan_to_num": lambda a: (a.log()).nan_to_num(),
    "floor": lambda a: (a * 3).floor(), "ceil": lambda a: (a * 3).ceil(), "trunc": lambda a: (a * 3).trunc(),
    "round": lambda a: (a * 3).round(),
    "softplus": lambda a: F.softplus(a, beta=2.0), "softsign": F.softsign, "elu": F.elu, "selu": F.selu,
    "celu": lambda a: F.celu(a, 0.5), "gelu": F.gelu, "gelu_tanh": lambda a: F.gelu(a, approximate="tanh"),
    "silu": F.silu, "mish": F.mish, "leaky_relu": lambda a: F.leaky_relu(a, 0.1), "hardtanh": F.hardtanh,
    "hardsigmoid": lambda a: F.hardsigmoid(a * 4), "hardswish": lambda a: F.hardswish(a * 4),
    "logsigmoid": F.logsigmoid, "threshold": lambda a: F.threshold(a, 0.1, -1.0), "tanhshrink": F.tanhshrink,
    "softshrink": F.softshrink, "hardshrink": F.hardshrink, "rrelu": F.rrelu,
}
BINARY = {
    "atan2": lambda a, b: a.atan2(b), "hypot": lambda a, b: a.hypot(b), "xlogy": lambda a, b: a.xlogy(b.abs()),
    "logaddexp": lambda a, b: a.logaddexp(b), "copysign": lambda a, b: a.copysign(b),
    "heaviside": lambda a, b: a.detach().heaviside(b.detach()), "fmod": lambda a, b: a.fmod(b.abs() + 0.5),
    "remainder": lambda a, b: a.remainder(b.abs() + 0.5), "lerp": lambda a, b: a.lerp(b, 0.3),
    "prelu": lambda a, b: F.prelu(a, b[:1]), "floor_divide": lambda a, b: a.detach().floor_divide(b.detach() + 3),
}
SKIPPED = {"rrelu_with_noise": "its noise is drawn on the host (F.rrelu in training)"}


def test_every_declared_op_is_covered():
    assert {d.name for d in DECLARED} == set(UNARY) | set(BINARY) | set(SKIPPED)


@pytest.mark.parametrize("name", sorted(UNARY))
def test_unary_matches_cpu(name, device_log):
    check(UNARY[name], [(5,)], minigrad.float32, device_log)


@pytest.mark.parametrize("name", ["sin", "erfinv", "digamma", "gelu", "softplus", "nan_to_num"])
def test_unary_float64_matches_cpu(name, device_log):  # (a sample: the simulator compiles each op per dtype)
    check(UNARY[name], [(5,)], minigrad.float64, device_log)


@pytest.mark.parametrize("dtype", [minigrad.float32, minigrad.float64], ids=str)
@pytest.mark.parametrize("name", sorted(BINARY))
def test_binary_matches_cpu(name, dtype, device_log):
    check(BINARY[name], [(2, 3), (3,)], dtype, device_log)
