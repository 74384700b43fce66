"""The CUDA kernel tests run in their own pytest process, under Numba's CUDA simulator:

    NUMBA_ENABLE_CUDASIM=1 python -m pytest tests/kernels/cuda -q -p no:cacheprovider

(the variable must be set before numba is imported), or in any process on a machine with a CUDA GPU.
Elsewhere, e.g. the main test run, this folder is skipped without importing numba.cuda's kernels.

Every test runs with THREADS_PER_BLOCK = 4 and MAX_BLOCKS = 3 (``small_launches``), so tiny inputs
cross several blocks and the grid-stride loops wrap; the simulator costs milliseconds a thread.
"""
import os
import pathlib

import pytest

from minigrad import cuda as _cuda

SIMULATOR = os.environ.get("NUMBA_ENABLE_CUDASIM") == "1"

if not (SIMULATOR or _cuda.is_available()):
    collect_ignore_glob = ["test_*.py"]

if SIMULATOR:
    # a real device array's shape is a plain tuple (``x.shape[-1]`` works, and minigrad's host code
    # uses it); the simulator's FakeShape refuses negative indices, so give its arrays plain tuples
    from numba.cuda.simulator.cudadrv import devicearray as _simulated

    _simulated.FakeCUDAArray.shape = property(lambda self: self._ary.shape)


def pytest_collection_modifyitems(items):
    # the simulator runs device float math on numpy scalars, which warn where a GPU silently gives
    # inf or NaN (a mean over nothing, W = 0)
    here = pathlib.Path(__file__).parent
    for item in items:
        if here in item.path.parents:
            item.add_marker(pytest.mark.filterwarnings("ignore:.*encountered in scalar:RuntimeWarning"))


@pytest.fixture(autouse=True)
def small_launches(monkeypatch):
    from minigrad.kernels.cuda import _launch
    monkeypatch.setattr(_launch, "THREADS_PER_BLOCK", 4)
    monkeypatch.setattr(_launch, "MAX_BLOCKS", 3)


# what host code may ask of a device array: its metadata (the rest of numba's DeviceNDArray API is
# defined on the simulator's class itself)
METADATA = {"dtype", "size", "ndim", "strides", "itemsize"}
PROBED = {"base"}  # numpy's view owner, which the engine probes with a default: absent, as on a GPU


@pytest.fixture
def device_log(monkeypatch):
    """A log of every host↔device copy and every host-side misuse of a device array."""
    if not SIMULATOR:
        pytest.skip("the transfer log instruments the simulator's device arrays")
    from numba import cuda
    from numba.cuda.simulator import kernel as simulated_kernel
    from numba.cuda.simulator.cudadrv import devicearray as simulated

    log = []
    to_device, copy_to_host, wrap_arg = cuda.to_device, simulated.FakeCUDAArray.copy_to_host, simulated_kernel.wrap_arg
    getitem, getattr_ = simulated.FakeCUDAArray.__getitem__, simulated.FakeCUDAArray.__getattr__

    def logged(kind, fn):
        def run(*args, **kwargs):
            log.append(kind)
            return fn(*args, **kwargs)
        return run

    def strict_getattr(self, name):
        if name in PROBED:
            raise AttributeError(name)
        if name not in METADATA and simulated_kernel._get_kernel_context() is None:
            log.append(f"host use of .{name}")
            raise AttributeError(name)
        return getattr_(self, name)

    def strict_getitem(self, index):
        out = getitem(self, index)
        if not isinstance(out, simulated.FakeCUDAArray) and simulated_kernel._get_kernel_context() is None:
            log.append("element read")  # (a kernel's own reads are the device's)
        return out

    def refused(name):
        def run(self, *args):
            log.append(f"host operator {name}")
            return NotImplemented
        return run

    monkeypatch.setattr(cuda, "to_device", logged("to device", to_device))
    monkeypatch.setattr(simulated.FakeCUDAArray, "copy_to_host", logged("to host", copy_to_host))
    monkeypatch.setattr(simulated_kernel, "wrap_arg", logged("host array given to a kernel", wrap_arg))
    monkeypatch.setattr(simulated.FakeCUDAArray, "__getattr__", strict_getattr)
    monkeypatch.setattr(simulated.FakeCUDAArray, "__getitem__", strict_getitem)
    for op in ("eq", "ne", "lt", "le", "gt", "ge", "add", "sub", "mul", "floordiv", "truediv", "mod", "pow"):
        monkeypatch.setattr(simulated.FakeCUDAArray, f"__{op}__", refused(op))
    return log
