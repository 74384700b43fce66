"""Everyday torch surface that tutorials call, against torch: ``Tensor.new_*``, the default dtype
(``set_default_dtype``, ``set_default_tensor_type``), ``add``/``sub``'s deprecated ``(alpha, other)``
order, integer convolution."""
import warnings

import numpy as np
import pytest
import torch

import minigrad
import minigrad.nn.functional as MF
from tests.compare import assert_close, compare
from tests.core_helpers import node_name, same_error, torch_repr

LIBS = (minigrad, torch)


def dtype_name(t):
    return str(t.dtype).split(".")[-1]


def assert_same_tensor(got, want):
    assert dtype_name(got) == dtype_name(want)
    assert got.requires_grad == want.requires_grad
    assert_close(got.detach(), want.detach())


# ---- Tensor.new_* -------------------------------------------------------------------------------
NEW_CALLS = [
    lambda x, lib: x.new_zeros(2, 3),
    lambda x, lib: x.new_zeros((2, 3), dtype=lib.int32),
    lambda x, lib: x.new_ones([4]),
    lambda x, lib: x.new_ones(size=(1, 2)),
    lambda x, lib: x.new_ones(()),
    lambda x, lib: x.new_ones(0, 3),
    lambda x, lib: x.new_full((2, 2), 3),
    lambda x, lib: x.new_full([3], 2.5, dtype=lib.float32),
    lambda x, lib: x.new_full((), 7),
    lambda x, lib: x.new_empty(2, 0).new_zeros(x.shape),
    lambda x, lib: x.new_tensor([1.5, 2.7]),
    lambda x, lib: x.new_tensor(3),
    lambda x, lib: x.new_tensor([[1, 2]], dtype=lib.int64),
    lambda x, lib: x.new_tensor([1.0, 2.0], requires_grad=True) if x.is_floating_point() else x.new_tensor([1]),
    lambda x, lib: x.new_ones(2, requires_grad=x.is_floating_point()),
]


@pytest.mark.parametrize("dtype", ["float32", "float64", "int64"])
@pytest.mark.parametrize("call", range(len(NEW_CALLS)))
def test_new_factories_take_dtype_and_device_from_self(call, dtype):
    fn = NEW_CALLS[call]
    got, want = (fn(lib.ones(2, dtype=getattr(lib, dtype)), lib) for lib in LIBS)
    assert tuple(got.shape) == tuple(want.shape)
    assert_same_tensor(got, want)


def test_new_empty_has_shape_and_dtype():
    got, want = (lib.ones(2, dtype=lib.float64).new_empty(3, 4) for lib in LIBS)
    assert tuple(got.shape) == tuple(want.shape) and dtype_name(got) == dtype_name(want)


def test_new_tensor_copies_a_tensor_detached_with_torch_warning():
    src_mg, src_th = minigrad.tensor([1.5, 2.5], requires_grad=True), torch.tensor([1.5, 2.5], requires_grad=True)
    with warnings.catch_warnings(record=True) as w_mg:
        warnings.simplefilter("always")
        got = minigrad.ones(1, dtype=minigrad.int64).new_tensor(src_mg)
    with warnings.catch_warnings(record=True) as w_th:
        warnings.simplefilter("always")
        want = torch.ones(1, dtype=torch.int64).new_tensor(src_th)
    assert [str(w.message) for w in w_mg] == [str(w.message) for w in w_th]
    assert_same_tensor(got, want)
    copy = src_mg.new_tensor(src_mg)
    copy.add_(1)
    assert src_mg.tolist() == [1.5, 2.5] and not copy.requires_grad


@pytest.mark.parametrize("call", [lambda x: x.new_full(2, 3), lambda x: x.new_zeros(-1), lambda x: x.new_ones("a"),
                                  lambda x: x.long().new_ones(2, requires_grad=True)])
def test_new_factories_errors_as_torch(call):
    same_error(lambda: call(minigrad.ones(2)), lambda: call(torch.ones(2)))


