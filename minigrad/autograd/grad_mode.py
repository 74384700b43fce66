"""Whether operations record a graph: ``no_grad``, ``enable_grad``, ``set_grad_enabled``, ``inference_mode``."""
import functools
import threading


class _State(threading.local):
    enabled = True
    inference = False


state = _State()


def is_grad_enabled():
    return state.enabled


class _GradMode:
    """Context manager and decorator that sets grad mode and restores it on exit; also a bare
    decorator (``@no_grad`` as well as ``@no_grad()``), as torch allows."""
    mode = True

    def __new__(cls, orig_func=None):
        self = super().__new__(cls)
        return self if orig_func is None else self(orig_func)

    def __enter__(self):
        self._prev = state.enabled
        state.enabled = self.mode

    def __exit__(self, *exc):
        state.enabled = self._prev

    def _clone(self):
        return type(self)()

    def __call__(self, func):
        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            with self._clone():
                return func(*args, **kwargs)
        return wrapper


class no_grad(_GradMode):
    mode = False


class enable_grad(_GradMode):
    mode = True


class set_grad_enabled(_GradMode):
    """Applies at construction (so a bare call works), restores the previous mode on exit."""

    def __new__(cls, mode):
        return object.__new__(cls)

    def __init__(self, mode):
        self.mode = bool(mode)
        self._prev = state.enabled
        state.enabled = self.mode

    def __enter__(self):
        pass

    def _clone(self):
        return set_grad_enabled(self.mode)

    def __call__(self, func):
        state.enabled = self._prev  # used as a decorator: the construction must not leak
        return super().__call__(func)


def is_inference_mode_enabled():
    return state.inference


class inference_mode(_GradMode):
    """``inference_mode()``: no graph is recorded inside, and ``is_inference_mode_enabled()`` is True;
    ``inference_mode(False)`` leaves inference mode and enables gradients, as torch's does. A context
    manager and a decorator (also bare). Unlike torch, ``enable_grad()`` inside it records again, and
    tensors made inside are ordinary tensors (torch marks them as inference tensors)."""

    def __new__(cls, mode=True):
        self = object.__new__(cls)
        if callable(mode):  # @inference_mode without parentheses
            self.__init__()
            return self(mode)
        return self

    def __init__(self, mode=True):
        self.inference = bool(mode)
        self.mode = not self.inference

    def __enter__(self):
        self._prev = state.enabled, state.inference
        state.enabled, state.inference = self.mode, self.inference

    def __exit__(self, *exc):
        state.enabled, state.inference = self._prev

    def _clone(self):
        return type(self)(self.inference)
