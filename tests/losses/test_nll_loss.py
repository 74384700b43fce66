"""nll_loss / NLLLoss / NLLLoss2d against torch (values, gradients, dtypes, grad_fn names, errors, edge
cases), against the loop reference of naive.py, and by float64 gradcheck."""
import numpy as np
import pytest
import torch

import minigrad
from tests.losses import naive
from tests.losses.loss_helpers import (CLASS_SHAPES, FLOATS, REDUCTIONS, check, check_class_targets_vs_naive,
    check_no_grad_work, class_case, classes, logits, run_example, same_error, target_shape)
from tests.compare import compare, gradcheck

F = minigrad.nn.functional
OPTIONS = {"plain": {}, "weight": {"weight": True}, "ignored": {"ignore": -100},
           "ignore_class_1": {"ignore": 1, "ignore_index": 1}, "weight_ignored": {"weight": True, "ignore": -100}}


@pytest.mark.parametrize("opts", OPTIONS.values(), ids=OPTIONS.keys())
@pytest.mark.parametrize("shape", CLASS_SHAPES, ids=str)
@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_nll_loss_vs_torch(reduction, dtype, shape, opts):
    """Values, the input's gradient, dtype and grad_fn (NllLossBackward0 / NllLoss2DBackward0 /
    ViewBackward0) as torch; the input need not be log-probabilities."""
    x, t, kw = class_case(shape, dtype, opts)
    check("nll_loss", [x, t], reduction=reduction, **kw)


@pytest.mark.parametrize("reduction", ["mean", "none"])
@pytest.mark.parametrize("shape", [(70000, 3), (2, 3, 40000)], ids=str)
def test_threaded_kernel_vs_torch(shape, reduction):
    x, t, kw = class_case(shape, np.float32, OPTIONS["weight_ignored"])
    check("nll_loss", [x, t], reduction=reduction, **kw)


def test_after_log_softmax_as_torch():
    """The tutorials' pattern (example 035): nll_loss(log_softmax(x)) equals cross_entropy."""
    x, t = logits((3, 5), np.float64), np.array([1, 0, 4])
    compare(lambda a, b: F.nll_loss(F.log_softmax(a, dim=1), b),
            lambda a, b: torch.nn.functional.nll_loss(torch.nn.functional.log_softmax(a, dim=1), b), [x, t])
    xt = minigrad.tensor(x)
    np.testing.assert_allclose(F.nll_loss(F.log_softmax(xt, dim=1), minigrad.tensor(t)).item(),
                               F.cross_entropy(xt, minigrad.tensor(t)).item(), rtol=1e-12)


def test_float16_and_uint8_vs_torch():
    check("nll_loss", [logits((5, 4), np.float16), np.array([0, 3, 1, 1, 2])], rtol=2e-3, atol=2e-3)
    check("nll_loss", [logits((5, 4)), np.array([0, 3, 255, 1, 2], np.uint8)], ignore_index=255)


@pytest.mark.parametrize("opts", OPTIONS.values(), ids=OPTIONS.keys())
@pytest.mark.parametrize("shape", [(5,), (7, 5), (2, 3, 4), (2, 3, 2, 3)], ids=str)
@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_nll_loss_vs_naive(reduction, shape, opts):
    check_class_targets_vs_naive("nll_loss", shape, opts, reduction, rtol=1e-12)


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("shape", [(4, 3), (2, 3, 2, 2), (2, 3, 4)], ids=str)
def test_gradcheck(shape, reduction):
    x, t, kw = class_case(shape, np.float64, OPTIONS["weight_ignored"], seed=9)
    w = minigrad.tensor(kw.pop("weight"))
    assert gradcheck(lambda a, b: F.nll_loss(a, b, weight=w, reduction=reduction), [x, t])


# ------------------------------------------------------------------------------ edge cases

