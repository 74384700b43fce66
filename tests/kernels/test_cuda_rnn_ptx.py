"""The RNN, LSTM and GRU CUDA kernels compile for a real GPU (sm_90 PTX through libNVVM, no GPU needed),
which the simulator never does (see tests/kernels/ptx_check.py). Their dot products sum in float64 on
purpose, so float64 instructions are allowed in every step.

Runs in a child process: the CUDA target is not the simulator the tests/kernels/cuda processes use."""
from tests.kernels.ptx_check import compiled_kernels

KERNELS = """
    from numba import types

    from minigrad.kernels.cuda import load

    rnn = load("rnn")
    i64, b, f = types.int64, types.boolean, types.float32
    a1, a2 = types.Array(f, 1, "C"), types.Array(f, 2, "C")
    kernels = {  # name: (kernel, signature, sums in float64)
        "save": (rnn._save, (a2, a2, a2, a2), False),
        "copy": (rnn._copy, (a1, a1), False),
        "rnn step": (rnn._rnn_step, (a2, a2, a2, i64, b, a2, a2), True),
        "lstm step": (rnn._lstm_step, (a2, a2, a2, i64, b, a2, a2, a2, a2), True),
        "project": (rnn._project, (a2, a2, i64, a2, a2), True),
        "gru step": (rnn._gru_step, (a2, a2, a2, a1, i64, a2, a2, a2), True),
        "dh add": (rnn._dh_add, (a2, a2, i64, b, a2), False),
        "rnn step backward": (rnn._rnn_step_backward, (a2, a2, i64, b, a2), True),
        "lstm step backward": (rnn._lstm_step_backward, (a2, a2, a2, a2, i64, b, a2, a2, a2), True),
        "gru step backward": (rnn._gru_step_backward, (a2, a2, a2, a2, i64, a2, a2), True),
        "dh prev": (rnn._dh_prev, (a2, a2, i64, b, a2), True),
    }
"""


def test_rnn_kernels_compile_for_sm_90():
    assert compiled_kernels(KERNELS) == 11
