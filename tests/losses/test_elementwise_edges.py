"""The elementwise losses at their edges, against torch: argument and shape errors (type and message),
torch's warnings, mixed and integer dtypes, NaN and extreme values, the nn modules, and the seed
examples that must print exactly what torch prints."""
import math
import re
import warnings

import numpy as np
import pytest
import torch

import minigrad
from tests.compare import compare
from tests.losses.loss_helpers import REDUCTIONS, check, fns, raises_like_torch, rand, unit
from tests.seed_examples import run_through_alias

pytestmark = pytest.mark.filterwarnings("ignore:reduction. 'mean' divides", "ignore:Using a target size")
F = minigrad.nn.functional
NAN, INF = math.nan, math.inf
_run_seed = run_through_alias


# ------------------------------------------------------------------------------------ seed examples
@pytest.mark.parametrize("name, printed", [
    ("011_docC_l1loss.py", "tensor(1.)\n"),
    ("012_docC_smoothl1loss.py", "tensor(0.6250)\n"),
    ("013_docC_mseloss.py", "tensor(1.5000)\n"),
    ("036_docB_huber_loss.py", "tensor(0.1250, grad_fn=<HuberLossBackward0>)\n"),
    ("037_docB_smooth_l1_loss.py", "tensor(0.1250, grad_fn=<SmoothL1LossBackward0>)\n"),
])
def test_seed_examples_print_exactly(name, printed):
    run = _run_seed(name)
    assert run.returncode == 0, run.stderr
    assert run.stdout == printed


@pytest.mark.parametrize("name, printed", [
    ("002_docA_mse_train.py", ""), ("003_docA_smoothl1_train.py", ""), ("004_docA_bce_sigmoid_train.py", ""),
    ("005_docA_bcewithlogits_posweight_train.py", ""), ("022_docD_kl_div_batchmean.py", ""),
    ("023_docD_l1_loss.py", ""), ("024_docD_mse_loss.py", ""), ("025_docD_smooth_l1_loss.py", ""),
    ("030_docB_mse_loss.py", "tensor(#, grad_fn=<MseLossBackward0>)\n"),
    ("038_docB_soft_margin_loss.py", "tensor(#, grad_fn=<SoftMarginLossBackward0>)\n"),
])
def test_seed_examples_print_torch_form(name, printed):
    """What torch prints up to the random numbers (#): reprs and grad_fn names."""
    run = _run_seed(name)
    assert run.returncode == 0, run.stderr
    assert re.sub(r"\d+\.\d+", "#", run.stdout) == printed


@pytest.mark.parametrize("name, error", [
    ("014_docC_bceloss.py", "RuntimeError: all elements of target should be between 0 and 1"),
    ("021_docD_bce_randn.py", "RuntimeError: all elements of input should be between 0 and 1"),
])
def test_seed_examples_raise(name, error):
    run = _run_seed(name)
    assert run.returncode == 1 and run.stderr.strip().endswith(error)


# ------------------------------------------------------------------------------------------- errors
X, Y, P = rand((3, 4)), rand((3, 4), seed=1), unit((3, 4), seed=2)


