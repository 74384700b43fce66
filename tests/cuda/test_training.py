"""The documents' training loops on 'cuda' against 'cpu', and that a training step keeps its data on
the device: every host↔device copy is counted, and any host-side use of a device array that a real
GPU array does not offer (numpy conversion, arithmetic operators, element reads) is recorded."""
import os

import numpy as np
import pytest

import minigrad
import minigrad.nn as nn
import minigrad.nn.functional as F
import minigrad.optim as optim
from minigrad.examples.segmentation import segmentation_net
from minigrad.kernels import cuda as cuda_backend
from minigrad.kernels.cuda import _matmul

# what host code may ask of a device array: its metadata (the rest of numba's DeviceNDArray API is
# defined on the simulator's class itself)
METADATA = {"dtype", "size", "ndim", "strides", "itemsize"}
PROBED = {"base"}  # numpy's view owner, which the engine probes with a default: absent, as on a GPU


@pytest.fixture(autouse=True)
def small_tiles(monkeypatch):
    monkeypatch.setattr(_matmul, "TILE", 4)


@pytest.fixture
def transfers(monkeypatch):
    """A log of every host↔device copy and every host-side misuse of a device array."""
    if os.environ.get("NUMBA_ENABLE_CUDASIM") != "1":
        pytest.skip("the transfer log instruments the simulator's device arrays")
    from numba import cuda
    from numba.cuda.simulator import kernel as simulated_kernel
    from numba.cuda.simulator.cudadrv import devicearray as simulated

    log = []
    to_device, copy_to_host, wrap_arg = cuda.to_device, simulated.FakeCUDAArray.copy_to_host, simulated_kernel.wrap_arg
    getitem, getattr_ = simulated.FakeCUDAArray.__getitem__, simulated.FakeCUDAArray.__getattr__

    def logged(kind, fn):
        def run(*args, **kwargs):
            log.append(kind)
            return fn(*args, **kwargs)
        return run

    def strict_getattr(self, name):
        if name in PROBED:
            raise AttributeError(name)
        if name not in METADATA and simulated_kernel._get_kernel_context() is None:
            log.append(f"host use of .{name}")
            raise AttributeError(name)
        return getattr_(self, name)

    def strict_getitem(self, index):
        out = getitem(self, index)
        if not isinstance(out, simulated.FakeCUDAArray) and simulated_kernel._get_kernel_context() is None:
            log.append("element read")  # (a kernel's own reads are the device's)
        return out

    def refused(name):
        def run(self, *args):
            log.append(f"host operator {name}")
            return NotImplemented
        return run

    monkeypatch.setattr(cuda, "to_device", logged("to device", to_device))
    monkeypatch.setattr(simulated.FakeCUDAArray, "copy_to_host", logged("to host", copy_to_host))
    monkeypatch.setattr(simulated_kernel, "wrap_arg", logged("host array given to a kernel", wrap_arg))
    monkeypatch.setattr(simulated.FakeCUDAArray, "__getattr__", strict_getattr)
    monkeypatch.setattr(simulated.FakeCUDAArray, "__getitem__", strict_getitem)
    for op in ("eq", "ne", "lt", "le", "gt", "ge", "add", "sub", "mul", "floordiv", "truediv", "mod", "pow"):
        monkeypatch.setattr(simulated.FakeCUDAArray, f"__{op}__", refused(op))
    return log


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


def test_mlp_step_copies_nothing_but_the_final_item(transfers):
    net, criterion, optimizer, x, y = mlp_setup("cuda")
    step(net, criterion, optimizer, x, y)  # the first step creates the momentum buffers
    transfers.clear()
    loss = step(net, criterion, optimizer, x, y)
    assert transfers == []
    loss.item()
    assert transfers == ["to host"]


def test_the_transfer_log_sees_copies_and_host_misuse(transfers):
    t = minigrad.ones(3, device="cuda")
    t.tolist()
    t._data == 1  # noqa: B015 - a numpy-style comparison on device data: refused
    assert transfers == ["to device", "to host", "host operator eq"]
    transfers.clear()
    np.asarray(t._data, dtype=object)  # numpy conversion asks for attributes a device array lacks
    assert any(entry.startswith("host use of") for entry in transfers)


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
