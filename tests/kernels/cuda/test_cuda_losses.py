"""Every loss of the registry (tests/losses/cases.py) on 'cuda' against 'cpu', through ``F.<loss>``:
the loss and the gradient of every differentiable input, float32 and float64, with the registry's
default options on small inputs (the row and class losses get several rows per block and classes
crossing the simulator's 4-thread blocks). This covers the losses whose CUDA path is a composite of
other kernels (``triplet_margin_with_distance_loss``) as well as the fused ones."""
import numpy as np
import pytest

import minigrad
from tests.kernels.cuda.device_compare import TOL
from tests.losses import cases


def run(device, name, args, kwargs, grads):
    """(loss, gradients) of ``F.<name>`` on ``device``, as host arrays; upstream gradient of ones."""
    def put(v, i=None):
        if not isinstance(v, np.ndarray):
            return v
        t = minigrad.tensor(v).to(device)
        return t.requires_grad_(True) if i in grads else t
    inputs = [put(a, i) for i, a in enumerate(args)]
    out = getattr(minigrad.nn.functional, name)(*inputs, **{k: put(v) for k, v in kwargs.items()})
    out.backward(minigrad.ones_like(out))
    return out.cpu().detach().numpy(), [inputs[i].grad.cpu().numpy() for i in grads]


@pytest.mark.filterwarnings("ignore:Using a target size", "ignore:reduction. .mean. divides")
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name", list(cases.CASES))
def test_loss_on_cuda_as_on_cpu(name, dtype):
    args, kwargs, grads = cases.inputs(name, np.random.default_rng(3), dtype, 5, 6)
    want, want_grads = run("cpu", name, args, kwargs, grads)
    got, got_grads = run("cuda", name, args, kwargs, grads)
    tol = TOL[np.dtype(dtype)]
    assert got.shape == want.shape and got.dtype == want.dtype
    np.testing.assert_allclose(got, want, equal_nan=True, err_msg="loss", **tol)
    for i, g, w in zip(grads, got_grads, want_grads):
        assert g.dtype == w.dtype
        np.testing.assert_allclose(g, w, equal_nan=True, err_msg=f"gradient of input {i}", **tol)
