"""Backward hooks: ``Tensor.register_hook``, ``Tensor.register_post_accumulate_grad_hook`` and the
end-of-backward callbacks (``Variable._execution_engine.queue_callback``).

A tensor hook ``hook(grad) -> Tensor or None`` sees the gradient reaching its tensor; a returned
tensor replaces it for what follows (the next hook, ``.grad``, ``retain_grad``, the rest of the
graph). A non-leaf's hooks live on its ``grad_fn`` (``tensor_hooks``) and run before that node's
backward; a leaf's live on the leaf and run on its summed gradient before it is accumulated, after
which its post-accumulate hooks ``hook(tensor)`` run. Callbacks queued while a backward runs are
called, in order, when it ends.
"""
from collections import OrderedDict


class RemovableHandle:
    """What a ``register_*hook`` returns: ``remove()`` unregisters the hook."""
    _next = 0

    def __init__(self, table, hook):
        RemovableHandle._next += 1
        self.table, self.id = table, RemovableHandle._next
        table[self.id] = hook

    def remove(self):
        self.table.pop(self.id, None)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.remove()


leaf_hooks_registered = False  # set once a leaf gets a hook: the engine then counts edges into leaves


def register_hook(t, hook):
    global leaf_hooks_registered
    if not t._requires_grad:
        raise RuntimeError("cannot register a hook on a tensor that doesn't require gradient")
    owner = t if t._grad_fn is None else t._grad_fn
    leaf_hooks_registered = leaf_hooks_registered or owner is t
    table = owner.__dict__.get("tensor_hooks")
    if table is None:
        table = owner.__dict__["tensor_hooks"] = OrderedDict()
    return RemovableHandle(table, hook)


def register_post_accumulate_grad_hook(t, hook):
    global leaf_hooks_registered
    if t._grad_fn is not None:
        raise RuntimeError("post accumulate grad hooks cannot be registered on non-leaf tensors")
    if not t._requires_grad:
        raise RuntimeError("cannot register a hook on a tensor that doesn't require gradient")
    leaf_hooks_registered = True
    table = t.__dict__.get("post_accumulate_grad_hooks")
    if table is None:
        table = t.__dict__["post_accumulate_grad_hooks"] = OrderedDict()
    return RemovableHandle(table, hook)


def run_tensor_hooks(hooks, g, device):
    """``g`` (an array) through ``hooks`` in registration order."""
    from ..tensor import Tensor
    for hook in list(hooks.values()):
        out = hook(Tensor._make(g, device))
        if out is not None:
            if not hasattr(out, "_data"):
                raise TypeError(f"expected Tensor or None (got {type(out).__name__})")
            if out._data.shape != g.shape:
                raise RuntimeError(f"hook '{getattr(hook, '__name__', 'hook')}' has changed the size of value")
            g = out._data
    return g


def run_post_accumulate_hooks(t):
    for hook in list(t.__dict__.get("post_accumulate_grad_hooks", {}).values()):
        hook(t)


_callbacks = []  # one list per running backward (a hook may start a nested one)


def queue_callback(callback):
    if not _callbacks:
        raise RuntimeError("Final callbacks can only be installed during backward pass.")
    _callbacks[-1].append(callback)


class _ExecutionEngine:
    """``Variable._execution_engine``: the engine's ``queue_callback``, used by DistributedDataParallel."""
    queue_callback = staticmethod(queue_callback)
