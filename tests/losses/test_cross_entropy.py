"""cross_entropy / CrossEntropyLoss / CrossEntropyLoss2d against torch (values, gradients, dtypes,
grad_fn names, errors, edge cases), against the loop references of naive.py, and by float64 gradcheck."""
import warnings

import numpy as np
import pytest
import torch

import minigrad
from tests.losses import naive
from tests.losses.loss_helpers import (CLASS_SHAPES, FLOATS, OPTIONS, REDUCTIONS, check, check_class_targets_vs_naive,
    check_inputs_unchanged, check_no_grad_work, class_case, classes, logits, n_classes, probs, run_example, same_error,
    target_shape)
from tests.compare import compare, gradcheck

F = minigrad.nn.functional


# ------------------------------------------------------------------------------ against torch

@pytest.mark.parametrize("opts", OPTIONS.values(), ids=OPTIONS.keys())
@pytest.mark.parametrize("shape", CLASS_SHAPES, ids=str)
@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_class_targets_vs_torch(reduction, dtype, shape, opts):
    x, t, kw = class_case(shape, dtype, opts)
    check("cross_entropy", [x, t], reduction=reduction, **kw)


PROB_SHAPES = [(5,), (7, 5), (4, 3, 6), (2, 5, 3, 4), (2, 3, 1100)]
PROB_OPTIONS = {"plain": {}, "weight": {"weight": True}, "smoothing": {"label_smoothing": 0.3},
                "weight_smoothing": {"weight": True, "label_smoothing": 0.7}}


@pytest.mark.parametrize("opts", PROB_OPTIONS.values(), ids=PROB_OPTIONS.keys())
@pytest.mark.parametrize("shape", PROB_SHAPES, ids=str)
@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_probability_targets_vs_torch(reduction, dtype, shape, opts):
    """Values and the gradients of both the logits and the (differentiable) target."""
    kw = dict(opts)
    if kw.pop("weight", False):
        kw["weight"] = np.random.default_rng(5).uniform(0.2, 2.0, n_classes(shape)).astype(dtype)
    check("cross_entropy", [logits(shape, dtype), probs(shape, dtype)], reduction=reduction, **kw)


@pytest.mark.parametrize("shape", [(7, 5), (2, 5, 3, 4)], ids=str)
@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_probability_targets_weight_gradient(reduction, shape):
    """With probability targets torch differentiates the weight too."""
    inputs = [logits(shape, np.float64), probs(shape, np.float64), probs((shape[1],), np.float64, 7)]
    out_mg, out_th = compare(lambda x, y, w: F.cross_entropy(x, y, weight=w, reduction=reduction, label_smoothing=0.2),
                             lambda x, y, w: torch.nn.functional.cross_entropy(x, y, weight=w, reduction=reduction,
                                                                               label_smoothing=0.2), inputs)
    assert out_mg.grad_fn.name == type(out_th.grad_fn).__name__


@pytest.mark.parametrize("reduction", ["mean", "none"])
@pytest.mark.parametrize("shape", [(300, 250), (2, 3, 12000)], ids=str)
def test_threaded_kernels_vs_torch(shape, reduction):
    """Inputs above the threshold where the threaded compile runs (rows and blocks)."""
    x, t, kw = class_case(shape, np.float32, OPTIONS["all"])
    check("cross_entropy", [x, t], reduction=reduction, **kw)
    check("cross_entropy", [x, probs(shape)], reduction=reduction, label_smoothing=0.1)
    check("cross_entropy", [x, t], grad=False, reduction=reduction)


@pytest.mark.parametrize("dtype", FLOATS)
def test_row_max_anywhere_in_a_long_row(dtype):
    """Rows of C >= 32 take their max over 16 running lanes: the max in every lane and in the tail,
    a huge max (so a wrong max overflows exp), and NaN first or later in a row."""
    x = logits((8, 50), dtype)
    for row, at in enumerate((0, 1, 15, 16, 31, 47, 48, 49)):
        x[row, at] = 80.0
    check("cross_entropy", [x, classes((8,), 50)], reduction="none")
    x[0, 0], x[1, 17] = np.nan, np.nan
    check("cross_entropy", [x, classes((8,), 50)], reduction="none")


