"""CUDA tensors: device arguments, moves between devices (and their gradients), what copies and
what refuses to, torch's errors, and Module.to moving parameters, gradients and buffers in place."""
import numpy as np
import pytest

import minigrad
import minigrad.nn as nn

CUDA0 = minigrad.device("cuda", 0)


@pytest.mark.parametrize("device", ["cuda", "cuda:0", minigrad.device("cuda"), minigrad.device("cuda", 0), 0])
def test_factories_place_data_on_the_device(device):
    made = [minigrad.zeros(2, 3, device=device), minigrad.ones(2, device=device),
            minigrad.full((2,), 7.0, device=device),
            minigrad.arange(5, device=device), minigrad.randn(3, device=device), minigrad.empty(2, device=device),
            minigrad.tensor([1, 2], device=device), minigrad.zeros_like(minigrad.ones(2), device=device),
            minigrad.Tensor([1.0, 2.0], device=device)]
    for t in made:
        assert t.device == CUDA0 and t.is_cuda and str(t.device) == "cuda:0"
        assert getattr(type(t._data), "__cuda_ndarray__", False), "the storage is a device array"
    assert minigrad.ones(2).to(device).tolist() == [1.0, 1.0]


def test_moves_between_devices_and_dtypes():
    x = minigrad.arange(6.0).reshape(2, 3)
    y = x.cuda()
    assert y.is_cuda and not x.is_cuda and y.grad_fn is None
    assert y.cpu().device == minigrad.device("cpu") and y.cpu().tolist() == x.tolist()
    assert y.to(minigrad.float64).dtype == minigrad.float64 and y.to(minigrad.float64).is_cuda
    both = x.to("cuda", minigrad.float16)
    assert both.is_cuda and both.dtype == minigrad.float16
    assert x.to(y).is_cuda and y.to(x).device == minigrad.device("cpu")
    assert y.to("cuda") is y and y.cuda() is y
    assert minigrad.ones(2, dtype=minigrad.int64).cuda().sum().item() == 2


@pytest.mark.parametrize("source,target", [("cpu", "cuda"), ("cuda", "cpu")])
def test_gradient_flows_back_across_a_copy(source, target):
    x = minigrad.tensor([1.0, -2.0, 3.0], device=source, requires_grad=True)
    y = x.to(target)
    assert y.grad_fn.name == "ToCopyBackward0" and y.device != x.device
    (y * y).sum().backward()
    assert x.grad.device == x.device and x.grad.tolist() == [2.0, -4.0, 6.0]


def test_copies_happen_only_on_request():
    t = minigrad.tensor([[1.5, 2.0]], device="cuda")
    assert t[0, 1].item() == 2.0 and t.tolist() == [[1.5, 2.0]] and float(t.sum()) == 3.5
    assert repr(t) == "tensor([[1.5000, 2.0000]], device='cuda:0')"
    assert "device='cuda:0'" in repr(t.requires_grad_() * 2)
    with pytest.raises(TypeError, match=r"can't convert cuda:0 device type tensor to numpy\. Use Tensor\.cpu\(\)"):
        t.detach().numpy()
    with pytest.raises(TypeError, match="can't convert cuda:0 device type tensor to numpy"):
        np.asarray(t.detach())
    assert t.detach().cpu().numpy().tolist() == [[1.5, 2.0]]


def test_mixed_devices_raise_torchs_error():
    a, b = minigrad.ones(2, device="cuda"), minigrad.ones(2)
    for fn in (lambda: a + b, lambda: b * a, lambda: minigrad.matmul(a, b), lambda: nn.CrossEntropyLoss()(
            minigrad.ones(2, 3, device="cuda"), minigrad.tensor([0, 1]))):
        with pytest.raises(RuntimeError, match="Expected all tensors to be on the same device, but found at least "
                                               "two devices"):
            fn()


