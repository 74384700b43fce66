"""L-BFGS (after minFunc), with torch's algorithm: host code over tensor ops, on any device.

Each ``step(closure)`` runs up to ``max_iter`` iterations on the flattened parameters x with flat
gradient g (all parameters in one group, concatenated):

    direction   d = −H·g by the two-loop recursion over the last ``history_size`` pairs
                (s = t·d, y = g_new − g_old, kept when y·s > 1e-10), with H₀ = (y·s)/(y·y)·I
                (d = −g on the very first iteration)
    step        t = min(1, 1/Σ|g|)·lr on the first iteration, lr afterwards; either x ← x + t·d and one
                closure call (no line search), or t from a strong-Wolfe line search
                (``line_search_fn='strong_wolfe'``: bracketing, then zoom by cubic interpolation)
    stop        after ``max_iter`` iterations or ``max_eval`` closure calls, when max|g| ≤
                tolerance_grad, when g·d > −tolerance_change, or when the step or the loss change
                falls under tolerance_change

The history and the last direction live in ``state`` (keyed by the first parameter, as torch's).
Scalars stay 0-d tensors where torch's do (y·s, g·d, ...), so the float32 arithmetic rounds as torch's.
"""
from ..autograd.grad_mode import enable_grad, no_grad
from ..tensor import Tensor
from .optimizer import Optimizer, check_lr, scalar


def _number(value):
    return value.item() if isinstance(value, Tensor) else value


def cubic_minimum(x1, f1, g1, x2, f2, g2, bounds=None):
    """The minimiser of the cubic through (x1, f1, g1) and (x2, f2, g2) (values and slopes), clipped to
    ``bounds`` (default: between x1 and x2); the middle of the bounds when the cubic has none."""
    low, high = bounds if bounds is not None else ((x1, x2) if x1 <= x2 else (x2, x1))
    d1 = g1 + g2 - 3 * (f1 - f2) / (x1 - x2)
    d2_square = d1 ** 2 - g1 * g2
    if not d2_square >= 0:  # also NaN
        return (low + high) / 2.0
    d2 = d2_square.sqrt()
    if x1 <= x2:
        at = x2 - (x2 - x1) * ((g2 + d2 - d1) / (g2 - g1 + 2 * d2))
    else:
        at = x1 - (x1 - x2) * ((g1 + d2 - d1) / (g1 - g2 + 2 * d2))
    return min(max(at, low), high)


class _Bracket:
    """The line search's interval: points t with their losses f, flat gradients g and slopes g·d."""

    def __init__(self, *points):
        self.t, self.f, self.g, self.gtd = (list(column) for column in zip(*points))

    def ends(self):
        """(index of the lower loss, index of the other)."""
        return (0, 1) if self.f[0] <= self.f[-1] else (1, 0)

    def set(self, i, t, f, g, gtd):
        self.t[i], self.f[i], self.g[i], self.gtd[i] = t, f, g, gtd


