"""Everyday torch surface that tutorials call, against torch: ``Tensor.new_*``, the default dtype
(``set_default_dtype``, ``set_default_tensor_type``), ``add``/``sub``'s deprecated ``(alpha, other)``
order, integer convolution."""
import warnings

import numpy as np
import pytest
import torch

import minigrad
import minigrad.nn.functional as MF
from tests.compare import assert_close

LIBS = (minigrad, torch)


def same_error(fn_mg, fn_th):
    with pytest.raises(Exception) as th:
        fn_th()
    with pytest.raises(type(th.value)) as mg:
        fn_mg()
    assert str(mg.value) == str(th.value)


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
