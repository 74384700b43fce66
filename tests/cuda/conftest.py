"""The CUDA kernel tests run in their own pytest process, under Numba's CUDA simulator:

    NUMBA_ENABLE_CUDASIM=1 python -m pytest tests/cuda -q -p no:cacheprovider

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
