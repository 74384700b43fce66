"""The fused optimizers on the device (``kernels/cuda/_fused_update.py`` running the rules of
``kernels/shared/optim_rules.py``) against the CPU: every optimizer and option set steps parameters
of several shapes (crossing blocks and wrapping the grid-stride loop under the small launches) to
the CPU's values and state, and a step leaves the data on the device."""
import numpy as np
import pytest

import minigrad
from minigrad import nn, optim

CASES = [("Adam", dict(lr=0.01)), ("Adam", dict(lr=0.01, amsgrad=True, weight_decay=0.1, maximize=True)),
         ("AdamW", dict(lr=0.01, betas=(0.3, 0.9))), ("RMSprop", dict()),
         ("RMSprop", dict(alpha=0.3, momentum=0.9, centered=True, weight_decay=0.1)),
         ("Adagrad", dict(lr_decay=0.1, initial_accumulator_value=0.2)), ("Adadelta", dict(weight_decay=0.1)),
         ("Adamax", dict(maximize=True)), ("NAdam", dict(decoupled_weight_decay=True, weight_decay=0.1)),
         ("RAdam", dict(weight_decay=0.1)), ("ASGD", dict(t0=1, weight_decay=0.1)),
         ("Rprop", dict(step_sizes=(1e-3, 0.05))), ("SGD", dict(lr=0.1)),
         ("SGD", dict(lr=0.1, momentum=0.9, nesterov=True, weight_decay=0.1, maximize=True))]
SHAPES = [(3, 5), (7,), ()]  # 23 elements: 12 threads under the small launches, wrapping


def run(name, options, device, dtype, steps=3):
    """Parameters and state after ``steps`` steps with fixed gradients (signs changing between steps)."""
    rng = np.random.default_rng(3)
    params = [nn.Parameter(minigrad.tensor(rng.standard_normal(s).astype(dtype)).to(device)) for s in SHAPES]
    grads = [[minigrad.tensor(rng.standard_normal(s).astype(dtype)).to(device) for s in SHAPES]
             for _ in range(steps)]
    opt = getattr(optim, name)(params, **options)
    for step in range(steps):
        for p, g in zip(params, grads[step]):
            p.grad = g
        opt.step()
    state = [{k: v.cpu().numpy() for k, v in opt.state[p].items()} for p in params]
    return [p.detach().cpu().numpy() for p in params], state


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("case", CASES, ids=lambda c: c[0] + "-" + "-".join(f"{k}={v}" for k, v in c[1].items()))
def test_cuda_optimizer_matches_cpu(case, dtype):
    (cpu_params, cpu_state), (gpu_params, gpu_state) = run(*case, "cpu", dtype), run(*case, "cuda", dtype)
    tol = dict(rtol=1e-5, atol=1e-6) if dtype == np.float32 else dict(rtol=1e-12, atol=1e-14)
    for c, g in zip(cpu_params, gpu_params):
        np.testing.assert_allclose(g, c, **tol)
    for c, g in zip(cpu_state, gpu_state):
        assert sorted(c) == sorted(g)
        for key in c:
            np.testing.assert_allclose(g[key], c[key], err_msg=key, **tol)


def test_cuda_optimizer_step_stays_on_device(device_log):
    p = nn.Parameter(minigrad.ones(6, device="cuda"))
    opt = optim.Adam([p], lr=0.1, amsgrad=True)
    (p * p).sum().backward()
    opt.step()
    device_log.clear()
    opt.step()
    assert device_log == []