def test_legacy_new_constructs_in_self_dtype():
    x_mg, x_th = minigrad.ones(1, dtype=minigrad.float64), torch.ones(1, dtype=torch.float64)
    assert tuple(x_mg.new(2, 3).shape) == (2, 3) and dtype_name(x_mg.new(2, 3)) == dtype_name(x_th.new(2, 3))
    assert_same_tensor(x_mg.new([1, 2]), x_th.new([1, 2]))
    assert tuple(x_mg.new().shape) == tuple(x_th.new().shape)


# ---- default dtype ------------------------------------------------------------------------------
@pytest.fixture
def restore_default_dtype():
    yield
    minigrad.set_default_dtype(minigrad.float32)
    torch.set_default_dtype(torch.float32)


DEFAULT_DTYPE_USES = [
    lambda lib: lib.tensor([1.5]),
    lambda lib: lib.tensor([[1, 2]]) * 1.5,
    lambda lib: lib.arange(3) / 2,
    lambda lib: lib.arange(3.0),
    lambda lib: lib.zeros(2),
    lambda lib: lib.full((2,), 1.5),
    lambda lib: lib.linspace(0, 1, 3),
    lambda lib: lib.eye(2),
    lambda lib: lib.Tensor(2).zero_(),
    lambda lib: lib.tensor([1, 2]).sin(),
    lambda lib: lib.tensor([1, 2]).float(),  # stays float32 whatever the default
    lambda lib: lib.tensor([1.5], dtype=lib.float32),
]


@pytest.mark.parametrize("default", ["float64", "float32"])
@pytest.mark.parametrize("use", range(len(DEFAULT_DTYPE_USES)))
def test_set_default_dtype_reaches_factories_and_promotion(use, default, restore_default_dtype):
    got, want = [], []
    for lib, out in ((minigrad, got), (torch, want)):
        lib.set_default_dtype(getattr(lib, default))
        assert str(lib.get_default_dtype()).endswith(default)
        out.append(DEFAULT_DTYPE_USES[use](lib))
    assert_same_tensor(got[0], want[0])


def test_default_dtype_reaches_random_draws_and_layers(restore_default_dtype):
    for lib in LIBS:
        lib.set_default_dtype(lib.float64)
        assert [dtype_name(t) for t in (lib.randn(2), lib.rand(2), lib.nn.Linear(2, 3).weight)] == ["float64"] * 3


@pytest.mark.parametrize("legacy", ["DoubleTensor", "torch.DoubleTensor", "FloatTensor", "torch.FloatTensor"])
def test_set_default_tensor_type_warns_and_sets_the_dtype(legacy, restore_default_dtype):
    with pytest.warns(UserWarning, match="set_default_tensor_type\\(\\) is deprecated"):  # torch: once a process
        minigrad.set_default_tensor_type(getattr(minigrad, legacy) if "." not in legacy else legacy)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.set_default_tensor_type(getattr(torch, legacy) if "." not in legacy else legacy)
    assert dtype_name(minigrad.tensor([1.5])) == dtype_name(torch.tensor([1.5]))


@pytest.mark.parametrize("call", [lambda lib: lib.set_default_dtype(lib.int64),
                                  lambda lib: lib.set_default_dtype("float"),
                                  lambda lib: lib.set_default_tensor_type("torch.LongTensor"),
                                  lambda lib: lib.set_default_tensor_type(lib.float64),
                                  lambda lib: lib.set_default_tensor_type(3)])
def test_default_dtype_errors_as_torch(call, restore_default_dtype):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        same_error(lambda: call(minigrad), lambda: call(torch))
    assert minigrad.get_default_dtype() is minigrad.float32


