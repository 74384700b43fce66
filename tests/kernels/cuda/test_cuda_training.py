"""The documents' training loops on 'cuda' against 'cpu', and that a training step keeps its data on
the device: every host↔device copy is counted, and any host-side use of a device array that a real
GPU array does not offer (numpy conversion, arithmetic operators, element reads) is recorded."""
import numpy as np
import pytest

import minigrad
import minigrad.nn as nn
import minigrad.nn.functional as F
import minigrad.optim as optim
from minigrad.examples.segmentation import segmentation_net
from minigrad.kernels import cuda as cuda_backend
from minigrad.kernels.cuda import _matmul


@pytest.fixture(autouse=True)
def small_tiles(monkeypatch):
    monkeypatch.setattr(_matmul, "TILE", 4)


class MLP(nn.Module):  # minigrad/examples/train_mlp.py's network
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(10, 5)
        self.fc2 = nn.Linear(5, 3)

    def forward(self, x):
        return self.fc2(F.relu(self.fc1(x)))


def mlp_setup(device):
    minigrad.manual_seed(0)
    net = MLP().to(device)
    criterion = nn.CrossEntropyLoss().to(device)
    optimizer = optim.SGD(net.parameters(), lr=0.1, momentum=0.9)
    x, y = minigrad.randn(64, 10), minigrad.randint(0, 3, (64,))
    return net, criterion, optimizer, x.to(device), y.to(device)


def step(net, criterion, optimizer, x, y):
    optimizer.zero_grad()
    loss = criterion(net(x), y)
    loss.backward()
    optimizer.step()
    return loss


def test_mlp_trains_on_cuda_as_on_cpu():
    runs = {}
    for device in ("cpu", "cuda"):
        net, criterion, optimizer, x, y = mlp_setup(device)
        assert all(p.is_cuda == (device == "cuda") for p in net.parameters())
        losses = [step(net, criterion, optimizer, x, y).item() for _ in range(3)]
        runs[device] = losses, [p.detach().cpu().numpy() for p in net.parameters()], \
            (net(x).argmax(dim=1) == y).sum().item()
    (cpu_losses, cpu_params, cpu_correct), (gpu_losses, gpu_params, gpu_correct) = runs["cpu"], runs["cuda"]
    np.testing.assert_allclose(gpu_losses, cpu_losses, rtol=1e-5)
    assert cpu_losses[-1] < cpu_losses[0] and gpu_correct == cpu_correct
    for g, c in zip(gpu_params, cpu_params):
        np.testing.assert_allclose(g, c, rtol=1e-5, atol=1e-6)


def test_mlp_step_copies_nothing_but_the_final_item(device_log):
    net, criterion, optimizer, x, y = mlp_setup("cuda")
    step(net, criterion, optimizer, x, y)  # the first step creates the momentum buffers
    device_log.clear()
    loss = step(net, criterion, optimizer, x, y)
    assert device_log == []
    loss.item()
    assert device_log == ["to host"]


def test_the_transfer_log_sees_copies_and_host_misuse(device_log):
    t = minigrad.ones(3, device="cuda")
    t.tolist()
    t._data == 1  # noqa: B015 - a numpy-style comparison on device data: refused
    assert device_log == ["to device", "to host", "host operator eq"]
    device_log.clear()
    np.asarray(t._data, dtype=object)  # numpy conversion asks for attributes a device array lacks
    assert any(entry.startswith("host use of") for entry in device_log)


def test_segmentation_net_two_steps_on_cuda_as_on_cpu():
    if not hasattr(cuda_backend.load("conv2d"), "conv2d_forward"):
        pytest.skip("the CUDA conv2d kernels are not there yet")
    runs = {}
    for device in ("cpu", "cuda"):
        minigrad.manual_seed(0)
        net = segmentation_net(nn, F).to(device)
        optimizer = optim.SGD(net.parameters(), lr=0.01, momentum=0.9)
        criterion = nn.CrossEntropyLoss().to(device)
        x, y = minigrad.randn(1, 3, 8, 8).to(device), minigrad.randint(0, 2, (1, 2, 2)).to(device)
        runs[device] = [step(net, criterion, optimizer, x, y).item() for _ in range(2)], \
            [p.detach().cpu().numpy() for p in net.parameters()]
    np.testing.assert_allclose(runs["cuda"][0], runs["cpu"][0], rtol=1e-4)
    for g, c in zip(runs["cuda"][1], runs["cpu"][1]):
        np.testing.assert_allclose(g, c, rtol=1e-3, atol=1e-5)
