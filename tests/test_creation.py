"""Creation functions against torch: shapes, dtypes, values, ``requires_grad``, the legacy
constructors, random factories (ranges and ``manual_seed`` determinism; minigrad's generator is its
own, so the numbers themselves are not torch's)."""
import numpy as np
import pytest
import torch

import minigrad


def same(mg, th):
    """Same shape, dtype name, values and requires_grad."""
    assert tuple(mg.shape) == tuple(th.shape)
    assert str(mg.dtype).split(".")[-1] == str(th.dtype).split(".")[-1]
    assert mg.requires_grad == th.requires_grad
    np.testing.assert_allclose(mg.detach().numpy(), th.detach().numpy(), rtol=1e-6, atol=1e-7)


def lib_args(lib, args, kw):
    conv = lambda v: getattr(lib, v[1:]) if isinstance(v, str) and v.startswith("@") else v  # noqa: E731
    return [conv(a) for a in args], {k: conv(v) for k, v in kw.items()}


CREATION = [
    ("zeros", (2, 3), {}), ("zeros", ((2, 3),), {}), ("zeros", ([2, 3],), {}), ("zeros", ((),), {}),
    ("zeros", (0,), {}), ("zeros", (2,), {"dtype": "@int64"}), ("zeros", (2,), {"requires_grad": True}),
    ("ones", (3,), {}), ("ones", (2, 2), {"dtype": "@float64", "requires_grad": True}),
    ("ones", (2,), {"dtype": "@bool"}),
    ("ones", (1, 0, 2), {"dtype": "@uint8"}), ("full", ((2,), 3), {}), ("full", ((2,), 3.0), {}),
    ("full", ((2, 1), True), {}), ("full", ([2], 1), {"dtype": "@float64"}), ("full", ((), 2.5), {}),
    ("arange", (5,), {}), ("arange", (0.0, 1, 0.25), {}), ("arange", (1, 4, 0.5), {}), ("arange", (10, 0, -3), {}),
    ("arange", (5,), {"dtype": "@float64"}), ("arange", (0, 1, 0.1), {}), ("arange", (-1.0, 1.0, 0.3), {}),
    ("arange", (3,), {"requires_grad": True, "dtype": "@float32"}), ("arange", (0,), {}), ("arange", (2, 2), {}),
    ("linspace", (0, 1, 5), {}), ("linspace", (0, 1, 1), {}), ("linspace", (0, 10, 0), {}),
    ("linspace", (0, 1, 3), {"dtype": "@float64"}), ("linspace", (-2.5, 7, 4), {}),
    ("eye", (3,), {}), ("eye", (2, 3), {}), ("eye", (3,), {"dtype": "@int64"}), ("eye", (0,), {}),
]


@pytest.mark.parametrize("name,args,kw", CREATION, ids=[f"{n}{a}{k}" for n, a, k in CREATION])
def test_creation(name, args, kw):
    a, k = lib_args(minigrad, args, kw)
    mg = getattr(minigrad, name)(*a, **k)
    a, k = lib_args(torch, args, kw)
    th = getattr(torch, name)(*a, **k)
    same(mg, th)


@pytest.mark.parametrize("name", ["zeros_like", "ones_like", "empty_like", "full_like", "rand_like", "randn_like"])
@pytest.mark.parametrize("dtype", ["float32", "float64", "int64"])
def test_like(name, dtype):
    extra = (7,) if name == "full_like" else ()
    for lib_kw in ({}, {"dtype": "@float64"}, {"requires_grad": True, "dtype": "@float64"}):
        outs = []
        for lib in (minigrad, torch):
            src = lib.ones(2, 3, dtype=getattr(lib, dtype))
            _, k = lib_args(lib, (), lib_kw)
            try:
                outs.append(getattr(lib, name)(src, *extra, **k))
            except (NotImplementedError, RuntimeError) as e:
                outs.append(type(e))
        mg, th = outs
        if isinstance(th, type):
            continue  # torch has no random integers from rand_like/randn_like
        assert tuple(mg.shape) == tuple(th.shape) and mg.dtype.name == str(th.dtype).split(".")[1]
        assert mg.requires_grad == th.requires_grad
        if name in ("zeros_like", "ones_like", "full_like"):
            same(mg, th)


