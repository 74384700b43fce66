"""Module lookups and conversions against torch: get_parameter, get_buffer, set_submodule (the
replaced child keeps its place), half, and registration order when a child is replaced."""
import pytest
import torch

import minigrad


def build(lib):
    lib.manual_seed(0)
    return lib.nn.Sequential(lib.nn.Linear(2, 3), lib.nn.BatchNorm1d(3), lib.nn.Sequential(lib.nn.Linear(3, 1)))


@pytest.mark.parametrize("target", ["0.weight", "1.bias", "2.0.weight"])
def test_get_parameter_as_torch(target):
    mg, th = build(minigrad), build(torch)
    assert mg.get_parameter(target) is dict(mg.named_parameters())[target]
    assert tuple(mg.get_parameter(target).shape) == tuple(th.get_parameter(target).shape)


@pytest.mark.parametrize("target", ["1.running_mean", "1.num_batches_tracked"])
def test_get_buffer_as_torch(target):
    mg, th = build(minigrad), build(torch)
    assert tuple(mg.get_buffer(target).shape) == tuple(th.get_buffer(target).shape)


@pytest.mark.parametrize("call", [lambda m: m.get_parameter("0.foo"), lambda m: m.get_parameter("1.running_mean"),
                                  lambda m: m.get_buffer("0.weight"), lambda m: m.get_buffer("5.x"),
                                  lambda m: m.get_parameter("1.training")])
def test_lookup_errors_as_torch(call):
    with pytest.raises(AttributeError) as th:
        call(build(torch))
    with pytest.raises(AttributeError) as mg:
        call(build(minigrad))
    assert str(mg.value) == str(th.value)


def test_replacing_a_child_keeps_its_place_as_torch():
    mg, th = build(minigrad), build(torch)
    for lib, m in ((minigrad, mg), (torch, th)):
        m.set_submodule("0", lib.nn.ReLU())
        m[1] = lib.nn.Tanh()
        m.set_submodule("2.0", lib.nn.Linear(3, 2))
    assert repr(mg) == repr(th)
    assert [k for k, _ in mg.named_parameters()] == [k for k, _ in th.named_parameters()]


def test_half_converts_floating_parameters_and_buffers_as_torch():
    mg, th = build(minigrad).half(), build(torch).half()
    assert [(k, str(v.dtype).split(".")[1]) for k, v in mg.state_dict().items()] == \
        [(k, str(v.dtype).split(".")[1]) for k, v in th.state_dict().items()]
