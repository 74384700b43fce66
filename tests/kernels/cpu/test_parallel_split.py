"""kernels/cpu/_parallel.py: how a Split kernel runs its ranges. Claimed ranges cover the work once
each whatever the thread count; left automatic, a kernel times itself serial and split and keeps the
faster way, stays serial when no core is free or when its serial run is short; a thread count asked
for is used as asked."""
import numpy as np
import pytest

from minigrad.kernels.cpu import _parallel

N = _parallel.PARALLEL_MIN * 4


@_parallel.split
def _count(lo, hi, hits):
    for i in range(lo, hi):
        hits[i] += 1


def _fail(lo, hi, out):
    if lo > 0:  # Numba's python error model: ZeroDivisionError (out is all zeros) in a later range
        out[lo] = 1.0 / out[0]


@pytest.fixture
def automatic(monkeypatch):
    monkeypatch.setattr(_parallel, "_auto", True)
    monkeypatch.setattr(_parallel, "_threads", 3)
    monkeypatch.setattr(_parallel, "_pool", None)
    monkeypatch.setattr(_parallel, "core_free", lambda: True)
    yield
    pool = _parallel._pool
    if pool is not None:
        pool.shutdown(wait=True)


@pytest.mark.parametrize("threads", [1, 2, 3])
def test_asked_threads_cover_each_unit_once(threads, monkeypatch):
    monkeypatch.setattr(_parallel, "_pool", None)
    before = _parallel.get_num_threads()
    try:
        _parallel.set_num_threads(threads)
        hits = np.zeros(N, np.int64)
        calls = _count.split_calls
        _count(N, N, hits)
        assert _count.split_calls == calls + 1
        assert (hits == 1).all()
    finally:
        _parallel.set_num_threads(before)


def test_automatic_times_both_ways_then_keeps_the_faster(automatic, monkeypatch):
    kernel = _parallel.Split(_count.kernel.py_func)
    hits = np.zeros(N, np.int64)
    kernel(N, N, hits)  # the first call at a size splits, the second runs serially: both timed
    kernel(N, N, hits)
    entry = kernel.speed[N.bit_length()]
    assert kernel.split_calls == 1 and entry[2] is not None and entry[3] is not None
    monkeypatch.setattr(_parallel, "SPLIT_MIN_SECONDS", 0.0)
    entry[2], entry[3] = 1.0, 0.0  # split measured faster
    kernel(N, N, hits)
    assert kernel.split_calls == 2
    entry[2], entry[3] = 0.0, 1.0  # serial measured faster
    kernel(N, N, hits)
    assert kernel.split_calls == 2
    assert (hits == 4).all()


def test_automatic_stays_serial_when_short_or_busy(automatic, monkeypatch):
    kernel = _parallel.Split(_count.kernel.py_func)
    hits = np.zeros(N, np.int64)
    kernel(N, N, hits)
    kernel(N, N, hits)
    entry = kernel.speed[N.bit_length()]
    entry[2], entry[3] = 1e-15, 0.0  # split faster, but the serial run takes far under SPLIT_MIN_SECONDS
    calls = kernel.split_calls
    kernel(N, N, hits)
    assert kernel.split_calls == calls
    monkeypatch.setattr(_parallel, "core_free", lambda: False)
    entry[2], entry[3] = 1.0, 0.0
    kernel(N, N, hits)
    assert kernel.split_calls == calls
    assert (hits == 4).all()


def test_an_error_in_a_range_reaches_the_caller(automatic):
    kernel = _parallel.Split(_fail, error_model="python")
    with pytest.raises(ZeroDivisionError):
        kernel(N, 8, np.zeros(8))


def test_core_free_reads_the_load_average(monkeypatch):
    monkeypatch.setattr(_parallel, "_load", [0.0, None])
    monkeypatch.setattr(_parallel.os, "getloadavg", lambda: (0.2, 0.0, 0.0))
    monkeypatch.setattr(_parallel.os, "cpu_count", lambda: 2)
    assert _parallel.core_free() is True
    monkeypatch.setattr(_parallel.os, "getloadavg", lambda: (7.0, 0.0, 0.0))
    assert _parallel.core_free() is True  # read at most once a second
    _parallel._load[0] = 0.0
    assert _parallel.core_free() is False


def test_core_free_without_a_load_average(monkeypatch):
    def missing():
        raise OSError("no load average")
    monkeypatch.setattr(_parallel, "_load", [0.0, None])
    monkeypatch.setattr(_parallel.os, "getloadavg", missing)
    assert _parallel.core_free() is True