def strong_wolfe(evaluate, t, d, f, g, gtd, c1=1e-4, c2=0.9, tolerance_change=1e-9, max_ls=25):
    """A step t along d meeting the strong Wolfe conditions f(t) ≤ f + c1·t·g·d and |g(t)·d| ≤ −c2·g·d:
    grow t (by cubic extrapolation) until the minimum is bracketed, then zoom in by cubic
    interpolation. ``evaluate(t)`` returns (loss, flat gradient) at x + t·d. Returns (loss, flat
    gradient, t, evaluations)."""
    d_norm = d.abs().max()
    g = g.clone()
    f_new, g_new = evaluate(t)
    evals, iters, done = 1, 0, False
    gtd_new = g_new.dot(d)
    prev = (0, f, g, gtd)
    bracket = None
    while iters < max_ls:
        sufficient = not (f_new > (f + c1 * t * gtd) or (iters > 1 and f_new >= prev[1]))
        if sufficient and abs(gtd_new) <= -c2 * gtd:
            bracket, done = _Bracket((t, f_new, g_new, gtd_new)), True
            break
        if not sufficient or gtd_new >= 0:
            bracket = _Bracket(prev, (t, f_new, g_new.clone(), gtd_new))
            break
        t_prev = prev[0]
        t_next = cubic_minimum(t_prev, prev[1], prev[3], t, f_new, gtd_new,
                               bounds=(t + 0.01 * (t - t_prev), t * 10))
        prev = (t, f_new, g_new.clone(), gtd_new)
        t = t_next
        f_new, g_new = evaluate(t)
        evals += 1
        gtd_new = g_new.dot(d)
        iters += 1
    if iters == max_ls:
        bracket = _Bracket((0, f, g, None), (t, f_new, g_new, None))
    low, high = bracket.ends()
    stuck = False  # the previous trial point was too close to an end
    while not done and iters < max_ls:
        if abs(bracket.t[1] - bracket.t[0]) * d_norm < tolerance_change:
            break
        t = cubic_minimum(bracket.t[0], bracket.f[0], bracket.gtd[0], bracket.t[1], bracket.f[1], bracket.gtd[1])
        top, bottom = max(bracket.t), min(bracket.t)
        margin = 0.1 * (top - bottom)
        if min(top - t, t - bottom) < margin:
            if stuck or t >= top or t <= bottom:
                t = top - margin if abs(t - top) < abs(t - bottom) else bottom + margin
                stuck = False
            else:
                stuck = True
        else:
            stuck = False
        f_new, g_new = evaluate(t)
        evals += 1
        gtd_new = g_new.dot(d)
        iters += 1
        if f_new > (f + c1 * t * gtd) or f_new >= bracket.f[low]:
            bracket.set(high, t, f_new, g_new.clone(), gtd_new)
            low, high = bracket.ends()
        else:
            if abs(gtd_new) <= -c2 * gtd:
                done = True
            elif gtd_new * (bracket.t[high] - bracket.t[low]) >= 0:
                bracket.set(high, bracket.t[low], bracket.f[low], bracket.g[low], bracket.gtd[low])
            bracket.set(low, t, f_new, g_new.clone(), gtd_new)
    return bracket.f[low], bracket.g[low], bracket.t[low], evals


