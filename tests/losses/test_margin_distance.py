"""pairwise_distance, cosine_similarity, cosine_embedding_loss, triplet_margin_loss and
triplet_margin_with_distance_loss against torch (values, gradients, dtypes, grad_fn names, errors,
edge cases), against the loop references of naive.py, and by float64 gradcheck."""
import math

import numpy as np
import pytest
import torch

import minigrad
from tests.losses import naive
from tests.compare import compare, gradcheck
from tests.losses.loss_helpers import FLOATS, REDUCTIONS, check, grad_fn_name, raises_like_torch, rand, signs

F = minigrad.nn.functional
INF = math.inf
NORMS = [2.0, 1.0, 3.0, 1.5, 0.5, 0.0, -1.0, INF, -INF]


# -------------------------------------------------------------------------------- pairwise_distance
PAIR_SHAPES = [((4, 6), (4, 6)), ((6,), (6,)), ((), ()), ((2, 3, 4), (2, 3, 4)), ((4, 6), (6,)), ((6,), (3, 6)),
               ((2, 3, 4), (3, 1)), ((0, 6), (0, 6))]


@pytest.mark.parametrize("keepdim", [False, True])
@pytest.mark.parametrize("shapes", PAIR_SHAPES)
@pytest.mark.parametrize("dtype", FLOATS)
def test_pairwise_distance_vs_torch(dtype, shapes, keepdim):
    check("pairwise_distance", [rand(shapes[0], dtype), rand(shapes[1], dtype, 1)], keepdim=keepdim)


@pytest.mark.parametrize("p", NORMS)
@pytest.mark.parametrize("dtype", FLOATS)
def test_pairwise_distance_norms(dtype, p):
    check("pairwise_distance", [rand((5, 7), dtype), rand((5, 7), dtype, 1)], p=p, eps=1e-6)


@pytest.mark.parametrize("p", NORMS)
def test_pairwise_distance_zeros_ties_and_nan(p):
    """Rows with exact zeros, a tie for the largest |d|, an all-zero row and a NaN (eps = 0 keeps them)."""
    x1 = np.array([[1.0, 0.0, 0.5], [1.0, -1.0, 0.5], [0.0, 0.0, 0.0], [np.nan, 0.0, 1.0]])
    check("pairwise_distance", [x1, np.zeros_like(x1)], p=p, eps=0.0)


@pytest.mark.parametrize("p", [2.0, 1.0, 0.5, 0.0])
def test_pairwise_distance_empty_rows_are_zero(p):
    check("pairwise_distance", [rand((3, 0)), rand((3, 0), seed=1)], p=p)


@pytest.mark.parametrize("p", [-1.0, INF, -INF])
def test_pairwise_distance_empty_rows_without_identity(p):
    raises_like_torch("pairwise_distance", [rand((3, 0)), rand((3, 0), seed=1)],
                      f"cannot compute the {p:g} norm on the dimension 1", p=p)


@pytest.mark.parametrize("p", [2.0, 1.0, 3.0, -1.0, INF])
def test_pairwise_distance_naive(p):
    x1, x2 = rand((4, 5), seed=7), rand((4, 5), seed=8)
    out = F.pairwise_distance(minigrad.tensor(x1), minigrad.tensor(x2), p=p)
    np.testing.assert_allclose(out.numpy(), naive.pairwise_distance(x1, x2, p)[0])


def test_pairwise_distance_dtypes_and_errors():
    check("pairwise_distance", [np.array([[1, 2]]), np.array([[2, 3]])])
    check("pairwise_distance", [rand((3, 4), np.float32), rand((3, 4), np.float64, 1)])
    raises_like_torch("pairwise_distance", [rand((3, 5)), rand((3, 4))],
                      r"size of tensor a \(5\) must match the size of tensor b \(4\) at non-singleton dimension 1")
    raises_like_torch("pairwise_distance", [rand((2,)), [1.0, 2.0]], r"argument 'x2' \(position 2\) must be Tensor")
    raises_like_torch("pairwise_distance", [rand((2,)), rand((2,))], "argument 'p' must be float, not str", p="fro")


