"""The fused optimizers' CUDA kernels (``kernels/cuda/_fused_update.py`` around each rule of
``kernels/shared/optim_rules.py``) compile for a real GPU (sm_90 PTX through libNVVM, no GPU
needed), which the simulator never checks, and their float32 forms hold no float64 instruction.
Each kernel gets the scalars its optimizer really sends. Runs in a child process (``ptx_check``)."""
from tests.kernels.ptx_check import compiled_kernels

KERNELS = """
    import numpy as np
    from numba import typeof, types

    import minigrad
    from minigrad import optim
    from minigrad.kernels.cpu._fused_update import slots
    from minigrad.kernels.cuda._fused_update import cast, kernel

    arrays = types.Array(types.float32, 1, "C")
    slot_arrays = types.UniTuple(arrays, 3)
    cases = {  # each rule once with every slot it has in use; Adam also without amsgrad (a slot unused)
        "adam": ("Adam", dict(amsgrad=True)), "adam_one_slot_unused": ("Adam", {}),
        "rmsprop": ("RMSprop", dict(centered=True, momentum=0.9)), "adagrad": ("Adagrad", {}),
        "adadelta": ("Adadelta", {}), "adamax": ("Adamax", {}), "nadam": ("NAdam", {}), "radam": ("RAdam", {}),
        "asgd": ("ASGD", {}), "rprop": ("Rprop", {}),
    }
    kernels = {}
    for case, (name, options) in cases.items():
        p = minigrad.nn.Parameter(minigrad.ones(3))
        p.grad = minigrad.ones(3)
        opt = getattr(optim, name)([p], **options)
        (update,) = opt.updates(opt.param_groups[0])
        live, _ = slots(p._data, [None if b is None else b._data for b in update.buffers])
        scalars = typeof(cast(update.scalars, np.dtype(np.float32)))
        kernels[case] = (kernel(update.name, live), (arrays, arrays, slot_arrays, scalars), False)
    sgd_scalars = types.Tuple((types.float32,) * 4 + (types.boolean,) * 4)  # optim/sgd.py's _update
    kernels["sgd"] = (kernel("sgd", (True, False, False)), (arrays, arrays, slot_arrays, sgd_scalars), False)
"""


def test_optimizer_kernels_compile_for_sm_90():
    assert compiled_kernels(KERNELS) == 11