class LBFGS(Optimizer):
    r"""L-BFGS: quasi-Newton steps from a limited history of gradient differences. ``step`` needs a
    closure that zeroes the gradients, recomputes the loss, calls ``backward`` and returns the loss.

    Args:
        params: an iterable of parameters (one group only).
        lr: learning rate (a float or a 1-element tensor). Default: 1.
        max_iter: iterations per ``step``. Default: 20.
        max_eval: closure calls per ``step``. Default: ``max_iter * 5 // 4``.
        tolerance_grad: stop when max|g| is at most this. Default: 1e-7.
        tolerance_change: stop when the step or the loss changes less than this. Default: 1e-9.
        history_size: the number of (s, y) pairs kept. Default: 100.
        line_search_fn: ``None`` (fixed step lr) or ``'strong_wolfe'``.

    .. math::
        d = -H_k g_k,\quad H_k \text{ from } \{(s_i, y_i)\}_{i>k-m},\quad x_{k+1} = x_k + t\,d

    Example::

        >>> optimizer = optim.LBFGS(model.parameters(), line_search_fn="strong_wolfe")
        >>> def closure():
        ...     optimizer.zero_grad()
        ...     loss = loss_fn(model(input), target)
        ...     loss.backward()
        ...     return loss
        >>> optimizer.step(closure)
    """

    def __init__(self, params, lr=1, max_iter=20, max_eval=None, tolerance_grad=1e-7, tolerance_change=1e-9,
                 history_size=100, line_search_fn=None):
        check_lr(lr)
        if max_eval is None:
            max_eval = max_iter * 5 // 4
        defaults = {"lr": lr, "max_iter": max_iter, "max_eval": max_eval, "tolerance_grad": tolerance_grad,
                    "tolerance_change": tolerance_change, "history_size": history_size,
                    "line_search_fn": line_search_fn}
        super().__init__(params, defaults)
        if len(self.param_groups) != 1:
            raise ValueError("LBFGS doesn't support per-parameter options (parameter groups)")
        self._params = self.param_groups[0]["params"]

    def _flat_grad(self):
        from .. import cat, zeros
        return cat([p.grad.reshape(-1) if p.grad is not None else
                    zeros(p.numel(), dtype=p.dtype, device=p.device) for p in self._params], 0)

    def _move(self, t, d):
        """x ← x + t·d."""
        offset = 0
        for p in self._params:
            p.add_(d[offset:offset + p.numel()].view_as(p), alpha=_number(t))
            offset += p.numel()

    def _evaluate(self, closure, x, t, d):
        """(loss, flat gradient) at x + t·d; the parameters are put back to x."""
        self._move(t, d)
        loss = float(closure())
        grad = self._flat_grad()
        for p, saved in zip(self._params, x):
            p.copy_(saved)
        return loss, grad

    def _direction(self, state, g):
        """−H·g by the two-loop recursion over the stored pairs."""
        dirs, steps, ro = state["old_dirs"], state["old_stps"], state["ro"]
        al = state.setdefault("al", [None] * self.param_groups[0]["history_size"])
        q = g.neg()
        for i in range(len(dirs) - 1, -1, -1):
            al[i] = steps[i].dot(q) * ro[i]
            q.add_(dirs[i], alpha=-_number(al[i]))
        r = q * state["H_diag"]
        for i in range(len(dirs)):
            be_i = dirs[i].dot(r) * ro[i]
            r.add_(steps[i], alpha=_number(al[i] - be_i))
        return r

    def _remember(self, state, g, history_size):
        """Add the pair (s, y) of the last step when y·s > 1e-10 (dropping the oldest past history_size)."""
        y = g.sub(state["prev_flat_grad"])
        s = state["d"].mul(state["t"])
        ys = y.dot(s)
        if ys > 1e-10:
            if len(state["old_dirs"]) == history_size:
                for key in ("old_dirs", "old_stps", "ro"):
                    state[key].pop(0)
            state["old_dirs"].append(y)
            state["old_stps"].append(s)
            state["ro"].append(1.0 / ys)
            state["H_diag"] = ys / y.dot(y)

    def step(self, closure):
        """Run up to ``max_iter`` L-BFGS iterations; returns the loss of the first closure call."""
        group = self.param_groups[0]
        lr, max_iter, max_eval = scalar(group["lr"]), group["max_iter"], group["max_eval"]
        tolerance_grad, tolerance_change = group["tolerance_grad"], group["tolerance_change"]
        state = self.state[self._params[0]]
        state.setdefault("func_evals", 0)
        state.setdefault("n_iter", 0)
        closure = enable_grad()(closure)
        with no_grad():
            first_loss = closure()
            loss = float(first_loss)
            evals = 1
            state["func_evals"] += 1
            g = self._flat_grad()
            if g.abs().max() <= tolerance_grad:
                return first_loss
            for n_iter in range(1, max_iter + 1):
                state["n_iter"] += 1
                if state["n_iter"] == 1:
                    state.update(d=g.neg(), old_dirs=[], old_stps=[], ro=[], H_diag=1)
                else:
                    self._remember(state, g, group["history_size"])
                    state["d"] = self._direction(state, g)
                d = state["d"]
                if state.get("prev_flat_grad") is None:
                    state["prev_flat_grad"] = g.clone()
                else:
                    state["prev_flat_grad"].copy_(g)
                prev_loss = state["prev_loss"] = loss
                t = min(1.0, 1.0 / g.abs().sum()) * lr if state["n_iter"] == 1 else lr
                gtd = g.dot(d)
                if gtd > -tolerance_change:
                    break
                ls_evals = 0
                if group["line_search_fn"] is not None:
                    if group["line_search_fn"] != "strong_wolfe":
                        raise RuntimeError("only 'strong_wolfe' is supported")
                    x = [p.clone() for p in self._params]
                    loss, g, t, ls_evals = strong_wolfe(lambda t_: self._evaluate(closure, x, t_, d), t, d, loss, g,
                                                        gtd, max_ls=max_eval - evals)
                    self._move(t, d)
                    converged = g.abs().max() <= tolerance_grad
                else:
                    self._move(t, d)
                    converged = False
                    if n_iter != max_iter:
                        loss = float(closure())
                        g = self._flat_grad()
                        converged = g.abs().max() <= tolerance_grad
                        ls_evals = 1
                state["t"] = t
                evals += ls_evals
                state["func_evals"] += ls_evals
                if n_iter == max_iter or evals >= max_eval or converged:
                    break
                if d.mul(t).abs().max() <= tolerance_change or abs(loss - prev_loss) < tolerance_change:
                    break
            state["t"] = t
        return first_loss
