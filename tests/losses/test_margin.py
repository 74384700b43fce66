"""margin_ranking_loss, hinge_embedding_loss, multilabel_margin_loss, multilabel_soft_margin_loss and
multi_margin_loss against torch (values, gradients, dtypes, grad_fn names, errors, edge cases), against
the loop references of naive.py, and by float64 gradcheck."""
import math
import warnings

import numpy as np
import pytest
import torch

import minigrad
from tests.losses import naive
from tests.compare import gradcheck
from tests.losses.loss_helpers import FLOATS, REDUCTIONS, check, raises_like_torch, rand, signs

F = minigrad.nn.functional


# ------------------------------------------------------------------------------ margin_ranking_loss
RANKING_SHAPES = [((7,), (7,), (7,)), ((), (), ()), ((0,), (0,), (0,)), ((3, 1), (1, 4), (3, 4)), ((5,), (1,), (5,))]


@pytest.mark.parametrize("margin", [0.0, 0.3])
@pytest.mark.parametrize("shapes", RANKING_SHAPES)
@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_margin_ranking_vs_torch(reduction, dtype, shapes, margin):
    s1, s2, st = shapes
    check("margin_ranking_loss", [rand(s1, dtype, 0), rand(s2, dtype, 1), signs(st, dtype)], margin=margin,
          reduction=reduction)


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_margin_ranking_naive(reduction):
    x1, x2, y = rand((9,), seed=3), rand((9,), seed=4), signs((9,))
    out = F.margin_ranking_loss(*map(minigrad.tensor, (x1, x2, y)), margin=0.2, reduction=reduction)
    np.testing.assert_allclose(out.numpy(), naive.margin_ranking_loss(x1, x2, y, 0.2, reduction)[0])


def test_margin_ranking_mixed_and_integer_dtypes():
    check("margin_ranking_loss", [rand((4,), np.float32), rand((4,), np.float64, 1), signs((4,), np.float32)])
    check("margin_ranking_loss", [np.array([1, 2, 3]), np.array([2, 2, 1]), np.array([1, 1, -1])], margin=0.1)
    check("margin_ranking_loss", [rand((4,), np.float32), rand((4,), np.float32, 1), np.array([1, -1, 1, -1])])


def test_margin_ranking_tie_and_nan():
    # u = 0 exactly: clamp_min passes the gradient; a NaN input gives a NaN loss and no gradient
    check("margin_ranking_loss", [np.array([0.5, np.nan, 1.0]), np.array([0.5, 0.0, 2.0]), np.array([1.0, 1.0, -1.0])],
          reduction="none")
    check("margin_ranking_loss", [np.array([0.5, np.nan]), np.array([0.5, 0.0]), np.array([1.0, 1.0])])


def test_margin_ranking_seed_example_031():
    """031 must print exactly what torch prints, through the torch alias."""
    from tests.seed_examples import run_through_alias
    run = run_through_alias("031_docB_margin_ranking_loss.py")
    assert run.returncode == 0, run.stderr
    assert run.stdout == "tensor(1.1000)\n"


@pytest.mark.parametrize("inputs, match", [
    ([rand((3,)), rand((3, 1)), rand((3,))], r"should have same dimension.*input2: .*Size\(\[3, 1\]\)"),
    ([rand((3,)), rand((4,)), rand((3,))], r"size of tensor a \(3\) must match the size of tensor b \(4\)"),
    ([np.array([True]), np.array([False]), np.array([1.0])], "two bool tensors"),
])
def test_margin_ranking_errors(inputs, match):
    raises_like_torch("margin_ranking_loss", inputs, match)


def test_margin_ranking_argument_errors():
    x = minigrad.tensor([1.0])
    with pytest.raises(ValueError, match="avg is not a valid value for reduction"):
        F.margin_ranking_loss(x, x, x, reduction="avg")
    with pytest.raises(TypeError, match=r"argument 'margin' \(position 4\) must be float, not str"):
        F.margin_ranking_loss(x, x, x, margin="a")
    with pytest.raises(AttributeError):  # torch checks .dim() in Python first
        F.margin_ranking_loss([1.0], x, x)