def test_pairwise_distance_module():
    m = minigrad.nn.PairwiseDistance(p=1, eps=0.1, keepdim=True)
    assert (m.norm, m.eps, m.keepdim) == (1, 0.1, True) and repr(m) == "PairwiseDistance()"
    x1, x2 = rand((3, 4)), rand((3, 4), seed=1)
    want = torch.nn.PairwiseDistance(p=1, eps=0.1, keepdim=True)(torch.tensor(x1), torch.tensor(x2))
    np.testing.assert_array_equal(m(minigrad.tensor(x1), minigrad.tensor(x2)).numpy(), want.numpy())


# -------------------------------------------------------------------------------- cosine_similarity
COS_CASES = [((4, 6), (4, 6), 1), ((4, 6), (4, 6), 0), ((2, 3, 4), (2, 3, 4), 1), ((2, 3, 4), (2, 3, 4), -1),
             ((3, 1, 5), (4, 5), -1), ((3, 5), (5,), 1), ((6,), (6,), 0), ((), (), 0), ((0, 6), (0, 6), 1),
             ((3, 0), (3, 0), 1)]


@pytest.mark.parametrize("s1, s2, dim", COS_CASES)
@pytest.mark.parametrize("dtype", FLOATS)
def test_cosine_similarity_vs_torch(dtype, s1, s2, dim):
    check("cosine_similarity", [rand(s1, dtype), rand(s2, dtype, 1)], dim=dim)


def test_cosine_similarity_small_and_zero_norms():
    """Norms below eps are clamped, yet the gradient still flows through the unclamped norm (torch)."""
    a = np.array([[1e-9, 2e-9], [0.0, 0.0], [3.0, -4.0], [np.nan, 1.0]])
    b = np.array([[1.0, 3.0], [1.0, 1.0], [0.0, 0.0], [1.0, 1.0]])
    check("cosine_similarity", [a, b], rtol=1e-6)
    check("cosine_similarity", [a.astype(np.float32), b.astype(np.float32)], eps=1e-6)


def test_cosine_similarity_naive():
    x1, x2 = rand((5, 3), seed=4), rand((5, 3), seed=5)
    x1[0] = 1e-10
    out = F.cosine_similarity(minigrad.tensor(x1), minigrad.tensor(x2), dim=-1)
    np.testing.assert_allclose(out.numpy(), naive.cosine_similarity(x1, x2, dim=-1)[0])


def test_cosine_similarity_dtypes_and_errors():
    check("cosine_similarity", [np.array([[1, 2]]), np.array([[2.0, 3.0]], np.float32)])
    check("cosine_similarity", [rand((3, 4), np.float32), rand((3, 4), np.float64, 1)])
    raises_like_torch("cosine_similarity", [np.array([[1, 2]]), np.array([[2, 3]])],
                      "expected common dtype to be floating point, yet common dtype is Long")
    raises_like_torch("cosine_similarity", [rand((5,)), rand((5,))], r"expected to be in range of \[-1, 0\], but got 1")
    raises_like_torch("cosine_similarity", [rand((3, 5)), rand((3, 5))], "got 2", dim=2)
    raises_like_torch("cosine_similarity", [rand((3, 5)), rand((3, 4))], "must match the size of tensor b")
    raises_like_torch("cosine_similarity", [rand((2, 3)), rand((2, 3))], "argument 'dim' must be int, not bool",
                      dim=True)
    raises_like_torch("cosine_similarity", [rand((2, 3)), rand((2, 3))], "argument 'dim' must be int, not tuple",
                      dim=(0, 1))
    raises_like_torch("cosine_similarity", [rand((2, 3)), rand((2, 3))], "eps must be non-negative, got: -1",
                      eps=-1.0)


def test_cosine_similarity_module():
    m = minigrad.nn.CosineSimilarity(dim=0, eps=1e-6)
    assert (m.dim, m.eps) == (0, 1e-6) and repr(m) == "CosineSimilarity()"
    x1, x2 = rand((3, 4)), rand((3, 4), seed=1)
    np.testing.assert_allclose(m(minigrad.tensor(x1), minigrad.tensor(x2)).numpy(),
                               torch.nn.CosineSimilarity(0, 1e-6)(torch.tensor(x1), torch.tensor(x2)).numpy())


