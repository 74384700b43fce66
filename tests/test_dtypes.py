"""dtype objects and torch's promotion rules: every pair of float32/float64/int64/int32/uint8/bool
as dimensioned tensors, 0-d tensors and Python scalars, checked against ``torch.result_type`` and the
dtypes the ops actually produce; conversions (``to``, ``type``, ``float()`` ...)."""
import itertools
import operator

import numpy as np
import pytest
import torch

import minigrad
from tests.core_helpers import check, torch_repr

NAMES = ["float32", "float64", "int64", "int32", "uint8", "bool"]
SCALARS = {"True": True, "3": 3, "2.5": 2.5}
VALUES = {"float32": 1.5, "float64": 2.5, "int64": 3, "int32": 2, "uint8": 1, "bool": True}


def make(lib, name, zero_dim):
    value = VALUES[name]
    dt = getattr(lib, name)
    return lib.tensor(value if zero_dim else [value, value], dtype=dt)


def operands():
    """(id, factory) for every operand kind: dimensioned tensor, 0-d tensor, Python scalar."""
    out = [(f"{n}[2]", lambda lib, n=n: make(lib, n, False)) for n in NAMES]
    out += [(f"{n}[]", lambda lib, n=n: make(lib, n, True)) for n in NAMES]
    out += [(f"py{k}", lambda lib, v=v: v) for k, v in SCALARS.items()]
    return out


PAIRS = [(a, b) for a, b in itertools.product(operands(), repeat=2)
         if not (a[0].startswith("py") and b[0].startswith("py"))]


def dtype_name(d):
    return str(d).split(".")[-1]


@pytest.mark.parametrize("a,b", PAIRS, ids=[f"{a[0]}-{b[0]}" for a, b in PAIRS])
def test_result_type(a, b):
    got = minigrad.result_type(a[1](minigrad), b[1](minigrad))
    want = torch.result_type(a[1](torch), b[1](torch))
    assert dtype_name(got) == dtype_name(want)


OPS = {"add": operator.add, "mul": operator.mul, "sub": operator.sub, "div": operator.truediv,
       "maximum": lambda x, y: torch_or_mg(x, y).maximum(x, y), "eq": operator.eq, "lt": operator.lt,
       "where": lambda x, y: torch_or_mg(x, y).where(torch_or_mg(x, y).tensor(True), x, y)}


def torch_or_mg(*xs):
    return torch if any(isinstance(x, torch.Tensor) for x in xs) else minigrad


def outcome(fn):
    try:
        out = fn()
    except Exception as e:  # noqa: BLE001 - the type is what is compared
        return type(e).__name__
    return dtype_name(out.dtype) if hasattr(out, "dtype") else type(out).__name__


@pytest.mark.parametrize("a,b", PAIRS, ids=[f"{a[0]}-{b[0]}" for a, b in PAIRS])
def test_op_output_dtype(a, b):
    """The dtype each op returns (or the exception type it raises) for this pair of operands."""
    tensors_only = all(isinstance(x[1](torch), torch.Tensor) for x in (a, b))
    for op, fn in OPS.items():
        if op == "maximum" and not tensors_only:
            continue  # torch.maximum takes tensors only
        got = outcome(lambda: fn(a[1](minigrad), b[1](minigrad)))
        want = outcome(lambda: fn(a[1](torch), b[1](torch)))
        assert got == want, op


@pytest.mark.parametrize("name", NAMES)
def test_dtype_objects(name):
    d, t = getattr(minigrad, name), getattr(torch, name)
    assert d.is_floating_point == t.is_floating_point
    assert d.is_signed == t.is_signed
    assert d.itemsize == t.itemsize
    assert repr(d) == f"minigrad.{name}" and torch_repr(d) == repr(t)


def test_dtype_aliases():
    assert minigrad.float is minigrad.float32 and minigrad.double is minigrad.float64
    assert minigrad.long is minigrad.int64 and minigrad.int is minigrad.int32
    assert minigrad.half is minigrad.float16 and minigrad.short is minigrad.int16
    assert minigrad.get_default_dtype() is minigrad.float32


def test_dtype_pickles_to_same_object():
    import pickle
    assert pickle.loads(pickle.dumps(minigrad.float64)) is minigrad.float64


@pytest.mark.parametrize("data,dtype", [([1.0, 2.0], None), ([1, 2], None), ([True, False], None), (1.5, None),
                                        (3, None), (False, None), ([1, 2.5], None), ([[1, 2], [3, 4]], None),
                                        ([1, 2], "float64"), ([1.7, -2.2], "int32"), ([0, 2], "bool"),
                                        ([1.5], "uint8"), ([], None), ([[], []], None)], ids=str)
def test_tensor_dtype_inference(data, dtype):
    mg = minigrad.tensor(data, dtype=None if dtype is None else getattr(minigrad, dtype))
    th = torch.tensor(data, dtype=None if dtype is None else getattr(torch, dtype))
    assert dtype_name(mg.dtype) == dtype_name(th.dtype)
    assert mg.tolist() == th.tolist() and tuple(mg.shape) == tuple(th.shape)


