"""Every loss of the registry (cases.py) against torch (values, dtypes, grad_fn names and gradients of
every differentiable input, float32 and float64) and against its naive reference, with the default
options and each other option value in turn; that it asks its kernel for no gradient when nothing
requires grad and leaves the caller's arrays as they were; and the registry's own coverage: every loss that
``minigrad.losses`` exports has a case (which the CUDA test and the fuzz read), a naive reference, a
benchmark in its family's file, and a kernel both devices run (its own CUDA module, or a
``kernels/shared`` one). A new elementwise loss is then five files: ``kernels/shared/<loss>.py``,
``minigrad/losses/<loss>.py``, a line in ``minigrad/losses/__init__.py``, its case here and its
naive reference."""
import importlib
import pathlib
import sys

import numpy as np
import pytest

import minigrad
import minigrad.losses
from tests.losses import cases, naive
from tests.losses.loss_helpers import FLOATS, check, check_inputs_unchanged, check_no_grad_work

ROOT = pathlib.Path(__file__).resolve().parents[2]
LOSSES = sorted(name for name in minigrad.losses.__all__ if name.islower())


def option_sets(name):
    """The defaults, then each option's other values one at a time."""
    options = cases.CASES[name].options
    sets = [{}]
    for key, values in options.items():
        sets += [{key: v} for v in values[1:]]
    return sets


PARAMS = [(name, o) for name in cases.CASES for o in option_sets(name)]
IDS = [f"{n}-{'-'.join(f'{k}={v}' for k, v in o.items()) or 'defaults'}" for n, o in PARAMS]


def build(name, dtype, options, seed=0):
    return cases.inputs(name, np.random.default_rng(seed), dtype, 4, 5, (), options)


@pytest.mark.filterwarnings("ignore:Using a target size", "ignore:reduction. 'mean' divides")
@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("name, options", PARAMS, ids=IDS)
def test_vs_torch(name, options, dtype):
    args, kwargs, grads = build(name, dtype, options)
    fixed = tuple(i for i, a in enumerate(args) if isinstance(a, np.ndarray) and i not in grads)
    check(name, args, fixed=fixed, **cases.CASES[name].tol.get(np.dtype(dtype).name, {}), **kwargs)


@pytest.mark.filterwarnings("ignore:Using a target size", "ignore:reduction. .mean. divides")
@pytest.mark.parametrize("name, options", PARAMS, ids=IDS)
def test_vs_naive(name, options):
    args, kwargs, _ = build(name, np.float64, options)
    want = getattr(naive, name)(*args, **kwargs)[0]
    got = getattr(minigrad.nn.functional, name)(*[minigrad.tensor(a) if isinstance(a, np.ndarray) else a
                                                  for a in args],
                                                **{k: minigrad.tensor(v) if isinstance(v, np.ndarray) else v
                                                   for k, v in kwargs.items()})
    np.testing.assert_allclose(got.numpy(), want, rtol=1e-10, atol=1e-12)


@pytest.mark.filterwarnings("ignore:Using a target size", "ignore:reduction. .mean. divides")
@pytest.mark.parametrize("name", LOSSES)
def test_no_gradient_work_without_grad(monkeypatch, name):
    args, kwargs, _ = build(name, np.float32, {})
    check_no_grad_work(monkeypatch, name, args, **kwargs)


@pytest.mark.filterwarnings("ignore:Using a target size", "ignore:reduction. .mean. divides")
@pytest.mark.parametrize("name", LOSSES)
def test_inputs_are_not_written(name):
    args, kwargs, grads = build(name, np.float64, {})
    check_inputs_unchanged(name, args, grads, **kwargs)


def bench_losses():
    """{loss: bench module} over benchmarks/bench_losses_*.py (their ``CASES`` lists)."""
    found = {}
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        for path in sorted((ROOT / "benchmarks").glob("bench_losses_*.py")):
            module = importlib.import_module(path.stem)
            found.update({name: path.stem for name, _ in module.CASES})
    finally:
        sys.path.remove(str(ROOT / "benchmarks"))
    return found


def test_every_loss_is_everywhere():
    assert sorted(cases.CASES) == LOSSES, "the registry and minigrad.losses differ"
    missing = {}
    benched = bench_losses()
    for name in LOSSES:
        case = cases.CASES[name]
        where = []
        if not callable(getattr(naive, name, None)):
            where.append("naive reference")
        if benched.get(name) != f"bench_losses_{case.family}":
            where.append(f"benchmarks/bench_losses_{case.family}.py")
        kernel = getattr(getattr(minigrad.losses, name), "__module__")
        op_kernels = [getattr(v, "kernel", None) for v in vars(sys.modules[kernel]).values()]
        for k in filter(None, op_kernels):
            if not any((ROOT / "kernels" / d / f"{k}.py").exists() for d in ("cuda", "shared")):
                where.append(f"kernels/cuda/{k}.py or kernels/shared/{k}.py")
        if where:
            missing[name] = where
    assert not missing, f"losses missing from: {missing}"
    assert set(case.family for case in cases.CASES.values()) == set(cases.FAMILIES)


def test_cuda_and_fuzz_read_the_registry():
    """The CUDA loss test and the fuzz parametrise over the registry, so they cover each loss in it."""
    assert "cases.CASES" in (ROOT / "tests" / "kernels" / "cuda" / "test_cuda_losses.py").read_text()
    from tests.hardening import fuzzing
    assert set(cases.CASES) <= set(fuzzing.PROPERTIES)


REDUCED = [name for name, case in cases.CASES.items() if "reduction" in case.options]


@pytest.mark.parametrize("name", REDUCED)
def test_legacy_elementwise_mean(name):
    """reduction='elementwise_mean': torch's deprecation warning, then 'mean' (poisson_nll_loss and
    multilabel_soft_margin_loss refuse it, as torch's do); the nn class warns on each call."""
    import torch
    import warnings
    args, kwargs, _ = build(name, np.float64, {})
    outcome = {}
    for lib in (minigrad, torch):
        a = [lib.tensor(x) if isinstance(x, np.ndarray) else x for x in args]
        kw = {k: lib.tensor(v) if isinstance(v, np.ndarray) else v for k, v in kwargs.items()}
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                got = getattr(lib.nn.functional, name)(*a, **{**kw, "reduction": "elementwise_mean"})
                want = getattr(lib.nn.functional, name)(*a, **{**kw, "reduction": "mean"})
                outcome[lib] = (float(got), float(want), [str(w.message) for w in caught if "elementwise" in str(w.message)])
            except ValueError as e:
                outcome[lib] = ("ValueError", "elementwise_mean" in str(e))
    assert outcome[minigrad][:1] == outcome[torch][:1] or np.isclose(outcome[minigrad][0], outcome[torch][0])
    if outcome[torch][0] != "ValueError":
        assert outcome[minigrad][0] == outcome[minigrad][1]
        assert outcome[minigrad][2] == outcome[torch][2] == [
            "reduction='elementwise_mean' is deprecated. Please use reduction='mean' instead."]
    else:
        assert outcome[minigrad] == outcome[torch]


def test_legacy_elementwise_mean_module_warns_each_call():
    loss = minigrad.nn.MSELoss(reduction="elementwise_mean")
    x, y = minigrad.ones(3), minigrad.zeros(3)
    for _ in range(2):
        with pytest.warns(UserWarning, match="elementwise_mean' is deprecated"):
            assert loss(x, y).item() == 1.0
