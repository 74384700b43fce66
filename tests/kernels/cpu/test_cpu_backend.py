"""The CPU backend's own versions of numpy functions (kernels/cpu/__init__.py) against numpy."""
import numpy as np
import pytest

from minigrad.kernels import cpu


@pytest.mark.parametrize("shape", [(), (3,), (2, 3), (2, 0, 4)])
def test_expand_dims_is_numpys_as_a_view(shape):
    a = np.arange(int(np.prod(shape)), dtype=np.float32).reshape(shape)
    for axis in range(-a.ndim - 1, a.ndim + 1):
        got, want = cpu.expand_dims(a, axis), np.expand_dims(a, axis)
        assert got.shape == want.shape and got.dtype == want.dtype
        np.testing.assert_array_equal(got, want)
        assert np.shares_memory(got, a) or not a.size
    strided = np.ones((4, 6))[:, ::2]
    cpu.expand_dims(strided, 1)[2, 0, 1] = 5.0  # a view even of a strided array: writes land in it
    assert strided[2, 1] == 5.0
