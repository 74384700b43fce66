"""Finite-difference gradient check: compare the analytic Jacobian with central differences."""
import numpy as np


def _outputs(fn, inputs):
    out = fn(*inputs)
    return out if isinstance(out, tuple) else (out,)


def gradcheck(func, inputs, eps=1e-6, atol=1e-5, rtol=1e-3, raise_exception=True, **_ignored):
    """True when every analytic d(output)/d(input) matches (f(x+eps)-f(x-eps))/2eps for float64 inputs
    that require grad; otherwise raises (or returns False with ``raise_exception=False``)."""
    from .. import autograd
    from ..tensor import Tensor
    inputs = inputs if isinstance(inputs, tuple) else (inputs,)
    diff = [t for t in inputs if isinstance(t, Tensor) and t.requires_grad]
    for t in diff:
        if t.dtype.name != "float64":
            import warnings
            warnings.warn("Input #0 requires gradient and is not a double precision floating point. "
                          "This check will likely fail if all the inputs are not of double precision floating point.")
    outs = [o for o in _outputs(func, inputs) if isinstance(o, Tensor) and o.requires_grad]
    for k, out in enumerate(outs):
        n_out = out.numel()
        for j, t in enumerate(diff):
            analytic = np.zeros((t.numel(), n_out))
            for i in range(n_out):
                g = np.zeros(n_out, dtype=out._data.dtype)
                g[i] = 1
                res = autograd.grad(out, t, Tensor._make(g.reshape(out._data.shape)), retain_graph=True,
                                    allow_unused=True)[0]
                if res is not None:
                    analytic[:, i] = res._data.reshape(-1)
            numeric = np.zeros_like(analytic)
            flat = t._data.reshape(-1)
            for p in range(t.numel()):
                orig = flat[p]
                flat[p] = orig + eps
                plus = _outputs(func, inputs)[k]._data.astype(np.float64).reshape(-1)
                flat[p] = orig - eps
                minus = _outputs(func, inputs)[k]._data.astype(np.float64).reshape(-1)
                flat[p] = orig
                numeric[p] = (plus - minus) / (2 * eps)
            if not np.allclose(analytic, numeric, rtol=rtol, atol=atol, equal_nan=True):
                if raise_exception:
                    raise RuntimeError(f"Jacobian mismatch for output {k} with respect to input {j},\n"
                                       f"numerical:{numeric}\nanalytical:{analytic}\n")
                return False
    return True