@pytest.mark.parametrize("np_dtype", [np.float32, np.float64, np.int64, np.int32, np.uint8, np.bool_, np.int16,
                                      np.int8, np.float16])
def test_tensor_from_numpy_keeps_dtype(np_dtype):
    a = np.array([1, 0, 1]).astype(np_dtype)
    assert dtype_name(minigrad.tensor(a).dtype) == dtype_name(torch.tensor(a).dtype)
    assert dtype_name(minigrad.from_numpy(a).dtype) == dtype_name(torch.from_numpy(a).dtype)
    assert dtype_name(minigrad.as_tensor(a).dtype) == dtype_name(torch.as_tensor(a).dtype)


def test_tensor_from_numpy_scalars_and_mixed_lists():
    for data in (np.float64(1.5), np.int32(3), [np.float64(1.0), 2.0], [minigrad.tensor(1.0), 2.0]):
        th_data = [torch.tensor(1.0), 2.0] if isinstance(data, list) and isinstance(data[0], minigrad.Tensor) else data
        mg, th = minigrad.tensor(data), torch.tensor(th_data)
        assert dtype_name(mg.dtype) == dtype_name(th.dtype), data


CONVERSIONS = ["float", "double", "long", "int", "bool", "half", "byte"]


@pytest.mark.parametrize("src", NAMES)
@pytest.mark.parametrize("method", CONVERSIONS)
def test_conversion_methods(method, src):
    a = np.array([0, 1, 2]).astype(src if src != "bool" else np.bool_)
    mg, th = getattr(minigrad.tensor(a), method)(), getattr(torch.tensor(a), method)()
    assert dtype_name(mg.dtype) == dtype_name(th.dtype) and mg.tolist() == th.tolist()


@pytest.mark.parametrize("target", NAMES)
def test_to_dtype_and_device_forms(target):
    a = np.array([0.5, 1.5, -2.5], np.float32)
    for args, kw in (((target,), {}), ((), {"dtype": target}), (("cpu", target), {}), ((), {"device": "cpu",
                                                                                            "dtype": target})):
        conv = [getattr(lib, x) if x in NAMES else x for x in args for lib in (minigrad,)]
        mg = minigrad.tensor(a).to(*conv, **{k: getattr(minigrad, v) if k == "dtype" else v for k, v in kw.items()})
        th = torch.tensor(a).to(*[getattr(torch, x) if x in NAMES else x for x in args],
                                **{k: getattr(torch, v) if k == "dtype" else v for k, v in kw.items()})
        assert dtype_name(mg.dtype) == dtype_name(th.dtype) and mg.tolist() == th.tolist()


def test_to_returns_self_when_nothing_changes_and_copy():
    t = minigrad.ones(2)
    assert t.to(minigrad.float32) is t and t.to("cpu") is t and t.cpu() is t
    c = t.to(minigrad.float32, copy=True)
    assert c is not t and c.tolist() == t.tolist()
    other = minigrad.ones(1, dtype=minigrad.float64)
    assert t.to(other).dtype is minigrad.float64
    assert t.to(minigrad.device("cpu")) is t


def test_to_keeps_gradient_flowing():
    check(lambda x: x.to(minigrad.float64) * 2, lambda x: x.to(torch.float64) * 2, [np.array([1.0, 2.0], np.float32)])
    check(lambda x: x.double().float() * 2, lambda x: x.double().float() * 2, [np.array([1.0, 2.0], np.float32)])
    check(lambda x: x.type(minigrad.float64), lambda x: x.type(torch.float64), [np.array([1.0, 2.0], np.float32)])


@pytest.mark.parametrize("name", NAMES)
def test_type_method(name):
    a = np.array([1, 0]).astype(name if name != "bool" else np.bool_)
    assert minigrad.tensor(a).type().replace("minigrad.", "torch.") == torch.tensor(a).type()
    for target in ("torch.FloatTensor", "torch.LongTensor", "torch.DoubleTensor"):
        mg = minigrad.tensor(a).type(target.replace("torch", "minigrad"))
        th = torch.tensor(a).type(target)
        assert dtype_name(mg.dtype) == dtype_name(th.dtype)
    assert dtype_name(minigrad.tensor(a).type("torch.IntTensor").dtype) == "int32"


def test_tensor_properties():
    for lib in (minigrad, torch):
        t = lib.zeros(2, 3, dtype=lib.float64)
        assert t.is_floating_point() and not lib.zeros(2, dtype=lib.int64).is_floating_point()
        assert t.element_size() == 8 and t.dim() == 2 and t.ndim == 2 and t.numel() == 6 and t.nelement() == 6
        assert t.size() == (2, 3) and t.size(1) == 3 and t.size(-1) == 3 and t.shape == (2, 3)
        assert str(t.device) == "cpu" and not t.is_cuda
        assert t.shape.numel() == 6 and isinstance(t.shape, tuple)
