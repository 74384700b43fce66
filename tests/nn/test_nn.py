"""minigrad.nn against torch.nn: layers (values, gradients, grad_fn names, errors, reprs), containers,
Module registration and state_dict, nn.init distributions and fan/gain rules."""
import math
import warnings
from collections import OrderedDict

import numpy as np
import pytest
import torch

import minigrad
import minigrad.nn as mnn
import minigrad.nn.functional as MF
from minigrad.examples.train_mlp import mlp
from tests.compare import as_numpy, assert_close, compare
from tests.core_helpers import same_error

TF = torch.nn.functional


def rand(shape, dtype=np.float32, seed=0, low=-2.0, high=2.0):
    return np.random.default_rng(seed).uniform(low, high, shape).astype(dtype)


def node(t):
    """grad_fn name as each library spells it."""
    if t.grad_fn is None:
        return None
    return type(t.grad_fn).__name__ if isinstance(t, torch.Tensor) else t.grad_fn.name


def copy_into_torch(mg_module, th_module):
    """Give the torch module the minigrad module's parameters and buffers."""
    th_module.load_state_dict({k: torch.tensor(v.numpy()) for k, v in mg_module.state_dict().items()})


raises_like = same_error


# ---- Linear --------------------------------------------------------------------------------------
@pytest.mark.parametrize("bias", [True, False])
@pytest.mark.parametrize("shape", [(10,), (64, 10), (2, 3, 10), (0, 10), (2, 0, 10)])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_linear_matches_torch(shape, bias, dtype):
    dt = minigrad.float64 if dtype == np.float64 else minigrad.float32
    m = mnn.Linear(10, 5, bias=bias, dtype=dt)
    t = torch.nn.Linear(10, 5, bias=bias, dtype=torch.float64 if dtype == np.float64 else torch.float32)
    copy_into_torch(m, t)
    out_mg, out_th = compare(m, t, [rand(shape, dtype)])
    assert node(out_mg) == node(out_th)
    for (name, p_mg), p_th in zip(m.named_parameters(), t.parameters()):
        assert_close(p_mg.grad, p_th.grad, what=f"grad of {name}")


def test_linear_default_init_is_torch_rule():
    minigrad.manual_seed(0)
    m = mnn.Linear(400, 300)
    bound = 1 / math.sqrt(400)
    for p in (m.weight, m.bias):
        a = p.detach().numpy()
        assert a.dtype == np.float32 and a.min() >= -bound and a.max() <= bound
        assert a.max() > 0.95 * bound and a.min() < -0.95 * bound  # spans the interval: uniform, not a normal
    w = m.weight.detach().numpy().ravel()
    assert abs(w.std() - bound / math.sqrt(3)) < 0.01 * bound
    minigrad.manual_seed(0)
    again = mnn.Linear(400, 300)
    assert np.array_equal(again.weight.detach().numpy(), m.weight.detach().numpy())


def test_linear_zero_in_features_warns_and_bias_bound_zero():
    with pytest.warns(UserWarning, match="Initializing zero-element tensors is a no-op"):
        m = mnn.Linear(0, 3)
    assert not np.any(m.bias.detach().numpy())


@pytest.mark.parametrize("case", [
    lambda L, x: L.Linear(5, 3)(x.randn(64, 10)),
    lambda L, x: L.Linear(5, 3)(x.randn(10)),
    lambda L, x: L.Linear(5, 3)(x.randn(2, 3, 10)),
    lambda L, x: L.Linear(10, 3)(x.randn(4, 10, dtype=x.float64)),
    lambda L, x: L.Linear(10, 3)(x.ones(4, 10, dtype=x.int64)),
    lambda L, x: L.Linear(10, 3)(x.tensor(1.0)),
    lambda L, x: L.functional.linear(x.randn(3, 10), x.randn(5, 10), x.randn(5, dtype=x.float64)),
    lambda L, x: L.functional.linear(x.randn(3, 10), x.randn(10), x.randn(())),
    lambda L, x: L.functional.linear(x.randn(3, 10), x.randn(4, 5, 10)),
    lambda L, x: L.functional.linear([1.0], x.randn(5, 10)),
])
def test_linear_errors_match_torch(case):
    raises_like(lambda: case(mnn, minigrad), lambda: case(torch.nn, torch))


