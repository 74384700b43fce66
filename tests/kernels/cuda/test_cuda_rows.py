"""The row losses' CUDA kernels (one row per block) against their CPU kernels: distances, cosine
and margin losses, every reduction, float32 and float64, each loss's main options. Rows longer
than a block and more rows than blocks exercise both strides."""
import numpy as np
import pytest

from tests.kernels.cuda.device_compare import DTYPES, REDUCTIONS, check

rng = np.random.default_rng(11)


def normal(*shape):
    return rng.standard_normal(shape)


def sign(*shape):
    return np.where(rng.random(shape) < 0.5, -1.0, 1.0)


def as_dtype(arrays, dtype):
    return tuple(a.astype(dtype) if a.dtype.kind == "f" else a for a in arrays)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shapes, dim", [(((5, 6), (5, 6)), 1), (((3, 4, 5), (4, 1)), 1), (((2, 7), (2, 7)), 0),
                                         (((9,), (9,)), 0)], ids=["rows", "middle-dim", "first-dim", "1d"])
def test_cosine_similarity(shapes, dim, dtype):
    x1, x2 = (normal(*s).astype(dtype) for s in shapes)
    x1[0] = 0  # a zero vector: its norm is clamped at eps and its gradient term dropped
    check("cosine_similarity", (x1, x2), (True, True), dim=dim, eps=1e-8)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("p", [2.0, 1.0, 3.0, 1.5, 0.5, np.inf, -np.inf, 0.0])
def test_pairwise_distance(p, dtype):
    x1, x2 = normal(5, 6).astype(dtype), normal(5, 6).astype(dtype)
    x2[1, 2] = x1[1, 2] + 1e-6  # d = 0 exactly (eps is 1e-6 the other way)
    x2[2, :3] = x1[2, :3] - 2.0  # ties for the inf-norms
    check("pairwise_distance", (x1, x2), (True, True), p=p)
    check("pairwise_distance", (x1[0], x2), (False, True), p=p, keepdim=True)


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("p, swap", [(2.0, False), (2.0, True), (1.0, True), (np.inf, False), (3.0, True)])
def test_triplet_margin_loss(p, swap, dtype, reduction):
    a, pos, neg = (normal(5, 6).astype(dtype) for _ in range(3))
    check("triplet_margin_loss", (a, pos, neg), (True, True, True), margin=0.5, p=p, swap=swap, reduction=reduction)


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("dtype", DTYPES)
def test_cosine_embedding_loss(dtype, reduction):
    x1, x2 = normal(6, 5).astype(dtype), normal(6, 5).astype(dtype)
    y = np.array([1, -1, 1, -1, -1, 1])
    check("cosine_embedding_loss", (x1, x2, y), (True, True, False), margin=-0.2, reduction=reduction)
    check("cosine_embedding_loss", (x1[0], x2[1], np.array(-1)), (True, False, False), margin=-0.5,
          reduction=reduction)


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("p, weighted", [(1, False), (2, True)])
def test_multi_margin_loss(p, weighted, dtype, reduction):
    x, y = normal(5, 6).astype(dtype), rng.integers(0, 6, 5)
    weight = rng.uniform(0.5, 2.0, 6).astype(dtype) if weighted else None
    check("multi_margin_loss", (x, y), (True, False), p=p, margin=0.8, weight=weight, reduction=reduction)
    check("multi_margin_loss", (x[0], y[:1].reshape(())), (True, False), p=p, reduction=reduction)


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("dtype", DTYPES)
def test_multilabel_margin_loss(dtype, reduction):
    x = normal(5, 6).astype(dtype)
    t = np.full((5, 6), -1)
    t[0, :2] = [3, 1]
    t[1, :4] = [0, 0, 5, 2]  # a repeated target counts each time
    t[2, :6] = [0, 1, 2, 3, 4, 5]
    t[3, 1:3] = [2, 4]  # the list ends at the first -1
    t[4, :1] = [5]
    check("multilabel_margin_loss", (x, t), (True, False), reduction=reduction)
    check("multilabel_margin_loss", (x[0], t[0]), (True, False), reduction=reduction)


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("weight_shape", [None, (6,), (5, 6)], ids=["no-weight", "class-weight", "full-weight"])
def test_multilabel_soft_margin_loss(weight_shape, dtype, reduction):
    x, t = normal(5, 6) * 3, rng.integers(0, 2, (5, 6)) * 1.0
    weight = () if weight_shape is None else (rng.uniform(0.5, 2.0, weight_shape),)
    arrays = as_dtype((x, t) + weight, dtype)
    check("multilabel_soft_margin_loss", arrays, (True, True, True)[:len(arrays)], reduction=reduction)


def test_multilabel_soft_margin_loss_class_dim_not_last():
    """A target with more dims than the input moves the class dim (x.ndim − 1 of the broadcast)."""
    x, t = normal(6), rng.integers(0, 2, (4, 6)) * 1.0
    check("multilabel_soft_margin_loss", (x, t), (True, True), reduction="none")
    check("multilabel_soft_margin_loss", (x, t), (True, True), reduction="mean")


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("dtype", DTYPES)
def test_margin_hinge_nan_rows(dtype, reduction):
    """A NaN in a row gives NaN where the CPU gives NaN (norms, cosines, margins)."""
    a, pos, neg = (normal(4, 5).astype(dtype) for _ in range(3))
    a[1, 2] = np.nan
    check("triplet_margin_loss", (a, pos, neg), (True, True, True), swap=True, reduction=reduction)
    check("cosine_embedding_loss", (a, pos, np.array([1, -1, 1, -1])), (True, True, False), reduction=reduction)


def test_float16_rows():
    x1, x2 = normal(4, 5).astype(np.float16), normal(4, 5).astype(np.float16)
    check("pairwise_distance", (x1, x2), (True, True))
    check("cosine_similarity", (x1, x2), (True, True))


@pytest.mark.parametrize("dtype", DTYPES)
def test_multilabel_soft_margin_loss_infinite_logits(dtype):
    """x = ±inf gives torch's inf (t < 1 at +inf, t > 0 at −inf) or NaN (t = 1 at +inf), as the CPU kernel."""
    x = np.array([[np.inf, np.inf, -np.inf, -np.inf, 1.0], [np.inf, -np.inf, 2.0, -3.0, 0.5]])
    t = np.array([[0.0, 1.0, 0.0, 1.0, 0.5], [0.25, 0.75, 0.0, 1.0, 1.0]])
    check("multilabel_soft_margin_loss", as_dtype((x, t), dtype), (True, True), reduction="none")
