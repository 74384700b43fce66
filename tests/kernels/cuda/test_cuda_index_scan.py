"""Index, scatter, scan and search ops on 'cuda' (simulator) against the same ops on 'cpu': values,
indices and gradients in float32 and float64, repeated indices, NaN, zeros and empty inputs; bad
indices raise the CPU's error on the device too; the host copies each op makes."""
import numpy as np
import pytest

import minigrad
from minigrad.kernels import cpu as host
from minigrad.kernels import cuda as device

TOL = {"float32": dict(rtol=2e-6, atol=1e-6), "float64": dict(rtol=1e-12, atol=1e-13)}


class Case:
    """Leaves made on one device; the case's function builds its output from them."""

    def __init__(self, dev, dtype):
        self.dev, self.dtype, self.leaves = dev, getattr(minigrad, dtype), []

    def x(self, *shape, seed=0, zeros=(), nan=()):
        data = np.random.default_rng([seed, *shape]).standard_normal(shape)
        for at in zeros:
            data[at] = 0
        for at in nan:
            data[at] = np.nan
        t = minigrad.tensor(data, dtype=self.dtype, device=self.dev).requires_grad_()
        self.leaves.append(t)
        return t

    def i(self, values):
        return minigrad.tensor(values, device=self.dev)


DUP = [[0, 1, 1, 0], [2, 2, 0, 2]]  # repeated positions along dim 0 of a (3, 4) input
DIFFERENTIABLE = {
    "cumprod": lambda c: c.x(3, 4, zeros=[(1, 2), (2, 0)]).cumprod(1),
    "cumprod dim 0": lambda c: c.x(3, 4).cumprod(0),
    "cumprod 0-d": lambda c: c.x().cumprod(0),
    "cummax": lambda c: c.x(3, 5, nan=[(1, 2)]).cummax(1),
    "cummin dim 0": lambda c: c.x(4, 3).cummin(0),
    "cummax ties": lambda c: (c.x(2, 5) * 0 + c.i([1.0, 3.0, 3.0, 2.0, 3.0])).cummax(1),
    "scatter": lambda c: c.x(3, 4).scatter(0, c.i(DUP).narrow(1, 0, 1), c.x(2, 3, seed=1)),
    "scatter value": lambda c: c.x(3, 4).scatter(1, c.i([[0, 3], [2, 2]]), 1.5),
    "scatter_add": lambda c: c.x(3, 4).scatter_add(0, c.i(DUP), c.x(2, 4, seed=1)),
    "scatter_reduce sum": lambda c: c.x(3, 4).scatter_reduce(0, c.i(DUP), c.x(2, 4, seed=1), "sum"),
    "scatter_reduce mean": lambda c: c.x(3, 4).scatter_reduce(0, c.i(DUP), c.x(2, 4, seed=1), "mean",
                                                              include_self=False),
    "scatter_reduce prod": lambda c: c.x(3, 4).scatter_reduce(0, c.i(DUP), c.x(2, 4, seed=1), "prod"),
    "scatter_reduce prod zeros": lambda c: c.x(3, 4, zeros=[(0, 0), (2, 2)]).scatter_reduce(
        0, c.i(DUP), c.x(2, 4, seed=1, zeros=[(0, 0), (1, 0), (0, 3)]), "prod", include_self=False),
    "scatter_reduce amax": lambda c: c.x(3, 4).scatter_reduce(0, c.i(DUP), c.x(2, 4, seed=1), "amax",
                                                              include_self=False),
    "scatter_reduce amin ties": lambda c: (c.x(3, 4) * 0).scatter_reduce(0, c.i(DUP), c.x(2, 4, seed=1) * 0, "amin"),
    "index_fill": lambda c: c.x(3, 4).index_fill(1, c.i([0, 2, -1]), -2.0),
    "index_copy": lambda c: c.x(3, 4).index_copy(0, c.i([2, 0]), c.x(2, 4, seed=1)),
    "take_along_dim": lambda c: c.x(3, 4).take_along_dim(c.i(DUP), 0),
    "take_along_dim broadcast": lambda c: c.x(3, 4).take_along_dim(c.i([[3, 0, -1]]), 1),
    "take_along_dim flat": lambda c: c.x(3, 4).take_along_dim(c.i([11, 0, 0])),
    "gather": lambda c: c.x(3, 4).gather(1, c.i([[0, 0], [1, 3], [2, 2]])),
    "sort values": lambda c: c.x(3, 4).sort(1, descending=True).values,
    "masked_select": lambda c: c.x(3, 4).masked_select(c.x(4, seed=1) > 0),
    "mask index": lambda c: (lambda x: x[x > 0])(c.x(3, 4)),
    "two index tensors": lambda c: c.x(3, 4, 2)[c.i([2, 0, 2]), :, c.i([1, 0, 1])],
    "index_put accumulate": lambda c: c.x(3, 4).index_put((c.i([0, 2, 0]), c.i([1, 1, 1])), c.x(3, seed=1), True),
    "index_put": lambda c: c.x(3, 4).index_put((c.i([[True, False, True, False]] * 3),), c.x(6, seed=1)),
}
NO_GRAD = {
    "scatter multiply": lambda c: c.x(3, 4).detach().scatter(0, c.i(DUP), c.x(2, 4, seed=1).detach(),
                                                             reduce="multiply"),
    "scatter_reduce integers": lambda c: c.i([[5, 1], [2, 7]]).scatter_reduce(1, c.i([[1, 1], [0, 0]]),
                                                                                c.i([[3, 9], [4, 1]]), "amax"),
    "cumprod integers": lambda c: c.i([[2, -3, 4], [0, 5, 6]]).cumprod(1),
    "cummin integers": lambda c: c.i([[2, -3, 4, -3], [0, 5, -6, 9]]).cummin(1),
    "searchsorted": lambda c: minigrad.searchsorted(c.i([-1.0, 0.0, 0.0, 2.0, 5.0]).to(c.dtype),
                                                    c.i([[0.0, 6.0], [-3.0, 2.0]]).to(c.dtype)),
    "searchsorted right int32": lambda c: minigrad.searchsorted(c.i([-1.0, 0.0, 0.0, 2.0]).to(c.dtype),
                                                                c.i([0.0, 2.0, 1.0]).to(c.dtype), right=True,
                                                                out_int32=True),
    "searchsorted rows sorter": lambda c: minigrad.searchsorted(c.i([[3.0, 1.0, 2.0], [9.0, 7.0, 8.0]]).to(c.dtype),
                                                                c.i([[2.0, 0.5], [8.0, 9.5]]).to(c.dtype), side="right",
                                                                sorter=c.i([[1, 2, 0], [1, 2, 0]])),
    "searchsorted nan scalar": lambda c: minigrad.searchsorted(c.i([1.0, 2.0, float("nan")]).to(c.dtype), 2.0),
    "searchsorted nan values": lambda c: minigrad.searchsorted(c.i([1.0, 2.0, float("nan")]).to(c.dtype),
                                                               c.i([float("nan"), 3.0]).to(c.dtype)),
    "bucketize": lambda c: minigrad.bucketize(c.x(3, 4), c.i([-1.0, 0.0, 1.0]).to(c.dtype)),
    "histc range": lambda c: minigrad.histc(c.x(40).detach(), bins=7, min=-1, max=1),
    "histc data range": lambda c: minigrad.histc(c.x(40).detach(), bins=5),
    "histc edges": lambda c: minigrad.histc(c.i([0.0, 0.1, 0.2, 0.3, 1.0, float("nan")]).to(c.dtype), bins=10, max=1),
    "histc one value": lambda c: minigrad.histc(c.i([2.0, 2.0]).to(c.dtype), bins=4),
    "bincount": lambda c: minigrad.bincount(c.i([1, 4, 1, 0, 4, 4])),
    "bincount weights minlength": lambda c: minigrad.bincount(c.i([1, 4, 1]), c.x(3).detach(), minlength=7),
    "bincount integer weights": lambda c: minigrad.bincount(c.i([2, 0, 2]), c.i([3, 1, 5])),
    "bincount empty": lambda c: minigrad.bincount(c.i([]).long(), minlength=2),
    "cummax empty": lambda c: c.x(0, 3).cummax(0),
    "cumprod empty": lambda c: c.x(2, 0).cumprod(1),
    "scatter_add empty index": lambda c: c.x(3, 4).scatter_add(0, c.i([[]]).long(), c.x(1, 0)),
    "scatter_reduce empty index": lambda c: c.x(3, 4).scatter_reduce(1, c.i([[]]).long(), c.x(1, 0), "amax"),
    "masked_select nothing": lambda c: c.x(3, 4).masked_select(c.x(3, 4) > 9),
    "searchsorted no values": lambda c: minigrad.searchsorted(c.i([1.0, 2.0]).to(c.dtype), c.x(0)),
    "histc empty": lambda c: minigrad.histc(c.x(0), bins=3),
}


