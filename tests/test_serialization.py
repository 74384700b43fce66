"""minigrad.save / minigrad.load against torch 2.13: files written by one load in the other, both ways,
for every kind of content; the weights-only unpickler (a malicious pickle never runs); bad files."""
import collections
import io
import os
import pathlib
import pickle
import zipfile

import numpy as np
import pytest
import torch

import minigrad
import minigrad.nn as mnn
from tests.compare import assert_close

DTYPES = ["float16", "float32", "float64", "int8", "int16", "int32", "int64", "uint8", "bool"]


def _content(lib):
    """The same checkpoint content built in ``lib`` (torch or minigrad) from the same numbers."""
    rng = np.random.default_rng(0)
    base = lib.tensor(rng.standard_normal((4, 6)).astype(np.float32))
    out = collections.OrderedDict()
    for name in DTYPES:
        out[name] = lib.tensor((rng.standard_normal(5) * 50).astype(name))
    out.update(
        scalar=lib.tensor(3.5, dtype=lib.float64), empty=lib.zeros(0, 3), base=base, transposed=base.t(),
        row=base[2], strided=base[1:, ::2], grad=lib.ones(3, requires_grad=True),
        param=lib.nn.Parameter(lib.tensor([1.0, 2.0])), frozen=lib.nn.Parameter(lib.zeros(2), requires_grad=False),
        nested={"list": [1, 2.5, "s", None, True, (base[0], {"deep": lib.arange(3)})], "tuple": (1, "x")},
        numbers=[0, -7, 2 ** 40, 1.25, float("inf")], text="checkpoint", dtype=lib.float16, device=lib.device("cpu"),
        size=lib.Size([2, 3]))
    return out


