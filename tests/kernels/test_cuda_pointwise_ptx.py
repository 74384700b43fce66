"""The declared pointwise ops' CUDA loops (``kernels/cuda/pointwise.py``: each op's scalar value and
gradient from ``minigrad/ops/pointwise_math.py`` and ``ops/activation.py``, bound to libdevice) compile for
a real GPU (sm_90 PTX through libNVVM, no GPU needed), which the simulator never checks. Math that
reads a constant inexact in float32 runs in float64 on purpose (pointwise_math's docstring), and
libdevice's sinf/cosf reduce large arguments in float64; the rest must hold no float64 instruction."""
from tests.kernels.ptx_check import compiled_kernels

KERNELS = """
    from numba import types

    import minigrad  # noqa: F401 - declares the ops
    from minigrad.kernels.cuda import pointwise as P
    from minigrad.ops import activation as AC, pointwise_math as PM

    f32 = types.float32
    a = types.Array(f32, 1, "C")
    decls = {d.name: d for d in PM.TRIG + PM.EXP_LOG + PM.SPECIAL + PM.SIGN_AND_ROUNDING + [PM.LERP]}
    decls.update({"gelu_tanh": AC.GELU_TANH, "leaky_relu": AC.LEAKY_RELU})
    float32_only = {"exp", "log", "log1p", "sqrt", "sigmoid", "tanh", "relu", "abs", "neg", "square",
                    "reciprocal", "frac", "atan2", "fmod", "copysign", "leaky_relu"}
    kernels = {}
    for name in ("sin", "cos", "tan", "asinh", "exp", "exp2", "log", "log1p", "log10", "sqrt", "rsqrt", "reciprocal",
                 "square", "sigmoid", "tanh", "logit", "erf", "erfinv", "lgamma", "digamma", "neg", "abs", "relu",
                 "frac", "nan_to_num", "sinc", "atan2", "hypot", "xlogy", "logaddexp", "copysign",
                 "fmod", "remainder", "lerp", "gelu_tanh", "leaky_relu"):
        decl = decls[name]
        arrays = (a,) * (5 if decl.arity == 1 else 6)
        kernels[name] = (P._kernel(decl), (types.boolean,) + arrays + (f32,) * 3, name not in float32_only)
"""


def test_declared_pointwise_loops_compile_for_sm_90():
    assert compiled_kernels(KERNELS) == 36