# ------------------------------------------------------------------------------ hinge_embedding_loss
HINGE_SHAPES = [((3, 5), (3, 5)), ((7,), (7,)), ((), ()), ((0, 4), (0, 4)), ((3, 1), (4,)), ((2, 3), (3,))]


@pytest.mark.parametrize("margin", [1.0, 0.25])
@pytest.mark.parametrize("shapes", HINGE_SHAPES)
@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_hinge_embedding_vs_torch(reduction, dtype, shapes, margin):
    sx, st = shapes
    target = np.random.default_rng(2).choice([-1.0, 1.0, 0.0, 2.0], st).astype(dtype)
    check("hinge_embedding_loss", [rand(sx, dtype), target], margin=margin, reduction=reduction)


@pytest.mark.parametrize("tdtype", [np.int64, np.float64, np.float32, np.bool_])
def test_hinge_embedding_target_dtypes(tdtype):
    target = np.array([1, -1, 1, 0, -1]).astype(tdtype)
    check("hinge_embedding_loss", [rand((5,), np.float32), target], reduction="none")


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_hinge_embedding_naive(reduction):
    x, y = rand((4, 6), seed=5), np.random.default_rng(6).choice([-1.0, 1.0, 0.5], (4, 6))
    out = F.hinge_embedding_loss(minigrad.tensor(x), minigrad.tensor(y), margin=0.7, reduction=reduction)
    np.testing.assert_allclose(out.numpy(), naive.hinge_embedding_loss(x, y, 0.7, reduction)[0])


def test_hinge_embedding_edges():
    # margin − x = 0 exactly passes the gradient; NaN keeps a NaN loss; extreme values stay exact
    x = np.array([1.0, 0.5, np.nan, np.nan, 1e30, -1e30])
    y = np.array([-1.0, -1.0, -1.0, 1.0, -1.0, 1.0])
    check("hinge_embedding_loss", [x, y], reduction="none")


@pytest.mark.parametrize("reduction", ["none", "sum"])
def test_hinge_embedding_integer_input_runs_in_its_dtype(reduction):
    x, y = np.array([0, 1, 5], dtype=np.int32), np.array([-1, -1, 3])
    check("hinge_embedding_loss", [x, y], margin=2.7, reduction=reduction)


def test_hinge_embedding_errors():
    raises_like_torch("hinge_embedding_loss", [np.array([1, 2]), np.array([1, -1])], "mean\\(\\): could not infer")
    raises_like_torch("hinge_embedding_loss", [rand((3, 5)), np.array([1.0, 0.0, -1.0])],
                      r"size of tensor a \(3\) must match the size of tensor b \(5\) at non-singleton dimension 1")
    raises_like_torch("hinge_embedding_loss", [rand((2,)), [1, -1]],
                      r"argument 'target' \(position 2\) must be Tensor, not list")


def test_hinge_embedding_seed_example_026():
    """026: a (3, 5) input with a (3,) target does not broadcast."""
    x = minigrad.randn(3, 5, requires_grad=True)
    with pytest.raises(RuntimeError, match="must match the size of tensor b"):
        F.hinge_embedding_loss(x, minigrad.tensor([1, 0, -1], dtype=minigrad.float))


# ---------------------------------------------------------------------------- multilabel_margin_loss
def multilabel_targets(N, C, seed=0):
    """Rows of label indices (repeats allowed) padded with −1, plus junk after the first −1."""
    rng = np.random.default_rng(seed)
    t = rng.integers(0, C, (N, C))
    for row in t:
        k = rng.integers(0, C + 1)
        if k < C:
            row[k] = -1
    return t


