"""Memory stays flat over long training runs: each step's graph, and the buffers its nodes save for
backward, are freed after ``backward`` and also when a loss is never backpropagated."""
import gc
import sys
import weakref

import numpy as np
import pytest

import minigrad
from tests.hardening.childproc import result, run
from minigrad import nn, optim

linux_only = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc/self/statm")

# The child's measuring kit: resident set size, and the number of objects the cycle collector tracks
# (a leak of one small object per step shows there long before it shows in RSS).
MEASURE = """
    import gc, json, os
    import minigrad as torch
    import minigrad.nn as nn
    import minigrad.optim as optim

    def rss():
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")

    def objects():
        gc.collect()
        return len(gc.get_objects())

    # ``steps`` SGD steps on cross entropy (each ``evaluate_every``-th also evaluates the loss without
    # backpropagating it); prints as JSON the RSS after ``warmup`` steps, its peak after (sampled every
    # ``sample_every`` steps and at the end), the growth of tracked objects and the last loss
    def train(net, x, target, steps, warmup, sample_every, evaluate_every=0):
        criterion = nn.CrossEntropyLoss()
        optimizer = optim.SGD(net.parameters(), lr=0.01)
        peak = 0
        for step in range(steps):
            if step == warmup:
                base, base_objects = rss(), objects()
            optimizer.zero_grad()
            loss = criterion(net(x), target)
            loss.backward()
            optimizer.step()
            if evaluate_every and step % evaluate_every == 0:
                criterion(net(x), target)  # evaluated, never backpropagated
            if step >= warmup and step % sample_every == 0:
                peak = max(peak, rss())
        peak = max(peak, rss())
        print(json.dumps({"base": base, "peak": peak, "objects": objects() - base_objects,
                          "loss": loss.item()}))
"""


def _mlp():
    minigrad.manual_seed(0)
    return nn.Sequential(nn.Linear(10, 5), nn.ReLU(), nn.Linear(5, 3))


def _batch():
    return minigrad.randn(4, 10), minigrad.tensor([0, 2, 1, 2])


def _graph(root):
    """Every node reachable from ``root`` (a grad_fn)."""
    seen, stack = [], [root]
    while stack:
        node = stack.pop()
        if node is not None and all(node is not s for s in seen):
            seen.append(node)
            stack.extend(fn for fn, _ in node.next_functions)
    return seen


def _held(node, leaves):
    """The arrays and non-leaf tensors a node references (directly or in a tuple/list), other than
    the data of ``leaves`` (the caller keeps those alive)."""
    owned = [t._data for t in leaves]
    out = []
    for value in vars(node).values():
        for v in value if isinstance(value, (tuple, list)) else (value,):
            if isinstance(v, np.ndarray) and not any(v is a or v.base is a for a in owned):
                out.append(v)
            elif isinstance(v, minigrad.Tensor) and v.grad_fn is not None:
                out.append(v)
    return out


@pytest.fixture
def no_cycle_collector():
    """Freed must mean freed by reference counting, at once: a graph that needs the cycle collector
    lingers until it happens to run."""
    gc.collect()
    gc.disable()
    yield
    gc.enable()


def test_unbackpropagated_graph_is_freed(no_cycle_collector):
    net, (x, target) = _mlp(), _batch()
    loss = nn.CrossEntropyLoss()(net(x), target)
    nodes = _graph(loss.grad_fn)
    assert [n.name for n in nodes][:1] == ["NllLossBackward0"] and len(nodes) >= 4
    leaves = [*net.parameters(), x, target]
    refs = [weakref.ref(n) for n in nodes] + [weakref.ref(v) for n in nodes for v in _held(n, leaves)]
    del nodes, loss
    assert [r() for r in refs if r() is not None] == []


def test_backward_frees_saved_buffers_while_loss_is_alive(no_cycle_collector):
    net, (x, target) = _mlp(), _batch()
    hidden = net[1](net[0](x))
    loss = nn.CrossEntropyLoss()(net[2](hidden), target)
    nodes = _graph(loss.grad_fn)
    refs = [weakref.ref(v) for n in nodes for v in _held(n, [*net.parameters(), x, target])]
    refs.append(weakref.ref(hidden))
    assert len(refs) >= 5
    names = [n.name for n in nodes]
    del nodes, hidden
    loss.backward()
    assert [type(r()).__name__ for r in refs if r() is not None] == []
    assert [n.name for n in _graph(loss.grad_fn)] == names  # the structure stays readable, as in torch
    with pytest.raises(RuntimeError, match="backward through the graph a second time"):
        loss.backward()


def _report(loop, out):
    """Print the child's measurements (``pytest -s`` shows them), check the object count, and return
    the growth of resident memory after warm-up."""
    growth = (out["peak"] - out["base"]) / out["base"]
    print(f"{loop}: RSS after warm-up {out['base'] / 2**20:.1f} MiB, peak {out['peak'] / 2**20:.1f} MiB "
          f"({growth:+.2%}); {out['objects']:+d} tracked Python objects")
    assert out["objects"] < 100, f"{out['objects']} more tracked objects: something is kept per step"
    return growth


@linux_only
@pytest.mark.slow
def test_mlp_loop_memory_is_flat():
    """10,000 steps of the documents' MLP loop (with a loss computed and dropped unbackpropagated
    every 10th step): resident memory after 1,000 warm-up steps grows by at most 5 %, and the count
    of tracked Python objects stays put."""
    proc = run(MEASURE, """
        torch.manual_seed(0)
        x, target = torch.randn(4, 10), torch.tensor([0, 2, 1, 2])
        net = nn.Sequential(nn.Linear(10, 5), nn.ReLU(), nn.Linear(5, 3))
        train(net, x, target, steps=10000, warmup=1000, sample_every=500, evaluate_every=10)
    """, timeout=600)
    out = result(proc)
    assert _report("MLP loop, 10,000 steps", out) <= 0.05
    assert out["loss"] < 0.1  # it trained


@linux_only
@pytest.mark.slow
@pytest.mark.skipif(not (hasattr(nn, "Conv2d") and hasattr(nn.functional, "max_pool2d")),
                    reason="minigrad.nn has no Conv2d/max_pool2d yet (issue 5): the segmentation loop cannot run")
def test_segmentation_loop_memory_is_flat():
    """200 steps of the documents' segmentation loop (Conv2d, relu, max_pool2d, ×2, Conv2d, cross
    entropy over (N, C, H, W)): resident memory after 20 warm-up steps grows by at most 5 %."""
    proc = run(MEASURE, """
        import minigrad.nn.functional as F
        torch.manual_seed(0)
        x, target = torch.randn(2, 3, 16, 16), torch.randint(0, 2, (2, 4, 4))

        from minigrad.examples.segmentation import segmentation_net
        train(segmentation_net(nn, F, 2), x, target, steps=200, warmup=20, sample_every=1)
    """, timeout=600)
    assert _report("segmentation loop, 200 steps", result(proc)) <= 0.05


def test_sgd_state_does_not_grow():
    """Momentum buffers are updated in place: one per parameter, however many steps run."""
    net, (x, target) = _mlp(), _batch()
    opt = optim.SGD(net.parameters(), lr=0.01, momentum=0.9)
    buffers = None
    for _ in range(5):
        opt.zero_grad()
        nn.CrossEntropyLoss()(net(x), target).backward()
        opt.step()
        now = [id(s["momentum_buffer"]) for s in opt.state.values()]
        assert buffers is None or now == buffers
        buffers = now
    assert len(buffers) == 4
