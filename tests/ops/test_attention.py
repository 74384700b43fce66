"""F.scaled_dot_product_attention against torch: values and gradients of query, key, value and a
float mask, bool masks, is_causal (also with more keys than queries), scale, grouped-query heads,
unbatched input, errors, and a float64 gradcheck."""
import numpy as np
import pytest
import torch

import minigrad
import minigrad.nn.functional as F
from tests.compare import compare, gradcheck
from tests.core_helpers import same_error

TF = torch.nn.functional


def rand(shape, dtype, seed):
    return np.random.default_rng(seed).standard_normal(shape).astype(dtype)


CASES = [  # (query, key, value shapes, options)
    ((2, 3, 4, 8), (2, 3, 5, 8), (2, 3, 5, 6), dict()),
    ((2, 3, 4, 8), (2, 3, 4, 8), (2, 3, 4, 8), dict(is_causal=True)),
    ((1, 2, 3, 4), (1, 2, 6, 4), (1, 2, 6, 4), dict(is_causal=True)),
    ((2, 4, 8), (2, 5, 8), (2, 5, 3), dict(scale=0.3)),
    ((4, 8), (5, 8), (5, 6), dict()),
    ((2, 4, 3, 8), (2, 2, 5, 8), (2, 2, 5, 6), dict(enable_gqa=True)),
    ((1, 4, 3, 8), (1, 2, 5, 8), (1, 4, 5, 6), dict(enable_gqa=True)),
]


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("case", range(len(CASES)))
def test_sdpa_matches_torch(case, dtype):
    qs, ks, vs, kw = CASES[case]
    inputs = [rand(qs, dtype, 0), rand(ks, dtype, 1), rand(vs, dtype, 2)]
    compare(lambda q, k, v: F.scaled_dot_product_attention(q, k, v, **kw),
            lambda q, k, v: TF.scaled_dot_product_attention(q, k, v, **kw), inputs)
    if dtype == np.float64:
        assert gradcheck(lambda q, k, v: F.scaled_dot_product_attention(q, k, v, **kw), inputs)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_sdpa_masks_match_torch(dtype):
    q, k, v = rand((2, 4, 8), dtype, 0), rand((2, 5, 8), dtype, 1), rand((2, 5, 6), dtype, 2)
    float_mask = rand((4, 5), dtype, 3)
    compare(lambda *a: F.scaled_dot_product_attention(*a[:3], attn_mask=a[3]),
            lambda *a: TF.scaled_dot_product_attention(*a[:3], attn_mask=a[3]), [q, k, v, float_mask])
    keep = np.random.default_rng(4).random((2, 1, 5)) > 0.3
    keep[..., 0] = True  # no row masked entirely (torch's kernels differ there)
    compare(lambda q, k, v: F.scaled_dot_product_attention(q, k, v, attn_mask=minigrad.tensor(keep)),
            lambda q, k, v: TF.scaled_dot_product_attention(q, k, v, attn_mask=torch.tensor(keep)), [q, k, v])


def test_sdpa_dropout_keeps_shape_and_is_random():
    q = minigrad.randn(2, 4, 8)
    a, b = (F.scaled_dot_product_attention(q, q, q, dropout_p=0.5) for _ in range(2))
    assert tuple(a.shape) == (2, 4, 8) and not bool((a == b).all())


@pytest.mark.parametrize("build", [
    lambda lib, r: (r(2, 4, 8), r(2, 5, 8), r(2, 5, 6).double()),
    lambda lib, r: (r(2, 4, 8).long(), r(2, 5, 8).long(), r(2, 5, 6).long()),
    lambda lib, r: (r(2, 4, 8), r(2, 5, 8), r(2, 5, 6), lib.ones(4, 5, dtype=lib.bool), 0.0, True),
])
def test_sdpa_errors_as_torch(build):
    same_error(lambda: F.scaled_dot_product_attention(*build(minigrad, minigrad.randn)),
               lambda: TF.scaled_dot_product_attention(*build(torch, torch.randn)))


def test_sdpa_grouped_heads_must_divide():
    for lib, fn in ((minigrad, F), (torch, TF)):  # torch's message stops after "in "
        with pytest.raises(RuntimeError, match="Number of heads in key and value must divide the number of heads in"):
            fn.scaled_dot_product_attention(lib.randn(2, 3, 4, 8), lib.randn(2, 2, 5, 8), lib.randn(2, 2, 5, 6),
                                            enable_gqa=True)
