"""Reverse-mode automatic differentiation: grad mode, ``backward``/``grad``, custom Functions."""
from . import hooks
from .engine import backward, grad
from .anomaly_mode import detect_anomaly, is_anomaly_check_nan_enabled, is_anomaly_enabled, set_detect_anomaly
from .function import Function, FunctionCtx
from .grad_mode import enable_grad, inference_mode, is_grad_enabled, is_inference_mode_enabled, no_grad, set_grad_enabled
from .gradcheck import gradcheck

__all__ = ["Function", "FunctionCtx", "Variable", "backward", "detect_anomaly", "enable_grad", "grad",
           "gradcheck", "inference_mode", "is_grad_enabled", "is_inference_mode_enabled", "no_grad",
           "set_detect_anomaly", "set_grad_enabled"]


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