def test_linear_broadcast_bias_and_vector_weight_match_torch():
    x, w, b = rand((3, 10)), rand((5, 10), seed=1), rand((1,), seed=2)
    compare(MF.linear, TF.linear, [x, w, b])
    compare(MF.linear, TF.linear, [x, w, rand((3, 5), seed=3)])
    compare(MF.linear, TF.linear, [x, rand((10,), seed=4)])


# ---- activations, flatten, dropout ---------------------------------------------------------------
ACTIVATIONS = [
    ("ReLU", (), {}), ("Sigmoid", (), {}), ("Tanh", (), {}), ("Softmax", (1,), {}), ("LogSoftmax", (), {"dim": -1}),
    ("Softmax", (0,), {}), ("Flatten", (), {}), ("Flatten", (0, 1), {}), ("Unflatten", (1, (2, 2)), {}),
    ("Identity", (7,), {"x": 1}),
]


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name, args, kwargs", ACTIVATIONS)
def test_activation_modules_match_torch(name, args, kwargs, dtype):
    m, t = getattr(mnn, name)(*args, **kwargs), getattr(torch.nn, name)(*args, **kwargs)
    assert repr(m) == repr(t)
    out_mg, out_th = compare(m, t, [rand((3, 4, 5), dtype)])
    if name != "Identity":
        assert node(out_mg) == node(out_th)


@pytest.mark.parametrize("name", ["relu", "sigmoid", "tanh"])
def test_elementwise_functionals(name):
    out_mg, out_th = compare(getattr(MF, name), getattr(TF, name), [rand((4, 6))])
    assert node(out_mg) == node(out_th)


@pytest.mark.parametrize("name", ["relu", "dropout", "linear"])
def test_functionals_reject_non_tensors_like_torch(name):
    args = ([[1.0]], torch.ones(1, 1)) if name == "linear" else ([1.0],)
    raises_like(lambda: getattr(MF, name)(*[minigrad.ones(1, 1) if isinstance(a, torch.Tensor) else a for a in args]),
                lambda: getattr(TF, name)(*args))


@pytest.mark.parametrize("name", ["sigmoid", "tanh", "softmax", "log_softmax"])
def test_method_forwarding_functionals_fail_on_non_tensors_like_torch(name):
    with pytest.raises(AttributeError):
        getattr(TF, name)([1.0], 0) if "softmax" in name else getattr(TF, name)([1.0])
    with pytest.raises(AttributeError):
        getattr(MF, name)([1.0], 0) if "softmax" in name else getattr(MF, name)([1.0])


@pytest.mark.parametrize("name", ["softmax", "log_softmax"])
@pytest.mark.parametrize("ndim", [0, 1, 2, 3, 4])
def test_softmax_implicit_dim_warns_and_picks_torch_dim(name, ndim):
    x = rand((2, 3, 4, 5)[:ndim])
    with pytest.warns(UserWarning, match=f"Implicit dimension choice for {name} has been deprecated") as rec:
        out = getattr(MF, name)(minigrad.tensor(x))
    assert rec[0].filename == __file__  # points at the caller, as torch's does
    with pytest.warns(UserWarning):
        assert_close(out, getattr(TF, name)(torch.tensor(x)))


def test_softmax_module_implicit_dim_warning_points_at_caller():
    with pytest.warns(UserWarning, match="Implicit dimension choice for softmax") as rec:
        out = mnn.Softmax()(minigrad.zeros(2, 4))
    assert rec[0].filename == __file__
    assert_close(out, torch.full((2, 4), 0.25))


def test_softmax_dtype_argument():
    compare(lambda x: MF.softmax(x, 1, dtype=minigrad.float64), lambda x: TF.softmax(x, 1, dtype=torch.float64),
            [rand((3, 4))])


