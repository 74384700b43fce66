"""The two backends expose the same flat API and the same kernel modules, so the ops above them never
branch on the device: every CPU function has a CUDA twin of that name, and every kernel module on both
devices (and every elementwise loss of ``kernels/shared``, bound to each) has the same ``forward``
(and ``backward``) signature. What the CUDA backend still lacks is
listed here by name; the lists must shrink, never hide a twin that exists."""
import inspect
import pkgutil
import types

import pytest

from minigrad.kernels import cpu, cuda

# CPU functions without a CUDA twin yet; each must really be missing
PENDING_FUNCTIONS = set()
# CPU kernel modules without a CUDA twin yet
PENDING_MODULES = set()


def flat_api(backend):
    return {name for name, value in vars(backend).items()
            if not name.startswith("_") and callable(value) and not isinstance(value, (type, types.ModuleType))}


def modules(backend):
    return {m.name for m in pkgutil.iter_modules(backend.__path__) if not m.name.startswith("_")}


def test_every_cpu_function_has_a_cuda_twin():
    missing = {name for name in flat_api(cpu) if not hasattr(cuda, name)}
    assert missing == PENDING_FUNCTIONS, f"without a CUDA twin: {sorted(missing - PENDING_FUNCTIONS)}; " \
                                         f"twinned since, drop from PENDING_FUNCTIONS: {sorted(PENDING_FUNCTIONS - missing)}"
    assert flat_api(cuda) - {"load"} <= flat_api(cpu), "CUDA functions the CPU backend lacks"


def test_every_kernel_module_has_a_cuda_twin():
    missing = modules(cpu) - modules(cuda)
    assert missing == PENDING_MODULES, f"without a CUDA twin: {sorted(missing - PENDING_MODULES)}; " \
                                       f"twinned since, drop from PENDING_MODULES: {sorted(PENDING_MODULES - missing)}"
    assert modules(cuda) <= modules(cpu)


def shared_losses():
    """The elementwise losses written once in ``kernels/shared`` (each device binds them to its loop)."""
    import importlib

    from minigrad.kernels import shared
    return {m.name for m in pkgutil.iter_modules(shared.__path__)
            if hasattr(importlib.import_module(f"{shared.__name__}.{m.name}"), "forward")}


@pytest.mark.parametrize("name", sorted(modules(cpu) & modules(cuda) | shared_losses()))
def test_kernel_module_signatures_agree(name):
    host, device = cpu.load(name), cuda.load(name)
    for fn in ("forward", "backward"):
        if hasattr(host, fn) or hasattr(device, fn):
            assert inspect.signature(getattr(host, fn)) == inspect.signature(getattr(device, fn)), f"{name}.{fn}"


def test_loss_kernels_take_need_grad_alike():
    """Every loss kernel's ``forward`` takes ``need_grad`` (one flag per array input) as a keyword-only
    argument, after its arrays."""
    import minigrad.losses
    from minigrad.losses._base import FusedLoss
    kernels = {op.kernel for module in vars(minigrad.losses).values() if isinstance(module, types.ModuleType)
               for op in vars(module).values() if isinstance(op, type) and issubclass(op, FusedLoss) and op.kernel}
    assert kernels
    for name in sorted(kernels):
        for backend in (cpu, cuda):
            parameter = inspect.signature(backend.load(name).forward).parameters["need_grad"]
            assert parameter.kind is inspect.Parameter.KEYWORD_ONLY, f"{backend.name}.{name}"
