"""Differential tests: minigrad._printing against real torch reprs."""
import numpy as np
import pytest

torch = pytest.importorskip("torch")

from minigrad import _printing  # noqa: E402

rng = np.random.default_rng(0)
f32, f64, f16 = np.float32, np.float64, np.float16
nan, inf = np.nan, np.inf


def A(x, dtype=f32):
    return np.array(x, dtype=dtype)


def rand(*shape, dtype=f32, scale=1.0):
    return (rng.standard_normal(shape) * scale).astype(dtype)


CASES = {
    # 0-d
    "0d_int_float": A(1.0),
    "0d_frac": A(0.625),
    "0d_neg": A(-3.25, f64),
    "0d_tiny": A(1e-5),
    "0d_huge": A(1e9),
    "0d_nan": A(nan),
    "0d_neg_zero": A(-0.0),
    "0d_int64": A(7, np.int64),
    "0d_int32": A(-7, np.int32),
    "0d_bool": A(True, np.bool_),
    "0d_f16": A(0.1, f16),
    # 1-d floats
    "1d_integral": A([1, 2, 3]),
    "1d_frac": A([0.5, 1.25, -2.0]),
    "1d_f64": A([1.0, 2.0], f64),
    "1d_f16": A([0.1, 0.2, 65504.0], f16),
    "1d_f16_small": A([1e-3, 3e-4], f16),
    "1d_tiny": A([1e-5, 2e-5, 3e-5]),
    "1d_huge": A([1e9, 2e9]),
    "1d_huge_integral_f64": A([1e8, 1.0], f64),
    "1d_ratio": A([1.0, 1001.0]),
    "1d_ratio_frac": A([0.5, 600.25]),
    "1d_ratio_edge": A([1.0, 1000.0]),
    "1d_mixed": A([1e-5, 1.0, 1e5]),
    "1d_negative": A([-1.5, -2.25, -1000.125]),
    "1d_nan_inf": A([nan, inf, -inf, 1.5]),
    "1d_nan_inf_int": A([nan, inf, -inf, 2.0]),
    "1d_nan_sci": A([nan, 1e-6, -inf]),
    "1d_only_nonfinite": A([nan, inf, -inf]),
    "1d_neg_zero": A([-0.0, 1.0, 2.0]),
    "1d_neg_zero_frac": A([-0.0, 0.5]),
    "1d_all_zero": A([0.0, 0.0, 0.0]),
    "1d_all_zero_f64": A([0.0, -0.0], f64),
    "1d_rounding": A([0.00005, 0.99995, 1.23456789]),
    "1d_large_int_floats": A([123456789.0, 1.0], f64),
    "1d_rand": rand(10),
    "1d_wrap": rand(30),
    "1d_wrap_f64": rand(40, dtype=f64, scale=1000),
    "1d_wrap_sci": rand(25, scale=1e-6),
    # ints / bool / uint8
    "1d_int64": A([1, -20, 300], np.int64),
    "1d_int32": A([1, 2, 3], np.int32),
    "1d_int16": A([-32768, 5], np.int16),
    "1d_int8": A([-128, 127], np.int8),
    "1d_uint8": A([0, 255, 7], np.uint8),
    "1d_bool": A([True, False, True], np.bool_),
    "1d_int_wrap": np.arange(100, dtype=np.int64) * 1234567,
    "1d_bool_wrap": rng.random(40) > 0.5,
    # 2-d / 3-d / 4-d
    "2d_rand": rand(3, 4),
    "2d_f64": rand(2, 3, dtype=f64, scale=100),
    "2d_integral": A([[1, 2], [30, 4]]),
    "2d_wide": rand(3, 20),
    "2d_int": rng.integers(-1000, 1000, (4, 5)),
    "2d_bool": rng.random((3, 3)) > 0.5,
    "2d_uint8": rng.integers(0, 256, (3, 4)).astype(np.uint8),
    "2d_sci": rand(3, 3, scale=1e-7),
    "2d_nan": A([[nan, 1.0], [2.5, -inf]]),
    "3d_rand": rand(2, 3, 4),
    "3d_int32": rng.integers(0, 10, (2, 2, 3)).astype(np.int32),
    "4d_rand": rand(2, 2, 2, 3),
    "4d_f16": rand(2, 1, 2, 2, dtype=f16),
    "2d_single": A([[5.0]]),
    # empty
    "empty_1d": np.zeros((0,), f32),
    "empty_1d_f64": np.zeros((0,), f64),
    "empty_1d_int64": np.zeros((0,), np.int64),
    "empty_1d_bool": np.zeros((0,), np.bool_),
    "empty_2d": np.zeros((0, 3), f32),
    "empty_3d_int32": np.zeros((2, 0, 4), np.int32),
    # summarised
    "sum_1d_2000": rand(2000),
    "sum_1d_int": np.arange(2000, dtype=np.int64),
    "sum_1d_1001": np.arange(1001, dtype=f32),
    "not_sum_1000": np.arange(1000, dtype=f32),
    "sum_40x40": rand(40, 40),
    "sum_3x500": rand(3, 500),
    "sum_500x3": rand(500, 3, dtype=f64),
    "sum_10x10x20": rand(10, 10, 20),
    "sum_4x5x6x10": rand(4, 5, 6, 10),
    "sum_edges_define_mode": np.concatenate([np.ones(3), np.full(1000, 0.5), np.ones(3) * 2]).astype(f32),
    "sum_middle_sci_hidden": np.concatenate([np.ones(3), np.full(1000, 1e-9), np.ones(3)]).astype(f32),
    "sum_bool": rng.random(3000) > 0.5,
    "sum_wide_rows": rand(2, 600, scale=1e4),
}