def test_availability_and_invalid_ordinals():
    assert minigrad.cuda.is_available() and minigrad.cuda.device_count() >= 1
    minigrad.cuda.synchronize()
    with pytest.raises(RuntimeError, match="invalid device ordinal"):
        minigrad.zeros(1, device=f"cuda:{minigrad.cuda.device_count()}")


def test_module_to_moves_parameters_gradients_and_buffers_in_place():
    net = nn.Sequential(nn.Linear(3, 2), nn.ReLU())
    net.register_buffer("steps", minigrad.zeros(1))
    weight = net[0].weight
    net(minigrad.ones(4, 3)).sum().backward()
    grad = weight.grad.tolist()
    assert net.cuda() is net
    assert net[0].weight is weight and weight.is_cuda and weight.grad.is_cuda and weight.grad.tolist() == grad
    assert net.steps.is_cuda and isinstance(net[0].weight, nn.Parameter) and weight.requires_grad
    assert net(minigrad.ones(4, 3, device="cuda")).is_cuda
    net.to("cpu")
    assert not weight.is_cuda and weight.grad.tolist() == grad
    net.to(minigrad.float64)
    assert weight.dtype == minigrad.float64 and not weight.is_cuda


def test_loss_modules_move_their_weights():
    ce = nn.CrossEntropyLoss(weight=minigrad.tensor([1.0, 2.0, 3.0])).to("cuda")
    bce = nn.BCEWithLogitsLoss(pos_weight=minigrad.tensor([2.0, 0.5])).cuda()
    assert ce.weight.is_cuda and bce.pos_weight.is_cuda
    x = minigrad.tensor([[0.2, -1.0, 0.5], [1.0, 0.0, -0.5]], device="cuda", requires_grad=True)
    loss = ce(x, minigrad.tensor([2, 0], device="cuda"))
    cpu_loss = nn.CrossEntropyLoss(weight=minigrad.tensor([1.0, 2.0, 3.0]))(x.detach().cpu(), minigrad.tensor([2, 0]))
    assert loss.is_cuda and abs(loss.item() - cpu_loss.item()) < 1e-6
    logits = minigrad.tensor([[0.3, -0.2]], device="cuda")
    assert bce(logits, minigrad.ones(1, 2, device="cuda")).is_cuda


@pytest.mark.parametrize("fn", [lambda t: t.cumsum(0), lambda t: t.prod(), lambda t: t.sort(), lambda t: t.nonzero(),
                                lambda t: t.unique(), lambda t: t.repeat(2), lambda t: t.count_nonzero()])
def test_scans_orderings_and_counts_run_on_cuda_as_on_cpu(fn):
    def host(r):
        return [host(v) for v in r] if isinstance(r, tuple) else (r.is_cuda, r.cpu().tolist())
    x = minigrad.tensor([1.0, -2.0, 0.0, 3.0, -2.0])
    got, want = host(fn(x.cuda())), host(fn(x))
    assert str(got).replace("True", "False") == str(want) and "False" not in str(got)


def test_mask_index_and_index_assignment_run_on_cuda_as_on_cpu():
    results = []
    for device in ("cpu", "cuda"):
        t = minigrad.tensor([1.0, -2.0, 3.0], device=device)
        picked = t[t > 0]
        t[minigrad.tensor([0, 2], device=device)] = 5.0
        results.append((picked.is_cuda, t.is_cuda, picked.tolist(), t.tolist()))
    assert results == [(False, False, [1.0, 3.0], [5.0, -2.0, 5.0]), (True, True, [1.0, 3.0], [5.0, -2.0, 5.0])]


def test_backward_with_a_given_gradient_on_the_device():
    x = minigrad.tensor([1.0, 2.0, 3.0], device="cuda", requires_grad=True)
    (x * x).backward(minigrad.tensor([1.0, 0.5, 0.0], dtype=minigrad.float64, device="cuda"))
    assert x.grad.is_cuda and x.grad.dtype == minigrad.float32 and x.grad.tolist() == [2.0, 2.0, 0.0]