@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_empty_and_all_ignored(reduction):
    check("nll_loss", [logits((0, 5)), np.zeros(0, np.int64)], reduction=reduction)
    check("nll_loss", [logits((0, 5, 3, 3)), np.zeros((0, 3, 3), np.int64)], reduction=reduction)
    check("nll_loss", [logits((0, 5, 3)), np.zeros((0, 3), np.int64)], reduction=reduction)
    check("nll_loss", [logits((3, 5)), np.full(3, -100)], reduction=reduction)
    check("nll_loss", [logits((2, 0)), np.full(2, -100)], reduction=reduction)


def test_zero_weights_and_nan():
    """Zero weight sum: NaN mean, NaN gradient at the (non-ignored) targets; NaN inputs propagate."""
    check("nll_loss", [logits((3, 5)), np.array([1, -100, 3])], weight=np.array([1, 0, 0, 0, 0], np.float32))
    x = logits((3, 5))
    x[0, 1] = np.nan
    check("nll_loss", [x, np.array([1, 2, 3])], reduction="none")
    check("nll_loss", [x, np.array([1, 2, 3])])


def test_no_gradient_work_on_maps(monkeypatch):
    """test_loss_cases.py checks rows; (N, C, d1, d2) maps take the other kernel path."""
    check_no_grad_work(monkeypatch, "nll_loss", [logits((2, 5, 3, 3)), classes((2, 3, 3), 5)])


# ------------------------------------------------------------------------------ errors

X, T = logits((3, 5)), np.array([1, 2, 3])
ERRORS = {
    "target out of range": ([X, np.array([1, 2, 5])], {}),
    "negative target 4-D": ([logits((2, 5, 3, 3)), np.full((2, 3, 3), -3)], {}),
    "2-D float target (tutorial 017)": ([np.ones((2, 2), np.float32), np.array([[0, 1], [2, 3]], np.float32)], {}),
    "float targets": ([X, T.astype(np.float32)], {}),
    "int32 targets": ([X, T.astype(np.int32)], {}),
    "int32 targets 4-D": ([logits((2, 5, 3, 3)), np.zeros((2, 3, 3), np.int32)], {}),
    "batch size": ([X, np.array([1, 2, 3, 3])], {}),
    "batch size 4-D": ([logits((2, 5, 3, 3)), np.zeros((3, 3, 3), np.int64)], {}),
    "0-d target, 2-D input": ([logits((1, 5)), np.array(0)], {}),
    "0-d input": ([np.ones((), np.float32), np.array(0)], {}),
    "1-D input, 1-D target": ([logits((5,)), np.zeros(3, np.int64)], {}),
    "4-D input, 2-D target": ([logits((2, 5, 3, 3)), np.zeros((2, 3), np.int64)], {}),
    "4-D input, 4-D target": ([logits((2, 5, 3, 3)), np.zeros((2, 5, 3, 3), np.float32)], {}),
    "4-D size mismatch": ([logits((2, 5, 3, 3)), np.zeros((2, 3, 4), np.int64)], {}),
    "3-D target size": ([logits((2, 5, 3)), np.zeros((2, 4), np.int64)], {}),
    "weight length": ([X, T], {"weight": np.ones(3, np.float32)}),
    "weight 0-d": ([X, T], {"weight": np.ones((), np.float32)}),
    "weight length 4-D": ([logits((2, 5, 3, 3)), np.zeros((2, 3, 3), np.int64)], {"weight": np.ones(4, np.float32)}),
    "weight dtype": ([X, T], {"weight": np.ones(5)}),
    "integer input": ([X.astype(np.int64), T], {}),
    "integer input 4-D": ([np.ones((2, 5, 3, 3), np.int64), np.zeros((2, 3, 3), np.int64)], {}),
    "bool input": ([X > 0, T], {}),
    "bad reduction": ([X, T], {"reduction": "bad"}),
    "input not a tensor": ([[1.0], T], {}),
    "target not a tensor": ([X, [1, 2, 3]], {}),
    "weight not a tensor": ([X, T], {"weight": 3}),
    "ignore_index float": ([X, T], {"ignore_index": 1.0}),
}


@pytest.mark.parametrize("case", ERRORS.values(), ids=ERRORS.keys())
def test_errors_as_torch(case):
    args, kw = case
    same_error("nll_loss", args, **kw)