def run(fn, dev, dtype):
    """(outputs on the host, leaf gradients on the host) of ``fn`` on ``dev``."""
    c = Case(dev, dtype)
    out = fn(c)
    outs = list(out) if isinstance(out, tuple) else [out]
    if outs[0].requires_grad:
        w = np.random.default_rng(7).standard_normal(tuple(outs[0].shape))
        (outs[0] * minigrad.tensor(w, dtype=outs[0].dtype, device=dev)).sum().backward()
    assert all(o.device.type == dev for o in outs)
    grads = [None if t.grad is None else t.grad.cpu().numpy() for t in c.leaves]
    return [(o.dtype, o.detach().cpu().numpy()) for o in outs], grads


def compare(fn, dtype):
    (want, want_grads), (got, got_grads) = run(fn, "cpu", dtype), run(fn, "cuda", dtype)
    for (wd, w), (gd, g) in zip(want, got):
        assert gd == wd and g.shape == w.shape
        np.testing.assert_allclose(g, w, equal_nan=True, **TOL[dtype])
    for w, g in zip(want_grads, got_grads):
        assert (g is None) == (w is None)
        if w is not None:
            np.testing.assert_allclose(g, w, equal_nan=True, **TOL[dtype])


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("name", sorted(DIFFERENTIABLE))
def test_values_and_gradients_as_on_cpu(name, dtype):
    compare(DIFFERENTIABLE[name], dtype)


