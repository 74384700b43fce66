"""What the loss tests share (not a test module): input makers, the torch comparison with the
grad_fn name, torch's errors, and the checks every fused loss gets (no gradient work without grad,
inputs unchanged). The loss cases themselves (inputs, options, reference, tolerance) are in
``cases.py``."""
import numpy as np
import pytest
import torch

import minigrad
from minigrad.losses._base import FusedLoss
from tests.compare import compare
from tests.losses import naive
from tests.seed_examples import run_through_alias

FLOATS = (np.float32, np.float64)
REDUCTIONS = ("mean", "sum", "none")
run_example = run_through_alias


def rand(shape, dtype=np.float64, seed=0, low=-2.0, high=2.0):
    return np.random.default_rng(seed).uniform(low, high, shape).astype(dtype)


def signs(shape, dtype=np.float64, seed=1):
    return np.where(np.random.default_rng(seed).random(shape) < 0.5, -1.0, 1.0).astype(dtype)


def unit(shape, dtype=np.float64, seed=1, low=0.0, high=1.0):
    """Values in [low, high] (probabilities, positive variances)."""
    return rand(shape, dtype, seed, low, high)


def counts(shape, dtype=np.float64, seed=1):
    return np.random.default_rng(seed).integers(0, 6, shape).astype(dtype)


# --- class targets: (C,), (N, C), and (N, C, d...) with 3-D, 4-D and 5-D inputs; (2, 3, 1100) crosses
# the kernel's 512-position blocks with a ragged last one; (6, 1) has a single class.
CLASS_SHAPES = [(5,), (7, 5), (4, 3, 6), (2, 5, 3, 4), (2, 3, 2, 2, 3), (2, 3, 1100), (6, 1)]


def n_classes(shape):
    return shape[1] if len(shape) > 1 else shape[0]


def target_shape(shape):
    return shape[:1] + shape[2:] if len(shape) > 1 else ()


def logits(shape, dtype=np.float32, seed=0):
    return (np.random.default_rng(seed).standard_normal(shape) * 2).astype(dtype)


def classes(shape, n_classes, seed=1, ignore=None):
    """int64 class indices; every third one set to ``ignore`` when given (and there are several)."""
    t = np.random.default_rng(seed).integers(0, n_classes, shape)
    if ignore is not None and t.size > 1:
        t.reshape(-1)[::3] = ignore
    return t


def probs(shape, dtype=np.float32, seed=2):
    return np.random.default_rng(seed).random(shape).astype(dtype)


OPTIONS = {
    "plain": {},
    "weight": {"weight": True},
    "ignored": {"ignore": -100},
    "ignore_class_1": {"ignore": 1, "ignore_index": 1},
    "smoothing": {"label_smoothing": 0.25},
    "all": {"weight": True, "ignore": -100, "label_smoothing": 0.4},
}


def class_case(shape, dtype, opts, seed=0):
    """(logits, targets, keyword arguments) for one option set of OPTIONS."""
    opts = dict(opts)
    c = n_classes(shape)
    t = classes(target_shape(shape), c, seed + 1, opts.pop("ignore", None))
    if opts.pop("weight", False):
        opts["weight"] = np.random.default_rng(seed + 2).uniform(0.2, 2.0, c).astype(dtype)
    return logits(shape, dtype, seed), t, opts


def check_class_targets_vs_naive(name, shape, opts, reduction, **tol):
    """``F.<name>`` on ``class_case(shape, float64, opts)``, its value and logits gradient against
    ``naive.<name>``."""
    x, t, kw = class_case(shape, np.float64, opts, seed=4)
    want, want_grad = getattr(naive, name)(x, t, reduction=reduction, **kw)
    xt = minigrad.tensor(x, requires_grad=True)
    (tt,), kw = lib_args(minigrad, [t], kw)
    out = getattr(minigrad.nn.functional, name)(xt, tt, reduction=reduction, **kw)
    out.sum().backward()
    np.testing.assert_allclose(out.detach().numpy(), want, **tol)
    np.testing.assert_allclose(xt.grad.numpy(), want_grad, **tol)


# --- minigrad beside torch

def lib_args(lib, args, kw, grad_kw=()):
    """``args`` and ``kw`` with their numpy arrays as ``lib``'s tensors, requiring grad only for the
    keywords in ``grad_kw``."""
    conv = lambda v, grad=False: lib.tensor(v, requires_grad=grad) if isinstance(v, np.ndarray) else v  # noqa: E731
    return [conv(a) for a in args], {k: conv(v, k in grad_kw) for k, v in kw.items()}