def _strides(t):
    a = t.detach().numpy()
    return tuple(s // a.itemsize for s in a.strides) if a.size else None


def _check_same(got, want, path="obj"):
    """``got`` (from one library) equals ``want`` (from the other): values, dtypes, shapes, strides,
    requires_grad, Parameter-ness, container types."""
    if isinstance(want, (torch.Tensor, minigrad.Tensor)):
        assert isinstance(got, (torch.Tensor, minigrad.Tensor)), path
        assert str(got.dtype).split(".")[-1] == str(want.dtype).split(".")[-1], path
        assert tuple(got.shape) == tuple(want.shape) and got.requires_grad == want.requires_grad, path
        assert isinstance(got, (torch.nn.Parameter, minigrad.nn.Parameter)) == \
            isinstance(want, (torch.nn.Parameter, minigrad.nn.Parameter)), path
        assert _strides(got) == _strides(want), path
        np.testing.assert_array_equal(got.detach().numpy(), want.detach().numpy(), err_msg=path)
    elif isinstance(want, dict):
        assert type(got) is type(want) and list(got) == list(want), path
        for k in want:
            _check_same(got[k], want[k], f"{path}[{k!r}]")
    elif isinstance(want, (list, tuple)) and not type(want).__name__ == "Size":
        assert type(got) is type(want) and len(got) == len(want), path
        for i, (a, b) in enumerate(zip(got, want)):
            _check_same(a, b, f"{path}[{i}]")
    else:
        assert str(got).replace("minigrad", "torch") == str(want).replace("minigrad", "torch"), path


def _shares(a, b):
    return np.shares_memory(a.detach().numpy(), b.detach().numpy())


@pytest.mark.parametrize("writer, reader", [(minigrad, torch), (torch, minigrad)], ids=["to_torch", "from_torch"])
def test_round_trip_with_torch(tmp_path, writer, reader):
    writer.save(_content(writer), tmp_path / "ckpt.pt")
    got = reader.load(tmp_path / "ckpt.pt")
    _check_same(got, _content(reader))
    for view in ("transposed", "row", "strided", "nested"):
        other = got[view] if view != "nested" else got["nested"]["list"][5][0]
        assert _shares(got["base"], other)  # views of one storage, as saved
    got["base"][2, 0] = 100.0  # a view and its base load as a view and its base
    assert got["row"][0].item() == 100.0


def test_builtin_values_both_ways():
    obj = {"set": {1, 2}, "complex": 1 + 2j, "bytes": b"\x00\xffxy", "bytearray": bytearray(b"z"), "big": 2 ** 70,
           "counter": collections.Counter("aab"), "none": None, "float": -0.0}
    for writer, reader in ((torch, minigrad), (minigrad, torch)):
        buf = io.BytesIO()
        writer.save(obj, buf)
        buf.seek(0)
        assert reader.load(buf) == obj


def test_minigrad_round_trip_keeps_identity(tmp_path):
    x = minigrad.arange(6.0)
    obj = {"a": x, "b": x, "c": [x]}
    minigrad.save(obj, tmp_path / "same.pt")
    got = minigrad.load(tmp_path / "same.pt")
    assert got["a"] is got["b"] is got["c"][0]


def test_archive_layout(tmp_path):
    """Records as torch names them, each storage's bytes at a multiple of 64 in the file."""
    minigrad.save({"w": minigrad.ones(3), "v": minigrad.zeros(2, dtype=minigrad.int64)}, tmp_path / "model.pth")
    torch.save({"w": torch.ones(3), "v": torch.zeros(2, dtype=torch.int64)}, tmp_path / "torch.pth")
    with zipfile.ZipFile(tmp_path / "model.pth") as z, zipfile.ZipFile(tmp_path / "torch.pth") as t:
        assert [n.replace("model/", "") for n in z.namelist()] == [n.replace("torch/", "") for n in t.namelist()]
        assert z.read("model/version") == b"3\n" and z.read("model/byteorder") == b"little"
        raw = (tmp_path / "model.pth").read_bytes()
        for info in z.infolist():
            if "/data/" in info.filename and ".data/" not in info.filename:
                start = info.header_offset + 30 + len(info.filename) + int.from_bytes(
                    raw[info.header_offset + 28:info.header_offset + 30], "little")
                assert start % 64 == 0 and raw[start:start + info.file_size] == z.read(info.filename)


@pytest.mark.parametrize("opener", ["str", "path", "bytesio", "file"])
def test_paths_and_file_objects(tmp_path, opener):
    x = minigrad.arange(5.0)
    target = tmp_path / "x.pt"
    if opener == "bytesio":
        buf = io.BytesIO()
        minigrad.save(x, buf)
        buf.seek(0)
        got = minigrad.load(buf)
        buf.seek(0)
        assert torch.load(buf).tolist() == x.tolist()
    elif opener == "file":
        with open(target, "wb") as f:
            minigrad.save(x, f)
        with open(target, "rb") as f:
            got = minigrad.load(f)
    else:
        where = str(target) if opener == "str" else pathlib.Path(target)
        minigrad.save(x, where)
        got = minigrad.load(where)
    assert got.tolist() == x.tolist()


def test_mmap(tmp_path):
    torch.save({"w": torch.arange(1000.0), "v": torch.arange(10)}, tmp_path / "m.pt")
    got = minigrad.load(tmp_path / "m.pt", mmap=True)
    assert got["w"].tolist() == list(map(float, range(1000))) and got["v"].tolist() == list(range(10))
    got["w"][0] = -1.0  # copy-on-write: the file keeps its numbers
    assert torch.load(tmp_path / "m.pt")["w"][0].item() == 0.0
    with pytest.raises(ValueError, match="f must be a file path in order to use the mmap argument"):
        minigrad.load(io.BytesIO(b""), mmap=True)


def _module_pair():
    """The same small net in both libraries (minigrad's weights copied into torch's)."""
    minigrad.manual_seed(0)
    mg = mnn.Sequential(mnn.Linear(4, 8), mnn.ReLU(), mnn.Linear(8, 2))
    th = torch.nn.Sequential(torch.nn.Linear(4, 8), torch.nn.ReLU(), torch.nn.Linear(8, 2))
    return mg, th


def test_module_state_dict_both_ways(tmp_path):
    mg, th = _module_pair()
    minigrad.save(mg.state_dict(), tmp_path / "mg.pt")
    th.load_state_dict(torch.load(tmp_path / "mg.pt"))
    x = np.random.default_rng(1).standard_normal((3, 4)).astype(np.float32)
    assert_close(mg(minigrad.tensor(x)), th(torch.tensor(x)))
    with torch.no_grad():
        for p in th.parameters():
            p.mul_(-2.0)
    torch.save(th.state_dict(), tmp_path / "th.pt")
    mg.load_state_dict(minigrad.load(tmp_path / "th.pt"))
    assert_close(mg(minigrad.tensor(x)), th(torch.tensor(x)))


@pytest.mark.parametrize("name, kwargs", [("SGD", dict(lr=0.1, momentum=0.9)), ("Adam", dict(lr=0.01))])
def test_optimizer_state_dict_both_ways(tmp_path, name, kwargs):
    mg, th = _module_pair()
    th.load_state_dict({k: torch.tensor(v.numpy()) for k, v in mg.state_dict().items()})
    x = np.random.default_rng(2).standard_normal((3, 4)).astype(np.float32)
    mg_opt = getattr(minigrad.optim, name)(mg.parameters(), **kwargs)
    th_opt = getattr(torch.optim, name)(th.parameters(), **kwargs)
    for model, opt, lib in ((mg, mg_opt, minigrad), (th, th_opt, torch)):
        model(lib.tensor(x)).sum().backward()
        opt.step()
    minigrad.save(mg_opt.state_dict(), tmp_path / "mg.pt")
    torch.save(th_opt.state_dict(), tmp_path / "th.pt")
    from_mg = torch.load(tmp_path / "mg.pt")
    from_th = minigrad.load(tmp_path / "th.pt")
    assert from_mg["param_groups"][0]["params"] == from_th["param_groups"][0]["params"]
    for i in from_th["state"]:
        for key, value in from_th["state"][i].items():
            other = from_mg["state"][i][key]
            if isinstance(value, minigrad.Tensor):
                assert_close(value, other.numpy(), rtol=1e-5, atol=1e-6)
            else:
                assert value == other
    th_opt.load_state_dict(from_mg)  # torch accepts minigrad's checkpoint
    mg_opt.load_state_dict(from_th)  # and minigrad torch's


def test_load_state_dict_strict_messages():
    mg, th = _module_pair()
    sd_mg, sd_th = mg.state_dict(), th.state_dict()
    for sd in (sd_mg, sd_th):
        sd["extra.weight"] = sd.pop("0.bias")
    with pytest.raises(RuntimeError) as got:
        mg.load_state_dict(sd_mg)
    with pytest.raises(RuntimeError) as want:
        th.load_state_dict(sd_th)
    assert str(got.value) == str(want.value)
    keys_mg, keys_th = mg.load_state_dict(sd_mg, strict=False), th.load_state_dict(sd_th, strict=False)
    assert keys_mg.missing_keys == keys_th.missing_keys == ["0.bias"]
    assert keys_mg.unexpected_keys == keys_th.unexpected_keys == ["extra.weight"]


class _Evil:
    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return os.system, (f"touch {self.marker}",)


def test_malicious_pickle_never_runs(tmp_path):
    marker = tmp_path / "pwned"
    for writer in (torch.save, minigrad.save):
        buf = io.BytesIO()
        writer({"w": minigrad.ones(1) if writer is minigrad.save else torch.ones(1), "x": _Evil(marker)}, buf)
        buf.seek(0)
        with pytest.raises(pickle.UnpicklingError, match=r"Weights only load failed(?s:.*)GLOBAL posix.system"):
            minigrad.load(buf)
        assert not marker.exists()
    buf.seek(0)
    minigrad.load(buf, weights_only=False)  # the explicit opt-out does run it, as torch's does
    assert marker.exists()


def test_unknown_global_and_safe_globals(tmp_path):
    obj = {"c": collections.deque([1, 2])}
    minigrad.save(obj, tmp_path / "d.pt")
    torch_msg = None
    with pytest.raises(pickle.UnpicklingError) as got:
        minigrad.load(tmp_path / "d.pt")
    try:
        torch.load(tmp_path / "d.pt")
    except pickle.UnpicklingError as exc:
        torch_msg = str(exc)
    needle = "Unsupported global: GLOBAL collections.deque was not an allowed global by default."
    assert needle in str(got.value) and needle in torch_msg
    with minigrad.serialization.safe_globals([collections.deque]):
        assert minigrad.load(tmp_path / "d.pt") == obj
    with pytest.raises(pickle.UnpicklingError):
        minigrad.load(tmp_path / "d.pt")
    minigrad.serialization.add_safe_globals([collections.deque])
    try:
        assert minigrad.load(tmp_path / "d.pt") == obj and collections.deque in \
            minigrad.serialization.get_safe_globals()
    finally:
        minigrad.serialization.clear_safe_globals()


def test_whole_module_with_weights_only_false(tmp_path):
    mg, _ = _module_pair()
    minigrad.save(mg, tmp_path / "model.pt")
    with pytest.raises(pickle.UnpicklingError):
        minigrad.load(tmp_path / "model.pt")
    back = minigrad.load(tmp_path / "model.pt", weights_only=False)
    x = minigrad.ones(2, 4)
    assert type(back) is mnn.Sequential and back(x).tolist() == mg(x).tolist()


def test_whole_torch_module_loads_as_minigrad_module(tmp_path):
    """``torch.save(model)`` names torch's classes: with weights_only=False they resolve to minigrad's."""
    _, th = _module_pair()
    torch.save(th, tmp_path / "torch_model.pt")
    mg = minigrad.load(tmp_path / "torch_model.pt", weights_only=False)
    x = np.random.default_rng(3).standard_normal((2, 4)).astype(np.float32)
    assert type(mg) is mnn.Sequential and isinstance(mg[0], mnn.Linear)
    assert_close(mg(minigrad.tensor(x)), th(torch.tensor(x)))


def _as_cuda_checkpoint(tmp_path):
    """A checkpoint whose storages say ``cuda:0`` (written on the CPU, location rewritten)."""
    minigrad.save({"w": minigrad.arange(4.0)}, tmp_path / "cpu.pt")
    with zipfile.ZipFile(tmp_path / "cpu.pt") as src, zipfile.ZipFile(tmp_path / "cuda.pt", "w") as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename.endswith("data.pkl"):
                data = data.replace(b"X\x03\x00\x00\x00cpu", b"X\x06\x00\x00\x00cuda:0")
            dst.writestr(info.filename.replace("cpu/", "cuda/"), data)
    return tmp_path / "cuda.pt"


@pytest.mark.parametrize("map_location", ["cpu", minigrad.device("cpu"), {"cuda:0": "cpu"},
                                          lambda storage, location: storage])
def test_map_location_cuda_file(tmp_path, map_location):
    path = _as_cuda_checkpoint(tmp_path)
    if not minigrad.cuda.is_available():
        with pytest.raises(RuntimeError, match="Attempting to deserialize object on a CUDA device"):
            minigrad.load(path)
        with pytest.raises(RuntimeError, match="Attempting to deserialize object on a CUDA device"):
            torch.load(path)
    if callable(map_location) and not minigrad.cuda.is_available():
        map_location = {"cuda:0": "cpu"}  # keeping a CUDA storage needs a GPU
    got = minigrad.load(path, map_location=map_location)
    assert got["w"].device.type == "cpu" and got["w"].tolist() == [0.0, 1.0, 2.0, 3.0]
    assert torch.load(path, map_location="cpu")["w"].tolist() == [0.0, 1.0, 2.0, 3.0]


def _good_bytes():
    buf = io.BytesIO()
    minigrad.save({"w": minigrad.arange(64.0), "n": 1}, buf)
    return buf.getvalue()


def _rewrite(record, fn):
    src = zipfile.ZipFile(io.BytesIO(_good_bytes()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            dst.writestr(info.filename, fn(data) if info.filename.endswith(record) else data)
    return out.getvalue()


BAD_FILES = {
    "truncated": lambda: _good_bytes()[:len(_good_bytes()) // 2],
    "empty": lambda: b"",
    "text": lambda: b"this is not a checkpoint at all",
    "flipped_pickle_byte": lambda: _good_bytes().replace(b"_rebuild_tensor_v2", b"_rebuild_tensor_v9"),
    "future_version": lambda: _rewrite("/version", lambda d: b"99\n"),
    "short_storage": lambda: _rewrite("/data/0", lambda d: d[:100]),
    "cut_pickle": lambda: _rewrite("data.pkl", lambda d: d[:len(d) // 2]),
    "no_pickle": lambda: _rewrite("data.pkl", lambda d: b"\x80\x02}q\x00."[:0]),
}


@pytest.mark.parametrize("kind", list(BAD_FILES))
def test_bad_files_raise_clear_errors(kind):
    data = BAD_FILES[kind]()
    with pytest.raises((RuntimeError, pickle.UnpicklingError)) as info:
        minigrad.load(io.BytesIO(data))
    if kind == "future_version":
        assert "version 99, but the maximum supported version for reading is 10" in str(info.value)
    assert str(info.value)


def test_zip64_fields(tmp_path, monkeypatch):
    """Sizes and offsets past 4 GiB go in zip64 fields: forced here by lowering the limit."""
    monkeypatch.setattr(minigrad.serialization, "_ZIP64_LIMIT", 200)
    content = {"w": minigrad.arange(300.0), "v": minigrad.ones(10, dtype=minigrad.int64)}
    minigrad.save(content, tmp_path / "z64.pt")
    with zipfile.ZipFile(tmp_path / "z64.pt") as z:
        assert z.testzip() is None
    for loaded in (torch.load(tmp_path / "z64.pt"), minigrad.load(tmp_path / "z64.pt")):
        assert loaded["w"].tolist() == list(map(float, range(300))) and loaded["v"].tolist() == [1] * 10


def test_legacy_format_from_torch():
    """torch's pre-1.6 (non-zip) files: views, dtypes and parameters load; map_location must be the CPU."""
    content = _content(torch)
    buf = io.BytesIO()
    torch.save(content, buf, _use_new_zipfile_serialization=False)
    buf.seek(0)
    got = minigrad.load(buf)
    _check_same(got, _content(minigrad))
    assert _shares(got["base"], got["transposed"])
    buf.seek(0)
    with pytest.raises(RuntimeError, match="onto the CPU only"):
        minigrad.load(buf, map_location="cuda:0")
    with pytest.raises(RuntimeError, match="truncated"):
        minigrad.load(io.BytesIO(buf.getvalue()[:-10]))
