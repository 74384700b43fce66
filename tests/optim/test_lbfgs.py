"""minigrad.optim.LBFGS against torch: the MLP's parameters and losses after several steps, with and
without the strong-Wolfe line search and with a short history; a quadratic solved to its minimum;
argument errors."""
import numpy as np
import pytest
import torch

import minigrad
from tests.compare import assert_close
from tests.optim.optim_helpers import assert_same_params, pair


def run(lib, opt, net, x, y):
    def closure():
        opt.zero_grad()
        loss = lib.nn.functional.cross_entropy(net(x), y)
        loss.backward()
        return loss
    return opt.step(closure)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("options", [dict(lr=0.1), dict(line_search_fn="strong_wolfe"),
                                     dict(lr=0.5, history_size=3, max_iter=7, line_search_fn="strong_wolfe"),
                                     dict(lr=0.1, history_size=2, max_iter=5, max_eval=4)], ids=str)
def test_lbfgs_matches_torch(options, dtype):
    (mg, x, y), (th, tx, ty) = pair(dtype)
    mg_opt, th_opt = minigrad.optim.LBFGS(mg.parameters(), **options), torch.optim.LBFGS(th.parameters(), **options)
    tol = dict(rtol=1e-3, atol=1e-4) if dtype == np.float32 else dict(rtol=1e-6, atol=1e-8)
    # float32: one step (up to 20 iterations); further steps amplify the matmuls' last-bit differences
    for step in range(4 if dtype == np.float64 else 1):
        assert_close(run(minigrad, mg_opt, mg, x, y), run(torch, th_opt, th, tx, ty), what=f"loss {step}", **tol)
        mg_state, th_state = mg_opt.state[mg.fc1.weight], th_opt.state[th.fc1.weight]
        assert (mg_state["func_evals"], mg_state["n_iter"]) == (th_state["func_evals"], th_state["n_iter"])
        assert len(mg_state["old_dirs"]) == len(th_state["old_dirs"])
    assert_same_params(mg, th, **tol)


def test_lbfgs_minimises_a_quadratic_as_torch():
    a = np.array([[3.0, 0.5], [0.5, 1.0]])
    b = np.array([1.0, -2.0])
    found = []
    for lib in (minigrad, torch):
        x = lib.nn.Parameter(lib.zeros(2, dtype=lib.float64))
        opt = lib.optim.LBFGS([x], line_search_fn="strong_wolfe")
        A, B = lib.tensor(a), lib.tensor(b)

        def closure():
            opt.zero_grad()
            loss = 0.5 * (x @ (A @ x)) - (B * x).sum()
            loss.backward()
            return loss
        opt.step(closure)
        found.append(x.detach().numpy())
    np.testing.assert_allclose(found[0], found[1], rtol=1e-10)
    np.testing.assert_allclose(found[0], np.linalg.solve(a, b), rtol=1e-4)


def test_lbfgs_errors_like_torch():
    (mg, _, _), (th, _, _) = pair()
    for lib, net in ((minigrad, mg), (torch, th)):
        with pytest.raises(ValueError, match="doesn't support per-parameter options"):
            lib.optim.LBFGS([{"params": net.fc1.parameters()}, {"params": net.fc2.parameters()}])
        with pytest.raises(ValueError, match="Invalid learning rate"):
            lib.optim.LBFGS(net.parameters(), lr=-1.0)
        opt = lib.optim.LBFGS(net.parameters(), line_search_fn="wolfe")
        with pytest.raises(RuntimeError, match="only 'strong_wolfe' is supported"):
            opt.step(lambda: sum(p.sum() for p in net.parameters()).backward() or lib.tensor(1.0))