# ---------------------------------------------------------------------------- cosine_embedding_loss
EMB_SHAPES = [((4, 6), (4, 6), (4,)), ((6,), (6,), ()), ((4, 6), (1, 6), (4,)), ((1, 6), (1, 6), (4,)),
              ((4, 6), (4, 6), (1,)), ((0, 6), (0, 6), (0,)), ((3, 0), (3, 0), (3,))]


@pytest.mark.parametrize("margin", [0.0, -0.5, 0.3])
@pytest.mark.parametrize("shapes", EMB_SHAPES)
@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_cosine_embedding_vs_torch(reduction, dtype, shapes, margin):
    s1, s2, st = shapes
    target = np.random.default_rng(3).choice([1.0, -1.0, 0.0], st).astype(dtype)
    check("cosine_embedding_loss", [rand(s1, dtype), rand(s2, dtype, 1), target], margin=margin,
          reduction=reduction)


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_cosine_embedding_naive(reduction):
    x1, x2, y = rand((5, 4), seed=1), rand((5, 4), seed=2), np.array([1.0, -1.0, -1.0, 0.0, 1.0])
    out = F.cosine_embedding_loss(*map(minigrad.tensor, (x1, x2, y)), margin=0.1, reduction=reduction)
    np.testing.assert_allclose(out.numpy(), naive.cosine_embedding_loss(x1, x2, y, 0.1, reduction)[0])


def test_cosine_embedding_edges_and_dtypes():
    x1 = np.array([[0.0, 0.0, 0.0], [1.0, 2.0, 3.0], [np.nan, 1.0, 1.0], [1e20, -1e20, 1.0]])
    x2 = np.array([[1.0, 2.0, 3.0], [1.0, 2.0, 3.0], [1.0, 1.0, 1.0], [1e20, 1e20, 1.0]])
    check("cosine_embedding_loss", [x1, x2, np.array([1.0, -1.0, -1.0, 1.0])], margin=1.0, reduction="none")
    for target in (np.array([1, -1, 1, -1]), np.array([1.0, -1.0, 1.0, -1.0])):
        check("cosine_embedding_loss", [rand((4, 3), np.float32), rand((4, 3), np.float32, 1), target])
    check("cosine_embedding_loss", [rand((4, 3), np.float32), rand((4, 3), np.float64, 1), signs((4,))])
    check("cosine_embedding_loss", [np.ones((2, 3), np.int64), np.arange(6).reshape(2, 3), np.array([1, -1])])


@pytest.mark.parametrize("inputs, match", [
    ([rand((3, 5)), rand((3, 5)), np.ones((3, 1))], "0D or 1D target tensor expected, multi-target not supported"),
    ([rand((5,)), rand((3, 5)), np.ones(3)], r"1D target tensor expects 2D input tensors, but found inputs with "
                                             r"sizes \[5\] and \[3, 5\]\."),
    ([rand((3, 5)), rand((3, 5)), np.array(1.0)], r"0D target tensor expects 1D input tensors"),
    ([rand((3, 5)), rand((3, 5)), np.ones(4)], r"size of tensor a \(4\) must match the size of tensor b \(3\)"),
    ([rand((3, 5)), rand((3, 4)), np.ones(3)], r"size of tensor a \(5\) must match the size of tensor b \(4\)"),
    ([rand((2,)), rand((2,)), 1], r"argument 'target' \(position 3\) must be Tensor, not int"),
])
def test_cosine_embedding_errors(inputs, match):
    raises_like_torch("cosine_embedding_loss", inputs, match)


# ------------------------------------------------------------------------------ triplet_margin_loss
TRIPLET_SHAPES = [((5, 6),) * 3, ((6,),) * 3, ((),) * 3, ((2, 3, 4),) * 3, ((5, 6), (1, 6), (5, 6)), ((0, 6),) * 3]


