"""inference_mode against torch: the grad and inference flags inside, nested, as a decorator (with and
without parentheses), and results that record no graph."""
import pytest
import torch

import minigrad

LIBS = (minigrad, torch)


def flags(lib):
    return lib.is_grad_enabled(), lib.is_inference_mode_enabled()


@pytest.mark.parametrize("outer", ["none", "no_grad", "inference_mode"])
@pytest.mark.parametrize("inner", [None, True, False])
def test_flags_inside_and_after_as_torch(outer, inner):
    seen = []
    for lib in LIBS:
        ctx = {"none": lambda: lib.enable_grad(), "no_grad": lib.no_grad, "inference_mode": lib.inference_mode}[outer]
        with ctx():
            got = [flags(lib)]
            if inner is not None:
                with lib.inference_mode(inner):
                    got.append(flags(lib))
                got.append(flags(lib))
        got.append(flags(lib))
        seen.append(got)
    assert seen[0] == seen[1]


@pytest.mark.parametrize("bare", [True, False])
def test_decorator_records_no_graph(bare):
    results = []
    for lib in LIBS:
        def f(x, lib=lib):
            return x * 2, flags(lib)
        f = lib.inference_mode(f) if bare else lib.inference_mode()(f)
        y, inside = f(lib.ones(2, requires_grad=True))
        results.append((y.requires_grad, y.grad_fn is None, inside, flags(lib)))
    assert results[0] == results[1]
