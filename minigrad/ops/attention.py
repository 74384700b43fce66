"""Scaled dot-product attention, composed of the matmul, softmax and masking ops (their nodes carry
the gradient):

    out = softmax(Q·Kᵀ·s + B) · V,   s = 1/√E unless given,
    B = 0 where allowed and −inf where masked (a bool mask, or ``is_causal``: key j > query i), or
        the float ``attn_mask`` itself; with ``enable_gqa`` each key/value head serves Hq/Hk query heads.
"""
import math

from .. import dtypes
from ..tensor import Tensor


def scaled_dot_product_attention(query, key, value, attn_mask=None, dropout_p=0.0, is_causal=False,
                                 scale=None, enable_gqa=False):
    """Attention of ``query`` (..., L, E) over ``key`` (..., S, E) and ``value`` (..., S, Ev)."""
    for name, t in (("query", query), ("key", key), ("value", value)):
        if not isinstance(t, Tensor):
            raise TypeError(f"scaled_dot_product_attention(): argument '{name}' must be Tensor, not "
                            f"{type(t).__name__}")
    if not (query.dtype is key.dtype is value.dtype):
        raise RuntimeError(f"Expected query, key, and value to have the same dtype, but got query.dtype: "
                           f"{dtypes.c_name(query.dtype)} key.dtype: {dtypes.c_name(key.dtype)} and value.dtype: "
                           f"{dtypes.c_name(value.dtype)} instead.")
    if not query.is_floating_point():
        raise RuntimeError(f"expected scalar type Float but found {dtypes.scalar_name(query.dtype)}")
    if is_causal and attn_mask is not None:
        raise RuntimeError("_scaled_dot_product_attention: Explicit attn_mask should not be set when is_causal=True")
    if enable_gqa and query.ndim >= 3:
        hq, hk, hv = query.shape[-3], key.shape[-3], value.shape[-3]
        if 0 in (hk, hv) or hq % hk or hq % hv:
            raise RuntimeError("Number of heads in key and value must divide the number of heads in query")
        key, value = key.repeat_interleave(hq // hk, -3), value.repeat_interleave(hq // hv, -3)
    s = 1.0 / math.sqrt(query.shape[-1]) if scale is None else scale
    scores = (query @ key.transpose(-2, -1)) * s
    if is_causal:
        n_q, n_k = query.shape[-2], key.shape[-2]
        allowed = query.new_ones((n_q, n_k), dtype=dtypes.bool).tril()
        scores = scores.masked_fill(allowed.logical_not(), float("-inf"))
    elif attn_mask is not None:
        if attn_mask.dtype is dtypes.bool:
            scores = scores.masked_fill(attn_mask.logical_not(), float("-inf"))
        else:
            scores = scores + attn_mask
    weights = scores.softmax(-1)
    if dropout_p > 0.0:
        from ..nn.functional import dropout  # (nn imports the ops: imported at the call)
        weights = dropout(weights, dropout_p)
    return weights @ value