@pytest.mark.parametrize("shape", [(4, 5), (6,), (), (1, 3), (3, 1)])
@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_multilabel_margin_vs_torch(reduction, dtype, shape):
    N, C = (shape[0] if len(shape) == 2 else 1), (shape[-1] if shape else 1)
    t = multilabel_targets(N, C).reshape(shape)
    check("multilabel_margin_loss", [rand(shape, dtype), t], reduction=reduction)


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_multilabel_margin_naive(reduction):
    x, t = rand((5, 7), seed=9), multilabel_targets(5, 7, seed=3)
    out = F.multilabel_margin_loss(minigrad.tensor(x), minigrad.tensor(t), reduction=reduction)
    np.testing.assert_allclose(out.numpy(), naive.multilabel_margin_loss(x, t, reduction)[0])


def test_multilabel_margin_docstring_example():
    x, y = minigrad.tensor([[0.1, 0.2, 0.4, 0.8]]), minigrad.tensor([[3, 0, -1, 1]])
    assert abs(minigrad.nn.MultiLabelMarginLoss()(x, y).item() - 0.85) < 1e-6


def test_multilabel_margin_nan_is_skipped_as_torch():
    x = np.array([[np.nan, 0.0, 1.0], [0.5, 0.2, 0.1]])
    check("multilabel_margin_loss", [x, np.array([[1, -1, 0], [0, 0, -1]])], reduction="none")


def test_multilabel_margin_empty_batch():
    x, t = np.zeros((0, 4)), np.zeros((0, 4), np.int64)
    check("multilabel_margin_loss", [x, t], reduction="sum")
    check("multilabel_margin_loss", [x, t], reduction="none")
    # torch's mean over no samples returns uninitialised memory; minigrad returns NaN
    assert math.isnan(F.multilabel_margin_loss(minigrad.tensor(x), minigrad.tensor(t)).item())


@pytest.mark.parametrize("x, t, match", [
    (rand((2, 3, 5)), np.zeros((2, 3, 5), np.int64), r"non-empty vector or matrix.*\[2, 3, 5\]"),
    (rand((3, 0)), np.zeros((3, 0), np.int64), r"non-empty vector or matrix.*\[3, 0\]"),
    (rand((0,)), np.zeros((0,), np.int64), r"non-empty vector or matrix.*\[0\]"),
    (rand((3, 5)), np.zeros((3, 4), np.int64), r"inconsistent target size: \[3, 4\] for input of size: \[3, 5\]"),
    (rand((3, 5)), np.zeros((5,), np.int64), "inconsistent target size"),
    (rand((3, 5)), np.zeros((3, 5), np.int32), "expected scalar type Long but found Int"),
    (rand((3, 5)), np.zeros((3, 5)), "expected scalar type Long but found Double"),
    (np.zeros((3, 5), np.int64), np.zeros((3, 5), np.int64), "not implemented for 'Long'"),
    (rand((3, 5)), np.full((3, 5), 5), "'target' is out of range"),
    (rand((3, 5)), np.full((3, 5), -2), "'target' is out of range"),
    (rand((1, 5)), np.array([[0, -1, 7, 0, 0]]), "'target' is out of range"),
])
def test_multilabel_margin_errors(x, t, match):
    raises_like_torch("multilabel_margin_loss", [x, t], match)


# ------------------------------------------------------------------------ multilabel_soft_margin_loss
SOFT_SHAPES = [((4, 5), (4, 5)), ((5,), (5,)), ((2, 3, 4), (2, 3, 4)), ((3, 1), (3, 5)), ((3, 5), (5,)),
               ((5,), (3, 5)), ((0, 5), (0, 5))]


@pytest.mark.parametrize("weight", [None, "class", "full"])
@pytest.mark.parametrize("shapes", SOFT_SHAPES)
@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_multilabel_soft_margin_vs_torch(reduction, dtype, shapes, weight):
    sx, st = shapes
    bshape = np.broadcast_shapes(sx, st)
    inputs = [rand(sx, dtype), (rand(st, dtype, 3) > 0).astype(dtype)]
    if weight is not None:
        inputs.append(rand(bshape[-1:] if weight == "class" else bshape, dtype, 4, 0.1, 2.0))
    check("multilabel_soft_margin_loss", inputs, reduction=reduction)