def test_relu_inplace_like_torch():
    x = minigrad.randn(5)
    assert mnn.ReLU(inplace=True)(x) is x and float(x.min()) >= 0
    raises_like(lambda: MF.relu(minigrad.randn(3, requires_grad=True), inplace=True),
                lambda: TF.relu(torch.randn(3, requires_grad=True), inplace=True))


@pytest.mark.parametrize("inplace_fn", [lambda F, h: F.relu(h, inplace=True),
                                        lambda F, h: F.dropout(h, 0.0 + 1e-9, inplace=True)])
def test_inplace_layers_on_intermediates_backpropagate(inplace_fn):
    minigrad.manual_seed(0)
    out_mg, out_th = compare(lambda a: inplace_fn(MF, a * 1), lambda a: inplace_fn(TF, a * 1), [rand((4, 3))])
    assert node(out_mg) == node(out_th)


def test_dropout_train_scales_survivors_and_grad_is_mask():
    minigrad.manual_seed(0)
    x = minigrad.ones(200, 500, requires_grad=True)
    y = mnn.Dropout(p=0.2)(x)
    a = y.detach().numpy()
    assert set(np.unique(a).tolist()) == {0.0, np.float32(1) / np.float32(0.8)}
    assert abs((a == 0).mean() - 0.2) < 0.01
    assert node(y) == "MulBackward0"
    y.sum().backward()
    assert np.array_equal(x.grad.numpy(), a)


def test_dropout_reproducible_with_manual_seed():
    minigrad.manual_seed(3)
    a = MF.dropout(minigrad.ones(100)).numpy()
    minigrad.manual_seed(3)
    assert np.array_equal(MF.dropout(minigrad.ones(100)).numpy(), a)


@pytest.mark.parametrize("p", [0.0, 1.0, 0.5])
def test_dropout_edge_probabilities_and_eval(p):
    x = minigrad.randn(4, 5, requires_grad=True)
    m = mnn.Dropout(p)
    out = m(x)
    if p == 0.0:
        assert out is x
    if p == 1.0:
        assert not np.any(out.detach().numpy())
        out.sum().backward()
        assert not np.any(x.grad.numpy())
    assert m.eval()(x) is x
    assert MF.dropout(x, p, training=False) is x


def test_dropout_inplace_and_errors():
    x = minigrad.ones(1000)
    assert MF.dropout(x, 0.5, inplace=True) is x and float((x == 0).sum()) > 0
    for p in (-0.1, 1.1):
        raises_like(lambda: mnn.Dropout(p), lambda: torch.nn.Dropout(p))
        raises_like(lambda: MF.dropout(minigrad.ones(3), p), lambda: TF.dropout(torch.ones(3), p))
    raises_like(lambda: MF.dropout(minigrad.ones(3, dtype=minigrad.int64)),
                lambda: TF.dropout(torch.ones(3, dtype=torch.int64)))
    assert MF.dropout(minigrad.ones(0)).shape == (0,)


def test_unflatten_argument_errors():
    raises_like(lambda: mnn.Unflatten(1, 3), lambda: torch.nn.Unflatten(1, 3))
    raises_like(lambda: mnn.Unflatten(1, (2, "a")), lambda: torch.nn.Unflatten(1, (2, "a")))
    assert repr(mnn.Unflatten(1, [2, 5])) == repr(torch.nn.Unflatten(1, [2, 5]))


# ---- containers ----------------------------------------------------------------------------------
def build(nn):
    return nn.Sequential(nn.Linear(10, 5), nn.ReLU(), nn.Sequential(nn.Linear(5, 3, bias=False), nn.Tanh()))


def test_sequential_forward_backward_and_repr():
    m, t = build(mnn), build(torch.nn)
    copy_into_torch(m, t)
    assert repr(m) == repr(t)
    assert list(m.state_dict()) == list(t.state_dict())
    compare(m, t, [rand((8, 10))])
    for (name, p_mg), p_th in zip(m.named_parameters(), t.parameters()):
        assert_close(p_mg.grad, p_th.grad, what=name)


