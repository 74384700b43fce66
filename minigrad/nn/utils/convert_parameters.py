"""Parameters flattened into one vector and back (``vec[k:k+n]`` is the k-th element onwards of the
parameters taken in order, each flattened row-major)."""
from ...creation import cat
from ...tensor import Tensor


def _check_same_device(params):
    for p in params[1:]:
        if p.device != params[0].device:
            raise TypeError("Found two parameters on different devices, this is currently not supported.")


def parameters_to_vector(parameters):
    """One 1-D tensor of every parameter's values, in order (differentiable, as in torch)."""
    params = list(parameters)
    _check_same_device(params)
    return cat([p.reshape(-1) for p in params])


def vector_to_parameters(vec, parameters):
    """Set the parameters' ``.data`` from consecutive slices of ``vec``."""
    if not isinstance(vec, Tensor):
        kind = type(vec)
        name = kind.__name__ if kind.__module__ == "builtins" else f"{kind.__module__}.{kind.__qualname__}"
        raise TypeError(f"expected torch.Tensor, but got: {name}")
    params = list(parameters)
    _check_same_device(params + [vec])
    start = 0
    for p in params:
        n = p.numel()
        p.data = vec[start:start + n].view_as(p).data
        start += n