@pytest.mark.parametrize("name, inputs, kw, match", [
    ("mse_loss", [X, Y[:, :3]], {}, r"size of tensor a \(4\) must match the size of tensor b \(3\) at non-singleton "
                                    r"dimension 1"),
    ("mse_loss", [X, Y], {"reduction": "avg"}, "avg is not a valid value for reduction"),
    ("mse_loss", [X, Y], {"reduction": None}, "None is not a valid value for reduction"),
    ("mse_loss", [X, Y], {"weight": P[0]}, "Weights and input must have the same size."),
    ("mse_loss", [X, Y], {"weight": P, "reduction": "avg"}, "Invalid reduction mode: avg. Expected one of"),
    ("mse_loss", [np.array([1, 2]), np.array([3, 4])], {}, "\"mse_cpu\" not implemented for 'Long'"),
    ("mse_loss", [np.array([True]), np.array([False])], {}, "\"mse_cpu\" not implemented for 'Bool'"),
    ("l1_loss", [X, Y > 0], {}, "Subtraction, the `-` operator, with a bool tensor is not supported"),
    ("l1_loss", [X > 0, Y > 0], {}, "Subtraction, the `-` operator, with two bool tensors"),
    ("l1_loss", [np.array([1, 2]), np.array([3, 4])], {}, r"mean\(\): could not infer output dtype"),
    ("l1_loss", [X, Y], {"weight": P, "reduction": "avg"}, "Invalid reduction mode: avg"),
    ("smooth_l1_loss", [X, Y], {"beta": -1.0}, "smooth_l1_loss does not support negative values for beta."),
    ("smooth_l1_loss", [X, Y], {"beta": "a"}, r"argument 'beta' \(position 4\) must be float, not str"),
    ("smooth_l1_loss", [X, Y], {"beta": None}, r"argument 'beta' \(position 4\) must be float, not NoneType"),
    ("smooth_l1_loss", [np.array([1, 2]), np.array([3, 4])], {}, "\"smooth_l1_cpu\" not implemented for 'Long'"),
    ("huber_loss", [X, Y], {"delta": 0.0}, "huber_loss does not support non-positive values for delta."),
    ("huber_loss", [X, Y], {"delta": -2.0}, "huber_loss does not support non-positive values for delta."),
    ("huber_loss", [X, Y], {"delta": "a"}, r"argument 'delta' \(position 4\) must be float, not str"),
    ("huber_loss", [X, Y], {"reduction": "avg"}, "avg is not a valid value for reduction"),
    ("huber_loss", [X, Y], {"weight": P[0]}, "Weights and input must have the same size."),
    ("huber_loss", [np.array([1, 2]), Y[0, :2]], {}, "result type Double can't be cast to the desired output type "
                                                     "Long"),
    ("huber_loss", [np.array([1, 2]), np.array([3, 4])], {}, "\"huber_cpu\" not implemented for 'Long'"),
    ("binary_cross_entropy", [P * 2, P], {}, "all elements of input should be between 0 and 1"),
    ("binary_cross_entropy", [P - 1, P], {}, "all elements of input should be between 0 and 1"),
    ("binary_cross_entropy", [P, P * 3], {}, "all elements of target should be between 0 and 1"),
    ("binary_cross_entropy", [P, -P], {}, "all elements of target should be between 0 and 1"),
    ("binary_cross_entropy", [np.array([NAN]), np.array([0.5])], {}, "all elements of input should be between"),
    ("binary_cross_entropy", [np.array([0.5]), np.array([NAN])], {}, "all elements of target should be between"),
    ("binary_cross_entropy", [np.array([0.5, 7.0]), np.array([2.0, 0.5])], {}, "elements of target should"),
    ("binary_cross_entropy", [P, P[0]], {}, r"Using a target size \(\w+.Size\(\[4\]\)\) that is different to the "
                                            r"input size \(\w+.Size\(\[3, 4\]\)\) is deprecated"),
    ("binary_cross_entropy", [P, P.astype(np.float32)], {}, "Found dtype Float but expected Double"),
    ("binary_cross_entropy", [P, np.ones((3, 4), np.int64)], {}, "Found dtype Long but expected Double"),
    ("binary_cross_entropy", [np.ones(3, np.int64), np.ones(3, np.int64)], {},
     "\"binary_cross_entropy\" not implemented for 'Long'"),
    ("binary_cross_entropy", [P, P], {"weight": P[:, 0]}, r"Attempting to broadcast a dimension of length 3 at -1! "
                                                          r"Mismatching argument at index 1 had \w+.Size\(\[3\]\); "
                                                          r"but expected shape should be broadcastable to \[3, 4\]"),
    ("binary_cross_entropy", [P, P], {"weight": unit((2, 3, 4))}, r"output with shape \[3, 4\] doesn't match the "
                                                                 r"broadcast shape \[2, 3, 4\]"),
    ("binary_cross_entropy", [P, P], {"reduction": "avg"}, "avg is not a valid value for reduction"),
    ("binary_cross_entropy_with_logits", [X, P[0]], {}, r"Target size \(\w+.Size\(\[4\]\)\) must be the same as "
                                                        r"input size \(\w+.Size\(\[3, 4\]\)\)"),
    ("binary_cross_entropy_with_logits", [X, P], {"pos_weight": unit((3,))},
     r"size of tensor a \(3\) must match the size of tensor b \(4\) at non-singleton dimension 1"),
    ("binary_cross_entropy_with_logits", [X, P], {"weight": unit((5,))},
     r"size of tensor a \(4\) must match the size of tensor b \(5\) at non-singleton dimension 1"),
    ("binary_cross_entropy_with_logits", [X, P], {"pos_weight": unit((2, 3, 4))},
     r"output with shape \[3, 4\] doesn't match the broadcast shape \[2, 3, 4\]"),
    ("binary_cross_entropy_with_logits", [X, P], {"weight": unit((2, 1, 4))},
     r"output with shape \[3, 4\] doesn't match the broadcast shape \[2, 3, 4\]"),
    ("binary_cross_entropy_with_logits", [X, P], {"pos_weight": [2.0]},
     r"argument 'pos_weight' \(position 4\) must be Tensor, not list"),
    ("binary_cross_entropy_with_logits", [X, P], {"weight": 2.0},
     r"argument 'weight' \(position 3\) must be Tensor, not float"),
    ("binary_cross_entropy_with_logits", [X, np.ones((3, 4), np.int64)], {},
     "result type Double can't be cast to the desired output type Long"),
    ("binary_cross_entropy_with_logits", [X, P > 0.5], {}, "Subtraction, the `-` operator, with two bool tensors"),
    ("binary_cross_entropy_with_logits", [np.ones(3, np.int64), np.ones(3)], {},
     "\"log_sigmoid_cpu\" not implemented for 'Long'"),
    ("kl_div", [X, np.ones((3, 4), np.int64)], {}, "kl_div: Integral inputs not supported."),
    ("kl_div", [X, Y[:, :3]], {"reduction": "sum"}, r"size of tensor a \(4\) must match the size of tensor b \(3\)"),
    ("kl_div", [X, Y], {"reduction": "avg"}, "avg is not a valid value for reduction"),
    ("kl_div", [X, Y], {"log_target": 1}, "kl_div\\(\\): argument 'log_target' must be bool, not int"),
    ("kl_div", [X, [1.0]], {}, r"kl_div\(\): argument 'target' \(position 2\) must be Tensor, not list"),
    ("soft_margin_loss", [X[0], Y], {}, r"output with shape \[4\] doesn't match the broadcast shape \[3, 4\]"),
    ("soft_margin_loss", [X, Y[:, :3]], {}, r"size of tensor a \(4\) must match the size of tensor b \(3\)"),
    ("soft_margin_loss", [np.array([1, 2]), np.array([1, -1])], {}, "result type Float can't be cast to the "
                                                                     "desired output type Long"),
    ("soft_margin_loss", [X, [1.0]], {}, r"soft_margin_loss\(\): argument 'target' \(position 2\) must be Tensor"),
    ("poisson_nll_loss", [X, Y], {"reduction": "avg"}, "avg is not a valid value for reduction"),
    ("poisson_nll_loss", [X, Y[:, :3]], {}, r"size of tensor a \(4\) must match the size of tensor b \(3\)"),
    ("poisson_nll_loss", [X, Y], {"log_input": 0}, r"argument 'log_input' \(position 3\) must be bool, not int"),
    ("poisson_nll_loss", [X, Y], {"full": "yes"}, r"argument 'full' \(position 4\) must be bool, not str"),
    ("poisson_nll_loss", [X, Y], {"eps": "a"}, r"argument 'eps' \(position 5\) must be float, not str"),
    ("poisson_nll_loss", [X, [1.0]], {}, r"argument 'target' \(position 2\) must be Tensor, not list"),
])
def test_errors(name, inputs, kw, match):
    raises_like_torch(name, inputs, match, **kw)


