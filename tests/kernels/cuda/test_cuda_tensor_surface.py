"""The everyday surface on 'cuda' tensors (simulator or GPU): new_* factories stay on the tensor's
device, isclose/median/kthvalue/nansum/argsort run there and equal the CPU, integer conv2d is refused
as torch's CUDA refuses it, and the metadata names the device."""
import numpy as np
import pytest

import minigrad
import minigrad.nn.functional as F

A = np.array([[3.0, 1.0, np.nan, 2.0], [0.5, 4.0, 1.5, -1.0]], dtype=np.float32)


def both(fn):
    cpu = fn(minigrad.tensor(A))
    gpu = fn(minigrad.tensor(A, device="cuda"))
    return cpu, gpu


@pytest.mark.parametrize("fn", [lambda x: x.new_zeros(2, 3), lambda x: x.new_full((2,), 1.5),
                                lambda x: x.new_tensor([1.0, 2.0]), lambda x: x.new_ones(3, dtype=minigrad.int64)])
def test_new_factories_stay_on_the_device(fn):
    cpu, gpu = both(fn)
    assert gpu.device.type == "cuda" and gpu.dtype is cpu.dtype
    np.testing.assert_array_equal(gpu.cpu().numpy(), cpu.numpy())


@pytest.mark.parametrize("fn", [lambda x: x.isclose(x + 1e-7, equal_nan=True), lambda x: x.nansum(1),
                                lambda x: x.median(1).values, lambda x: x.median(1).indices,
                                lambda x: x.kthvalue(2, 1).values, lambda x: x.argsort(1),
                                lambda x: x.nan_to_num().median()])
def test_reductions_on_the_device_equal_the_cpu(fn):
    cpu, gpu = both(fn)
    assert gpu.device.type == "cuda"
    np.testing.assert_array_equal(gpu.cpu().numpy(), cpu.numpy())


def test_integer_conv2d_refused_on_cuda_and_metadata():
    x = minigrad.ones(1, 1, 3, 3, dtype=minigrad.int64, device="cuda")
    with pytest.raises(NotImplementedError, match="slow_conv2d_cuda"):
        F.conv2d(x, x)
    assert (x.get_device(), x.is_cpu) == (0, False)
