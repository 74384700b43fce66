"""Checkpoints of CUDA tensors: saved with location 'cuda:0' (as torch saves them), loaded back onto
the GPU or, through ``map_location``, onto the CPU, by minigrad and by torch."""
import io
import zipfile

import torch

import minigrad
import minigrad.nn as nn

CUDA0 = minigrad.device("cuda", 0)


def _saved(obj):
    buf = io.BytesIO()
    minigrad.save(obj, buf)
    buf.seek(0)
    return buf


def test_cuda_tensors_round_trip():
    w = minigrad.arange(6.0).reshape(2, 3).cuda()
    p = nn.Parameter(minigrad.ones(2, device="cuda"))
    buf = _saved({"w": w, "p": p, "i": minigrad.tensor([1, 2], device="cuda")})
    with zipfile.ZipFile(buf) as z:
        assert b"cuda:0" in z.read("archive/data.pkl")
    buf.seek(0)
    back = minigrad.load(buf)
    assert back["w"].device == CUDA0 and back["w"].tolist() == w.tolist()
    assert isinstance(back["p"], nn.Parameter) and back["p"].requires_grad and back["p"].device == CUDA0
    assert back["i"].dtype == minigrad.int64 and back["i"].device == CUDA0
    for map_location in ("cpu", {"cuda:0": "cpu"}, lambda storage, location: storage.cpu()):
        buf.seek(0)
        cpu = minigrad.load(buf, map_location=map_location)
        assert cpu["w"].device.type == "cpu" and cpu["w"].tolist() == w.tolist()
    buf.seek(0)
    moved = minigrad.load(buf, map_location=lambda storage, location: storage.cuda(0))
    assert moved["w"].device == CUDA0
    buf.seek(0)
    from_torch = torch.load(buf, map_location="cpu")
    assert from_torch["w"].tolist() == w.tolist() and from_torch["p"].requires_grad


def test_module_on_gpu_state_dict():
    net = nn.Linear(3, 2).to("cuda")
    back = minigrad.load(_saved(net.state_dict()))
    assert all(v.device == CUDA0 for v in back.values())
    cpu_net = nn.Linear(3, 2)
    cpu_net.load_state_dict(minigrad.load(_saved(net.state_dict()), map_location="cpu"))
    assert cpu_net.weight.tolist() == net.weight.cpu().tolist()
    torch_net = torch.nn.Linear(3, 2)
    torch_net.load_state_dict(torch.load(_saved(net.state_dict()), map_location="cpu"))
    assert torch_net.bias.tolist() == net.bias.cpu().tolist()
