"""Every fused optimizer's step on the GPU: the optimizer's per-element rule
(``kernels/shared/optim_rules.py``) compiled into one grid-stride kernel, one element a thread; the
twin of ``kernels/cpu/_fused_update.py`` (which says what ``step`` takes).

As on the CPU, the kernel is compiled for each rule and each set of buffers in use (constants there).
Device arrays are C-contiguous here, so every operand is passed as its flat view; the host marks
``done[k]`` right after the launch, so the optimizer's ``commit`` never launches it twice. Float
hyper-parameters are cast to the parameter's dtype.
"""
import functools

import numpy as np
from numba import config

from ..cpu._fused_update import slots
from ..shared import optim_rules
from . import _launch
from ._launch import cuda
from ._strided import flat


@functools.cache
def kernel(name, live):
    """The grid-stride kernel ``(p, g, buffers, scalars)`` of the rule ``optim_rules.<name>`` with the
    slots ``live`` (bools) in use."""
    rule, element_step = getattr(optim_rules, name), optim_rules.element_step
    if config.ENABLE_CUDASIM:  # the simulator runs the kernel in Python, with arrays compiled code cannot take
        rule, element_step = rule.py_func, element_step.py_func

    @cuda.jit
    def update(p, g, buffers, scalars):
        for i in range(cuda.grid(1), p.size, cuda.gridsize(1)):
            element_step(i, p, g, buffers, scalars, rule, live)

    return update


def cast(scalars, dtype):
    """The float hyper-parameters in the parameter's dtype (the rules compute in it, as torch does);
    flags stay bools (the CPU loop casts inside, with ``in_dtype``, which the simulator cannot run)."""
    return tuple(s if isinstance(s, (bool, np.bool_)) else dtype.type(s) for s in scalars)


def step(name, p, g, buffers, scalars, done, k):
    """Optimizer ``name``'s update of device arrays ``p`` and ``buffers`` in place, then the host flag
    ``done[k]`` set; nothing happens when it is set already."""
    if done[k]:
        return
    if p.size:
        live, buffers = slots(p, buffers)
        _launch.launch(kernel(name, live), p.size, False, flat(p), flat(g), tuple(flat(b) for b in buffers),
                       cast(scalars, p.dtype))
    done[k] = 1
