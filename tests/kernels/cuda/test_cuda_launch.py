"""The shared launch pieces: the block reduction over any block size (NaN through max/min), the
deterministic finish, device broadcasting and casting, and that ``import minigrad`` loads none of
this."""
import os
import subprocess
import sys

import numpy as np
import pytest
from numba import cuda, float64

from minigrad.kernels.cuda import _host, _launch
from minigrad.kernels.cuda._launch import SCRATCH


@cuda.jit
def _reduce_each_block(values, op, out):
    scratch = cuda.shared.array(SCRATCH, float64)
    i = cuda.grid(1)
    value = values[i] if i < values.size else (0.0 if op == _launch.SUM else values[0])
    total = _launch.block_reduce(value, op, scratch)
    if cuda.threadIdx.x == 0:
        out[cuda.blockIdx.x] = total


@pytest.mark.parametrize("threads", [1, 2, 3, 5, 8])
@pytest.mark.parametrize("op, reference", [(_launch.SUM, np.sum), (_launch.MAX, np.max), (_launch.MIN, np.min)],
                         ids=["sum", "max", "min"])
def test_block_reduce_any_block_size(monkeypatch, threads, op, reference):
    monkeypatch.setattr(_launch, "THREADS_PER_BLOCK", threads)
    values = np.random.default_rng(threads).standard_normal(2 * threads + 1)
    values[threads] = np.nan  # block 1 holds a NaN: its max and min are NaN too
    n = _launch.blocks(values.size, False)
    out = cuda.device_array(n, np.float64)
    _launch.launch(_reduce_each_block, values.size, False, cuda.to_device(values), op, out)
    padded = np.concatenate([values, np.full(n * threads - values.size, 0.0 if op == _launch.SUM else values[0])])
    np.testing.assert_allclose(out.copy_to_host(), reference(padded.reshape(n, threads), axis=1), equal_nan=True)


@cuda.jit
def _sum_into_partials(values, partial):
    scratch = cuda.shared.array(SCRATCH, float64)
    acc = 0.0
    for i in range(cuda.grid(1), values.size, cuda.gridsize(1)):
        acc += values[i]
    _launch.write_partial(acc, partial, scratch)


@pytest.mark.parametrize("n", [0, 1, 11, 40])
def test_reduced_sums_across_blocks_and_strides(n):
    """40 values on 3 blocks of 4 threads: each thread sums several (the grid-stride loop)."""
    values = np.random.default_rng(n).standard_normal(n).astype(np.float32)
    loss = _launch.reduced(_sum_into_partials, n, False, (cuda.to_device(values),), "sum", 0.5,
                           np.float32, None)
    assert loss.shape == () and loss.dtype == np.float32
    np.testing.assert_allclose(loss.copy_to_host(), values.astype(np.float64).sum() * 0.5, rtol=1e-6)


@pytest.mark.parametrize("mode, want", [(1, np.inf), (2, np.nan)], ids=["nll", "cross_entropy"])
def test_reduced_by_a_zero_device_divisor(mode, want):
    divisor = cuda.to_device(np.zeros((), np.float64))
    values = cuda.to_device(np.ones(5))
    loss = _launch.reduced(_sum_into_partials, 5, False, (values,), "mean", 1.0, np.float64,
                           None, divisor, mode)
    np.testing.assert_equal(loss.copy_to_host(), want)


@pytest.mark.parametrize("source, shape, dtype", [
    ((3, 1), (2, 3, 5), np.float32), ((5,), (4, 5), np.float64), ((), (3,), np.float32),
    ((2, 3), (2, 3), np.float16), ((), (), np.float64), ((4, 1, 2), (4, 3, 2), np.float64),
])
def test_expand_broadcasts_and_casts(source, shape, dtype):
    a = np.arange(int(np.prod(source)), dtype=np.float32).reshape(source) - 2.5
    got = _host.expand(cuda.to_device(a), shape, dtype)
    assert got.shape == shape and got.dtype == dtype
    np.testing.assert_array_equal(got.copy_to_host(), np.broadcast_to(a, shape).astype(dtype))


@pytest.mark.parametrize("name, shape, rows", [("mse_loss", (4, 7), False), ("triplet_margin_loss", (7, 9), True),
                                               ("cross_entropy", (7, 9), True), ("cross_entropy", (2, 9, 7), False)])
def test_small_launches_cross_blocks(monkeypatch, name, shape, rows):
    """Under the tests' launch constants every loss kernel runs on several blocks (and strides)."""
    from minigrad.kernels import cuda as device
    launched = []

    def blocks(units, by_rows):
        launched.append((units, by_rows))
        return _launch_blocks(units, by_rows)

    _launch_blocks = _launch.blocks
    monkeypatch.setattr(_launch, "blocks", blocks)
    x = np.random.default_rng(0).standard_normal(shape)
    arrays = {"mse_loss": (x, x * 2), "triplet_margin_loss": (x, x * 2, -x),
              "cross_entropy": (x, np.zeros(shape[:1] + shape[2:], np.int64))}[name]
    device.load(name).forward(*(cuda.to_device(a) for a in arrays), need_grad=(True,) * len(arrays))
    units, by_rows = launched[-1]  # the loss kernel (the finish runs on one block)
    assert by_rows == rows and _launch_blocks(units, by_rows) == _launch.MAX_BLOCKS
    assert units > _launch.MAX_BLOCKS * (1 if rows else _launch.THREADS_PER_BLOCK)


def test_expand_returns_the_array_itself_when_nothing_changes():
    a = cuda.to_device(np.ones((2, 3), np.float32))
    assert _host.expand(a, (2, 3)) is a


def test_import_minigrad_loads_no_cuda():
    """``import minigrad`` (and a CPU loss) imports neither numba.cuda nor this backend."""
    code = ("import sys, minigrad, minigrad.nn.functional as F\n"
            "x = minigrad.randn(3, 4, requires_grad=True)\n"
            "F.cross_entropy(x, minigrad.tensor([0, 1, 2])).backward()\n"
            "print(sorted(m for m in sys.modules if m.startswith(('numba.cuda', 'minigrad.kernels.cuda'))))")
    env = {k: v for k, v in os.environ.items() if k != "NUMBA_ENABLE_CUDASIM"}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
