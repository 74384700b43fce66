"""``minigrad.autograd.Function``: user-defined differentiable functions, torch style.

``forward(ctx, *args)`` and ``backward(ctx, *grads)`` are static methods over Tensors; ``apply``
runs forward without recording and records one node whose backward calls the user's."""
from .grad_mode import no_grad, state
from .op import Op


class FunctionCtx:
    def __init__(self):
        self.to_save = ()
        self.non_differentiable = set()

    def save_for_backward(self, *tensors):
        self.to_save = tensors
        self.saved_versions = tuple(None if t is None else t._version[0] for t in tensors)

    @property
    def saved_tensors(self):
        for t, v in zip(self.to_save, self.saved_versions):
            if t is not None and t._version[0] != v:
                raise RuntimeError("one of the variables needed for gradient computation has been modified by an "
                                   "inplace operation")
        return self.to_save

    def mark_non_differentiable(self, *tensors):
        self.non_differentiable.update(id(t) for t in tensors)

    def mark_dirty(self, *tensors):
        pass

    def set_materialize_grads(self, value):
        pass


class _UserNode(Op):
    """The graph node for one call of a user Function."""

    def backward(self, g):
        from ..tensor import Tensor
        grads = self.fn.backward(self.ctx, Tensor._make(g, self.device))
        grads = grads if isinstance(grads, tuple) else (grads,)
        return tuple(None if i >= len(grads) or grads[i] is None else grads[i]._data for i in self.tensor_positions)


class Function:
    @staticmethod
    def forward(ctx, *args, **kwargs):
        raise NotImplementedError("You must implement the forward function for custom autograd.Function.")

    @staticmethod
    def backward(ctx, *grad_outputs):
        raise NotImplementedError("You must implement either the backward or vjp method for your custom "
                                  "autograd.Function to use it with backward mode AD.")

    @classmethod
    def apply(cls, *args, **kwargs):
        from ..device import backend
        from ..tensor import Tensor
        ctx = FunctionCtx()
        positions = [i for i, a in enumerate(args) if isinstance(a, Tensor)]
        tensors = tuple(args[i] for i in positions)
        ctx.needs_input_grad = tuple(isinstance(a, Tensor) and a.requires_grad for a in args)
        with no_grad():
            out = cls.forward(ctx, *args, **kwargs)
        if not (state.enabled and any(t.requires_grad for t in tensors)):
            return out
        node = _UserNode()
        node.fn, node.ctx, node.tensor_positions = cls, ctx, positions
        node.name = cls.__name__ + "Backward"
        node.device = tensors[0].device
        node.backend = backend(node.device)
        node.needs_input_grad = tuple(t.requires_grad for t in tensors)
        first = out[0] if isinstance(out, tuple) else out
        if id(first) not in ctx.non_differentiable:
            result = Tensor._make(first._data, first.device)
            node._record(tensors, result)
            out = (result,) + out[1:] if isinstance(out, tuple) else result
        return out
