"""Issue 17's CUDA kernels (normalisation, embedding and embedding_bag, interpolate, fold, adaptive max pooling, max
unpooling) compile for a real GPU (sm_90 PTX through libNVVM, no GPU needed), which the simulator
never checks; their float32 kernels hold no float64 instruction except where they sum in float64 on
purpose. Runs in a child process (``tests/kernels/ptx_check.py``)."""
from tests.kernels.ptx_check import compiled_kernels

KERNELS = """
    from numba import types

    from minigrad.kernels.cuda import load

    norm, emb, interp = load("normalization"), load("embedding"), load("interpolate")
    fold, amp, unpool = load("fold"), load("adaptive_max_pool2d"), load("max_unpool2d")
    i64, f, d, b = types.int64, types.float32, types.float64, types.boolean
    a1, a2, a3, a4 = (types.Array(f, n, "C") for n in (1, 2, 3, 4))
    d1, d2 = types.Array(d, 1, "C"), types.Array(d, 2, "C")
    i1, i2, i3 = (types.Array(i64, n, "C") for n in (1, 2, 3))
    kernels = {  # name: (kernel, signature, sums in float64)
        "batch_norm forward": (norm._batch_norm_forward, (a3, a1, a1, d1, d1, a3, d, b), True),
        "batch_norm backward": (norm._batch_norm_backward, (a3, a3, a1, d1, d1, a3, d1, d1, b, b), True),
        "row_norm forward": (norm._row_norm_forward, (a2, a2, a2, i64, d1, d1, a2, d), True),
        "row_norm backward": (norm._row_norm_backward, (a2, a2, a2, i64, d1, d1, a2), True),
        "row_norm param grads": (norm._row_norm_param_grads, (a2, a2, i64, d1, d1, d2, d2), True),
        "running stats": (norm._update_running_stats, (a1, a1, d1, d1, d, d, d), True),
        "eval stats": (norm._eval_stats, (a1, a1, d, d1, d1), True),
        "embedding gather": (emb._gather_rows, (a2, i1, a2), False),
        "embedding segment sums": (emb._segment_sums, (a2, i1, i1, i1, a1, a2), False),
        "embedding renorm": (emb._renorm_rows, (a2, i1, d, d), True),
        "embedding_bag": (emb._bag_forward, (a2, i1, i1, i1, a1, a2, i2, i64, i64, f), False),
        "embedding_bag backward": (emb._bag_backward, (a2, i1, i1, i1, i1, a1, i2, i64, a2), False),
        "embedding_bag weights backward": (emb._bag_weights_backward, (a2, a2, i1, i1, i64, a1, f), False),
        "resample": (interp._forward, (a3, i2, a2, a3), False),
        "resample backward": (interp._backward, (a3, i1, i1, a1, a3, f), False),
        "unfold": (fold._unfold, (a4, a3) + (i64,) * 9 + (f,), False),
        "fold": (fold._fold, (a3, a4) + (i64,) * 10 + (f,), False),
        "adaptive max pool": (amp._forward, (a3, a3, i3), False),
        "adaptive max pool backward": (amp._backward, (a3, i3, a3, f), False),
        "max unpool": (unpool._scatter, (a2, i2, a2), False),
        "max unpool backward": (unpool._gather, (a2, i2, a2), False),
    }
"""


def test_layer_kernels_compile_for_sm_90():
    assert compiled_kernels(KERNELS) == 21