# ---- add/sub(input, alpha, other) ---------------------------------------------------------------
@pytest.mark.parametrize("name", ["add", "sub"])
@pytest.mark.parametrize("form", ["function", "method", "inplace"])
def test_deprecated_alpha_first_order(name, form):
    a = np.array([[0.5, -1.0], [2.0, 3.0]])
    b = np.array([[1.0, 2.0], [-3.0, 0.25]])
    outs, messages = [], []
    for lib in LIBS:
        x, y = lib.tensor(a), lib.tensor(b)
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            if form == "function":
                outs.append(getattr(lib, name)(x, 10, y))
            elif form == "method":
                outs.append(getattr(x, name)(10, y))
            else:
                getattr(x, name + "_")(10, y)
                outs.append(x)
        messages.append([str(m.message).split(" (Triggered")[0] for m in w])
    assert_close(outs[0], outs[1])
    assert messages[0] and messages[0][0].startswith(f"This overload of {name} is deprecated")  # torch: once


# ---- integer convolution (torch's CPU computes it exactly) --------------------------------------
@pytest.mark.parametrize("dtype", ["int64", "int32", "uint8"])
@pytest.mark.parametrize("geometry", [dict(), dict(stride=2, padding=1), dict(padding="same", dilation=2),
                                      dict(groups=2, stride=(1, 2), padding=(0, 1))])