@pytest.mark.parametrize("var, match, exc", [
    (-P, "var has negative entry/entries", ValueError),
    (-1.0, "var has negative entry/entries", ValueError),
    (unit((4,)), "var is of incorrect size", ValueError),
    (unit((1, 1)), "var is of incorrect size", ValueError),
    (unit(()), "var is of incorrect size", ValueError),
    (np.ones((3, 4), np.int64), "result type Float can't be cast to the desired output type long int", RuntimeError),
    (1, "var", TypeError),
])
def test_gaussian_var_errors(var, match, exc):
    raises_like_torch("gaussian_nll_loss", [X, Y, var], match)
    with pytest.raises(exc):
        F.gaussian_nll_loss(minigrad.tensor(X), minigrad.tensor(Y), minigrad.tensor(var)
                            if isinstance(var, np.ndarray) else var)


def test_gaussian_other_errors():
    raises_like_torch("gaussian_nll_loss", [X, Y, P], "avg is not valid", reduction="avg")
    raises_like_torch("gaussian_nll_loss", [X[0], Y, unit((3, 4))], "var is of incorrect size")
    raises_like_torch("gaussian_nll_loss", [X, Y[:, :3], P], r"size of tensor a \(4\) must match")
    raises_like_torch("gaussian_nll_loss", [X, Y, P], "clamp_", eps="a")


