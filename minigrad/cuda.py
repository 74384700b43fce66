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


def require(index=0):
    """Raise a clear RuntimeError when CUDA device ``index`` is asked for and cannot be used."""
    if not is_available():
        raise RuntimeError("minigrad: no CUDA GPU is available (numba.cuda found no device); use device='cpu'")
    if index is not None and not 0 <= index < device_count():
        raise RuntimeError(f"CUDA error: invalid device ordinal (device cuda:{index}; {device_count()} available)")


def synchronize(device=None):
    """Wait for every kernel launched so far to finish."""
    if is_available():
        from numba import cuda
        cuda.synchronize()


def manual_seed(seed):
    """Seed the generator CUDA tensors draw from (the CPU stream is left alone, as in torch)."""
    from . import random
    random.cuda_generator.manual_seed(seed)


manual_seed_all = manual_seed
