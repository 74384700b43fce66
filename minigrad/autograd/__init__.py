"""Reverse-mode automatic differentiation: grad mode, ``backward``/``grad``, custom Functions."""
import numpy as np

from . import engine, hooks
from .anomaly_mode import detect_anomaly, is_anomaly_check_nan_enabled, is_anomaly_enabled, set_detect_anomaly
from .function import Function, FunctionCtx
from .grad_mode import enable_grad, inference_mode, is_grad_enabled, is_inference_mode_enabled, no_grad, set_grad_enabled
from .gradcheck import gradcheck

__all__ = ["Function", "FunctionCtx", "Variable", "backward", "detect_anomaly", "enable_grad", "grad",
           "gradcheck", "inference_mode", "is_grad_enabled", "is_inference_mode_enabled", "no_grad",
           "set_detect_anomaly", "set_grad_enabled"]


def _as_list(x):
    return list(x) if isinstance(x, (list, tuple)) else [x]


def _seed(out):
    """d(out)/d(out) for a one-element ``out``: a new array of ones (new every time: a custom
    Function's backward may write into its gradient). A 0-d CPU one comes from ``np.array``, several
    times quicker than ``full_like``."""
    a = out._data
    if a.ndim == 0 and out._device.type == "cpu":
        return np.array(1, a.dtype)
    return out._backend().full_like(a, 1)


def _root_grads(outputs, grad_outputs):
    """The gradient arrays backward starts from: ones for scalar outputs, else the given ones (cast
    to each output's dtype), with torch's errors; and per output whether its gradient is those ones."""
    if grad_outputs is None and len(outputs) == 1:  # loss.backward()
        out = outputs[0]
        if out._requires_grad and out._data.size == 1:
            return [_seed(out)], (True,)
    grads, seeded = [], []
    given = _as_list(grad_outputs) if grad_outputs is not None else [None] * len(outputs)
    if len(given) != len(outputs):
        raise RuntimeError(f"grad_tensors should have the same length as tensors: got {len(given)} and "
                           f"{len(outputs)}")
    for i, (out, g) in enumerate(zip(outputs, given)):
        if not out._requires_grad:
            raise RuntimeError(f"element {i} of tensors does not require grad and does not have a grad_fn")
        if g is None:
            if out._data.size != 1:
                raise RuntimeError("grad can be implicitly created only for scalar outputs")
            grads.append(_seed(out))
            seeded.append(True)
            continue
        if not hasattr(g, "_data"):  # not a tensor
            from ..creation import tensor
            g = tensor(g)
        if g.shape != out.shape:
            raise RuntimeError(f"Mismatch in shape: grad_output[{i}] has a shape of {g.shape} and output[{i}] has a "
                               f"shape of {out.shape}.")
        grads.append(g._backend().astype(g._data, out._data.dtype))
        seeded.append(False)
    return grads, seeded


def backward(tensors, grad_tensors=None, retain_graph=None, create_graph=False, inputs=None):
    """Accumulate d(tensors)/d(leaf) into every leaf's ``.grad`` (only into ``inputs`` when given)."""
    if create_graph:
        raise NotImplementedError("minigrad does not record graphs of gradients (create_graph=True)")
    tensors = _as_list(tensors)
    roots, seeded = _root_grads(tensors, grad_tensors)
    if inputs is None:
        engine.run(tensors, roots, retain_graph=bool(retain_graph), seeded=seeded)
        return
    inputs = _as_list(inputs)
    for t, g in zip(inputs, engine.run(tensors, roots, retain_graph=bool(retain_graph), capture=inputs,
                                       seeded=seeded)):
        if g is not None:
            engine._accumulate(t, g)


def grad(outputs, inputs, grad_outputs=None, retain_graph=None, create_graph=False, allow_unused=None,
         materialize_grads=False):
    """Gradients of ``outputs`` with respect to ``inputs``, returned rather than accumulated."""
    from ..tensor import Tensor
    outputs, inputs = _as_list(outputs), _as_list(inputs)
    if create_graph:
        raise NotImplementedError("minigrad does not record graphs of gradients (create_graph=True)")
    for t in inputs:
        if not t.requires_grad:
            raise RuntimeError("One of the differentiated Tensors does not require grad")
    roots, seeded = _root_grads(outputs, grad_outputs)
    got = engine.run(outputs, roots, retain_graph=bool(retain_graph), capture=inputs, seeded=seeded)
    result = []
    for t, g in zip(inputs, got):
        if g is None and not (allow_unused or materialize_grads):
            raise RuntimeError("One of the differentiated Tensors appears to not have been used in the graph. "
                               "Set allow_unused=True if this is the desired behavior.")
        if g is None and materialize_grads:
            g = t._backend().full_like(t._data, 0)
        result.append(None if g is None else Tensor._make(g, t.device))
    return tuple(result)


class _VariableMeta(type):
    def __instancecheck__(cls, obj):
        from ..tensor import Tensor
        return isinstance(obj, Tensor)


class Variable(metaclass=_VariableMeta):
    """Legacy wrapper: ``Variable(t)`` is a new leaf sharing ``t``'s data, requiring grad only when
    asked; every tensor is an instance. ``Variable._execution_engine.queue_callback(fn)`` runs ``fn``
    when the running backward ends."""
    _execution_engine = hooks._ExecutionEngine()

    def __new__(cls, data, requires_grad=False, volatile=False):
        if not isinstance(data, Variable):
            raise TypeError(f"Variable data has to be a tensor, but got {type(data).__name__}")
        out = data.detach()
        if requires_grad:
            out._factory_requires_grad()
        return out