@pytest.mark.parametrize("swap", [False, True])
@pytest.mark.parametrize("shapes", TRIPLET_SHAPES)
@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_triplet_margin_vs_torch(reduction, dtype, shapes, swap):
    inputs = [rand(s, dtype, seed, -1, 1) for seed, s in enumerate(shapes)]
    check("triplet_margin_loss", inputs, margin=1.5, swap=swap, reduction=reduction)


@pytest.mark.parametrize("swap", [False, True])
@pytest.mark.parametrize("p", NORMS)
def test_triplet_margin_norms(p, swap):
    inputs = [rand((6, 5), np.float64, seed) for seed in range(3)]
    check("triplet_margin_loss", inputs, margin=2.0, p=p, eps=1e-3, swap=swap, reduction="none")


def test_triplet_margin_ties_zero_distance_and_nan():
    a = np.array([[2.0, 2.0], [0.0, 0.0], [1.0, np.nan], [3.0, 4.0]])
    p = np.array([[1.0, 1.0], [0.0, 0.0], [0.0, 0.0], [0.0, 0.0]])
    n = np.array([[0.0, 0.0], [1.0, 1.0], [1.0, 1.0], [6.0, 8.0]])  # row 3: d(a, n) = d(p, n) / 2... no tie
    for swap in (False, True):
        check("triplet_margin_loss", [a, p, n], eps=0.0, swap=swap, reduction="none")
    # d(a, n) == d(p, n): torch's minimum splits the gradient in halves
    check("triplet_margin_loss", [np.array([[1.0, 0.0]]), np.array([[-1.0, 0.0]]), np.array([[0.0, 1.0]])],
          eps=0.0, swap=True, margin=5.0)


@pytest.mark.parametrize("swap", [False, True])
@pytest.mark.parametrize("p", [2.0, 1.0, INF])
def test_triplet_margin_naive(p, swap):
    a, pos, neg = (rand((5, 4), seed=s) for s in range(3))
    out = F.triplet_margin_loss(*map(minigrad.tensor, (a, pos, neg)), margin=1.2, p=p, swap=swap, reduction="none")
    np.testing.assert_allclose(out.numpy(), naive.triplet_margin_loss(a, pos, neg, 1.2, p, 1e-6, swap, 'none')[0])


def test_triplet_margin_dtypes():
    check("triplet_margin_loss", [np.ones((2, 3), np.int64), np.zeros((2, 3), np.int64), np.eye(2, 3, dtype=np.int64)])
    check("triplet_margin_loss", [rand((3, 4), np.float32), rand((3, 4), np.float64, 1), rand((3, 4), np.float32, 2)])


@pytest.mark.parametrize("name", ["triplet_margin_loss", "triplet_margin_with_distance_loss"])
def test_triplet_errors(name):
    a = rand((4, 6))
    raises_like_torch(name, [a, a[0], a], "expected to have the same number of dimensions, but got: anchor 2D, "
                                          "positive 1D, and negative 2D inputs")
    raises_like_torch(name, [a, a, a], "margin must be greater than 0, got 0", margin=0)
    raises_like_torch(name, [a, a, a], "margin must be greater than 0, got -1.0", margin=-1.0)
    raises_like_torch(name, [a, a, a], "x is not a valid value for reduction", reduction="x")
    if name == "triplet_margin_loss":
        raises_like_torch(name, [a, a[:, :5], a], r"size of tensor a \(6\) must match the size of tensor b \(5\)")
        raises_like_torch(name, [a, a, a], r"argument 'p' \(position 5\) must be float, not str", p="a")
        raises_like_torch(name, [rand((3, 0))] * 3, "cannot compute the inf norm", p=INF)