def test_sequential_indexing_like_torch():
    m, t = build(mnn), build(torch.nn)
    assert len(m) == 3 and repr(m[-1]) == repr(t[-1]) and m[0] is list(m)[0]
    assert repr(m[1:]) == repr(t[1:]) and list(m[1:]._modules) == ["1", "2"]
    assert m[1:][0 + 1] is m[2]
    raises_like(lambda: m[5], lambda: t[5])
    raises_like(lambda: m.__setitem__(5, mnn.ReLU()), lambda: t.__setitem__(5, torch.nn.ReLU()))
    raises_like(lambda: m.__setitem__(0, 3), lambda: t.__setitem__(0, 3))
    raises_like(lambda: m.append(3), lambda: t.append(3))
    raises_like(lambda: m + mnn.ModuleList(), lambda: t + torch.nn.ModuleList())


def test_sequential_mutation_renumbers_like_torch():
    m = mnn.Sequential(mnn.ReLU(), mnn.Tanh(), mnn.Sigmoid())
    t = torch.nn.Sequential(torch.nn.ReLU(), torch.nn.Tanh(), torch.nn.Sigmoid())
    for op in (lambda s, nn: s.__delitem__(0), lambda s, nn: s.insert(1, nn.ReLU()), lambda s, nn: s.pop(0),
               lambda s, nn: s.append(nn.Identity()), lambda s, nn: s.insert(-1, nn.Tanh()),
               lambda s, nn: s.extend([nn.ReLU()]), lambda s, nn: s.__delitem__(slice(1, 3)),
               lambda s, nn: s.__setitem__(-1, nn.Sigmoid())):
        op(m, mnn)
        op(t, torch.nn)
        assert repr(m) == repr(t) and list(m._modules) == list(t._modules)
        assert all(getattr(m, k) is v for k, v in m._modules.items())
    raises_like(lambda: m.insert(9, mnn.ReLU()), lambda: t.insert(9, torch.nn.ReLU()))
    assert repr(m + m) == repr(t + t)


def test_sequential_from_ordered_dict_keeps_names():
    m = mnn.Sequential(OrderedDict([("fc", mnn.Linear(2, 2)), ("act", mnn.ReLU())]))
    t = torch.nn.Sequential(OrderedDict([("fc", torch.nn.Linear(2, 2)), ("act", torch.nn.ReLU())]))
    assert repr(m) == repr(t) and m.fc is m[0] and list(m.state_dict()) == ["fc.weight", "fc.bias"]


def test_modulelist_like_torch():
    def make(nn):
        return nn.ModuleList([nn.Linear(2, 2) for _ in range(3)] + [nn.ReLU(), nn.ReLU(), nn.Tanh()])
    m, t = make(mnn), make(torch.nn)
    assert repr(m) == repr(t)
    assert len(list(m.parameters())) == 6 and len(m) == 6
    assert repr(m[-1]) == repr(t[-1]) and repr(m[:2]) == repr(t[:2]) and repr(m + m) == repr(t + t)
    m += [mnn.Sigmoid()]
    t += [torch.nn.Sigmoid()]
    del m[0]
    del t[0]
    assert repr(m) == repr(t) and list(m._modules) == list(t._modules)
    assert repr(mnn.ModuleList()) == repr(torch.nn.ModuleList())
    raises_like(lambda: m[10], lambda: t[10])
    raises_like(lambda: m.extend(3), lambda: t.extend(3))
    raises_like(lambda: mnn.ModuleList(3), lambda: torch.nn.ModuleList(3))
    raises_like(lambda: m(), lambda: t())


def test_nested_modulelist_repr():
    def make(nn):
        class Net(nn.Module):
            def __init__(self):
                super().__init__()
                self.blocks = nn.ModuleList([nn.Linear(2, 2), nn.Linear(2, 2)])
                self.head = nn.Sequential(nn.Linear(2, 1), nn.Sigmoid())
        return Net()
    assert repr(make(mnn)) == repr(make(torch.nn))


# ---- Module ----------------------------------------------------------------------------------------
def doc_net(nn):
    """The documents' network (minigrad/examples/train_mlp.py) for 3 classes."""
    return mlp(nn, 3)


def broken_doc_net(nn):
    class Net(nn.Module):
        def init(self):  # the documents' typo: __init__ is never overridden, so fc1 is never created
            self.fc1 = nn.Linear(10, 5)

        def forward(self, x):
            return self.fc1(x)
    return Net()