def test_empty():
    for args in ((2, 3), ((2, 3),), (0,)):
        mg, th = minigrad.empty(*args), torch.empty(*args)
        assert tuple(mg.shape) == tuple(th.shape) and mg.dtype is minigrad.float32
    assert minigrad.empty(2, dtype=minigrad.int64).dtype is minigrad.int64


@pytest.mark.parametrize("args", [(2, 3), ((2, 3),), ([4],), (torch.Size([2, 1]),), ((),)], ids=str)
def test_random_shapes_and_dtypes(args):
    for name in ("rand", "randn"):
        for kw in ({}, {"dtype": "float64"}, {"requires_grad": True}):
            mg_kw = {k: getattr(minigrad, v) if k == "dtype" else v for k, v in kw.items()}
            th_kw = {k: getattr(torch, v) if k == "dtype" else v for k, v in kw.items()}
            mg, th = getattr(minigrad, name)(*args, **mg_kw), getattr(torch, name)(*args, **th_kw)
            assert tuple(mg.shape) == tuple(th.shape) and mg.dtype.name == str(th.dtype).split(".")[1]
            assert mg.requires_grad == th.requires_grad and mg.is_leaf


def test_rand_randn_distribution():
    minigrad.manual_seed(0)
    u = minigrad.rand(20000).numpy()
    n = minigrad.randn(20000, dtype=minigrad.float64).numpy()
    assert u.min() >= 0 and u.max() < 1 and abs(u.mean() - 0.5) < 0.02
    assert abs(n.mean()) < 0.03 and abs(n.std() - 1) < 0.03 and n.dtype == np.float64


def test_randint_ranges_and_dtypes():
    minigrad.manual_seed(1)
    for args, lo, hi in (((5, (1000,)), 0, 5), ((3, 10, (1000,)), 3, 10), ((-4, -1, (2, 500)), -4, -1)):
        mg, th = minigrad.randint(*args), torch.randint(*args)
        v = mg.numpy()
        assert v.min() == lo and v.max() == hi - 1
        assert tuple(mg.shape) == tuple(th.shape) and mg.dtype is minigrad.int64
    assert minigrad.randint(0, 3, (2,), dtype=minigrad.float32).dtype is minigrad.float32
    assert minigrad.randint(3, size=(2,)).dtype is minigrad.int64
    assert tuple(minigrad.randint(0, 3, ()).shape) == ()


def test_randperm():
    minigrad.manual_seed(2)
    for n in (0, 1, 10):
        p = minigrad.randperm(n)
        assert p.dtype is minigrad.int64 and sorted(p.tolist()) == list(range(n))
    assert minigrad.randperm(5, dtype=minigrad.float32).dtype is minigrad.float32


def test_normal_forms():
    minigrad.manual_seed(3)
    for mg_args, th_args in (((0.0, 1.0, (2, 3)), (0.0, 1.0, (2, 3))),
                             ((minigrad.zeros(4), 1.0), (torch.zeros(4), 1.0)),
                             ((minigrad.zeros(2, 1), minigrad.ones(3)), (torch.zeros(2, 1), torch.ones(3))),
                             ((0.0, minigrad.ones(3, dtype=minigrad.float64)),
                              (0.0, torch.ones(3, dtype=torch.float64)))):
        mg, th = minigrad.normal(*mg_args), torch.normal(*th_args)
        assert tuple(mg.shape) == tuple(th.shape) and mg.dtype.name == str(th.dtype).split(".")[1]
    big = minigrad.normal(5.0, 2.0, (20000,)).numpy()
    assert abs(big.mean() - 5) < 0.1 and abs(big.std() - 2) < 0.1