def test_multilabel_soft_margin_soft_targets_and_dtypes():
    check("multilabel_soft_margin_loss", [rand((3, 4), np.float32), rand((3, 4), np.float32, 2, 0, 1)])
    check("multilabel_soft_margin_loss", [rand((3, 4), np.float32), np.ones((3, 4), np.int64)])
    check("multilabel_soft_margin_loss", [rand((3, 4), np.float32), rand((3, 4), np.float64, 2, 0, 1)])
    check("multilabel_soft_margin_loss", [rand((3, 4), np.float32), np.ones((3, 4), np.float32),
                                          rand((4,), np.float64, 5, 0, 1)])


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_multilabel_soft_margin_naive(reduction):
    x, t, w = rand((4, 6), seed=1), (rand((4, 6), seed=2) > 0).astype(float), rand((6,), seed=3, low=0)
    out = F.multilabel_soft_margin_loss(*map(minigrad.tensor, (x, t, w)), reduction=reduction)
    np.testing.assert_allclose(out.numpy(), naive.multilabel_soft_margin_loss(x, t, w, reduction)[0])


def test_multilabel_soft_margin_extremes_and_nan():
    x = np.array([[1e4, -1e4, 20.0, -20.0, np.nan], [1e4, -1e4, 0.0, 3.0, -3.0]], np.float32)
    t = np.array([[0, 1, 1, 0, 1], [1, 0, 0.5, 1, 0]], np.float32)
    check("multilabel_soft_margin_loss", [x, t, rand((5,), np.float32, 1, 0.1, 1)], reduction="none")
    check("multilabel_soft_margin_loss", [np.zeros((3, 0)), np.zeros((3, 0))], reduction="none")  # 0/0 = NaN
    # ±inf logits, and rows whose loss is tiny (every term ~1e-9: no cancellation allowed)
    x = np.array([[np.inf, -np.inf, 3.0], [-20.0, -30.0, -25.0], [20.0, 30.0, 25.0]])
    check("multilabel_soft_margin_loss", [x, np.array([[1.0, 0.0, 1.0], [0.0, 0.0, 0.0], [1.0, 1.0, 1.0]])],
          reduction="none")


def test_multilabel_soft_margin_errors():
    raises_like_torch("multilabel_soft_margin_loss", [rand((3, 5)), np.ones((3, 4))],
                      r"size of tensor a \(4\) must match the size of tensor b \(5\)")
    raises_like_torch("multilabel_soft_margin_loss", [rand((3, 5)), np.ones((3, 5)), np.ones(4)],
                      "must match the size of tensor b")
    raises_like_torch("multilabel_soft_margin_loss", [np.array(1.0), np.array(1.0)], "no dimensions")
    raises_like_torch("multilabel_soft_margin_loss", [np.ones((3, 5), np.int64), np.ones((3, 5))],
                      "not implemented for 'Long'")
    with pytest.raises(ValueError, match="avg"):
        F.multilabel_soft_margin_loss(minigrad.ones(2, 3), minigrad.ones(2, 3), reduction="avg")
    with pytest.raises(TypeError, match="target must be a Tensor"):
        F.multilabel_soft_margin_loss(minigrad.ones(2, 3), [[1.0] * 3] * 2)


# ---------------------------------------------------------------------------------- multi_margin_loss
@pytest.mark.parametrize("weight", [False, True])
@pytest.mark.parametrize("p, margin", [(1, 1.0), (2, 1.0), (1, 0.3), (2, 2.5)])
@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_multi_margin_vs_torch(reduction, dtype, p, margin, weight):
    x, y = rand((6, 5), dtype), np.random.default_rng(2).integers(0, 5, 6)
    w = rand((5,), dtype, 3, 0.1, 2.0) if weight else None
    check("multi_margin_loss", [x, y], p=p, margin=margin, weight=w, reduction=reduction)