def test_conv2d_on_integers_as_torch(geometry, dtype):
    rng = np.random.default_rng(0)
    x = rng.integers(0, 9, (2, 4, 7, 6))
    w = rng.integers(-3, 4, (4, 4 // geometry.get("groups", 1), 3, 3))
    b = rng.integers(-5, 5, 4)
    if dtype == "uint8":
        w, b = np.abs(w), np.abs(b)
    mg, th = ([lib.tensor(v, dtype=getattr(lib, dtype)) for v in (x, w, b)] for lib in LIBS)
    if "dilation" in geometry and dtype != "int64":  # torch's dilated integer convolution is int64 only
        same_error(lambda: MF.conv2d(*mg, **geometry), lambda: torch.nn.functional.conv2d(*th, **geometry))
        return
    assert_same_tensor(MF.conv2d(*mg, **geometry), torch.nn.functional.conv2d(*th, **geometry))
    got, want = (lib.nn.functional.conv2d(lib.tensor(x[0]), lib.tensor(w), **geometry)  # unbatched, no bias, int64
                 for lib in LIBS)
    assert_same_tensor(got, want)


def test_conv1d_on_integers_as_torch():
    x, w = np.arange(24).reshape(2, 3, 4), np.ones((2, 3, 2), dtype=np.int64)
    got, want = (lib.nn.functional.conv1d(lib.tensor(x), lib.tensor(w), padding=1) for lib in LIBS)
    assert_same_tensor(got, want)


def test_conv2d_on_bool_refused_as_torch():
    x = np.ones((1, 1, 3, 3), dtype=bool)
    same_error(lambda: MF.conv2d(minigrad.tensor(x), minigrad.tensor(x)),
               lambda: torch.nn.functional.conv2d(torch.tensor(x), torch.tensor(x)))


# ---- versions ----------------------------------------------------------------------------------
def test_version_own_and_under_the_torch_alias(tmp_path):
    import subprocess
    import sys
    assert minigrad.__version__ == minigrad.version.__version__  # no alias installed in this process
    script = tmp_path / "v.py"
    script.write_text("import torch\nprint(torch.__version__, torch.version.cuda, torch.__version__ >= '2.1')\n")
    res = subprocess.run([sys.executable, "-m", "minigrad", "run", str(script)], capture_output=True, text=True,
                         timeout=120)
    assert res.returncode == 0, res.stderr
    assert res.stdout.split() == [minigrad.version.torch, "None", "True"]
    assert minigrad.version.torch.split("+")[0] == torch.__version__.split("+")[0]  # the torch these tests run


# ---- metadata and small conveniences -------------------------------------------------------------
def test_metadata_as_torch():
    a = np.arange(24, dtype=np.float64).reshape(2, 3, 4)
    mg, th = minigrad.tensor(a).permute(2, 0, 1), torch.tensor(a).permute(2, 0, 1)
    assert mg.stride() == th.stride() and mg.stride(-1) == th.stride(-1)
    assert (mg.itemsize, mg.nbytes, mg.is_cpu, mg.get_device()) == (th.itemsize, th.nbytes, th.is_cpu,
                                                                    th.get_device())
    assert mg.is_signed() == th.is_signed() and mg.byte().is_signed() == th.byte().is_signed()
    assert mg.is_complex() is th.is_complex() is False
    assert mg.is_same_size(mg.clone()) and not mg.is_same_size(mg[0])
    base_mg, base_th = minigrad.tensor(a), torch.tensor(a)  # a view's address is its first element's
    assert base_mg[1].data_ptr() - base_mg.data_ptr() == base_th[1].data_ptr() - base_th.data_ptr() == 12 * 8


@pytest.mark.parametrize("name", ["short", "char", "type_as", "ravel"])
def test_casts_and_ravel_as_torch(name):
    a = np.array([[1.7, -2.2], [3.9, 0.0]])
    got, want = ((getattr(lib.tensor(a).t(), name)(lib.ones(1, dtype=lib.int32)) if name == "type_as" else
                  getattr(lib.tensor(a).t(), name)()) for lib in LIBS)
    assert_same_tensor(got, want)


def test_is_nonzero_as_torch():
    for v in ([0.0], [1.5], [True], [[3]]):
        assert minigrad.tensor(v).is_nonzero() == torch.tensor(v).is_nonzero()
    same_error(lambda: minigrad.tensor([]).is_nonzero(), lambda: torch.tensor([]).is_nonzero())
    same_error(lambda: minigrad.ones(2).is_nonzero(), lambda: torch.ones(2).is_nonzero())


def test_apply_and_map_as_torch():
    a, b = np.array([[1.0, 2.0], [3.0, 4.0]]), np.array([10.0, 20.0])
    got, want = ((lib.tensor(a).t().contiguous().apply_(lambda v: v * v - 1)) for lib in LIBS)
    assert_same_tensor(got, want)
    got, want = ((lib.tensor(a).map_(lib.tensor(b), lambda x, y: x * y + 1)) for lib in LIBS)
    assert_same_tensor(got, want)
    leaf = minigrad.ones(2, requires_grad=True)
    with pytest.raises(RuntimeError):
        leaf.apply_(lambda v: v)


@pytest.mark.parametrize("name", ["divide", "greater", "greater_equal", "less", "less_equal", "not_equal"])
def test_comparison_and_division_aliases_as_torch(name):
    a, b = np.array([1.0, 2.0, 3.0]), np.array([2.0, 2.0, 1.0])
    got, want = (getattr(lib, name)(lib.tensor(a), lib.tensor(b)) for lib in LIBS)
    assert_same_tensor(got, want)
    got, want = (getattr(lib.tensor(a), name + "_")(lib.tensor(b)) for lib in LIBS)
    assert_same_tensor(got, want)


@pytest.mark.parametrize("name, arg", [("eq_", 2.0), ("ne_", 2.0), ("lt_", 2.0), ("ge_", 2.0), ("pow_", 2),
                                       ("clamp_min_", 1.5), ("clamp_max_", 1.5), ("clip_", 1.5),
                                       ("multiply_", 3.0), ("subtract_", 1.0), ("true_divide_", 4.0)])
def test_inplace_forms_as_torch(name, arg):
    a = np.array([[1.0, 2.0], [3.0, -1.0]])
    got, want = (getattr(lib.tensor(a), name)(arg) for lib in LIBS)
    assert_same_tensor(got, want)


def test_inplace_logical_and_cumsum_as_torch():
    a, b = np.array([0.0, 1.0, 2.0]), np.array([1.0, 0.0, 3.0])
    for name in ("logical_and_", "logical_or_", "logical_xor_"):
        got, want = (getattr(lib.tensor(a), name)(lib.tensor(b)) for lib in LIBS)
        assert_same_tensor(got, want)
    assert_same_tensor(minigrad.tensor(a).logical_not_(), torch.tensor(a).logical_not_())
    assert_same_tensor(minigrad.tensor(a).cumsum_(0), torch.tensor(a).cumsum_(0))


@pytest.mark.parametrize("dtype", ["float32", "float64", "int64"])
@pytest.mark.parametrize("kw", [dict(), dict(rtol=0.1), dict(atol=0.5), dict(equal_nan=True)])
def test_isclose_as_torch(kw, dtype):
    a = np.array([1.0, 2.0, np.nan, np.inf, -np.inf, 100.0, 0.0])
    b = np.array([1.0, 2.05, np.nan, np.inf, np.inf, 101.0, 1e-9])
    if dtype == "int64":
        a, b = np.arange(7), np.array([0, 1, 3, 3, 5, 4, 6])
    for fn in (lambda lib, x, y: lib.isclose(x, y, **kw), lambda lib, x, y: x.isclose(y, **kw)):
        got, want = (fn(lib, lib.tensor(a, dtype=getattr(lib, dtype)), lib.tensor(b, dtype=getattr(lib, dtype)))
                     for lib in LIBS)
        assert_same_tensor(got, want)


def test_isclose_errors_as_torch():
    same_error(lambda: minigrad.isclose(minigrad.ones(1), minigrad.ones(1, dtype=minigrad.float64)),
               lambda: torch.isclose(torch.ones(1), torch.ones(1, dtype=torch.float64)))
    same_error(lambda: minigrad.isclose(minigrad.ones(1), minigrad.ones(1), rtol=-1),
               lambda: torch.isclose(torch.ones(1), torch.ones(1), rtol=-1))


@pytest.mark.parametrize("kw", [dict(), dict(dim=0), dict(descending=True), dict(dim=0, stable=True)])
def test_argsort_as_torch(kw):
    a = np.array([[3.0, 1.0, 2.0], [0.5, 0.5, -1.0]])
    for fn in (lambda lib, x: lib.argsort(x, **kw), lambda lib, x: x.argsort(**kw)):
        got, want = (fn(lib, lib.tensor(a)) for lib in LIBS)
        assert_same_tensor(got, want)


# ---- torch-level helpers ------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["float16", "float32", "float64", None])
def test_finfo_as_torch(name):
    got, want = ((lib.finfo(getattr(lib, name)) if name else lib.finfo()) for lib in LIBS)
    for field in ("bits", "eps", "max", "min", "tiny", "smallest_normal", "resolution", "dtype"):
        assert getattr(got, field) == getattr(want, field), field
    assert repr(got) == repr(want)


@pytest.mark.parametrize("name", ["uint8", "int8", "int16", "int32", "int64"])
def test_iinfo_as_torch(name):
    got, want = (lib.iinfo(getattr(lib, name)) for lib in LIBS)
    assert (got.bits, got.max, got.min, got.dtype) == (want.bits, want.max, want.min, want.dtype)
    assert repr(got) == repr(want)


def test_finfo_iinfo_errors_as_torch():
    same_error(lambda: minigrad.finfo(minigrad.int32), lambda: torch.finfo(torch.int32))
    same_error(lambda: minigrad.iinfo(minigrad.float32), lambda: torch.iinfo(torch.float32))


NAMES = ["bool", "uint8", "int8", "int16", "int32", "int64", "float16", "float32", "float64"]


def test_promote_types_and_can_cast_as_torch():
    for a in NAMES:
        for b in NAMES:
            got = minigrad.promote_types(getattr(minigrad, a), getattr(minigrad, b))
            assert dtype_name(minigrad.ones(1, dtype=got)) == str(torch.promote_types(getattr(torch, a),
                                                                                     getattr(torch, b))).split(".")[1]
            assert minigrad.can_cast(getattr(minigrad, a), getattr(minigrad, b)) == torch.can_cast(getattr(torch, a),
                                                                                                   getattr(torch, b))


def test_typename_broadcast_shapes_logspace_as_torch():
    assert minigrad.typename(minigrad.ones(1, dtype=minigrad.int64)).split(".")[-1] == \
        torch.typename(torch.ones(1, dtype=torch.int64)).split(".")[-1]
    assert minigrad.typename(3) == torch.typename(3) == "int"
    for shapes in (((2, 1), (3,)), ((), (4, 1), [1, 5]), (3, (2, 1))):
        assert tuple(minigrad.broadcast_shapes(*shapes)) == tuple(torch.broadcast_shapes(*shapes))
    with pytest.raises(RuntimeError):
        minigrad.broadcast_shapes((2,), (3,))
    for kw in (dict(), dict(base=2.0), dict(dtype="float64")):
        kw_mg = {k: getattr(minigrad, v) if k == "dtype" else v for k, v in kw.items()}
        kw_th = {k: getattr(torch, v) if k == "dtype" else v for k, v in kw.items()}
        assert_same_tensor(minigrad.logspace(-1, 2, 5, **kw_mg), torch.logspace(-1, 2, 5, **kw_th))
    assert torch_repr(minigrad.broadcast_shapes((2, 1), (3,))) == repr(torch.broadcast_shapes((2, 1), (3,)))


def test_backends_flags_and_deterministic_switch():
    for lib in LIBS:
        lib.backends.cudnn.deterministic = True
        lib.backends.cudnn.benchmark = False
        assert lib.backends.cudnn.deterministic and not lib.backends.cudnn.benchmark
        assert lib.backends.mps.is_available() is False
        lib.use_deterministic_algorithms(True, warn_only=True)
        assert lib.are_deterministic_algorithms_enabled() and lib.is_deterministic_algorithms_warn_only_enabled()
        lib.use_deterministic_algorithms(False)
        assert not lib.are_deterministic_algorithms_enabled()
    for lib in LIBS:  # torch names its private helper; minigrad the public function
        with pytest.raises(TypeError, match="argument 'mode' \\(position 1\\) must be bool, not int"):
            lib.use_deterministic_algorithms(1)


# ---- in-place view changes ----------------------------------------------------------------------
VIEW_INPLACE = [lambda y: y.unsqueeze_(0), lambda y: y.squeeze_(), lambda y: y.squeeze_(1),
                lambda y: y.transpose_(0, 2), lambda y: y[0].t_(), lambda y: y.swapaxes_(0, 1),
                lambda y: y.swapdims_(1, 2)]


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("change", range(len(VIEW_INPLACE)))
def test_inplace_view_changes_as_torch(change, dtype):
    a = np.random.default_rng(0).standard_normal((2, 1, 3)).astype(dtype)
    outs = []
    for lib in LIBS:
        x = lib.tensor(a, requires_grad=True)
        y = VIEW_INPLACE[change](x * 2)
        (y * lib.tensor(np.arange(y.numel()).reshape(tuple(y.shape)).astype(dtype))).sum().backward()
        outs.append((y, x.grad, node_name(y)))
    assert_same_tensor(outs[0][0], outs[1][0])
    assert_same_tensor(outs[0][1], outs[1][1])
    assert outs[0][2] == outs[1][2]


def test_inplace_view_change_keeps_memory_and_refuses_leaves_as_torch():
    got, want = [], []
    for lib, out in ((minigrad, got), (torch, want)):
        z = lib.arange(6).view(2, 3)
        w = z.view(6)
        z.t_()
        z[0, 1] = 100
        out.append(w)
    assert_same_tensor(got[0], want[0])
    same_error(lambda: minigrad.ones(2, requires_grad=True).unsqueeze_(0),
               lambda: torch.ones(2, requires_grad=True).unsqueeze_(0))


# ---- NaN-skipping and paired reductions --------------------------------------------------------
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name", ["nansum", "nanmean"])
@pytest.mark.parametrize("kw", [dict(), dict(dim=1), dict(dim=0, keepdim=True)])
def test_nan_reductions_as_torch(kw, name, dtype):
    a = np.array([[1.0, np.nan, 2.0], [np.nan, np.nan, 3.0], [4.0, 5.0, 6.0]], dtype=dtype)
    for fn in (lambda lib: lambda x: getattr(lib, name)(x, **kw), lambda lib: lambda x: getattr(x, name)(**kw)):
        out_mg, out_th = compare(fn(minigrad), fn(torch), [a])
        assert node_name(out_mg) == node_name(out_th)


def test_nan_reductions_on_integers_as_torch():
    assert_same_tensor(minigrad.nansum(minigrad.tensor([1, 2])), torch.nansum(torch.tensor([1, 2])))
    same_error(lambda: minigrad.nanmean(minigrad.tensor([1, 2])), lambda: torch.nanmean(torch.tensor([1, 2])))


@pytest.mark.parametrize("name", ["std_mean", "var_mean"])
@pytest.mark.parametrize("kw", [dict(), dict(dim=1), dict(dim=0, keepdim=True, correction=0),
                                dict(dim=1, unbiased=False)])
def test_std_var_mean_as_torch(kw, name):
    a = np.random.default_rng(1).standard_normal((3, 4))
    got, want = (getattr(lib, name)(lib.tensor(a), **kw) for lib in LIBS)
    assert len(got) == len(want) == 2
    for g, w in zip(got, want):
        assert_same_tensor(g, w)


# ---- order statistics ---------------------------------------------------------------------------
NO_TIES = np.array([[3.0, 1.0, 2.5, 2.0], [np.nan, 1.0, 5.0, np.nan], [4.5, -4.0, 0.5, 1.0]])


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("kw", [dict(), dict(dim=1), dict(dim=0, keepdim=True), dict(dim=-1, keepdim=True)])
def test_median_as_torch(kw, dtype):
    a = NO_TIES.astype(dtype)
    for fn in (lambda lib: lambda x: lib.median(x, **kw), lambda lib: lambda x: x.median(**kw)):
        pick = (lambda r: r) if not kw else (lambda r: r.values)
        out_mg, out_th = compare(lambda x: pick(fn(minigrad)(x)), lambda x: pick(fn(torch)(x)), [a])
        assert node_name(out_mg) == node_name(out_th)
    if kw:
        got, want = minigrad.tensor(a).median(**kw), torch.tensor(a).median(**kw)
        assert_same_tensor(got.indices, want.indices)
        assert torch_repr(got).split("(")[0] == repr(want).split("(")[0]


@pytest.mark.parametrize("k", [1, 2, 4])
@pytest.mark.parametrize("kw", [dict(), dict(dim=0), dict(dim=1, keepdim=True)])
def test_kthvalue_as_torch(k, kw):
    a = np.array([[3.0, 1.0, 2.5, 2.0], [7.0, 1.5, 5.0, -2.0], [4.5, -4.0, 0.5, 1.0], [0.0, 9.0, 8.0, 6.0]])
    out_mg, out_th = compare(lambda x: minigrad.kthvalue(x, k, **kw).values,
                             lambda x: torch.kthvalue(x, k, **kw).values, [a])
    assert node_name(out_mg) == node_name(out_th)
    assert_same_tensor(minigrad.tensor(a).kthvalue(k, **kw).indices, torch.tensor(a).kthvalue(k, **kw).indices)


def test_order_statistics_edges_as_torch():
    for fn in (lambda lib: lib.tensor(5.0).median(0), lambda lib: lib.tensor(5.0).kthvalue(1)):
        got, want = fn(minigrad), fn(torch)
        assert_same_tensor(got.values, want.values)
        assert_same_tensor(got.indices, want.indices)
    ties = np.array([2.0, 1.0, 2.0, 3.0, 2.0, 5.0])  # the median's gradient is shared by the equal elements
    compare(lambda x: x.median(), lambda x: x.median(), [ties])
    assert_same_tensor(minigrad.tensor([]).median(), torch.tensor([]).median())
    assert_same_tensor(minigrad.tensor([1, 3, 2, 7]).median(), torch.tensor([1, 3, 2, 7]).median())
    same_error(lambda: minigrad.ones(2, 3).kthvalue(4, 1), lambda: torch.ones(2, 3).kthvalue(4, 1))


def test_compile_returns_the_model_unchanged():
    model = minigrad.nn.Linear(2, 2)
    assert minigrad.compile(model) is model and model.compile() is None

    @minigrad.compile(mode="max-autotune")
    def double(x):
        return x * 2
    assert double(minigrad.ones(1)).tolist() == [2.0] and minigrad.compile(double) is double