def test_triplet_modules():
    with pytest.raises(ValueError, match="TripletMarginLoss: expected margin to be greater than 0, got 0 instead"):
        minigrad.nn.TripletMarginLoss(margin=0)
    with pytest.raises(ValueError, match="TripletMarginWithDistanceLoss: expected margin to be greater than 0"):
        minigrad.nn.TripletMarginWithDistanceLoss(margin=-1.0)
    with pytest.raises(TypeError):
        minigrad.nn.TripletMarginWithDistanceLoss(None, 1.0)  # keyword-only, as torch
    m = minigrad.nn.TripletMarginLoss(margin=0.5, p=1, eps=1e-3, swap=True, reduction="sum")
    assert (m.margin, m.p, m.eps, m.swap, m.reduction) == (0.5, 1, 1e-3, True, "sum")
    assert repr(m) == "TripletMarginLoss()"
    assert repr(minigrad.nn.TripletMarginWithDistanceLoss()) == repr(torch.nn.TripletMarginWithDistanceLoss())
    a, p, n = (rand((4, 3), seed=s) for s in range(3))
    np.testing.assert_array_equal(m(*map(minigrad.tensor, (a, p, n))).numpy(),
                                  F.triplet_margin_loss(*map(minigrad.tensor, (a, p, n)), margin=0.5, p=1, eps=1e-3,
                                                        swap=True, reduction="sum").numpy())


# ---------------------------------------------------------------- triplet_margin_with_distance_loss
DISTANCES = {
    "default": None,
    "cosine": (lambda lib: lambda x, y: 1.0 - lib.nn.functional.cosine_similarity(x, y)),
    "l1": (lambda lib: lambda x, y: lib.nn.functional.pairwise_distance(x, y, p=1)),
    "whole batch norm (040)": (lambda lib: lambda x, y: lib.norm(x - y, p=2)),
}


@pytest.mark.parametrize("swap", [False, True])
@pytest.mark.parametrize("distance", sorted(DISTANCES))
@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_triplet_with_distance_vs_torch(reduction, dtype, distance, swap):
    make = DISTANCES[distance]
    inputs = [rand((5, 4), dtype, seed, -1, 1) for seed in range(3)]
    margin = 50.0 if "batch" in distance else 1.0  # the whole-batch distances differ by more than 1

    def run(lib):
        kw = dict(margin=margin, swap=swap, reduction=reduction)
        if make is not None:
            kw["distance_function"] = make(lib)
        return lambda *a: lib.nn.functional.triplet_margin_with_distance_loss(*a, **kw)

    out_mg, out_th = compare(run(minigrad), run(torch), inputs)
    assert grad_fn_name(out_mg) == grad_fn_name(out_th)


@pytest.mark.parametrize("shapes, dtypes", [
    (((4,),) * 3, (np.float64,) * 3),  # unbatched: the fused kernel
    (((0, 4),) * 3, (np.float32,) * 3),  # an empty batch
    (((2, 3, 4),) * 3, (np.float32,) * 3),
    (((5, 4), (1, 4), (5, 4)), (np.float64,) * 3),  # a broadcast positive: composed
    (((5, 4),) * 3, (np.float32, np.float64, np.float32)),  # each pair in its own dtype: composed
])
@pytest.mark.parametrize("swap", [False, True])
@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_triplet_with_distance_default_fused_or_composed(reduction, swap, shapes, dtypes):
    """The default distance runs triplet_margin_loss's kernel for three tensors of one shape and dtype,
    torch's composition otherwise: values, gradients and grad_fn names as torch either way."""
    inputs = [rand(s, d, seed, -1, 1) for seed, (s, d) in enumerate(zip(shapes, dtypes))]

    def run(lib):
        return lambda *a: lib.nn.functional.triplet_margin_with_distance_loss(*a, margin=0.7, swap=swap,
                                                                               reduction=reduction)
    out_mg, out_th = compare(run(minigrad), run(torch), inputs)
    assert grad_fn_name(out_mg) == grad_fn_name(out_th)


def test_gradcheck_triplet_with_default_distance():
    inputs = [rand((3, 4), seed=s) for s in range(3)]
    for reduction in REDUCTIONS:
        assert gradcheck(lambda *a: F.triplet_margin_with_distance_loss(*a, margin=1.5, swap=True,
                                                                        reduction=reduction), inputs)


def test_triplet_with_distance_is_keyword_only():
    a = minigrad.tensor(rand((2, 3)))
    with pytest.raises(TypeError):
        F.triplet_margin_with_distance_loss(a, a, a, None)


