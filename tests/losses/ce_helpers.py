"""Shared pieces of the cross_entropy / nll_loss tests (not a test module): inputs, the torch
comparison with keyword tensors built per library (a class weight must not require grad), and the
check that a call raises torch's exception with torch's message."""

import numpy as np
import pytest
import torch

import minigrad
from tests.compare import compare
from tests.losses.margin_helpers import grad_fn_name
from tests.seed_examples import run_through_alias


# (C,), (N, C), and (N, C, d...) with 3-D, 4-D and 5-D inputs; (2, 3, 1100) crosses the kernel's
# 512-position blocks with a ragged last one; (6, 1) has a single class.
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


def _lib_args(lib, args, kw):
    conv = lambda v: lib.tensor(v) if isinstance(v, np.ndarray) else v  # noqa: E731
    return [conv(a) for a in args], {k: conv(v) for k, v in kw.items()}


def fns(name, **kw):
    """``F.<name>(*a, **kw)`` for minigrad and torch, numpy arrays in ``kw`` becoming each library's tensors."""
    mg_kw, th_kw = _lib_args(minigrad, (), kw)[1], _lib_args(torch, (), kw)[1]
    return (lambda *a: getattr(minigrad.nn.functional, name)(*a, **mg_kw),
            lambda *a: getattr(torch.nn.functional, name)(*a, **th_kw))


def check(name, inputs, grad=True, rtol=None, atol=None, **kw):
    """Values, dtypes, gradients of every float input in ``inputs`` and the grad_fn name, as torch."""
    out_mg, out_th = compare(*fns(name, **kw), inputs, grad=grad, rtol=rtol, atol=atol)
    assert grad_fn_name(out_mg) == grad_fn_name(out_th)
    return out_mg, out_th


def same_error(name, args, **kw):
    """``F.<name>`` raises in torch and in minigrad: the same exception type and message."""
    th_args, th_kw = _lib_args(torch, args, kw)
    mg_args, mg_kw = _lib_args(minigrad, args, kw)
    with pytest.raises(Exception) as th:
        getattr(torch.nn.functional, name)(*th_args, **th_kw)
    with pytest.raises(th.type) as mg:
        getattr(minigrad.nn.functional, name)(*mg_args, **mg_kw)
    assert str(mg.value) == str(th.value)


run_example = run_through_alias
