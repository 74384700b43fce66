"""How every fused optimizer kernel on the GPU is launched (``_adam.py``, ``_rmsprop.py``, ...): the
twin of ``kernels/cpu/_fused_update.py``.

A kernel ``kernel(p, g, *buffers, *scalars)`` updates the parameter and its state buffers in place,
one element a thread (grid-stride). Device arrays are C-contiguous here, so every operand is passed
as its flat view; the host marks ``done[k]`` right after the launch, so the optimizer's ``commit``
never launches it twice. Float hyper-parameters are cast to the parameter's dtype, as on the CPU.
"""
from ..cpu._fused_update import cast
from . import _launch
from ._launch import cuda
from ._strided import flat


@cuda.jit(device=True)
def lerp(a, b, w, rest):
    """torch's lerp: a + w·(b − a) for |w| < 0.5, else b − (b − a)·(1 − w); ``rest`` is 1 − w (the
    weights here are 1 − β ≥ 0; comparing with the literal 0.5 would put float64 math in a float32 kernel)."""
    return a + w * (b - a) if w < rest else b - (b - a) * rest  # w < 1 − w: torch's |w| < 0.5 for w ≥ 0


def run(kernel, p, g, buffers, scalars, done, k):
    """Launch ``kernel`` over ``p``'s elements and set ``done[k]``; nothing happens when it is set already."""
    if done[k]:
        return
    if p.size:
        _launch.launch(kernel, p.size, False, flat(p), flat(g), *(flat(b) for b in buffers), *cast(scalars, p.dtype))
    done[k] = 1
