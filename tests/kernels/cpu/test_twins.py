"""kernels/cpu/_twins.py: when a kernel's numpy twin runs instead of the compiled kernel."""
import numpy as np

import minigrad
from minigrad.kernels.cpu import _random, _twins


def test_numpy_twin_until_compiling_pays(monkeypatch):
    """A kernel not ready runs its numpy twin until the twin has spent COMPILE_SECONDS on it, then
    compiles; a call too big for the twin compiles at once."""
    monkeypatch.setattr(_twins, "ready", lambda dispatcher, args: False)
    monkeypatch.setattr(_twins, "_spent", {})
    monkeypatch.setattr(_twins, "COMPILE_SECONDS", 0.0)
    minigrad.rand(5)
    spent = _twins._spent[_random._uniform]
    assert spent > 0
    minigrad.rand(5)  # over the budget: the kernel
    assert _twins._spent[_random._uniform] == spent
    monkeypatch.setattr(_twins, "COMPILE_SECONDS", 1e9)
    minigrad.rand(_random.NUMPY_MAX_WORDS + 1)  # too big for the twin
    assert _twins._spent[_random._uniform] == spent


def test_ready_knows_compiled_kernels_and_asks_again_after_a_compile(monkeypatch):
    monkeypatch.setattr(_twins, "_readiness", {})
    g = minigrad.default_generator
    out = np.empty(3, np.float32)
    args = (g._key, g._pos, out, out.dtype.type(0), out.dtype.type(1))
    with _twins.executor("compiled"):
        minigrad.rand(3)  # compiles (or loads) the float32 uniform kernel
    assert _twins.ready(_random._uniform, args)
    assert _twins.ready(_random._uniform, args)  # remembered
