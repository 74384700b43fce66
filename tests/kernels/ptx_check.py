"""Compile CUDA kernels for a real GPU (sm_90 PTX through libNVVM, no GPU needed) in a child process:
the tests/kernels/cuda processes run Numba's simulator, which never compiles for the CUDA target.

``compiled_kernels(body)`` runs ``body``, which builds ``kernels = {name: (kernel, signature, sums in
float64)}``, compiles each and checks that a float32 kernel holds no float64 instruction unless it
sums in float64 on purpose. It returns how many compiled, and skips the test without libNVVM."""
import os
import subprocess
import sys
import textwrap

import pytest

_PRELUDE = """
import numba.cuda.dispatcher as dispatcher
from numba import cuda, types

class Device:  # device functions compile for the current device: pretend one
    compute_capability = (9, 0)

dispatcher.get_current_device = lambda: Device()
"""

_COMPILE = """
for name, (kernel, signature, float64_sums) in kernels.items():
    ptx, _ = cuda.compile_ptx(kernel.py_func, signature, cc=(9, 0))
    assert float64_sums or ".f64" not in ptx, f"{name}: float64 instructions in the float32 kernel"
    print("compiled", name)
print("total", len(kernels))
"""


def compiled_kernels(body):
    code = _PRELUDE + textwrap.dedent(body) + _COMPILE
    env = {k: v for k, v in os.environ.items() if k != "NUMBA_ENABLE_CUDASIM"}
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=600, env=env)
    if "NvvmSupportError" in proc.stderr:
        pytest.skip("no libNVVM here: the CUDA target cannot compile")
    assert proc.returncode == 0, proc.stderr[-3000:]
    total = int(proc.stdout.rsplit("total", 1)[1])
    assert proc.stdout.count("compiled") == total
    return total