@pytest.mark.filterwarnings("ignore:The reduce argument of torch.scatter")
@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("name", sorted(NO_GRAD))
def test_values_as_on_cpu(name, dtype):
    compare(NO_GRAD[name], dtype)


BAD = {
    "scatter": (lambda c: c.x(3, 4).scatter(0, c.i([[3]]), 1.0), RuntimeError),
    "scatter_add negative": (lambda c: c.x(3, 4).scatter_add(1, c.i([[-5]]), c.x(1, 1)), RuntimeError),
    "index_fill": (lambda c: c.x(3, 4).index_fill(1, c.i([4]), 1.0), IndexError),
    "index_copy": (lambda c: c.x(3, 4).index_copy(0, c.i([3]), c.x(1, 4)), RuntimeError),
    "take_along_dim": (lambda c: c.x(3, 4).take_along_dim(c.i([[4]]), 1), RuntimeError),
    "two index tensors": (lambda c: c.x(3, 4)[c.i([0, 1]), c.i([0, 4])], IndexError),
    "index tensor": (lambda c: c.x(3, 4)[c.i([0, 3])], IndexError),
    "index tensor negative": (lambda c: c.x(3, 4)[c.i([-4, 1])], IndexError),
    "index tensor in dim 1": (lambda c: c.x(3, 4)[:, c.i([[1], [4]])], IndexError),
    "bincount negative": (lambda c: minigrad.bincount(c.i([1, -1])), RuntimeError),
    "histc not finite": (lambda c: minigrad.histc(c.i([1.0, float("inf")])), RuntimeError),
}


@pytest.mark.parametrize("name", sorted(BAD))
def test_bad_indices_raise_as_on_cpu(name):
    fn, error = BAD[name]
    messages = []
    for dev in ("cpu", "cuda"):
        with pytest.raises(error) as e:
            fn(Case(dev, "float32"))
        messages.append(str(e.value))
    assert messages[0] == messages[1]


def _key(shape, key):
    return shape, key


