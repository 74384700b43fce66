"""The fused optimizer kernels (``kernels/cuda/_<optimizer>.py``) compile for a real GPU (sm_90 PTX
through libNVVM, no GPU needed), which the simulator never checks, and their float32 forms hold no
float64 instruction. Runs in a child process (``ptx_check``)."""
from tests.kernels.ptx_check import compiled_kernels

KERNELS = """
    import importlib

    from numba import types

    f32, b1 = types.float32, types.boolean
    arrays = types.Array(f32, 1, "C")
    shapes = {  # optimizer: (arrays: p, g and the state buffers; float hyper-parameters; flags)
        "adam": (5, 9, 3), "rmsprop": (5, 7, 2), "adagrad": (3, 3, 1), "adadelta": (4, 5, 1), "adamax": (4, 6, 1),
        "nadam": (4, 10, 2), "radam": (4, 11, 3), "asgd": (3, 4, 2), "rprop": (4, 5, 1),
    }
    kernels = {}
    for name, (n_arrays, n_floats, n_flags) in shapes.items():
        kernel = getattr(importlib.import_module(f"minigrad.kernels.cuda._{name}"), "_" + name)
        kernels[name] = (kernel, (arrays,) * n_arrays + (f32,) * n_floats + (b1,) * n_flags, False)
"""


def test_optimizer_kernels_compile_for_sm_90():
    assert compiled_kernels(KERNELS) == 9