def test_module_missing_attribute_error_like_torch():
    raises_like(lambda: broken_doc_net(mnn)(minigrad.ones(1, 10)), lambda: broken_doc_net(torch.nn)(torch.ones(1, 10)))
    raises_like(lambda: minigrad.optim.SGD(broken_doc_net(mnn).parameters(), lr=0.1),
                lambda: torch.optim.SGD(broken_doc_net(torch.nn).parameters(), lr=0.1))


def test_module_registry_entries_resolve_as_attributes():
    m = mnn.Module()
    m._modules["child"] = mnn.ReLU()
    m._parameters["w"] = mnn.Parameter(minigrad.ones(2))
    assert isinstance(m.child, mnn.ReLU) and m.w.shape == (2,)


def test_state_dict_round_trip():
    a, b = doc_net(mnn), doc_net(mnn)
    x = minigrad.randn(4, 10)
    result = b.load_state_dict(a.state_dict())
    assert repr(result) == "<All keys matched successfully>"
    assert_close(b(x), a(x).detach(), rtol=0, atol=0)
    assert list(a.state_dict()) == list(doc_net(torch.nn).state_dict())
    sd = a.state_dict()
    assert all(not v.requires_grad and v.grad_fn is None for v in sd.values())
    with minigrad.no_grad():
        a.fc1.weight.add_(1.0)
    assert_close(sd["fc1.weight"], a.fc1.weight.detach(), rtol=0, atol=0)  # shares the storage, as torch's does


def test_load_state_dict_errors_like_torch():
    for mutate in (lambda sd: sd.pop("fc1.bias"), lambda sd: sd.__setitem__("extra", sd["fc1.bias"]),
                   lambda sd: sd.__setitem__("fc2.weight", sd["fc1.weight"])):
        m, t = doc_net(mnn), doc_net(torch.nn)
        sd_m, sd_t = m.state_dict(), t.state_dict()
        mutate(sd_m)
        mutate(sd_t)
        raises_like(lambda: m.load_state_dict(sd_m), lambda: t.load_state_dict(sd_t))
    m, t = doc_net(mnn), doc_net(torch.nn)
    sd_m, sd_t = m.state_dict(), t.state_dict()
    sd_m.pop("fc2.bias")
    sd_t.pop("fc2.bias")
    assert repr(m.load_state_dict(sd_m, strict=False)) == repr(t.load_state_dict(sd_t, strict=False))


def test_train_eval_zero_grad_and_to():
    m = build(mnn)
    assert m.training and not m.eval().training and not m[2][1].training
    assert m.train().training and m[2][1].training
    m(minigrad.randn(2, 10)).sum().backward()
    assert all(p.grad is not None for p in m.parameters())
    m.zero_grad()
    assert all(p.grad is None for p in m.parameters())
    w = m[0].weight
    m.to(minigrad.float64)
    assert m[0].weight is w and w.dtype == minigrad.float64
    assert m(minigrad.randn(2, 10, dtype=minigrad.float64)).dtype == minigrad.float64


# ---- nn.init ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("shape", [(30, 20), (8, 4, 3, 3), (5, 7, 2)])
def test_fans_like_torch(shape):
    mg, th = minigrad.empty(*shape), torch.empty(*shape)
    assert mnn.init._calculate_fan_in_and_fan_out(mg) == torch.nn.init._calculate_fan_in_and_fan_out(th)
    for mode in ("fan_in", "fan_out", "FAN_OUT"):
        assert mnn.init._calculate_correct_fan(mg, mode) == torch.nn.init._calculate_correct_fan(th, mode)


@pytest.mark.parametrize("args", [("linear",), ("conv2d",), ("sigmoid",), ("tanh",), ("relu",), ("selu",),
                                  ("leaky_relu",), ("leaky_relu", 0.2), ("leaky_relu", 1), ("conv_transpose3d",)])
def test_calculate_gain_like_torch(args):
    assert mnn.init.calculate_gain(*args) == torch.nn.init.calculate_gain(*args)


