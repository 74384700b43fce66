"""The conv2d and pooling CUDA kernels compile for a real GPU (sm_90 PTX through libNVVM, no GPU
needed), which the simulator never does: it runs the Python source, so a kernel the CUDA target
rejects (a shared array whose shape is an expression, an unsupported call) passes there. The float32
kernels must hold no float64 instruction except where they sum in float64 on purpose.

Runs in a child process: the CUDA target is not the simulator the tests/kernels/cuda processes use."""
from tests.kernels.ptx_check import compiled_kernels

KERNELS = """
    import numpy as np
    from numba import types

    from minigrad.kernels.cuda import load

    conv, pool = load("conv2d"), load("pooling")
    i64, f, pair = types.int64, types.float32, types.UniTuple(types.int64, 2)
    a1, a2, a3, a4 = (types.Array(f, n, "C") for n in (1, 2, 3, 4))
    i3 = types.Array(i64, 3, "C")
    kernels = {  # name: (kernel, signature, sums in float64)
        "conv2d tiled": (conv._tiled(np.dtype(np.float32), conv.T, conv.R),
                         (i64, a4, a4, a4, a1, a4) + (i64,) * 6 + (types.UniTuple(i64, 6), pair, pair, f), False),
        "conv2d sum slices": (conv._sum_slices, (a2, a1), True),
        "conv2d grad bias": (conv._grad_bias_kernel, (a4, a1), True),
        "max pool": (pool._max_kernel, (a3, a3, i3) + (i64,) * 8 + (f,), False),
        "max pool backward": (pool._max_backward_kernel, (a3, i3, a3) + (i64,) * 8 + (f,), False),
        "avg pool": (pool._mean_kernel, (a3, a3) + (i64,) * 8 + (f,), False),
        "avg pool backward": (pool._mean_backward_kernel, (a3, a3) + (i64,) * 8 + (f,), False),
    }
"""


def test_conv_and_pool_kernels_compile_for_sm_90():
    assert compiled_kernels(KERNELS) == 7
