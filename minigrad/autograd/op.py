"""``Op``: a differentiable primitive over raw device arrays.

An op computes its result in ``forward(*arrays, **options)`` and returns, in ``backward(grad)``, one
gradient per tensor input (``None`` where the input needs none). ``apply`` records the op as the
result's ``grad_fn`` only when grad mode is on and some input requires grad. ``saves`` names the
inputs whose values backward reads; an in-place change to one of them between forward and backward
raises instead of giving a wrong gradient. Gradients for broadcast inputs are summed back to the
input's shape by the engine, so ops return gradients in the broadcast shape. An op whose result is
a view of its first input sets ``is_view`` (the two then share a version counter, and ``unview``
writes a changed view back into its base); one whose
backward reads no saved arrays sets ``stateless`` (it may then run again after a backward, as in torch).
Each recorded node gets the next ``seq``: a node's inputs were recorded before it, so the engine
runs nodes in decreasing ``seq`` without sorting the graph first.
"""

import weakref
from itertools import count

from ..device import _backends
from ..device import backend as _load_backend
from ..tensor_core import make
from .grad_mode import state
from .quiet import ignore_errors, restore

_sequence = count()


class Op:
    saves = ()
    saves_output = False
    is_view = False
    stateless = False
    unview = None  # a view op's (base, value, **options) -> the base holding value where the view is
    freed = False
    retained = None  # weakref to the output when it called retain_grad()
    tensor_hooks = None  # the output's ``register_hook`` hooks (autograd/hooks.py)
    saved_versions = ()  # the version of each input in ``saves`` when forward ran
    # True when backward returns buffers that nothing else holds once the node is released (for a
    # fused loss: its saved gradient), so a leaf seeing its first gradient may keep it without a copy
    fresh_grads = False
    seeded = False  # set by the engine while backward runs on its implicit gradient of ones

    name = "OpBackward0"

    def __init_subclass__(cls, **kw):
        super().__init_subclass__(**kw)
        if "name" not in cls.__dict__:
            cls.name = cls.__name__ + "Backward0"

    def forward(self, *arrays, **options):
        raise NotImplementedError

    def backward(self, grad):
        raise NotImplementedError

    @classmethod
    def apply(cls, *inputs, **options):
        return apply(cls, inputs, options)

    def _record(self, inputs, result):
        record(self, inputs, result)

    def check_saved(self):
        """Raise torch's errors for a freed graph or a saved tensor modified in place."""
        if self.freed:
            raise RuntimeError(
                "Trying to backward through the graph a second time (or directly access saved tensors after "
                "they have already been freed). Saved intermediate values of the graph are freed when you "
                "call .backward() or autograd.grad(). Specify retain_graph=True if you need to backward "
                "through the graph a second time or if you need to access saved tensors after calling "
                "backward.")
        changed = None
        inputs = self.inputs
        for i, v in zip(self.saves, self.saved_versions):
            if inputs[i]._version[0] != v:
                changed = (inputs[i], v)
        if self.saves_output and self.output_version[0][0] != self.output_version[1]:
            changed = (None, self.output_version[1])
        if changed is not None:
            t, v = changed
            shape = "" if t is None else f"[{t._printing_type()} [{', '.join(map(str, t.shape))}]]"
            now = self.output_version[0][0] if t is None else t._version[0]
            raise RuntimeError(
                "one of the variables needed for gradient computation has been modified by an inplace "
                f"operation: {shape}, which is output 0 of {self.name}, is at version {now}; expected "
                f"version {v} instead. Hint: the backtrace further above can show the operation that failed "
                "to compute its gradient.")

    def release(self):
        """Drop what forward saved for backward (after a backward without ``retain_graph``), inputs
        included: of those only their place in the graph stays (``_Edge``), as torch frees them."""
        inputs = self.inputs
        if self.saves:  # only the saved inputs are still tensors (``record``)
            inputs = tuple([as_edge(t) for t in inputs])
        if self.stateless:
            self.inputs = inputs
            return
        # a new dict of what a freed node keeps: quicker than deleting the saved entries one by one,
        # and read attribute by attribute (reading ``__dict__`` makes Python 3.11+ build one: 0.5 µs)
        self.__dict__ = {"inputs": inputs, "needs_input_grad": self.needs_input_grad, "device": self.device,
                         "backend": self.backend, "seq": self.seq, "freed": True, "name": self.name}

    @property
    def next_functions(self):
        """torch's ``((node, 0), ...)`` per input: its grad_fn, a leaf's ``AccumulateGrad``, or None."""
        return tuple([edge(t) for t in getattr(self, "inputs", ())])

    def __repr__(self):
        return f"<{self.name} object at {hex(id(self))}>"