@pytest.mark.parametrize("xs, ys", [((5,), ()), ((5,), (1,)), ((), ()), ((1, 5), ()), ((1, 5), (1,)), ((0, 5), (0,))])
@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_multi_margin_shapes(reduction, xs, ys):
    if xs == (0, 5) and reduction == "mean":
        pytest.skip("torch's mean over no samples is uninitialised memory (see test_multi_margin_empty_mean)")
    C = xs[-1] if xs else 1
    check("multi_margin_loss", [rand(xs), np.random.default_rng(0).integers(0, C, ys)], reduction=reduction)


def test_multi_margin_empty_mean():
    assert math.isnan(F.multi_margin_loss(minigrad.zeros(0, 5), minigrad.zeros(0, dtype=minigrad.int64)).item())


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("p", [1, 2])
def test_multi_margin_naive(reduction, p):
    x, y, w = rand((5, 4), seed=2), np.array([0, 3, 1, 1, 2]), rand((4,), seed=3, low=0.1)
    out = F.multi_margin_loss(minigrad.tensor(x), minigrad.tensor(y), p=p, margin=0.8, weight=minigrad.tensor(w),
                              reduction=reduction)
    np.testing.assert_allclose(out.numpy(), naive.multi_margin_loss(x, y, p, 0.8, w, reduction)[0])


def test_multi_margin_nan_and_zero_margin():
    check("multi_margin_loss", [np.array([[np.nan, 0.0, 1.0], [0.0, np.nan, 1.0], [0.5, 0.2, 0.1]]),
                                np.array([1, 1, 0])], reduction="none")
    check("multi_margin_loss", [np.zeros((2, 3)), np.array([1, 0])], margin=0.0, reduction="none")  # z = 0: inactive


@pytest.mark.parametrize("kw, x, y, match", [
    (dict(p=3), rand((3, 5)), np.array([0, 1, 1]), "only p == 1 and p == 2 supported"),
    (dict(weight=np.ones((1, 5))), rand((3, 5)), np.array([0, 1, 1]), "weight must be one-dimensional"),
    (dict(weight=np.ones(4)), rand((3, 5)), np.array([0, 1, 1]), r"inconsistent weight size, expected 5 but got \[4\]"),
    (dict(weight=np.ones(5, np.float32)), rand((3, 5)), np.array([0, 1, 1]), "scalar type Double but found Float"),
    (dict(), rand((3, 5)), np.zeros(4, np.int64), r"target size \[3\], but got \[4\]. Input has shape \[3, 5\]"),
    (dict(), rand((3, 5)), np.zeros((3, 1), np.int64), r"should be 1-D.*got \[3, 1\]"),
    (dict(), rand((5,)), np.array([1, 2]), r"Expected target size \[1\], but got \[2\]"),
    (dict(), rand((3, 5)), np.array([0, 5, 1]), "target out of range"),
    (dict(), rand((3, 5)), np.array([0, -1, 1]), "target out of range"),
    (dict(), rand((3, 5)), np.array([0, np.iinfo(np.int64).min, 1]), "target out of range"),  # the range check
    (dict(), rand((3, 5)), np.array([0, np.iinfo(np.int64).max, 1]), "target out of range"),  # reads them unsigned
    (dict(), rand((3, 5)), np.array([0, 1, 1], np.int32), "expected scalar type Long but found Int"),
    (dict(), rand((2, 3, 5)), np.array([0, 1]), "non-empty vector or matrix"),
    (dict(), rand((3, 0)), np.array([0, 0, 0]), "non-empty vector or matrix"),
    (dict(), np.zeros((3, 5), np.int64), np.array([0, 1, 1]), "not implemented for 'Long'"),
])
def test_multi_margin_errors(kw, x, y, match):
    raises_like_torch("multi_margin_loss", [x, y], match, **kw)


def test_multi_margin_weight_requires_grad_is_an_error():
    w = minigrad.ones(5, requires_grad=True)
    with pytest.raises(RuntimeError, match="not differentiable with respect to argument 'weight'"):
        F.multi_margin_loss(minigrad.randn(3, 5), minigrad.tensor([0, 1, 1]), weight=w)
    with minigrad.no_grad():
        F.multi_margin_loss(minigrad.randn(3, 5), minigrad.tensor([0, 1, 1]), weight=w)


