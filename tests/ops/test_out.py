"""``out=`` on the non-pointwise functions: torch's dtype rules, resizing (with its warning) and the
refusal of autograd through ``out``."""
import warnings

import numpy as np
import pytest
import torch

import minigrad

CALLS = {
    "matmul": lambda lib, a, o: lib.matmul(a, a, out=o),
    "mm": lambda lib, a, o: lib.mm(a, a, out=o),
    "bmm": lambda lib, a, o: lib.bmm(a[None], a[None], out=o),
    "cat": lambda lib, a, o: lib.cat([a, a], out=o),
    "stack": lambda lib, a, o: lib.stack([a, a], 1, out=o),
    "sum": lambda lib, a, o: lib.sum(a, 0, out=o),
    "sum_int": lambda lib, a, o: lib.sum(a.long(), 1, out=o),
    "mean": lambda lib, a, o: lib.mean(a, 0, out=o),
    "prod": lambda lib, a, o: lib.prod(a, 1, out=o),
    "cumsum": lambda lib, a, o: lib.cumsum(a, 0, out=o),
    "amax": lambda lib, a, o: lib.amax(a, 0, out=o),
    "where": lambda lib, a, o: lib.where(a > 2, a, -a, out=o),
    "einsum_free_tril": lambda lib, a, o: lib.tril(a, out=o),
    "index_select": lambda lib, a, o: lib.index_select(a, 1, lib.tensor([1, 0]), out=o),
    "add": lambda lib, a, o: lib.add(a, 1, out=o),
}
OUTS = [("float64", (4, 2)), ("int64", (0,)), ("float32", (0,)), ("float32", (2, 2))]


@pytest.mark.parametrize("out_spec", OUTS, ids=lambda s: f"{s[0]}{list(s[1])}")
@pytest.mark.parametrize("name", sorted(CALLS))
def test_out_as_torch(name, out_spec):
    dtype, shape = out_spec
    got = []
    for lib in (minigrad, torch):
        a = lib.tensor(np.arange(4.0, dtype=np.float32).reshape(2, 2))
        out = lib.zeros(shape, dtype=getattr(lib, dtype))
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                result = CALLS[name](lib, a, out)
            except (RuntimeError, TypeError) as e:
                got.append(type(e))
                continue
        assert result is out
        got.append((out.tolist(), str(out.dtype).split(".")[1], any("was resized" in str(w.message) for w in caught)))
    assert got[0] == got[1]


@pytest.mark.parametrize("lib", [minigrad, torch], ids=["minigrad", "torch"])
def test_out_refuses_autograd(lib):
    a = lib.ones(2, 2, requires_grad=True)
    with pytest.raises(RuntimeError, match="don't support automatic differentiation"):
        lib.matmul(a, a, out=lib.empty(2, 2))
    with pytest.raises(RuntimeError, match="don't support automatic differentiation"):
        lib.cat([a, a], out=lib.empty(4, 2))
    with lib.no_grad():
        out = lib.empty(2)
        lib.sum(a, 0, out=out)
    assert out.tolist() == [2.0, 2.0]
