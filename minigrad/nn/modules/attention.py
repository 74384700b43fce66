"""``MultiheadAttention``: torch's layer over ``F.scaled_dot_product_attention``'s math, with its
parameter names (``in_proj_weight``, ``in_proj_bias``, ``out_proj``) so state dicts interchange."""
import math

from ... import creation, dtypes
from .. import functional as F
from .. import init
from ..parameter import Parameter
from .linear import Linear
from .module import Module


class NonDynamicallyQuantizableLinear(Linear):
    """A ``Linear`` (torch's name for ``MultiheadAttention.out_proj``)."""


class MultiheadAttention(Module):
    r"""Attention with ``num_heads`` heads:
    ``out = concat_h(softmax(Q_h·K_hᵀ/√d + mask)·V_h)·W_oᵀ + b_o`` with ``Q = query·W_qᵀ + b_q`` (and
    likewise K, V), ``d = embed_dim / num_heads``.

    Args:
        embed_dim: the model width E (query, key and value features).
        num_heads: heads; must divide ``embed_dim``.
        dropout: dropout on the attention weights in training. Default: 0.
        bias: biases on the input and output projections. Default: True.
        batch_first: inputs and output are ``(N, L, E)`` instead of ``(L, N, E)``. Default: False.
        add_bias_kv, add_zero_attn, kdim, vdim: torch's options; only their defaults (False, False,
            ``embed_dim``) are supported here.

    ``forward(query, key, value, key_padding_mask=None, need_weights=True, attn_mask=None,
    average_attn_weights=True, is_causal=False)`` returns ``(output, weights)``: a bool mask is True
    where attention is *not* allowed, a float mask is added to the scores; ``attn_mask`` is ``(L, S)``
    or ``(N·num_heads, L, S)``, ``key_padding_mask`` ``(N, S)``. ``weights`` (None unless
    ``need_weights``) are averaged over the heads unless ``average_attn_weights=False``.

    Example::

        >>> mha = nn.MultiheadAttention(16, 4, batch_first=True)
        >>> x = minigrad.randn(2, 5, 16)
        >>> out, weights = mha(x, x, x)
        >>> out.shape, weights.shape
        (minigrad.Size([2, 5, 16]), minigrad.Size([2, 5, 5]))
    """

    def __init__(self, embed_dim, num_heads, dropout=0.0, bias=True, add_bias_kv=False, add_zero_attn=False,
                 kdim=None, vdim=None, batch_first=False, device=None, dtype=None):
        super().__init__()
        if embed_dim <= 0 or num_heads <= 0:
            raise ValueError(f"embed_dim and num_heads must be greater than 0, got embed_dim={embed_dim} and "
                             f"num_heads={num_heads} instead")
        if embed_dim % num_heads:
            raise AssertionError("embed_dim must be divisible by num_heads")
        if add_bias_kv or add_zero_attn or kdim not in (None, embed_dim) or vdim not in (None, embed_dim):
            raise NotImplementedError("minigrad's MultiheadAttention supports add_bias_kv=False, add_zero_attn=False "
                                      "and kdim = vdim = embed_dim only")
        self.embed_dim, self.num_heads, self.dropout, self.batch_first = embed_dim, num_heads, dropout, batch_first
        self.kdim = self.vdim = embed_dim
        self._qkv_same_embed_dim = True
        self.head_dim = embed_dim // num_heads
        self.in_proj_weight = Parameter(creation.empty(3 * embed_dim, embed_dim, device=device, dtype=dtype))
        if bias:
            self.in_proj_bias = Parameter(creation.empty(3 * embed_dim, device=device, dtype=dtype))
        else:
            self.register_parameter("in_proj_bias", None)
        self.out_proj = NonDynamicallyQuantizableLinear(embed_dim, embed_dim, bias=bias, device=device, dtype=dtype)
        self.bias_k = self.bias_v = None
        self.add_zero_attn = False
        self._reset_parameters()

    def _reset_parameters(self):
        init.xavier_uniform_(self.in_proj_weight)
        if self.in_proj_bias is not None:
            init.constant_(self.in_proj_bias, 0.0)
            init.constant_(self.out_proj.bias, 0.0)

    def forward(self, query, key, value, key_padding_mask=None, need_weights=True, attn_mask=None,
                average_attn_weights=True, is_causal=False):
        if is_causal and attn_mask is None:
            raise RuntimeError("Need attn_mask if specifying the is_causal hint. You may use the Transformer "
                               "module method `generate_square_subsequent_mask` to create this mask.")
        batched = query.ndim == 3
        if not batched:
            query, key, value = query.unsqueeze(1), key.unsqueeze(1), value.unsqueeze(1)
            key_padding_mask = None if key_padding_mask is None else key_padding_mask.unsqueeze(0)
        elif self.batch_first:
            query, key, value = (t.transpose(0, 1) for t in (query, key, value))
        n_q, n, e = query.shape
        n_k, h, d = key.shape[0], self.num_heads, self.head_dim
        w, b = self.in_proj_weight, self.in_proj_bias
        q, k, v = (F.linear(x, w[i * e:(i + 1) * e], None if b is None else b[i * e:(i + 1) * e])
                   for i, x in enumerate((query, key, value)))
        q, k, v = (t.reshape(t.shape[0], n * h, d).transpose(0, 1) for t in (q, k, v))  # (N·H, L, d)
        scores = (q * (1.0 / math.sqrt(d))) @ k.transpose(-2, -1)                          # (N·H, L, S)
        scores = scores.view(n, h, n_q, n_k)
        if attn_mask is not None:
            mask = attn_mask if attn_mask.ndim == 2 else attn_mask.view(n, h, n_q, n_k)
            scores = (scores.masked_fill(mask, float("-inf")) if mask.dtype is dtypes.bool else scores + mask)
        if key_padding_mask is not None:
            pad = key_padding_mask.view(n, 1, 1, n_k)
            scores = (scores.masked_fill(pad, float("-inf")) if pad.dtype is dtypes.bool else scores + pad)
        weights = scores.softmax(-1)
        if self.training and self.dropout > 0:
            weights = F.dropout(weights, self.dropout)
        out = (weights.view(n * h, n_q, n_k) @ v).transpose(0, 1).reshape(n_q * n, e)
        out = self.out_proj(out).view(n_q, n, e)
        if self.batch_first and batched:
            out = out.transpose(0, 1)
        if not need_weights:
            return (out if batched else out.squeeze(1)), None
        weights = weights.mean(1) if average_attn_weights else weights
        return (out if batched else out.squeeze(1)), (weights if batched else weights.squeeze(0))