# ------------------------------------------------------------------------------- shared behaviour
CASES = {  # name -> (inputs, kwargs) small valid calls, float64
    "margin_ranking_loss": ([rand((5,)), rand((5,), seed=1), signs((5,))], dict(margin=0.2)),
    "hinge_embedding_loss": ([rand((3, 4)), signs((3, 4))], dict(margin=0.5)),
    "multilabel_margin_loss": ([rand((3, 4)), multilabel_targets(3, 4)], {}),
    "multilabel_soft_margin_loss": ([rand((3, 4)), rand((3, 4), seed=2, low=0, high=1), rand((4,), seed=3)], {}),
    "multi_margin_loss": ([rand((3, 4)), np.array([0, 3, 1])], dict(p=2, margin=0.7)),
}


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("name", sorted(CASES))
def test_gradcheck(name, reduction):
    inputs, kw = CASES[name]
    assert gradcheck(lambda *a: getattr(F, name)(*a, reduction=reduction, **kw), inputs)


@pytest.mark.parametrize("name", sorted(CASES))
def test_legacy_size_average_reduce(name):
    inputs, kw = CASES[name]
    for legacy, reduction in [(dict(size_average=False), "sum"), (dict(reduce=False), "none"),
                              (dict(size_average=True, reduce=True), "mean")]:
        with pytest.warns(UserWarning, match=f"reduction='{reduction}'"):
            got = getattr(F, name)(*map(minigrad.tensor, inputs), **legacy, **kw)
        want = getattr(F, name)(*map(minigrad.tensor, inputs), reduction=reduction, **kw)
        np.testing.assert_array_equal(got.numpy(), want.numpy())


MODULES = [  # (nn class, constructor kwargs, functional name, functional kwargs); inputs from CASES
    ("MarginRankingLoss", dict(margin=0.2, reduction="sum"), "margin_ranking_loss", dict(margin=0.2, reduction="sum")),
    ("HingeEmbeddingLoss", dict(margin=0.5), "hinge_embedding_loss", dict(margin=0.5)),
    ("MultiLabelMarginLoss", dict(reduction="none"), "multilabel_margin_loss", dict(reduction="none")),
    ("MultiLabelSoftMarginLoss", dict(weight=rand((4,), seed=3)), "multilabel_soft_margin_loss", {}),
    ("MultiMarginLoss", dict(p=2, margin=0.7, weight=rand((4,), seed=3, low=0)), "multi_margin_loss",
     dict(p=2, margin=0.7)),
]


@pytest.mark.parametrize("cls, ctor, name, kw", MODULES)
def test_modules_match_functional_and_torch_repr(cls, ctor, name, kw):
    inputs = [minigrad.tensor(a) for a in CASES[name][0]]
    if "weight" in ctor:  # the module holds the weight; the functional takes it as an argument
        ctor = dict(ctor, weight=minigrad.tensor(ctor["weight"]))
        kw = dict(kw, weight=ctor["weight"])
        inputs = inputs[:2]
    module = getattr(minigrad.nn, cls)(**ctor)
    np.testing.assert_array_equal(module(*inputs).numpy(), getattr(F, name)(*inputs, **kw).numpy())
    assert repr(module) == repr(getattr(torch.nn, cls)()) == f"{cls}()"
    assert module.reduction == ctor.get("reduction", "mean")


def test_module_constructor_checks():
    with pytest.raises(ValueError, match="only p == 1 and p == 2 supported"):
        minigrad.nn.MultiMarginLoss(p=3)
    with pytest.raises(ValueError, match="expected weight to be None or 1D tensor, got 2D instead"):
        minigrad.nn.MultiMarginLoss(weight=minigrad.ones(2, 2))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert minigrad.nn.HingeEmbeddingLoss().margin == 1.0
        assert minigrad.nn.MarginRankingLoss().margin == 0.0