def test_triplet_with_distance_default_matches_triplet_margin_loss():
    a, p, n = (minigrad.tensor(rand((6, 3), seed=s)) for s in range(3))
    np.testing.assert_allclose(F.triplet_margin_with_distance_loss(a, p, n, swap=True).numpy(),
                               F.triplet_margin_loss(a, p, n, swap=True).numpy(), rtol=1e-12)


def test_triplet_with_distance_module():
    m = minigrad.nn.TripletMarginWithDistanceLoss(distance_function=minigrad.nn.PairwiseDistance(p=1), margin=2.0,
                                                  swap=True, reduction="none")
    a, p, n = (rand((4, 3), seed=s) for s in range(3))
    th = torch.nn.TripletMarginWithDistanceLoss(distance_function=torch.nn.PairwiseDistance(p=1), margin=2.0,
                                                swap=True, reduction="none")
    np.testing.assert_allclose(m(*map(minigrad.tensor, (a, p, n))).numpy(),
                               th(*map(torch.tensor, (a, p, n))).numpy(), rtol=1e-12)


# ------------------------------------------------------------------------------- shared behaviour
CASES = {  # name -> (inputs, kwargs): small valid float64 calls
    "pairwise_distance": ([rand((3, 4)), rand((3, 4), seed=1)], dict(p=3.0)),
    "cosine_similarity": ([rand((3, 4)), rand((3, 4), seed=1)], dict(dim=0)),
    "cosine_embedding_loss": ([rand((3, 4)), rand((3, 4), seed=1), np.array([1.0, -1.0, -1.0])], dict(margin=-0.2)),
    "triplet_margin_loss": ([rand((3, 4), seed=s) for s in range(3)], dict(margin=2.0, swap=True)),
}
REDUCED = {"cosine_embedding_loss", "triplet_margin_loss"}


@pytest.mark.parametrize("name", sorted(CASES))
def test_gradcheck(name):
    inputs, kw = CASES[name]
    for reduction in REDUCTIONS if name in REDUCED else [None]:
        extra = {} if reduction is None else dict(reduction=reduction)
        assert gradcheck(lambda *a: getattr(F, name)(*a, **kw, **extra), inputs)


@pytest.mark.parametrize("p", [1.0, 1.5, 0.5, INF])
def test_gradcheck_triplet_norms(p):
    inputs = [rand((3, 4), seed=s) for s in range(3)]
    assert gradcheck(lambda *a: F.triplet_margin_loss(*a, margin=3.0, p=p, reduction="none"), inputs)


def test_gradcheck_triplet_with_distance():
    inputs = [rand((3, 4), seed=s) for s in range(3)]

    def cos(x, y):
        return 1.0 - F.cosine_similarity(x, y)
    assert gradcheck(lambda *a: F.triplet_margin_with_distance_loss(*a, distance_function=cos, margin=1.5), inputs)


def test_p0_distance_has_no_gradient():
    """torch's norm backward for p = 0 returns no gradient at all (the leaf's grad stays None)."""
    a, p, n = (minigrad.tensor(rand((3, 4), seed=s), requires_grad=True) for s in range(3))
    F.triplet_margin_loss(a, p, n, p=0, margin=5.0).backward()
    F.pairwise_distance(a, p, p=0).sum().backward()
    assert a.grad is None and p.grad is None and n.grad is None


# --------------------------------------------------------------------------------------- float16
HALF = {  # name -> (inputs, kwargs); torch computes these in float16 on the CPU
    "margin_ranking_loss": ([rand((6,)), rand((6,), seed=1), signs((6,))], {}),
    "hinge_embedding_loss": ([rand((3, 4)), signs((3, 4))], {}),
    "multilabel_soft_margin_loss": ([rand((3, 4)), rand((3, 4), seed=2, low=0, high=1)], {}),
    "triplet_margin_loss": ([rand((3, 4), seed=s) for s in range(3)], dict(margin=2.0)),
    "pairwise_distance": ([rand((3, 4)), rand((3, 4), seed=1)], {}),
    "cosine_embedding_loss": ([rand((3, 4)), rand((3, 4), seed=1), np.array([1.0, -1.0, -1.0])], dict(margin=-0.5)),
    "cosine_similarity": ([rand((3, 4)), rand((3, 4), seed=1)], {}),
}


