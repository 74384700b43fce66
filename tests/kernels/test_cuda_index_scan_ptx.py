"""The CUDA kernels of the index, scan and search ops (kernels/cuda/_index.py, _cumulative.py,
_search.py) compile for a real GPU (sm_90 PTX, no GPU needed), which the simulator never checks; the
float32 ones hold no float64 instruction (histc's bin arithmetic and weighted bincount use float64
as numpy does)."""
from tests.kernels.ptx_check import compiled_kernels

KERNELS = """
    from numba import types

    from minigrad.kernels.cuda import _cumulative as C, _index as X, _search as S

    i64, f32, f64, b1 = types.int64, types.float32, types.float64, types.boolean
    t2 = types.UniTuple(i64, 2)

    def A(t, ndim=1):
        return types.Array(t, ndim, "C")

    kernels = {  # name: (kernel, signature, float64 on purpose)
        "gather": (X._gather, (A(f32), A(i64), A(f32)), False),
        "device offsets": (X._device_offsets_kernel, (types.UniTuple(A(i64), 2), types.UniTuple(t2, 2), t2, t2, t2,
                                                      A(i64), A(i64)), False),
        "add at": (X._add_at, (A(f32), t2, t2, A(i64), A(f32)), False),
        "cummax": (C._extreme_kernel, (A(f32, 2), b1, A(f32, 2), A(i64, 2)), False),
        "cummin integers": (C._extreme_kernel, (A(i64, 2), b1, A(i64, 2), A(i64, 2)), False),
        "cumprod backward": (C._cumprod_backward_kernel, (A(f32, 2),) * 3, False),
        "cummax backward": (C._extreme_backward_kernel, (A(f32, 2), A(i64, 2), A(f32, 2)), False),
        "searchsorted": (S._searchsorted_kernel, (A(f32), i64, A(f32), i64, A(i64), b1, A(i64)), False),
        "histc": (S._histc_kernel, (A(f32), f32, f32, f64, A(f32), A(i64)), True),
        "bincount": (S._bincount_kernel, (A(i64), A(i64), i64, A(i64)), False),
        "bincount weights": (S._bincount_kernel, (A(i64), A(f64), f64, A(f64)), True),
    }
    for op, name in enumerate(("set", "sum", "prod", "amax", "amin")):
        kernels["combine " + name] = (X._combine(op), (A(f32), t2, t2, A(i64), A(i64), A(i64), A(f32)), False)
    kernels["combine sum int64"] = (X._combine(X.ADD), (A(i64), t2, t2, A(i64), A(i64), A(i64), A(i64)), False)
    kernels["combine amax bool"] = (X._combine(X.MAX), (A(b1), t2, t2, A(i64), A(i64), A(i64), A(b1)), False)
"""


def test_index_scan_search_kernels_compile_for_sm_90():
    assert compiled_kernels(KERNELS) == 18
