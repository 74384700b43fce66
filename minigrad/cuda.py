"""``minigrad.cuda``: the GPU's presence. numba.cuda is imported here only, and only when asked."""

_state = {}


def is_available():
    if "available" not in _state:
        try:
            from numba import cuda
            _state["available"] = bool(cuda.is_available())
        except Exception:  # no numba-cuda, no driver: no GPU
            _state["available"] = False
    return _state["available"]


def device_count():
    if not is_available():
        return 0
    from numba import cuda
    return len(cuda.gpus)


def require():
    """Raise torch's error when a CUDA device is asked for and none can be used."""
    if not is_available():
        raise RuntimeError("minigrad: no CUDA GPU is available (numba.cuda found no device); use device='cpu'")
    raise RuntimeError("minigrad: CUDA tensors are not implemented yet; use device='cpu'")


def synchronize(device=None):
    if is_available():
        from numba import cuda
        cuda.synchronize()


def manual_seed(seed):
    from . import random
    random.manual_seed(seed)


manual_seed_all = manual_seed