@pytest.mark.parametrize("name, kw, arg", [
    ("binary_cross_entropy", {"weight": True}, "weight"),
    ("binary_cross_entropy_with_logits", {"weight": True}, "weight"),
    ("binary_cross_entropy_with_logits", {"pos_weight": True}, "pos_weight"),
    ("soft_margin_loss", {}, "target"),
])
def test_not_differentiable_arguments(name, kw, arg):
    """torch refuses to record a graph through an argument it cannot differentiate (weights, the
    soft margin target), but only in grad mode."""
    def call(lib):
        p = lib.tensor(P)
        t = lib.tensor(P, requires_grad=arg == "target")
        w = {k: lib.tensor(P, requires_grad=True) for k in kw}
        return getattr(lib.nn.functional, name)(p, t, **w)
    msg = f"The function '{name}' is not differentiable with respect to argument '{arg}'"
    with pytest.raises(RuntimeError, match=msg):
        call(torch)
    with pytest.raises(RuntimeError, match=msg):
        call(minigrad)
    with minigrad.no_grad():
        call(minigrad)


def test_backward_time_errors():
    """torch computes these forwards and fails in backward: Huber with a target of another dtype,
    soft margin with a bool target."""
    for lib in (torch, minigrad):
        x = lib.tensor(X.astype(np.float32), requires_grad=True)
        out = lib.nn.functional.huber_loss(x, lib.tensor(Y))
        assert out.dtype == lib.float32
        with pytest.raises(RuntimeError, match="Found dtype Double but expected Float"):
            out.backward()
        out = lib.nn.functional.soft_margin_loss(x, lib.tensor(Y > 0))
        with pytest.raises(RuntimeError, match="Negation, the `-` operator, on a bool tensor is not supported"):
            out.backward()


def test_non_tensor_arguments_raise_attribute_error_like_torch():
    """mse/l1/smooth L1/Huber/BCE read ``.size()`` in Python first, as torch does."""
    for name in ("mse_loss", "l1_loss", "smooth_l1_loss", "huber_loss", "binary_cross_entropy",
                 "binary_cross_entropy_with_logits"):
        with pytest.raises(AttributeError, match="'list' object has no attribute 'size'"):
            getattr(F, name)(minigrad.tensor(P), [0.5])


# ----------------------------------------------------------------------------------------- warnings
@pytest.mark.parametrize("name", ["mse_loss", "l1_loss", "smooth_l1_loss", "huber_loss"])
def test_target_size_warning(name):
    with pytest.warns(UserWarning) as record:
        getattr(F, name)(minigrad.tensor(X), minigrad.tensor(Y[0]))
    assert str(record[0].message) == (
        "Using a target size (minigrad.Size([4])) that is different to the input size (minigrad.Size([3, 4])). "
        "This will likely lead to incorrect results due to broadcasting. Please ensure they have the same size.")
    assert record[0].filename == __file__
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        getattr(F, name)(minigrad.tensor(X), minigrad.tensor(Y))


def test_kl_div_mean_warning():
    with pytest.warns(UserWarning, match="reduction: 'mean' divides the total loss by both the batch size") as rec:
        F.kl_div(minigrad.tensor(X), minigrad.tensor(P))
    assert rec[0].filename == __file__
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for reduction in ("batchmean", "sum", "none"):
            F.kl_div(minigrad.tensor(X), minigrad.tensor(P), reduction=reduction)
        with pytest.warns(UserWarning, match="size_average and reduce args will be deprecated"):
            F.kl_div(minigrad.tensor(X), minigrad.tensor(P), size_average=True)