def test_mixed_dtypes_vs_torch():
    """float16 runs (in float32) as torch; probability targets promote with input and weight."""
    x, t, _ = class_case((6, 4), np.float16, {})
    check("cross_entropy", [x, t], rtol=2e-3, atol=2e-3)
    check("cross_entropy", [x, t], weight=np.ones(4, np.float16), rtol=2e-3, atol=2e-3)
    check("cross_entropy", [logits((6, 4)), probs((6, 4), np.float64)])
    check("cross_entropy", [logits((6, 4), np.float16), probs((6, 4))], rtol=2e-3, atol=2e-3)
    check("cross_entropy", [logits((6, 4)), probs((6, 4))], weight=np.array([1, 2, 3, 4]))  # int64 weight
    check("cross_entropy", [logits((6, 4)), probs((6, 4))], weight=probs((4,), np.float64))


def test_uint8_targets_vs_torch():
    x = logits((5, 4))
    check("cross_entropy", [x, np.array([0, 3, 255, 1, 2], np.uint8)], ignore_index=255)
    check("cross_entropy", [x, np.array([0, 3, 1, 1, 2], np.uint8)], label_smoothing=0.2)


def test_tutorial_float_target_reads_as_probabilities():
    """Example 015: a float target of the input's shape is class probabilities: 6·ln2/2."""
    out = minigrad.nn.CrossEntropyLoss()(minigrad.ones(2, 2), minigrad.Tensor([[0, 1], [2, 3]]))
    assert repr(out) == "tensor(2.0794)"


# ------------------------------------------------------------------------------ loop references