def apply(cls, inputs, options):
    """``cls.apply(*inputs, **options)``: run a new node's forward on the inputs' arrays, wrap the
    result (and any further outputs, such as indices) in tensors, and record the node when grad mode
    is on and some input requires grad."""
    ctx = cls()
    first = inputs[0]
    dev = first._device
    ctx.device = dev
    ctx.backend = _backends.get(dev.type) or _load_backend(dev)
    # the one- and two-input cases (nearly every call) skip building lists
    n = len(inputs)
    if n == 1:
        needs = (first._requires_grad,)
    else:
        for t in inputs:
            if t._device is not dev and t._device != dev:
                raise RuntimeError("Expected all tensors to be on the same device, but found at least two "
                                   f"devices, {t._device} and {dev}!")
        needs = tuple([t._requires_grad for t in inputs])
    requires = True in needs and state.enabled
    ctx.needs_input_grad = needs if requires else (False,) * n
    token = ignore_errors()  # numpy's math gives inf/NaN silently, as torch's does
    try:
        if n == 1:
            out = ctx.forward(first._data, **options)
        elif n == 2:
            second = inputs[1]
            out = ctx.forward(first._data, second._data, **options)
        else:
            out = ctx.forward(*[t._data for t in inputs], **options)
    finally:
        restore(token)
    if type(out) is tuple:  # first output differentiable, the rest (indices) not
        result = make(out[0], dev)  # a plain tensor, whatever the input's class
        rest = tuple([make(o, dev) for o in out[1:]])
    else:
        result, rest = make(out, dev), None
    if ctx.is_view:
        result._version = first._version
        if ctx.unview is not None:  # in-place changes of the view write back into ``first``
            result.__dict__["_view_of"] = (first, cls, options)
    if requires:
        record(ctx, inputs, result)
    return result if rest is None else (result,) + rest


def record(node, inputs, result):
    """Make ``node`` the ``grad_fn`` of ``result``. The inputs backward does not save are kept as
    edges (their grad_fn now, shape, dtype): their values may be freed as in torch, and a later
    in-place op that moves one on to a new grad_fn does not redirect this node's gradient."""
    saves = node.saves
    if saves:
        node.inputs = tuple([t if i in saves else as_edge(t) for i, t in enumerate(inputs)])
        node.saved_versions = tuple([inputs[i]._version[0] for i in saves])
    else:
        node.inputs = tuple([as_edge(t) for t in inputs])
    node.seq = next(_sequence)
    if node.saves_output:
        node.output_version = (result._version, result._version[0])
    result._grad_fn = node
    result._requires_grad = True


def edge(t):
    """``(node, 0)``: the node that passes a gradient on from ``t`` (None when it needs none)."""
    if t._grad_fn is not None or not t._requires_grad:
        return t._grad_fn, 0
    ref = t.__dict__.get("_accumulate_grad")  # held weakly, as torch's leaf holds its accumulator
    node = None if ref is None else ref()
    if node is None:
        node = AccumulateGrad(t)
        t.__dict__["_accumulate_grad"] = weakref.ref(node)
    return node, 0


class AccumulateGrad:
    """A leaf that requires grad, as a graph node (``variable`` is the leaf); one per leaf while
    anything holds it."""
    name = "AccumulateGrad"
    next_functions = ()

    def __init__(self, variable):
        self.variable = variable

    __repr__ = Op.__repr__


class GraphNode:
    """A node torch records where minigrad fuses several into one op, shown by ``next_functions``."""

    def __init__(self, name, *next_functions):
        self.name, self.next_functions = name, next_functions

    __repr__ = Op.__repr__


class _Edge:
    """A released node's stand-in for an input: its ``grad_fn`` (the graph stays walkable) and the
    shape and dtype of its data (all the engine reads of it), not its values. A leaf that takes
    gradients stays itself: the engine accumulates into it (``as_edge``)."""
    __slots__ = ("_grad_fn", "_requires_grad", "shape", "dtype")

    def __init__(self, t):
        self._grad_fn, self._requires_grad = t._grad_fn, t._requires_grad
        data = t._data
        self.shape, self.dtype = data.shape, data.dtype

    @property
    def _data(self):
        return self


def as_edge(t):
    """What a node keeps of its input ``t`` once its value may go: ``t`` itself when it is an edge
    already or a leaf that takes gradients, else an ``_Edge``."""
    if type(t) is _Edge or (t._grad_fn is None and t._requires_grad):
        return t
    return _Edge(t)