def fns(name, **kw):
    """``F.<name>(*args, **kw)`` for minigrad and for torch; numpy arrays in ``kw`` (a weight) become
    each library's tensors."""
    def make(lib):
        kw_lib = lib_args(lib, (), kw)[1]
        return lambda *a: getattr(lib.nn.functional, name)(*a, **kw_lib)
    return make(minigrad), make(torch)


def grad_fn_name(t):
    if t.grad_fn is None:
        return None
    return type(t.grad_fn).__name__ if isinstance(t, torch.Tensor) else t.grad_fn.name


def check(name, inputs, grad=True, rtol=None, atol=None, fixed=(), **kw):
    """``F.<name>(*inputs, **kw)`` in both libraries: values, dtype, grad_fn name and the gradient of
    every float input except those at the ``fixed`` positions (passed as constants: targets torch
    cannot differentiate)."""
    def call(f, lib):
        const = {i: lib.tensor(inputs[i]) for i in fixed}

        def run(*free):
            it = iter(free)
            return f(*[const[i] if i in const else next(it) for i in range(len(inputs))])
        return run

    f_mg, f_th = fns(name, **kw)
    free = [a for i, a in enumerate(inputs) if i not in fixed]
    out_mg, out_th = compare(call(f_mg, minigrad), call(f_th, torch), free, grad=grad, rtol=rtol, atol=atol)
    assert grad_fn_name(out_mg) == grad_fn_name(out_th)
    return out_mg, out_th


def raises_like_torch(name, inputs, match, **kw):
    """Both libraries raise the same exception type; minigrad's message matches ``match``."""
    fn_mg, fn_th = fns(name, **kw)
    with pytest.raises(Exception) as th:  # noqa: PT011 - the type is torch's, whatever it is
        fn_th(*[torch.tensor(a) if isinstance(a, np.ndarray) else a for a in inputs])
    with pytest.raises(th.type, match=match):
        fn_mg(*[minigrad.tensor(a) if isinstance(a, np.ndarray) else a for a in inputs])


def same_error(name, args, grad_kw=(), **kw):
    """``F.<name>`` raises in torch and in minigrad: the same exception type and message (the keyword
    arrays named in ``grad_kw`` require grad)."""
    th_args, th_kw = lib_args(torch, args, kw, grad_kw)
    mg_args, mg_kw = lib_args(minigrad, args, kw, grad_kw)
    with pytest.raises(Exception) as th:  # noqa: PT011
        getattr(torch.nn.functional, name)(*th_args, **th_kw)
    with pytest.raises(th.type) as mg:
        getattr(minigrad.nn.functional, name)(*mg_args, **mg_kw)
    assert str(mg.value) == str(th.value)


# --- what every fused loss does

def check_no_grad_work(monkeypatch, name, inputs, **kw):
    """Without any input requiring grad (and with grad inputs under no_grad) the loss's kernel is asked
    for no gradients (``FusedLoss.fused`` passes ``needs_input_grad`` on as ``need_grad``) and the
    result has no grad_fn."""
    asked = []
    real = FusedLoss.fused

    def spy(op, arrays, options):
        asked.append(tuple(op.needs_input_grad))
        return real(op, arrays, options)

    monkeypatch.setattr(FusedLoss, "fused", spy)
    fn = getattr(minigrad.nn.functional, name)
    out = fn(*[minigrad.tensor(a) if isinstance(a, np.ndarray) else a for a in inputs], **kw)
    assert out.grad_fn is None and not out.requires_grad
    with minigrad.no_grad():
        leaves = [minigrad.tensor(a, requires_grad=a.dtype.kind == "f") if isinstance(a, np.ndarray) else a
                  for a in inputs]
        assert fn(*leaves, **kw).grad_fn is None
    assert asked and not any(any(a) for a in asked)


def check_inputs_unchanged(name, inputs, grads=None, **kw):
    """Forward and backward leave the caller's arrays as they were; the inputs at positions ``grads``
    (default: every float array) require grad."""
    before = [a.copy() for a in inputs if isinstance(a, np.ndarray)]
    leaves = [minigrad.from_numpy(a).requires_grad_(a.dtype.kind == "f" if grads is None else i in grads)
              if isinstance(a, np.ndarray) else a for i, a in enumerate(inputs)]
    out = getattr(minigrad.nn.functional, name)(*leaves, **kw)
    out.sum().backward()
    for a, b in zip([a for a in inputs if isinstance(a, np.ndarray)], before):
        np.testing.assert_array_equal(a, b)