def test_manual_seed_determinism():
    def draw():
        return (minigrad.rand(3).tolist(), minigrad.randn(2, 2).tolist(), minigrad.randint(0, 100, (4,)).tolist(),
                minigrad.randperm(6).tolist(), minigrad.normal(0.0, 1.0, (2,)).tolist(),
                minigrad.empty(3).uniform_(-1, 1).tolist(), minigrad.empty(3).normal_().tolist(),
                minigrad.zeros(3).random_(0, 10).tolist())
    minigrad.manual_seed(1234)
    first = draw()
    minigrad.manual_seed(1234)
    assert draw() == first
    minigrad.manual_seed(4321)
    assert draw() != first
    assert minigrad.initial_seed() == 4321


def test_rng_state_roundtrip_and_generator():
    minigrad.manual_seed(5)
    state = minigrad.get_rng_state()
    a = minigrad.rand(4).tolist()
    minigrad.set_rng_state(state)
    assert minigrad.rand(4).tolist() == a
    g = minigrad.Generator().manual_seed(7)
    x = minigrad.rand(3, generator=g).tolist()
    g.manual_seed(7)
    assert minigrad.rand(3, generator=g).tolist() == x
    assert isinstance(minigrad.manual_seed(0), minigrad.Generator)


def test_inplace_random_fills():
    minigrad.manual_seed(6)
    t = minigrad.empty(1000)
    assert t.uniform_() is t
    v = minigrad.empty(1000).uniform_(2.0, 3.0).numpy()
    assert v.min() >= 2.0 and v.max() < 3.0
    r = minigrad.empty(1000, dtype=minigrad.int64).random_(3, 7).numpy()
    assert r.min() == 3 and r.max() == 6
    r = minigrad.empty(1000).random_(5).numpy()
    assert r.min() == 0 and r.max() == 4 and np.all(r == np.floor(r))
    b = minigrad.empty(1000).bernoulli_(0.3).numpy()
    assert set(np.unique(b).tolist()) <= {0.0, 1.0}
    n = minigrad.empty(2000, dtype=minigrad.float64).normal_(1.0, 0.5).numpy()
    assert abs(n.mean() - 1) < 0.05 and n.dtype == np.float64


@pytest.mark.parametrize("args", [(2, 3), ((2, 3),), ([[1, 2], [3, 4]],), ([1.5, 2.5],), ((2.0, 3.0),), (),
                                  ("SIZE",)], ids=str)
def test_legacy_tensor_constructor(args):
    if args == ("SIZE",):
        mg, th = minigrad.Tensor(minigrad.Size([2, 3])), torch.Tensor(torch.Size([2, 3]))
    else:
        mg, th = minigrad.Tensor(*args), torch.Tensor(*args)
    assert tuple(mg.shape) == tuple(th.shape) and mg.dtype is minigrad.float32
    if args and isinstance(args[0], (list, tuple)) and args[0] and not isinstance(args[0][0], int):
        assert mg.tolist() == th.tolist()
    elif args and isinstance(args[0], int):
        assert not mg.numpy().any()  # minigrad zero-fills where torch leaves memory uninitialised
    assert isinstance(mg, minigrad.Tensor)


@pytest.mark.parametrize("name", ["FloatTensor", "DoubleTensor", "LongTensor", "IntTensor", "ByteTensor", "BoolTensor"])
def test_legacy_typed_constructors(name):
    for args in ((3,), (2, 2), ([1, 0, 1],), ([[1, 2]],)):
        mg, th = getattr(minigrad, name)(*args), getattr(torch, name)(*args)
        assert tuple(mg.shape) == tuple(th.shape) and str(mg.dtype).split(".")[-1] == str(th.dtype).split(".")[-1]
        if isinstance(args[0], list):
            assert mg.tolist() == th.tolist()