NAMES = {np.dtype(d): n for d, n in [(f16, "float16"), (f32, "float32"), (f64, "float64"),
                                     (np.int8, "int8"), (np.int16, "int16"), (np.int32, "int32"),
                                     (np.int64, "int64"), (np.uint8, "uint8"), (np.bool_, "bool")]}


@pytest.fixture(autouse=True)
def torch_namespace(monkeypatch):
    monkeypatch.setattr(_printing, "NAMESPACE", "torch")


def ours(arr, **kw):
    return _printing.tensor_repr(arr, NAMES[arr.dtype], **kw)


@pytest.mark.parametrize("name", list(CASES))
def test_matches_torch(name):
    arr = np.ascontiguousarray(CASES[name])
    assert ours(arr) == repr(torch.from_numpy(arr.copy()))


@pytest.mark.parametrize("name", ["0d_frac", "1d_frac", "1d_f64", "2d_wide", "4d_f16", "empty_2d", "sum_40x40",
                                  "1d_wrap_f64"])
def test_requires_grad_and_grad_fn(name):
    arr = np.ascontiguousarray(CASES[name])
    leaf = torch.from_numpy(arr.copy()).requires_grad_()
    assert ours(arr, requires_grad=True) == repr(leaf)
    assert ours(arr * 2, requires_grad=True, grad_fn_name="MulBackward0") == repr(leaf * 2)
    assert ours(arr.sum(), requires_grad=True, grad_fn_name="SumBackward0") == repr(leaf.sum())


def test_suffix_wraps_to_new_line():
    # last line long enough that ", dtype=..., grad_fn=..." no longer fits within 80 columns
    arr = np.arange(11, dtype=f64) * 1.5
    leaf = torch.from_numpy(arr.copy()).requires_grad_()
    assert ours(arr * 2, grad_fn_name="MulBackward0") == repr(leaf * 2)
    assert ours(arr, requires_grad=True) == repr(leaf)


def test_parameter_prefix():
    arr = rand(3, 4)
    p = torch.nn.Parameter(torch.from_numpy(arr.copy()))
    assert "Parameter containing:\n" + ours(arr, requires_grad=True) == repr(p)


def test_custom_prefix_indent():
    arr = rand(2, 3)
    text = _printing.tensor_repr(arr, "float32", prefix="Foo(")
    lines = text.split("\n")
    assert lines[0].startswith("Foo([[") and lines[1].startswith("     [")


def test_device_suffix():
    assert ours(A([1.0, 2.0]), device="cuda:0") == "tensor([1., 2.], device='cuda:0')"
    assert ours(A([1, 2], np.int32), device="cuda:0") == "tensor([1, 2], device='cuda:0', dtype=torch.int32)"
    assert ours(A([1.0, 2.0]), device="cpu") == "tensor([1., 2.])"


def test_size_and_namespace(monkeypatch):
    for shape in [(), (2, 3), (0,), (1, 0, 5)]:
        assert _printing.size_repr(shape) == repr(torch.Size(shape))
    assert _printing.size_repr((np.int64(2), 3)) == "torch.Size([2, 3])"
    monkeypatch.setattr(_printing, "NAMESPACE", "minigrad")
    assert _printing.namespace() == "minigrad"
    assert _printing.size_repr((4,)) == "minigrad.Size([4])"
    assert _printing.tensor_repr(A([1.0], f64), "float64") == "tensor([1.], dtype=minigrad.float64)"
