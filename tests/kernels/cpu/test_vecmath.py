"""The inline float32 ``exp``/``log``/``log1p`` of ``kernels/cpu/_vecmath.py`` (every exp/log loss's
inner loop): within the ulp bounds its docstring states, over random float32 bit patterns, under the
kernels' own fastmath flags; special values exactly as numpy's (signed zeros included); float64
goes to libm and matches numpy."""
import numba
import numpy as np
import pytest

from minigrad.kernels.cpu._vecmath import exp, exp_nonpositive, log, log1p, log1p_unit
from minigrad.kernels.jit import FASTMATH


def _loop(f):
    inner = numba.njit(lambda v: f(v))

    @numba.njit(fastmath=set(FASTMATH), error_model="numpy")
    def run(v, out):
        for i in range(v.size):
            out[i] = inner(v[i])
    return run


FUNCS = {"exp": (exp, np.exp, lambda v: np.abs(v) < 87, 5.0),
         "log": (log, np.log, lambda v: v > 0, 2.0),
         "log1p": (log1p, np.log1p, lambda v: v > -1, 3.0)}
BOUNDED = {**FUNCS, "log1p_unit": (log1p_unit, np.log1p, lambda v: (v >= 0) & (v <= 1), 3.0),  # defined on [0, 1]
           "exp_nonpositive": (exp_nonpositive, np.exp, lambda v: (v <= 0) & (v > -87), 5.0)}  # on v <= 0
SPECIAL = np.array([0.0, -0.0, 1.0, -1.0, -2.0, 1e-30, -1e-30, 1e-45, -1e-45, 0.5, -0.5, 88.0, 89.0, -87.0, -104.0,
                    3.4e38, np.inf, -np.inf, np.nan], np.float32)


@pytest.fixture(scope="module")
def samples():
    bits = np.random.default_rng(0).integers(0, 2 ** 32, 1 << 20, dtype=np.uint64).astype(np.uint32)
    v = bits.view(np.float32)
    return v[np.isfinite(v)]


@pytest.mark.parametrize("name", BOUNDED)
def test_float32_within_stated_ulps(samples, name):
    f, ref, domain, bound = BOUNDED[name]
    v = samples[domain(samples)]
    got = np.empty_like(v)
    _loop(f)(v, got)
    want = ref(v.astype(np.float64))
    ulp = np.abs(np.spacing(want.astype(np.float32))).astype(np.float64)
    assert np.max(np.abs(got - want) / ulp) <= bound


@pytest.mark.parametrize("name, values", [(name, SPECIAL) for name in FUNCS]
                         + [("exp_nonpositive", SPECIAL[~(SPECIAL > 0)])])
def test_special_values_as_numpy(name, values):
    f, ref, _, _ = BOUNDED[name]
    got = np.empty_like(values)
    _loop(f)(values, got)
    with np.errstate(all="ignore"):
        want = ref(values.astype(np.float64)).astype(np.float32)
    exact = ~np.isfinite(want) | (want == 0)
    assert np.array_equal(got[exact], want[exact], equal_nan=True)
    signed = exact & ~np.isnan(want)  # a NaN's sign is not specified
    assert np.array_equal(np.signbit(got[signed]), np.signbit(want[signed]))
    np.testing.assert_allclose(got[~exact], want[~exact], rtol=1e-6)


@pytest.mark.parametrize("name", BOUNDED)
def test_float64_is_libm(samples, name):
    f, ref, domain, _ = BOUNDED[name]
    v = samples[domain(samples)][:4096].astype(np.float64)
    got = np.empty_like(v)
    _loop(f)(v, got)
    np.testing.assert_allclose(got, ref(v), rtol=1e-15, atol=0)


@pytest.mark.parametrize("f", [log1p, log1p_unit], ids=["log1p", "log1p_unit"])
@pytest.mark.parametrize("dtype, rtol", [(np.float32, 3e-7), (np.float64, 1e-15)])
def test_log1p_of_a_softplus_term(f, dtype, rtol):
    """log1p(e^−|x|), e^−|x| ∈ [0, 1] (the soft-margin losses' term), within rtol of float64's,
    tiny arguments, 0, 1 and NaN included."""
    v = np.concatenate([np.random.default_rng(0).random(20000), np.logspace(-40, 0, 2000), [0.0, 1.0, np.nan]])
    v = v.astype(dtype)
    out = np.empty_like(v)
    _loop(f)(v, out)
    np.testing.assert_allclose(out, np.log1p(v.astype(np.float64)), rtol=rtol, atol=0, equal_nan=True)