KEYS = [  # numpy's advanced-index forms, including separated index arrays (their dims go first)
    _key((3, 4, 5), (np.array([2, 0, 2]), slice(None), np.array([1, -1, 0]))),
    _key((3, 4, 5), (1, np.array([[0, 3], [2, 2]]), slice(1, 4))),
    _key((3, 4, 5), (slice(None), np.array([0, 3]), np.array([[4], [0]]))),
    _key((3, 4, 5), (np.array([[True, False, True, True]] * 3),)),
    _key((3, 4, 5), (None, slice(None, None, -1), np.array([True, False, False, True]), Ellipsis)),
    _key((3, 4), (np.array([], np.int64),)),
    _key((), (np.array(True),)),
]


@pytest.mark.parametrize("shape,key", KEYS)
def test_backend_index_index_add_and_setitem(shape, key):
    a = np.asarray(np.arange(np.prod(shape), dtype=np.float64).reshape(shape) + 0.5)
    d = device.from_host(a)
    want = host.index(a, key)
    np.testing.assert_array_equal(device.to_host(device.index(d, key)), want)
    g = np.random.default_rng(0).standard_normal(want.shape)
    np.testing.assert_array_equal(device.to_host(device.index_add(shape, key, device.from_host(g), True)),
                                  host.index_add(shape, key, g, True))
    host.setitem(a, key, g)
    device.setitem(d, key, device.from_host(g))
    np.testing.assert_array_equal(device.to_host(d), a)


def test_repeated_positions_combine_in_index_order():
    """The last write wins and sums add in index order, bit for bit as numpy (torch's CUDA order is
    unspecified there)."""
    idx = np.array([3, 0, 3, 3, 1, 0])
    v = np.array([1e16, 1.0, -1e16, 1.0, 2.0, 3.0])
    for reduce in ("sum", "prod", "amax", "amin"):
        want = host.scatter_reduce(np.zeros(4), (idx,), v, reduce)
        got = device.to_host(device.scatter_reduce(device.from_host(np.zeros(4)), (idx,), device.from_host(v), reduce))
        np.testing.assert_array_equal(got, want, err_msg=reduce)
    a = np.zeros(4)
    host.setitem(a, (idx,), v)
    d = device.from_host(np.zeros(4))
    device.setitem(d, (idx,), device.from_host(v))
    np.testing.assert_array_equal(device.to_host(d), a)


def test_data_stays_on_the_device(device_log):
    """Scans run with no copy at all; searchsorted copies nothing back; a gather along a dim by a
    device index (sort's values) reads back one flag each way; bincount reads its bounds (two
    int64), histc over the data's range its min and max."""
    x = minigrad.tensor(np.linspace(-1, 1, 12).reshape(3, 4), device="cuda", requires_grad=True)
    del device_log[:]
    values, _ = x.cumprod(1).cummax(0)
    values.sum().backward()
    minigrad.searchsorted(x.detach().reshape(-1), x.detach())
    assert device_log == []
    values, _ = x.sort(1)
    values.sum().backward()
    assert device_log.count("to host") == 2 and "host array given to a kernel" not in device_log
    del device_log[:]
    minigrad.histc(x.detach(), bins=3, min=-1, max=1)
    assert "to host" not in device_log
    del device_log[:]
    minigrad.histc(x.detach(), bins=3)
    assert device_log.count("to host") == 2
    counts = minigrad.tensor([1, 0, 3], device="cuda")
    del device_log[:]
    minigrad.bincount(counts)
    assert device_log.count("to host") == 2


def test_device_index_keys_never_reach_the_host(monkeypatch):
    """sort's values and a[i, j] with device indices: offsets computed on the device, forward and
    backward; an out-of-range device index still raises numpy's IndexError (through the host)."""
    from minigrad.kernels.cuda import _index

    results = []
    for dev in ("cpu", "cuda"):
        x = minigrad.tensor(np.random.default_rng(3).standard_normal((3, 4)), device=dev, requires_grad=True)
        with monkeypatch.context() as m:
            m.setattr(_index, "offsets", lambda *a: pytest.fail("a device key went to the host"))
            ys = x.sort(1, descending=True).values, x[minigrad.tensor([2, 0, 2], device=dev),
                                                      minigrad.tensor([[1], [3]], device=dev)]
            (ys[0].sum() * 2 + (ys[1] * ys[1]).sum()).backward()
        results.append([y.tolist() for y in ys] + [x.grad.tolist()])
    for got, want in zip(results[1], results[0]):
        np.testing.assert_allclose(got, want, rtol=1e-12)
