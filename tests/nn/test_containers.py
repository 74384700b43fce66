"""ModuleDict, ParameterList and ParameterDict against torch.nn: registration (parameters, state_dict
keys), order, dict/list methods, reprs, errors, and training through them."""
from collections import OrderedDict

import numpy as np
import pytest
import torch

import minigrad
import minigrad.nn as mnn
from tests.compare import assert_close
from tests.core_helpers import same_error, torch_repr


def both(build):
    """``build(lib)`` for minigrad and torch."""
    return build(minigrad), build(torch)


def keys_and_shapes(module):
    return [(k, tuple(v.shape)) for k, v in module.state_dict().items()]


# ---- ParameterList --------------------------------------------------------------------------------
def test_parameter_list_registers_converts_and_prints_as_torch():
    mg, th = both(lambda lib: lib.nn.ParameterList([lib.nn.Parameter(lib.ones(2)), lib.zeros(3), lib.ones(())]))
    assert keys_and_shapes(mg) == keys_and_shapes(th)
    assert [n for n, _ in mg.named_parameters()] == [n for n, _ in th.named_parameters()]
    assert isinstance(mg[1], mnn.Parameter) and mg[1].requires_grad
    assert torch_repr(mg) == repr(th)
    for lib, pl in (("mg", mg), ("th", th)):
        pl.append(3)
        pl += [torch.ones(1) if lib == "th" else minigrad.ones(1)]
    assert torch_repr(mg) == repr(th)
    assert len(mg) == len(th) == 5 and mg[3] == th[3] == 3
    assert torch_repr(mg[1:3]) == repr(th[1:3]) and type(mg[1:3]) is mnn.ParameterList
    assert tuple(mg[-1].shape) == tuple(th[-1].shape)
    assert torch_repr(mnn.ParameterList()) == repr(torch.nn.ParameterList())


def test_parameter_list_shares_data_and_trains():
    x = minigrad.ones(2)
    pl = mnn.ParameterList([x])
    assert pl[0] is not x and pl[0]._data is x._data
    rng = np.random.default_rng(0)
    ws = [rng.standard_normal((3, 3)) for _ in range(2)]
    mg = mnn.ParameterList([minigrad.tensor(w) for w in ws])
    th = torch.nn.ParameterList([torch.tensor(w) for w in ws])
    inp = rng.standard_normal((2, 3))
    outs = []
    for pl, lib in ((mg, minigrad), (th, torch)):
        h = lib.tensor(inp)
        for w in pl:
            h = (h @ w).tanh()
        h.sum().backward()
        outs.append(h)
    assert_close(outs[0], outs[1])
    for a, b in zip(mg, th):
        assert_close(a.grad, b.grad)
    opt = minigrad.optim.SGD(mg.parameters(), lr=0.1)
    opt.step()
    assert_close(mg[0], torch.tensor(ws[0]) - 0.1 * th[0].grad)


def test_parameter_list_errors_as_torch():
    mg, th = both(lambda lib: lib.nn.ParameterList([lib.ones(2)]))
    same_error(lambda: mg.__setitem__(0, 3), lambda: th.__setitem__(0, 3))
    same_error(lambda: mg.extend(3), lambda: th.extend(3))
    same_error(lambda: mg(1), lambda: th(1))
    with pytest.raises(IndexError):
        mg[5]


# ---- ParameterDict --------------------------------------------------------------------------------
def test_parameter_dict_order_methods_and_repr_as_torch():
    def build(lib):
        pd = lib.nn.ParameterDict({"b": lib.nn.Parameter(lib.ones(2)), "a": lib.zeros(2, 2)})  # sorted: a, b
        pd.update(OrderedDict([("z", lib.ones(1)), ("c", lib.ones(1))]))  # kept in order
        pd["n"] = 5
        pd.setdefault("q", lib.ones(3))
        return pd
    mg, th = both(build)
    assert list(mg) == list(th) and list(mg.keys()) == list(th.keys())
    assert keys_and_shapes(mg) == keys_and_shapes(th)
    assert torch_repr(mg) == repr(th)
    assert mg.get("missing", 7) == 7 and "a" in mg and "missing" not in mg
    assert mg.popitem()[0] == th.popitem()[0]
    assert tuple(mg.pop("a").shape) == tuple(th.pop("a").shape)
    assert list(mg) == list(th)
    merged_mg, merged_th = mg | {"y": minigrad.ones(1)}, th | {"y": torch.ones(1)}
    assert list(merged_mg) == list(merged_th) and type(merged_mg) is mnn.ParameterDict
    mg.clear()
    assert len(mg) == 0 and not list(mg.parameters())