def test_no_arguments():
    """Tutorial 016: a plain signature gives Python's TypeError."""
    with pytest.raises(TypeError, match=r"^nll_loss\(\) missing 2 required positional arguments: 'input' and "
                                        r"'target'$"):
        F.nll_loss()


@pytest.mark.parametrize("spatial", [False, True])
def test_weight_requiring_grad_is_rejected(spatial):
    x, t = (logits((2, 5, 3, 3)), np.zeros((2, 3, 3), np.int64)) if spatial else (X, T)
    same_error("nll_loss", [x, t], grad_kw=("weight",), weight=np.ones(5, np.float32))


# ------------------------------------------------------------------------------ modules

def test_modules():
    w = np.random.default_rng(0).random(5).astype(np.float32)
    x, t = logits((2, 5, 3, 3)), classes((2, 3, 3), 5, ignore=4)
    mg = minigrad.nn.NLLLoss(weight=minigrad.tensor(w), ignore_index=4, reduction="sum")
    compare(mg, torch.nn.NLLLoss(weight=torch.tensor(w), ignore_index=4, reduction="sum"), [x, t])
    assert repr(mg) == "NLLLoss()" and mg.ignore_index == 4 and list(mg.state_dict()) == ["weight"]


def test_nll_loss_2d_is_deprecated():
    with pytest.warns(FutureWarning) as th_warn:
        th = torch.nn.NLLLoss2d()
    with pytest.warns(FutureWarning) as mg_warn:
        mg = minigrad.nn.NLLLoss2d()
    assert str(mg_warn[0].message) == str(th_warn[0].message)
    assert repr(mg) == "NLLLoss2d()" and isinstance(mg, minigrad.nn.NLLLoss)
    x, t = logits((2, 5, 3, 3)), target_shape((2, 5, 3, 3))
    compare(mg, th, [x, classes(t, 5)])


@pytest.mark.parametrize("name", ["017_docC_nll_loss_call.py", "018_docC_nllloss2d.py", "016_docC_nll_loss_noargs.py"])
def test_seed_examples_raise_as_torch(name):
    """016 raises TypeError; 017 and 018 raise torch's RuntimeError for a 2-D float target."""
    run = run_example(name)
    last = run.stderr.strip().splitlines()[-1]
    assert run.returncode != 0
    assert last in ("RuntimeError: 0D or 1D target tensor expected, multi-target not supported",
                    "TypeError: nll_loss() missing 2 required positional arguments: 'input' and 'target'")
    assert ("016" in name) == last.startswith("TypeError")


def test_seed_example_035_prints_nll_grad_fn():
    run = run_example("035_docB_nll_loss.py")
    assert run.returncode == 0, run.stderr
    assert run.stdout.startswith("tensor(") and run.stdout.endswith(", grad_fn=<NllLossBackward0>)\n")


@pytest.mark.parametrize("target", [[1], [-100]])
@pytest.mark.parametrize("name, kw", [("nll_loss", {}), ("nll_loss", {"reduction": "none"}), ("cross_entropy", {}),
                                      ("cross_entropy", {"reduction": "sum"})])
def test_unbatched_input_with_one_target_fails_in_backward(name, kw, target):
    """torch's forward takes a (C,) input with a (1,) target; its backward raises."""
    x = np.array([0.3, -1.2])
    errors = []
    for lib in (torch, minigrad):
        xt = lib.tensor(x, requires_grad=True)
        loss = getattr(lib.nn.functional, name)(xt, lib.tensor(target), **kw)
        with pytest.raises(RuntimeError) as e:
            loss.sum().backward()
        errors.append(str(e.value))
    assert errors[0] == errors[1] == "size mismatch (got input: [2], target: [1])"


@pytest.mark.parametrize("target", [[1], [-100], [5]])
def test_unbatched_input_with_one_target_and_smoothing(target):
    """With label smoothing torch's forward raises too, after its target range check."""
    same_error("cross_entropy", [np.array([0.3, -1.2]), np.array(target)], label_smoothing=0.1)
