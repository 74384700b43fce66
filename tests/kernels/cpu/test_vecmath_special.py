"""The inline float32 ``sin``/``cos``/``tanh``/``erf``/``atan2`` of ``kernels/cpu/_vecmath_special.py`` (the
declared pointwise ops' loops): within a few ulps of float64 libm over random float32 values in the
ranges their docstring states, special values (signed zeros, ±inf, NaN) as numpy's, float64 through
libm; ``like`` gives a constant in the data's type."""
import math

import numba
import numpy as np
import pytest

from minigrad.kernels.cpu._vecmath_special import atan2, cos, erf, like, sin, tanh


def _loop(f):
    inner = numba.njit(lambda v: f(v))

    @numba.njit(fastmath={"contract"}, error_model="numpy")  # the pointwise loops' flags
    def run(v, out):
        for i in range(v.size):
            out[i] = inner(v[i])
    return run


FUNCS = {"sin": (sin, np.sin, 1e5, 2.0), "cos": (cos, np.cos, 1e5, 2.0), "tanh": (tanh, np.tanh, 20.0, 3.0),
         "erf": (erf, np.vectorize(math.erf), 6.0, 3.0)}
SPECIAL = np.array([0.0, -0.0, 1e-30, -1e-30, 0.5, -0.625, 0.625, 1.0, -1.0, 3.0, 1e4, np.inf, -np.inf, np.nan],
                   np.float32)


@pytest.mark.parametrize("name", FUNCS)
def test_float32_within_ulps(name):
    f, ref, span, bound = FUNCS[name]
    rng = np.random.default_rng(1)
    v = np.concatenate([rng.uniform(-span, span, 1 << 18), rng.uniform(-2, 2, 1 << 16)]).astype(np.float32)
    got = np.empty_like(v)
    _loop(f)(v, got)
    want = ref(v.astype(np.float64))
    ulp = np.abs(np.spacing(np.maximum(np.abs(want), 1e-30).astype(np.float32))).astype(np.float64)
    err = np.abs(got - want)
    if name in ("sin", "cos"):  # near a zero of sin/cos the float32 argument itself sets the scale
        err = np.minimum(err / ulp, err / np.spacing(np.float32(1)))
        assert err.max() <= bound
    else:
        assert np.max(err / ulp) <= bound


@pytest.mark.parametrize("name", FUNCS)
def test_special_values_as_numpy(name):
    f, ref, _, _ = FUNCS[name]
    got = np.empty_like(SPECIAL)
    _loop(f)(SPECIAL, got)
    with np.errstate(invalid="ignore"):  # sin/cos of ±inf
        want = ref(SPECIAL.astype(np.float64)).astype(np.float32)
    np.testing.assert_allclose(got, want, rtol=3e-7, atol=0)
    zeros = want == 0
    assert np.array_equal(np.signbit(got[zeros]), np.signbit(want[zeros]))


@pytest.mark.parametrize("name", FUNCS)
def test_float64_is_libm(name):
    f, ref, span, _ = FUNCS[name]
    v = np.random.default_rng(2).uniform(-span, span, 1000)
    got = np.empty_like(v)
    _loop(f)(v, got)
    np.testing.assert_allclose(got, ref(v), rtol=1e-15, atol=1e-300)


def test_like_keeps_the_data_type():
    @numba.njit
    def scaled(v):
        return v * like(0.1, v)
    assert scaled(np.float32(2)) == float(np.float32(2) * np.float32(0.1))  # float32 math
    assert scaled(np.float64(2)) == 0.2


@numba.njit(fastmath={"contract"}, error_model="numpy")
def _atan2_loop(a, b, out):
    for i in range(a.size):
        out[i] = atan2(a[i], b[i])


@pytest.mark.parametrize("span", [2.0, 1e5, 1e30])
def test_atan2_float32_within_ulps(span):
    rng = np.random.default_rng(3)
    a, b = (rng.uniform(-span, span, 1 << 17).astype(np.float32) for _ in range(2))
    b[::7] *= np.float32(1e-3)  # angles near ±π/2
    got = np.empty_like(a)
    _atan2_loop(a, b, got)
    want = np.arctan2(a.astype(np.float64), b.astype(np.float64))
    assert np.max(np.abs(got - want) / np.spacing(np.abs(want).astype(np.float32))) <= 3.0


def test_atan2_special_values_as_numpy():
    """Every pair of signed zeros, ±1, ±inf, NaN, the smallest subnormal and a huge value: C's atan2
    conventions (±0 or ±π on the axis by the signs, ±π/4 and ±3π/4 for two infinities)."""
    a, b = (v.ravel() for v in np.meshgrid(SPECIAL, SPECIAL))
    a, b = np.append(a, [1e-45, 3e38, 3e38]).astype(np.float32), np.append(b, [3e38, 1e-45, -3e38]).astype(np.float32)
    got = np.empty_like(a)
    _atan2_loop(a, b, got)
    want = np.arctan2(a.astype(np.float64), b.astype(np.float64)).astype(np.float32)
    np.testing.assert_allclose(got, want, rtol=3e-7, atol=0)
    numbers = ~np.isnan(want)
    assert np.array_equal(np.signbit(got[numbers]), np.signbit(want[numbers]))


def test_atan2_float64_is_libm():
    a, b = np.random.default_rng(4).uniform(-3, 3, (2, 1000))
    got = np.empty_like(a)
    _atan2_loop(a, b, got)
    np.testing.assert_allclose(got, np.arctan2(a, b), rtol=1e-15, atol=1e-300)