def test_tensor_function():
    for data in ([[1, 2], [3, 4]], [1.5, 2.5], 3, 2.5, True, [], [[]], [[1.0], [2.0]], (1, 2), [True, False]):
        same(minigrad.tensor(data), torch.tensor(data))
    same(minigrad.tensor([1.0, 2.0], requires_grad=True), torch.tensor([1.0, 2.0], requires_grad=True))
    same(minigrad.tensor([1, 2], dtype=minigrad.float64, device="cpu"), torch.tensor([1, 2], dtype=torch.float64))
    same(minigrad.tensor([minigrad.tensor(1.0), minigrad.tensor(2.0)]), torch.tensor([1.0, 2.0]))


def test_tensor_copies_its_input():
    a = np.array([1.0, 2.0])
    t = minigrad.tensor(a)
    a[0] = 5
    assert t.tolist() == [1.0, 2.0]
    src = minigrad.tensor([1.0, 2.0])
    c = minigrad.tensor(src)
    src[0] = 9
    assert c.tolist() == [1.0, 2.0]


def test_from_numpy_and_as_tensor_share_memory():
    a = np.array([1.0, 2.0])
    t = minigrad.from_numpy(a)
    a[0] = 5
    assert t.tolist() == [5.0, 2.0] and t.dtype is minigrad.float64
    b = minigrad.as_tensor(a)
    a[1] = 7
    assert b.tolist() == [5.0, 7.0]
    t2 = minigrad.ones(2)
    assert minigrad.as_tensor(t2) is t2
    assert minigrad.as_tensor([1, 2]).dtype is minigrad.int64
    assert minigrad.as_tensor(a, dtype=minigrad.float32).dtype is minigrad.float32


def test_numpy_item_tolist_array():
    t = minigrad.tensor([[1.5, 2.0]])
    assert t.numpy().dtype == np.float32 and t.tolist() == [[1.5, 2.0]]
    assert np.asarray(t).shape == (1, 2) and np.asarray(t, dtype=np.float64).dtype == np.float64
    assert minigrad.tensor(3.5).item() == 3.5 and isinstance(minigrad.tensor(3).item(), int)
    assert minigrad.tensor([[2.0]]).item() == 2.0
    assert float(minigrad.tensor(2.5)) == 2.5 and int(minigrad.tensor(2.7)) == 2 and bool(minigrad.tensor(1))
    assert [0, 1, 2][minigrad.tensor(1)] == 1
    assert f"{minigrad.tensor(2.5):.2f}" == "2.50"
    assert minigrad.tensor(True).item() is True


def test_pickle_roundtrip():
    import pickle
    t = minigrad.tensor([1.0, 2.0], requires_grad=True)
    u = pickle.loads(pickle.dumps(t))
    assert u.tolist() == [1.0, 2.0] and u.requires_grad and u.dtype is minigrad.float32


def test_cuda_device_raises_clear_error_without_gpu():
    if minigrad.cuda.is_available():
        pytest.skip("a GPU is present")
    for fn in (lambda: minigrad.zeros(2, device="cuda"), lambda: minigrad.ones(2).cuda(),
               lambda: minigrad.ones(2).to("cuda"), lambda: minigrad.tensor([1.0], device="cuda:0"),
               lambda: minigrad.randn(2, device=minigrad.device("cuda"))):
        with pytest.raises(RuntimeError, match="CUDA"):
            fn()
    assert minigrad.cuda.device_count() == 0


def test_devices():
    d = minigrad.device("cpu")
    assert d == "cpu" and str(d) == "cpu" and repr(d) == "device(type='cpu')" and d.type == "cpu"
    assert minigrad.device("cuda:1").index == 1 and str(minigrad.device("cuda", 0)) == "cuda:0"
    assert minigrad.zeros(2, device=d).device == minigrad.device("cpu")
    assert minigrad.zeros(2, device="cpu").device.type == "cpu"
    with pytest.raises(RuntimeError, match="Expected one of cpu, cuda device type at start of device string: tpu"):
        minigrad.device("tpu")
    with pytest.raises(RuntimeError):
        torch.device("tpu")
    assert {minigrad.device("cpu"): 1}[minigrad.device("cpu")] == 1
