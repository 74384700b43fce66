"""Reverse-mode sweep: topological order over ``grad_fn`` nodes, then one backward call per node.

Gradients reaching an input are summed back to its shape here (``backend.sum_to_shape``), the only
place broadcasting is undone. Leaves accumulate into ``.grad``; ``autograd.grad`` captures instead.

The sweep leaves grad mode alone: nodes work on raw arrays, which record nothing (a custom Function's
node turns it off around the user's code). A ``with no_grad()`` here would be switched off for good
by a KeyboardInterrupt landing at the start of its ``__exit__``.
"""
from . import anomaly_mode


def _topological(roots):
    order, seen = [], set()
    for root in roots:
        stack = [(root, False)]
        while stack:
            node, done = stack.pop()
            if done:
                order.append(node)
                continue
            if node in seen:
                continue
            seen.add(node)
            stack.append((node, True))
            for t in getattr(node, "inputs", ()):
                fn = t._grad_fn
                if fn is not None and fn not in seen:
                    stack.append((fn, False))
    return order[::-1]


def run(tensors, grads, retain_graph=False, capture=None):
    """Backpropagate ``grads`` (raw arrays) from ``tensors``. With ``capture`` (a list of tensors),
    return their gradients (None where unreached) instead of accumulating into leaves."""
    captured = None if capture is None else {id(t): None for t in capture}
    capture_nodes = {t._grad_fn: t for t in capture or () if t._grad_fn is not None}
    roots, pending = [], {}
    for t, g in zip(tensors, grads):
        if t._grad_fn is None:
            _deliver(t, g, captured)
        else:
            fn = t._grad_fn
            pending[fn] = g if fn not in pending else t._backend().add(pending[fn], g)
            roots.append(fn)
    check_nan = anomaly_mode.checking_nan()
    for node in _topological(roots):
        g = pending.pop(node, None)
        if g is None:
            continue
        if node.retained is not None and node.retained() is not None:
            _accumulate(node.retained(), g)
        if node in capture_nodes:
            _deliver(capture_nodes[node], g, captured)
        node.check_saved()
        in_grads = node.backward(g)
        if type(in_grads) is not tuple:
            in_grads = (in_grads,)
        fresh = node.fresh_grads and not retain_graph
        for i, (t, gi, need) in enumerate(zip(node.inputs, in_grads, node.needs_input_grad)):
            if not need or gi is None:
                continue
            if gi.shape != t._data.shape:
                gi = node.backend.sum_to_shape(gi, t._data.shape)
            if check_nan:
                anomaly_mode.raise_on_nan(node, i, gi)
            fn = t._grad_fn
            if fn is None:
                owned = fresh and gi is not g and gi.base is None and sum(x is gi for x in in_grads) == 1
                _deliver(t, gi, captured, owned)
            elif fn in pending:
                pending[fn] = node.backend.add(pending[fn], gi)
            else:
                pending[fn] = gi
        if not retain_graph:
            node.release()
    return None if capture is None else [captured[id(t)] for t in capture]


def _deliver(t, g, captured, owned=False):
    if captured is None:
        _accumulate(t, g, owned)
    elif id(t) in captured:
        prev = captured[id(t)]
        captured[id(t)] = g if prev is None else t._backend().add(prev, g)


def _accumulate(t, g, owned=False):
    """``t.grad += g``. A first gradient is copied unless ``owned`` (no one else holds ``g``), so no two
    leaves, and no saved buffer, share a gradient buffer."""
    b = t._backend()
    if t._grad is None:
        keep = owned and g.dtype == t._data.dtype
        t._grad = t._make(g if keep else b.copy(g, t._data.dtype), t._device)
    else:
        b.iadd(t._grad._data, g)