@pytest.mark.parametrize("opts", OPTIONS.values(), ids=OPTIONS.keys())
@pytest.mark.parametrize("shape", [(5,), (7, 5), (2, 3, 4), (2, 3, 2, 3), (2, 3, 600)], ids=str)
@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_class_targets_vs_naive(reduction, shape, opts):
    check_class_targets_vs_naive("cross_entropy", shape, opts, reduction, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("smoothing", [0.0, 0.3])
@pytest.mark.parametrize("shape", [(5,), (7, 5), (2, 3, 2, 3), (2, 3, 600)], ids=str)
@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_probability_targets_vs_naive(reduction, shape, smoothing):
    x, y, w = logits(shape, np.float64, 6), probs(shape, np.float64), probs((n_classes(shape),), np.float64, 8)
    want, want_gx, want_gy = naive.cross_entropy(x, y, w, reduction=reduction, label_smoothing=smoothing)
    xt, yt = minigrad.tensor(x, requires_grad=True), minigrad.tensor(y, requires_grad=True)
    out = F.cross_entropy(xt, yt, weight=minigrad.tensor(w), reduction=reduction, label_smoothing=smoothing)
    out.sum().backward()
    np.testing.assert_allclose(out.detach().numpy(), want, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(xt.grad.numpy(), want_gx, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(yt.grad.numpy(), want_gy, rtol=1e-10, atol=1e-12)


# ------------------------------------------------------------------------------ gradcheck

@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("shape", [(4, 3), (2, 3, 2, 2)], ids=str)
def test_gradcheck_class_targets(shape, reduction):
    x, t, kw = class_case(shape, np.float64, OPTIONS["all"], seed=9)
    w = minigrad.tensor(kw.pop("weight"))
    assert gradcheck(lambda a, b: F.cross_entropy(a, b, weight=w, reduction=reduction, **kw), [x, t])


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_gradcheck_probability_targets(reduction):
    """Logits, target and weight are all differentiable here."""
    assert gradcheck(lambda a, b, w: F.cross_entropy(a, b, weight=w, reduction=reduction, label_smoothing=0.3),
                     [logits((3, 4), np.float64), probs((3, 4), np.float64), probs((4,), np.float64, 3)])


# ------------------------------------------------------------------------------ grad_fn names

@pytest.mark.parametrize("shape", [(5,), (7, 5), (4, 3, 6), (2, 5, 3, 4), (2, 3, 2, 2, 3)], ids=str)
@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_grad_fn_names(reduction, shape):
    """NllLossBackward0 (1-D/2-D), NllLoss2DBackward0 (4-D; 3-D/5-D reduced), ViewBackward0 (3-D/5-D
    unreduced); AddBackward0 with label smoothing; DivBackward1/NegBackward0 for probabilities."""
    x = logits(shape)
    t = classes(target_shape(shape), n_classes(shape))
    for target, kw in ((t, {}), (t, {"label_smoothing": 0.1}), (probs(shape), {})):
        mg = F.cross_entropy(minigrad.tensor(x, requires_grad=True), minigrad.tensor(target), reduction=reduction, **kw)
        th = torch.nn.functional.cross_entropy(torch.tensor(x, requires_grad=True), torch.tensor(target),
                                               reduction=reduction, **kw)
        assert mg.grad_fn.name == type(th.grad_fn).__name__


# ------------------------------------------------------------------------------ edge cases

@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_empty_batch(reduction):
    """0 positions: 'mean' is NaN, 'sum' 0, 'none' empty, as torch (with the same grad_fn names)."""
    check("cross_entropy", [logits((0, 5)), np.zeros(0, np.int64)], reduction=reduction)
    check("cross_entropy", [logits((0, 5, 3, 3)), np.zeros((0, 3, 3), np.int64)], reduction=reduction)
    check("cross_entropy", [logits((2, 5, 0)), np.zeros((2, 0), np.int64)], reduction=reduction)
    check("cross_entropy", [logits((0, 5)), probs((0, 5))], reduction=reduction)
    check("cross_entropy", [logits((3, 0)), probs((3, 0))], reduction=reduction)
    check("cross_entropy", [logits((3, 0)), np.full(3, -100)], reduction=reduction)


@pytest.mark.parametrize("smoothing", [0.0, 0.3])
@pytest.mark.parametrize("shape", [(3, 5), (2, 5, 3, 3)], ids=str)
def test_all_targets_ignored(shape, smoothing):
    """The mean is 0/0 = NaN and the gradient zero."""
    t = np.full(target_shape(shape), -100)
    out, _ = check("cross_entropy", [logits(shape), t], label_smoothing=smoothing)
    assert np.isnan(out.item())
    check("cross_entropy", [logits(shape), t], reduction="sum", label_smoothing=smoothing)


def test_zero_weights():
    """A zero weight sum: NaN mean and NaN gradients (0·inf), as torch."""
    t = np.array([1, 2, 3])
    check("cross_entropy", [logits((3, 5)), t], weight=np.zeros(5, np.float32))
    check("cross_entropy", [logits((3, 5)), np.array([1, -100, 3])], weight=np.array([1, 0, 0, 0, 0], np.float32),
          label_smoothing=0.1)


@pytest.mark.parametrize("shape", [(4, 3), (2, 3, 2, 2)], ids=str)
def test_extreme_logits_are_finite(shape):
    """±1e4 logits (and a row that is all ±1e4) give finite losses and gradients equal to torch's."""
    x = np.where(np.random.default_rng(0).random(shape) < 0.5, -1e4, 1e4).astype(np.float32)
    x.reshape(-1)[:3] = [0.0, 1e4, -1e4]
    t = classes(target_shape(shape), 3)
    for target, kw in ((t, {}), (t, {"label_smoothing": 0.2}), (probs(shape), {})):
        out, _ = check("cross_entropy", [x, target], **kw)
        assert np.isfinite(out.item())
        xt = minigrad.tensor(x, requires_grad=True)
        F.cross_entropy(xt, minigrad.tensor(target), **kw).backward()
        assert np.isfinite(xt.grad.numpy()).all()


def test_nan_and_inf_logits():
    """NaN and ±inf propagate as in torch: a NaN row poisons the loss (and its own gradient row, even
    when ignored), -inf on a non-target class is fine, +inf gives NaN."""
    x = np.array([[np.nan, 1.0, 2.0], [0.0, 1.0, 2.0], [-np.inf, 1.0, 0.5], [np.inf, 1.0, 0.0]], np.float32)
    check("cross_entropy", [x, np.array([1, 2, 1, 0])], reduction="none")
    check("cross_entropy", [x, np.array([-100, 2, 1, -100])])
    check("cross_entropy", [x, np.array([-100, 2, 1, -100])], label_smoothing=0.2)
    check("cross_entropy", [x[:3], probs((3, 3))], reduction="none")


def test_probability_targets_unchanged_and_no_gradient_work(monkeypatch):
    """test_loss_cases.py checks class targets; probability targets over a map take the other kernel path."""
    check_inputs_unchanged("cross_entropy", [logits((2, 5, 3)), probs((2, 5, 3))])
    check_no_grad_work(monkeypatch, "cross_entropy", [logits((2, 5, 3)), probs((2, 5, 3))], label_smoothing=0.1)


def test_fused_single_kernel_call(monkeypatch):
    """One kernel call yields the loss and dL/dlogits; backward only scales that buffer."""
    mod = minigrad.kernels.cpu.load("cross_entropy")
    calls, real = [], mod.forward

    def spy(*arrays, need_grad, **options):
        calls.append(need_grad)
        return real(*arrays, need_grad=need_grad, **options)

    monkeypatch.setattr(mod, "forward", spy)
    x = minigrad.tensor(logits((4, 5)), requires_grad=True)
    F.cross_entropy(x, minigrad.tensor(classes((4,), 5))).backward()
    assert calls == [(True, False)] and x.grad is not None


def test_backward_twice_with_retain_graph():
    x = minigrad.tensor(logits((4, 5)), requires_grad=True)
    out = F.cross_entropy(x, minigrad.tensor(classes((4,), 5)), reduction="none")
    out.sum().backward(retain_graph=True)
    first = x.grad.numpy().copy()
    out.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), 2 * first)


# ------------------------------------------------------------------------------ errors

X, T = logits((3, 5)), np.array([1, 2, 3])
ERRORS = {
    "target out of range": ([X, np.array([1, 5, 3])], {}),
    "negative target": ([X, np.array([1, -2, 3])], {}),
    "target out of range 4-D": ([logits((2, 5, 3, 3)), np.full((2, 3, 3), 7)], {}),
    "target out of range smoothing": ([X, np.array([1, 2, 9])], {"label_smoothing": 0.1}),
    "batch size": ([logits((4, 5)), T], {}),
    "batch size float target": ([X, np.zeros(4, np.float32)], {}),
    "float target of another shape": ([X, probs((3, 4))], {}),
    "float class indices": ([X, T.astype(np.float32)], {}),
    "int32 targets": ([X, T.astype(np.int32)], {}),
    "bool targets": ([X, np.array([True, False, True])], {}),
    "int64 probabilities": ([X, np.zeros((3, 5), np.int64)], {}),
    "1-D input, 1-D target": ([logits((5,)), T], {}),
    "3-D target size": ([logits((2, 5, 3)), np.zeros((2, 4), np.int64)], {}),
    "5-D target size": ([logits((2, 5, 3, 3, 3)), np.zeros((2, 4, 3, 3), np.int64)], {}),
    "4-D size mismatch": ([logits((2, 5, 3, 3)), np.zeros((2, 4, 3), np.int64)], {}),
    "weight length": ([X, T], {"weight": probs((4,))}),
    "weight 2-D": ([X, T], {"weight": probs((5, 1))}),
    "weight length 4-D": ([logits((2, 5, 3, 3)), np.zeros((2, 3, 3), np.int64)], {"weight": probs((4,))}),
    "weight dtype": ([X, T], {"weight": probs((5,), np.float64)}),
    "weight length probabilities": ([X, probs((3, 5))], {"weight": probs((4,))}),
    "smoothing above 1": ([X, T], {"label_smoothing": 1.5}),
    "smoothing above 1 probabilities": ([X, probs((3, 5))], {"label_smoothing": 2.0}),
    "bad reduction": ([X, T], {"reduction": "bad"}),
    "ignore_index with probabilities": ([X, probs((3, 5))], {"ignore_index": 1}),
    "integer logits": ([X.astype(np.int64), T], {}),
    "integer logits 4-D": ([np.ones((2, 5, 3, 3), np.int64), np.zeros((2, 3, 3), np.int64)], {}),
    "0-d logits": ([np.ones((), np.float32), np.array([0])], {}),
    "0-d logits, 0-d class target": ([np.ones((), np.float32), np.array(0)], {}),
    "0-d logits, 0-d float target": ([np.ones((), np.float32), np.ones((), np.float32)], {}),
    "input not a tensor": ([[1.0], T], {}),
    "target not a tensor": ([X, 1], {}),
    "ignore_index float": ([X, T], {"ignore_index": 1.5}),
    "ignore_index bool": ([X, T], {"ignore_index": True}),
    "label_smoothing str": ([X, T], {"label_smoothing": "a"}),
    "weight a list": ([X, T], {"weight": [1.0] * 5}),
}


@pytest.mark.parametrize("case", ERRORS.values(), ids=ERRORS.keys())
def test_errors_as_torch(case):
    args, kw = case
    same_error("cross_entropy", args, **kw)


def test_errors_messages():
    """The brief's wording, spelled out."""
    with pytest.raises(IndexError, match=r"^Target 5 is out of bounds\.$"):
        F.cross_entropy(minigrad.tensor(X), minigrad.tensor([1, 5, 3]))
    with pytest.raises(ValueError, match=r"Expected input batch_size \(4\) to match target batch_size \(3\)\."):
        F.cross_entropy(minigrad.randn(4, 5), minigrad.tensor(T))


def test_weight_requiring_grad_is_rejected_for_class_targets():
    w = np.ones(5, np.float32)
    same_error("cross_entropy", [X, T], grad_kw=("weight",), weight=w)
    with minigrad.no_grad():  # torch checks only when recording
        F.cross_entropy(minigrad.tensor(X), minigrad.tensor(T), weight=minigrad.tensor(w, requires_grad=True))


def test_label_smoothing_negative_or_nan_means_none():
    """torch only smooths for ε > 0 (and checks ε <= 1 only then)."""
    for eps in (-0.5, float("nan")):
        check("cross_entropy", [X, T], label_smoothing=eps)
        check("cross_entropy", [X, probs((3, 5))], label_smoothing=eps)


# ------------------------------------------------------------------------------ modules

def test_module_matches_functional_and_torch():
    w = probs((5,), seed=4)
    mods = [(minigrad.nn.CrossEntropyLoss(weight=minigrad.tensor(w), ignore_index=2, label_smoothing=0.1,
                                          reduction="sum"),
             torch.nn.CrossEntropyLoss(weight=torch.tensor(w), ignore_index=2, label_smoothing=0.1, reduction="sum"))]
    x, t = logits((6, 5)), classes((6,), 5)
    for mg, th in mods:
        compare(mg, th, [x, t])
        assert repr(mg) == repr(th) == "CrossEntropyLoss()"
        assert (mg.ignore_index, mg.label_smoothing, mg.reduction) == (2, 0.1, "sum")
        assert list(mg.state_dict()) == ["weight"]


def test_module_legacy_arguments():
    with pytest.warns(UserWarning, match="size_average and reduce args will be deprecated"):
        m = minigrad.nn.CrossEntropyLoss(size_average=False)
    assert m.reduction == "sum"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        compare(lambda x, t: F.cross_entropy(x, t, reduce=False),
                lambda x, t: torch.nn.functional.cross_entropy(x, t, reduce=False), [X, T])


def test_cross_entropy_loss_2d():
    """The tutorials' CrossEntropyLoss2d: torch 1.x's signature, nn.CrossEntropyLoss's numbers."""
    x, t = logits((2, 4, 5, 5)), classes((2, 5, 5), 4, ignore=-100)
    w = probs((4,), seed=3)
    with pytest.warns(UserWarning):
        legacy = minigrad.nn.CrossEntropyLoss2d(minigrad.tensor(w), size_average=True)
    assert repr(legacy) == "CrossEntropyLoss2d()"
    compare(legacy, torch.nn.CrossEntropyLoss(weight=torch.tensor(w)), [x, t])
    out = minigrad.nn.CrossEntropyLoss2d(reduction="none", ignore_index=1)(minigrad.tensor(x), minigrad.tensor(t % 4))
    assert out.shape == (2, 5, 5) and out.grad_fn is None


@pytest.mark.parametrize("name, stdout", [("015_docC_crossentropyloss.py", "tensor(2.0794)\n"),
                                          ("020_docD_cross_entropy.py", ""),
                                          ("041_docE_crossentropyloss_ctor.py", "CrossEntropyLoss()\n"),
                                          ("043_docE_crossentropy_weight_to_device.py", "CrossEntropyLoss()\n")])
def test_seed_examples(name, stdout):
    run = run_example(name)
    assert run.returncode == 0, run.stderr
    assert run.stdout == stdout


@pytest.mark.parametrize("offset, scale", [(0.0, 1e4), (1e4, 1.0), (1e4, 3.0)])
def test_probability_targets_large_logits_float32(offset, scale):
    """Regression (issue 14): class-probability targets with logits of magnitude ~1e4 keep float32
    precision in the gradient: log-softmax is formed as (x − max) − log Σ."""
    g = np.random.default_rng(5)
    x = (g.standard_normal((4, 6)) * scale + offset).astype(np.float32)
    p = g.random((4, 6)).astype(np.float32)
    check("cross_entropy", [x, p / p.sum(axis=1, keepdims=True)], rtol=1e-6, atol=1e-7)