@pytest.mark.parametrize("name, inputs", [("mse_loss", [X, Y]), ("binary_cross_entropy", [P, P]),
                                          ("soft_margin_loss", [X, np.sign(Y)]), ("poisson_nll_loss", [X, P]),
                                          ("kl_div", [X, P])])
@pytest.mark.parametrize("size_average, reduce", [(False, None), (None, False), (True, True)])
def test_legacy_reduction_arguments(name, inputs, size_average, reduce):
    with pytest.warns(UserWarning, match="size_average and reduce args will be deprecated"):
        check(name, inputs, fixed=(1,), size_average=size_average, reduce=reduce)


# --------------------------------------------------------------------------------- mixed dtypes
@pytest.mark.parametrize("name", ["mse_loss", "smooth_l1_loss", "l1_loss", "poisson_nll_loss", "kl_div",
                                  "soft_margin_loss", "binary_cross_entropy_with_logits", "huber_loss"])
@pytest.mark.parametrize("dtypes", [(np.float32, np.float64), (np.float64, np.float32)], ids=str)
def test_mixed_float_dtypes(name, dtypes):
    """Result dtypes as torch: promoted for most, the input's for soft margin and Huber, the target's
    for BCE with logits."""
    x, y = rand((3, 4), dtypes[0]), unit((3, 4), dtypes[1], 1)
    if name == "huber_loss":  # the forward only: torch's backward refuses the mismatch
        got, want = F.huber_loss(minigrad.tensor(x), minigrad.tensor(y)), torch.nn.functional.huber_loss(
            torch.tensor(x), torch.tensor(y))
        assert got.dtype.name == str(want.dtype).split(".")[1]
        np.testing.assert_allclose(got.numpy(), want.numpy(), rtol=1e-6)
        return
    check(name, [x, y], fixed=(1,) if name == "soft_margin_loss" else (), reduction="sum", rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("name, target_dtype", [
    (name, dt) for name in ("mse_loss", "smooth_l1_loss", "poisson_nll_loss", "soft_margin_loss", "l1_loss")
    for dt in (np.int64, np.bool_, np.int32)
    if (name, dt) != ("soft_margin_loss", np.bool_)])  # that one fails in backward: test_backward_time_errors
def test_integer_targets(name, target_dtype):
    """A float input with an integer or bool target computes in the input's float dtype (or raises
    as torch does: l1_loss's subtraction refuses bool)."""
    target = (np.arange(12).reshape(3, 4) % 2).astype(target_dtype)
    f_mg, f_th = fns(name)
    try:
        f_th(torch.tensor(X.astype(np.float32), requires_grad=True), torch.tensor(target))
    except RuntimeError as e:
        with pytest.raises(RuntimeError, match=re.escape(str(e))):
            f_mg(minigrad.tensor(X.astype(np.float32), requires_grad=True), minigrad.tensor(target))
        return
    check(name, [X.astype(np.float32), target])


@pytest.mark.parametrize("name", ["poisson_nll_loss", "gaussian_nll_loss"])
def test_integer_inputs_compute_in_float32(name):
    ints = [np.arange(6).reshape(2, 3), np.arange(6).reshape(2, 3) % 3]
    if name == "gaussian_nll_loss":
        ints.append(np.full((2, 3), 2.0, np.float32))
    check(name, ints)


def test_integer_l1_keeps_integer_dtype():
    a, b = np.array([1, 5, 2]), np.array([3, 1, 2])
    for reduction in ("none", "sum"):
        check("l1_loss", [a, b], reduction=reduction)


# ---------------------------------------------------------------------------------- edge values
def test_bce_at_zero_and_one():
    """log is clamped at −100 so p ∈ {0, 1} gives a finite loss; the input gradient is ±1e12 and the
    target gradient ±inf, as torch computes them."""
    p, t = np.array([0.0, 1.0, 0.0, 1.0, 0.5]), np.array([0.0, 1.0, 1.0, 0.0, 0.5])
    for dtype in (np.float32, np.float64):
        for reduction in REDUCTIONS:
            check("binary_cross_entropy", [p.astype(dtype), t.astype(dtype)], reduction=reduction)
    out = F.binary_cross_entropy(minigrad.tensor([0.0, 1.0]), minigrad.tensor([1.0, 0.0]))
    assert out.item() == 100.0


@pytest.mark.parametrize("pos_weight", [None, np.array([3.0])])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_bce_logits_extreme_logits(dtype, pos_weight):
    x = np.array([1e4, -1e4, 100.0, -100.0, 1e4, -1e4, 0.0], dtype)
    y = np.array([0.0, 1.0, 0.0, 1.0, 1.0, 0.0, 0.5], dtype)
    pw = None if pos_weight is None else pos_weight.astype(dtype)
    out, _ = check("binary_cross_entropy_with_logits", [x, y], reduction="none", pos_weight=pw)
    assert np.isfinite(out.detach().numpy()).all()


@pytest.mark.parametrize("name, inputs", [
    ("mse_loss", [np.array([NAN, 1.0, INF]), np.array([0.0, NAN, 1.0])]),
    ("l1_loss", [np.array([NAN, 0.0, 1.0, INF]), np.array([0.0, 0.0, NAN, 1.0])]),
    ("smooth_l1_loss", [np.array([NAN, 0.0, 1.0, 3.0]), np.array([0.0, 0.0, 0.0, 1.0])]),
    ("huber_loss", [np.array([NAN, 0.0, 1.0, -3.0]), np.array([0.0, 0.0, 0.0, 0.0])]),
    ("binary_cross_entropy_with_logits", [np.array([NAN, 1.0, INF, -INF]), np.array([0.5, 0.5, 1.0, 0.0])]),
    ("kl_div", [np.array([-1.0, -2.0, -INF, NAN, -1.0]), np.array([0.0, 0.5, 1.0, 0.3, 0.0])]),
    ("kl_div", [np.array([-1.0, -2.0, -INF]), np.array([0.0, -1.0, 2.0])], ),
    ("poisson_nll_loss", [np.array([1.0, 2.0, 100.0, NAN, 1000.0]), np.array([0.0, 2.0, 3.0, 1.0, 1.0])]),
    ("gaussian_nll_loss", [np.array([0.0, 2.0, NAN]), np.array([0.0, 2.0, 3.0]), np.array([1e-8, 0.0, 2.0])]),
    ("gaussian_nll_loss", [np.array([0.0, 2.0]), np.array([0.0, 2.0]), np.array([NAN, 1.0])]),
])
@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_nan_inf_and_zero_targets(name, inputs, reduction):
    check(name, inputs, reduction=reduction)


@pytest.mark.parametrize("full", [False, True])
def test_poisson_full_targets_around_one(full):
    """The Stirling term is masked for targets ≤ 1 (its gradient NaN at 0, as torch); NaN targets
    propagate."""
    x = np.array([0.5, 0.5, 0.5, 0.5, 0.5, 0.5])
    y = np.array([0.0, 0.5, 1.0, 1.5, 7.0, NAN])
    for log_input in (True, False):
        check("poisson_nll_loss", [x, y], full=full, log_input=log_input, reduction="none")


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_soft_margin_overflow_like_torch(reduction):
    """torch does not shift the exponential: −y·x ≫ 88 gives an infinite loss and a NaN gradient."""
    x = np.array([-1e4, 1e4, 0.0, 50.0], np.float32)
    check("soft_margin_loss", [x, np.array([1.0, -1.0, 1.0, -1.0], np.float32)], fixed=(1,), reduction=reduction)


@pytest.mark.parametrize("reduction", ["batchmean", "mean", "sum", "none"])
@pytest.mark.parametrize("shape", [(), (0, 3), (5,)], ids=str)
def test_kl_div_batchmean_edge_shapes(shape, reduction):
    check("kl_div", [rand(shape, low=-3, high=0), unit(shape, seed=1)], reduction=reduction)


def test_empty_batch_means_are_nan_and_sums_zero():
    for name in ("mse_loss", "l1_loss", "binary_cross_entropy", "soft_margin_loss"):
        e = minigrad.empty(0, 3)
        assert math.isnan(getattr(F, name)(e, e).item())
        assert getattr(F, name)(e, e, reduction="sum").item() == 0.0


def test_mean_of_large_float32_input_is_accurate():
    """The sum accumulates in float64: a float32 mean of 1e6 elements keeps torch's accuracy."""
    x = rand((1000, 1000), np.float32, 5)
    y = rand((1000, 1000), np.float32, 6)
    check("mse_loss", [x, y], rtol=1e-6)
    check("binary_cross_entropy_with_logits", [x, unit((1000, 1000), np.float32, 7)], rtol=1e-6)


# ------------------------------------------------------------------------------------- nn modules
MODULES = [
    ("MSELoss", {}, [X, Y]), ("L1Loss", {"reduction": "sum"}, [X, Y]), ("SmoothL1Loss", {"beta": 0.5}, [X, Y]),
    ("HuberLoss", {"delta": 0.4, "reduction": "none"}, [X, Y]), ("BCELoss", {}, [P, P]),
    ("BCELoss", {"weight": "w"}, [P, P]), ("BCEWithLogitsLoss", {"pos_weight": "w"}, [X, P]),
    ("BCEWithLogitsLoss", {"weight": "w", "reduction": "sum"}, [X, P]), ("KLDivLoss", {"reduction": "batchmean"},
                                                                          [X, P]),
    ("KLDivLoss", {"log_target": True, "reduction": "sum"}, [X, Y]), ("SoftMarginLoss", {}, [X, np.sign(Y)]),
    ("PoissonNLLLoss", {"full": True}, [X, P * 4]), ("PoissonNLLLoss", {"log_input": False, "eps": 0.1}, [P, P]),
    ("GaussianNLLLoss", {"full": True}, [X, Y, P]), ("GaussianNLLLoss", {"eps": 0.5, "reduction": "sum"}, [X, Y, P]),
]


@pytest.mark.parametrize("cls, kw, inputs", MODULES, ids=[f"{c}-{k}" for c, k, _ in MODULES])
def test_modules(cls, kw, inputs):
    def build(lib):
        w = lib.tensor(unit((4,), seed=9, low=0.5, high=2.0))
        return getattr(lib.nn, cls)(**{k: w if v == "w" else v for k, v in kw.items()})
    mg, th = build(minigrad), build(torch)
    assert repr(mg) == repr(th)
    assert list(mg.state_dict()) == list(th.state_dict())
    soft = cls == "SoftMarginLoss"  # its target cannot require grad: bind it as a constant

    def call(module, lib):
        target = lib.tensor(inputs[1])
        return (lambda x: module(x, target)) if soft else module
    compare(call(mg, minigrad), call(th, torch), inputs[:1] if soft else inputs)


def test_module_signatures_match_torch():
    import inspect
    for cls in ("MSELoss", "L1Loss", "SmoothL1Loss", "HuberLoss", "BCELoss", "BCEWithLogitsLoss", "KLDivLoss",
                "SoftMarginLoss", "PoissonNLLLoss", "GaussianNLLLoss"):
        want = inspect.signature(getattr(torch.nn, cls).__init__)
        got = inspect.signature(getattr(minigrad.nn, cls).__init__)
        assert [(p.name, p.kind, p.default) for p in got.parameters.values()] == \
               [(p.name, p.kind, p.default) for p in want.parameters.values()], cls
    for fn in ("mse_loss", "l1_loss", "smooth_l1_loss", "huber_loss", "binary_cross_entropy",
               "binary_cross_entropy_with_logits", "kl_div", "soft_margin_loss", "poisson_nll_loss",
               "gaussian_nll_loss"):
        want = inspect.signature(getattr(torch.nn.functional, fn))
        got = inspect.signature(getattr(F, fn))
        assert [(p.name, p.default) for p in got.parameters.values()] == \
               [(p.name, p.default) for p in want.parameters.values()], fn


def test_kldiv_module_reduction_batchmean_and_legacy():
    assert minigrad.nn.KLDivLoss(reduction="batchmean").reduction == "batchmean"
    with pytest.warns(UserWarning):
        assert minigrad.nn.KLDivLoss(size_average=False).reduction == "sum"


def test_module_reduction_checked_at_call_time_as_torch():
    loss = minigrad.nn.MSELoss(reduction="avg")  # torch accepts it here and fails in forward
    with pytest.raises(ValueError, match="avg is not a valid value for reduction"):
        loss(minigrad.tensor(X), minigrad.tensor(Y))