def test_parameter_dict_errors_as_torch():
    mg, th = both(lambda lib: lib.nn.ParameterDict())
    same_error(lambda: mg.__setitem__(3, minigrad.ones(1)), lambda: th.__setitem__(3, torch.ones(1)))
    same_error(lambda: mg.update(3), lambda: th.update(3))
    same_error(lambda: mg.update([1]), lambda: th.update([1]))
    same_error(lambda: mg(1), lambda: th(1))
    with pytest.raises(AttributeError):  # torch looks entries up as attributes
        mg["missing"]


# ---- ModuleDict ---------------------------------------------------------------------------------
def test_module_dict_registers_in_order_and_prints_as_torch():
    def build(lib):
        lib.manual_seed(0)
        md = lib.nn.ModuleDict({"b": lib.nn.Linear(2, 3), "a": lib.nn.ReLU()})  # insertion order kept
        md.update([("c", lib.nn.Tanh())])
        md["d"] = lib.nn.Linear(3, 1)
        return md
    mg, th = both(build)
    assert list(mg) == list(th) and list(mg.keys()) == list(th.keys())
    assert keys_and_shapes(mg) == keys_and_shapes(th)
    assert repr(mg) == repr(th)
    assert type(mg.pop("a")).__name__ == type(th.pop("a")).__name__
    assert list(mg) == list(th) and len(mg) == len(th) == 3 and "c" in mg
    assert [type(v).__name__ for v in mg.values()] == [type(v).__name__ for v in th.values()]
    assert [k for k, _ in mg.items()] == [k for k, _ in th.items()]
    mg.clear()
    assert len(mg) == 0 and repr(mg) == "ModuleDict()"


def test_module_dict_errors_as_torch():
    mg, th = both(lambda lib: lib.nn.ModuleDict())
    same_error(lambda: mg.update(3), lambda: th.update(3))
    same_error(lambda: mg.update([(1, 2, 3)]), lambda: th.update([(1, 2, 3)]))
    same_error(lambda: mg["q"], lambda: th["q"])
    same_error(lambda: mg.__setitem__("x", 3), lambda: th.__setitem__("x", 3))
    same_error(lambda: mnn.ModuleDict({"a.b": mnn.ReLU()}), lambda: torch.nn.ModuleDict({"a.b": torch.nn.ReLU()}))
    same_error(lambda: mnn.ModuleDict({"": mnn.ReLU()}), lambda: torch.nn.ModuleDict({"": torch.nn.ReLU()}))


def test_module_dict_state_dict_loads_into_torch():
    mg, th = both(lambda lib: lib.nn.ModuleDict({"enc": lib.nn.Linear(4, 3), "dec": lib.nn.Linear(3, 4)}))
    th.load_state_dict({k: torch.tensor(v.numpy()) for k, v in mg.state_dict().items()})
    x = np.random.default_rng(1).standard_normal((2, 4)).astype(np.float32)
    assert_close(mg["dec"](mg["enc"](minigrad.tensor(x))), th["dec"](th["enc"](torch.tensor(x))))


@pytest.mark.parametrize("register", [lambda m, lib: m.register_buffer("a.b", None),
                                      lambda m, lib: m.register_parameter("a.b", None),
                                      lambda m, lib: m.register_buffer("", None),
                                      lambda m, lib: m.register_parameter(3, None),
                                      lambda m, lib: m.add_module("a.b", None)])
def test_registration_names_checked_as_torch(register):
    same_error(lambda: register(mnn.Module(), minigrad), lambda: register(torch.nn.Module(), torch))