def test_init_errors_like_torch():
    I, TI = mnn.init, torch.nn.init
    raises_like(lambda: I.calculate_gain("foo"), lambda: TI.calculate_gain("foo"))
    raises_like(lambda: I.calculate_gain("leaky_relu", "a"), lambda: TI.calculate_gain("leaky_relu", "a"))
    raises_like(lambda: I.calculate_gain("leaky_relu", True), lambda: TI.calculate_gain("leaky_relu", True))
    raises_like(lambda: I.xavier_uniform_(minigrad.empty(3)), lambda: TI.xavier_uniform_(torch.empty(3)))
    raises_like(lambda: I.kaiming_normal_(minigrad.empty(3, 3), mode="x"),
                lambda: TI.kaiming_normal_(torch.empty(3, 3), mode="x"))


INIT_STD = {  # name -> (kwargs, expected std of the filled (200, 300) tensor, expected mean)
    "uniform_": ({"a": -1.0, "b": 3.0}, 4 / math.sqrt(12), 1.0),
    "normal_": ({"mean": 2.0, "std": 0.5}, 0.5, 2.0),
    "xavier_uniform_": ({"gain": 2.0}, 2.0 * math.sqrt(2 / 500), 0.0),
    "xavier_normal_": ({}, math.sqrt(2 / 500), 0.0),
    "kaiming_uniform_": ({"a": math.sqrt(5)}, math.sqrt(1 / 3) / math.sqrt(300), 0.0),
    "kaiming_normal_": ({"mode": "fan_out", "nonlinearity": "relu"}, math.sqrt(2) / math.sqrt(200), 0.0),
}


@pytest.mark.parametrize("name", sorted(INIT_STD))
def test_init_distributions(name):
    kwargs, std, mean = INIT_STD[name]
    t = mnn.Parameter(minigrad.empty(200, 300))
    version = t._version[0]
    out = getattr(mnn.init, name)(t, **kwargs)  # a parameter that requires grad: filled without recording
    a = t.detach().numpy()
    assert out is t and t.grad_fn is None and t._version[0] > version
    assert abs(a.std() - std) < 0.02 * std and abs(a.mean() - mean) < 0.02 * std + 1e-3
    if name.endswith("uniform_"):
        lo, hi = (kwargs["a"], kwargs["b"]) if name == "uniform_" else (-math.sqrt(3) * std, math.sqrt(3) * std)
        assert lo <= a.min() and a.max() <= hi


def test_init_constant_family_and_deprecated_aliases():
    t = minigrad.empty(2, 3, requires_grad=True)
    assert np.all(mnn.init.constant_(t, 0.25).detach().numpy() == 0.25)
    assert np.all(mnn.init.ones_(t).detach().numpy() == 1) and not np.any(mnn.init.zeros_(t).detach().numpy())
    assert as_numpy(mnn.init.constant_(minigrad.empty(2, dtype=minigrad.int64), 3.7)).tolist() == [3, 3]
    with pytest.warns(FutureWarning, match="nn.init.xavier_uniform` is now deprecated"):
        mnn.init.xavier_uniform(minigrad.empty(3, 3))


def test_init_generator_reproducible():
    g = minigrad.Generator().manual_seed(5)
    a = mnn.init.normal_(minigrad.empty(4), generator=g).numpy().copy()
    g.manual_seed(5)
    assert np.array_equal(mnn.init.normal_(minigrad.empty(4), generator=g).numpy(), a)


def test_no_warning_for_ordinary_use():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        doc_net(mnn)(minigrad.randn(2, 10))
        MF.softmax(minigrad.randn(2, 3), dim=1)


def test_reprs_of_every_layer_like_torch():
    for make in (lambda nn: nn.Linear(3, 4, bias=False), lambda nn: nn.ReLU(inplace=True),
                 lambda nn: nn.Dropout(0.25, inplace=True), lambda nn: nn.Softmax(dim=-1),
                 lambda nn: nn.LogSoftmax(), lambda nn: nn.Flatten(0, 2), lambda nn: doc_net(nn)):
        assert repr(make(mnn)) == repr(make(torch.nn))