@pytest.mark.parametrize("name", sorted(HALF))
def test_float16_runs_in_float32_and_returns_float16(name):
    inputs, kw = HALF[name]
    check(name, [a.astype(np.float16) for a in inputs], rtol=1e-2, atol=1e-2, **kw)


@pytest.mark.parametrize("name, target", [("multilabel_margin_loss", np.zeros((3, 5), np.int64)),
                                          ("multi_margin_loss", np.array([0, 1, 2]))])
def test_float16_class_losses_are_not_implemented(name, target):
    raises_like_torch(name, [rand((3, 5)).astype(np.float16), target], "not implemented for 'Half'")


def test_cosine_similarity_one_element_rows_float32():
    """Along a dim of size 1 the cosine is ±1 and its gradient 0: the kernel's products run in float64
    (Numba's float() keeps float32), so the two terms of the gradient cancel as torch's do."""
    a = np.array([[1e-5], [0.5], [-2.0], [1e-3]], np.float32)
    b = np.array([[0.7], [-1.3], [0.2], [4.0]], np.float32)
    check("cosine_similarity", [a, b], atol=1e-9)


@pytest.mark.parametrize("swap", [False, True])
@pytest.mark.parametrize("shapes", [((3, 1), (3, 2), (3, 1)), ((3, 1), (3, 2), (3, 3)), ((3, 2), (3, 1), (3, 1)),
                                    ((2, 1, 2), (1, 3, 2), (2, 3, 1)), ((2,), (2,), (1,))])
@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_triplet_margin_pairs_broadcast_apart(reduction, shapes, swap):
    """torch measures d(a, p), d(a, n) (and d(p, n)) each over its own pair's broadcast."""
    inputs = [rand(s, np.float64, seed) for seed, s in enumerate(shapes)]
    if swap and shapes[1][-1] != shapes[2][-1] and 1 not in (shapes[1][-1], shapes[2][-1]):
        raises_like_torch("triplet_margin_loss", inputs, "must match the size", swap=swap, reduction=reduction)
    else:
        check("triplet_margin_loss", inputs, swap=swap, reduction=reduction)


@pytest.mark.parametrize("shapes", [((3, 3), (3, 2), (3, 1)), ((3, 2), (3, 2), (3, 3)), ((1, 2), (2, 2), (3, 2))])
def test_triplet_margin_pair_mismatch_errors(shapes):
    inputs = [rand(s, np.float64, seed) for seed, s in enumerate(shapes)]
    raises_like_torch("triplet_margin_loss", inputs, r"The size of tensor a \(\d\) must match the size of tensor b")


@pytest.mark.parametrize("dtype", FLOATS)
def test_pairwise_distance_equal_rows_gradient(dtype):
    """Regression (issue 14): equal rows, p = 2, distance of eps only: the gradient is 1/√D as torch's
    (re-association had formed x₁ − x₂ + eps as (x₁ + eps) − x₂, 5% off in float32)."""
    x = rand((3, 4), dtype, 12)
    check("pairwise_distance", [x, x.copy()], rtol=0, atol=0)


@pytest.mark.parametrize("swap", [False, True])
def test_triplet_margin_one_feature_anchor_gradient(swap):
    """Regression (issue 14): on 1-feature rows the anchor's two gradient terms are ±1 each; summed
    in float32 as torch sums them they cancel exactly (float64 terms had left ~3e-8)."""
    import torch
    inputs = [rand((5, 1), np.float32, s, -0.03, 0.03) for s in (20, 21, 22)]
    grads = []
    for lib in (minigrad, torch):
        leaves = [lib.tensor(a, requires_grad=True) for a in inputs]
        lib.nn.functional.triplet_margin_loss(*leaves, swap=swap, reduction="sum").backward()
        grads.append([t.grad.numpy() for t in leaves])
    for got, want in zip(*grads):
        np.testing.assert_array_equal(got, want)
