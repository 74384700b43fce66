"""The CUDA backend's flat-API kernels compile for a real GPU (sm_90 PTX through libNVVM, no GPU
needed), which the simulator never checks: it runs the Python source (and the CPU compile of the
scalar functions), so a construct the CUDA target rejects would pass there. The float32 elementwise
kernels must hold no float64 instruction; the reductions, matmul and softmax sum in float64 on
purpose.

Runs in a child process: the CUDA target is not the simulator the tests/kernels/cuda processes use."""
from tests.kernels.ptx_check import compiled_kernels

KERNELS = """
    from numba import types

    from minigrad.kernels.cuda import _elementwise as E, _fused_update as F, _matmul as M, _reduce as R, _shape as S
    from minigrad.kernels.cuda import _softmax as SM

    i64, f32, f64, b1 = types.int64, types.float32, types.float64, types.boolean
    t1, t2 = types.UniTuple(i64, 1), types.UniTuple(i64, 2)

    def A(t):
        return types.Array(t, 1, "C")

    x32 = (A(f32), t2)
    kernels = {  # name: (kernel, signature, sums in float64)
        "add": (E._map(E._add, 2), (A(f32), t2) + x32 + x32, False),
        "multiply by a scalar": (E._map(E._multiply, 2), (A(f32), t2) + x32 + (f32, t2), False),
        "divide float64": (E._map(E._divide, 2), (A(f64), t2, A(f64), t2, A(f64), t2), True),
        "integer mod": (E._map(E._mod, 2), (A(i64), t2, A(i64), t2, i64, t2), False),
        "fmod": (E._map(E._fmod, 2), (A(f32), t2) + x32 + x32, False),
        "equal": (E._map(E._equal, 2), (A(b1), t2) + x32 + x32, False),
        "where": (E._map(E._where, 3), (A(f32), t2, A(b1), t2) + x32 + (f32, t2), False),
        "cast to float16": (E._map(E._identity, 1), (A(types.float16), t2) + x32, False),
    }
    for name in ("exp", "expm1", "log", "log1p", "sqrt", "tanh", "abs", "sign", "floor", "ceil",
                 "trunc", "negative"):
        kernels[name] = (E._map(getattr(E, "_" + name), 1), (A(f32), t2) + x32, False)
    kernels.update({
        "sum": (R._fold(R.SUM), (A(f32), t1, t1, t2, t2, i64, f64, A(f32)), True),
        "max": (R._fold(R.MAX), (A(f32), t1, t1, t2, t2, i64, f64, A(f32)), True),
        "argmax": (R._arg(True), (A(f32), t1, t1, t1, t1, i64, A(i64)), True),
        "put along axis": (R._put_along, (A(i64), A(f32), i64, i64, A(f32)), False),
        "matmul": (M._tiled, (A(f32), t1, i64, i64, A(f32), t1, i64, i64, t1, i64, i64, i64, A(f32)), True),
        "fill": (S._fill, (A(f32), f32), False),
        "strided gather": (S._strided(None), (A(f32), i64, t2, t2, A(f32)), False),
        "strided scatter": (S._strided(False), (A(f32), i64, t2, t2, A(f32)), False),
        "take": (S._take(False), (A(f32), A(i64), i64, i64, A(i64), A(f32)), False),
        "take scatter-add": (S._take(True), (A(f32), A(i64), i64, i64, A(i64), A(f32)), False),
        "softmax": (SM._forward(False), (A(f32), i64, i64, i64, A(f32)), True),
        "log_softmax backward": (SM._backward(True), (A(f32), A(f32), i64, i64, i64, A(f32)), True),
        "sgd update": (F.kernel("sgd", (True, False, False)),
                       (A(f32), A(f32), types.UniTuple(A(f32), 3), types.Tuple((f32,) * 4 + (b1,) * 4)), False),
        "adam update": (F.kernel("adam", (True, True, True)),
                        (A(f32), A(f32), types.UniTuple(A(f32), 3),
                         types.Tuple((f32,) * 6 + (b1,) * 2 + (f32,) * 3 + (b1,))), False),
    })
"""


def test_flat_api_kernels_compile_for_sm_90():
    assert compiled_kernels(KERNELS) > 30
