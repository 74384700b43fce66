"""``embedding`` and ``embedding_bag``: the Ops over ``kernels/<device>/embedding.py`` and the
functionals, which validate indices (torch's IndexError for one out of range) before any kernel runs.

    embedding:      out[..., :] = W[idx[...]]
    embedding_bag:  out[b] = sum / mean / max of W[idx[i]] over the positions i of bag b
"""
import numpy as np

from ..autograd.grad_mode import no_grad
from ..autograd.op import Op
from ..tensor import Tensor


def _check_indices(fn, input, weight, position=1):  # noqa: A002
    if not isinstance(input, Tensor):
        raise TypeError(f"{fn}(): argument 'indices' (position {position}) must be Tensor, not {type(input).__name__}")
    if input.dtype.name not in ("int64", "int32"):
        raise RuntimeError(f"Expected tensor for argument #1 'indices' to have one of the following scalar types: "
                           f"Long, Int; but got {input._printing_type()} instead (while checking arguments for {fn})")
    idx = input._host()
    if idx.size and (idx.min() < 0 or idx.max() >= weight.shape[0]):
        raise IndexError("index out of range in self")
    return idx


def _padding_idx(padding_idx, weight):
    """torch's normalisation: a negative index counts from the end; None becomes -1 (no row)."""
    if padding_idx is None:
        return -1
    n = weight.shape[0]
    if padding_idx >= n or padding_idx < -n:
        raise AssertionError("Padding_idx must be within num_embeddings")
    return padding_idx % n


def _renorm(weight, idx, max_norm, norm_type):
    """torch's ``embedding_renorm_``: rows named by ``idx`` with a larger norm scaled in place."""
    with no_grad():
        kernels = weight._backend().load("embedding")
        kernels.embedding_renorm_(weight._data, weight._backend().from_host(idx), max_norm, norm_type)
    weight._version[0] += 1


class Embedding(Op):
    """W[idx]; W's gradient scattered back row by row (``padding_idx``'s row gets none)."""
    fresh_grads = True
    name = "EmbeddingBackward0"

    def forward(self, w, indices=None, padding_idx=-1, scale_grad_by_freq=False):
        self.kernels = self.backend.load("embedding")
        self.indices, self.num, self.padding_idx, self.scale = indices, w.shape[0], padding_idx, scale_grad_by_freq
        return self.kernels.embedding_forward(w, indices)

    def backward(self, g):
        return (self.kernels.embedding_backward(g, self.indices, self.num, self.padding_idx, self.scale),)


class EmbeddingBag(Op):
    """Bags of rows reduced by sum/mean/max; inputs W and, for 'sum', optional per-sample weights."""
    fresh_grads = True
    name = "EmbeddingBagBackward0"

    def forward(self, w, a=None, indices=None, starts=None, ends=None, mode="mean", padding_idx=-1):
        k = self.kernels = self.backend.load("embedding")
        self.w, self.a, self.indices, self.bags, self.mode = w, a, indices, (starts, ends), mode
        self.padding_idx = padding_idx
        out, self.arg = k.embedding_bag_forward(w, indices, starts, ends, a, mode, padding_idx)
        return out

    def backward(self, g):
        k, (starts, ends) = self.kernels, self.bags
        gw = k.embedding_bag_backward(g, self.indices, starts, ends, self.a, self.arg, self.w.shape[0], self.mode,
                                      self.padding_idx) if self.needs_input_grad[0] else None
        if self.a is None:
            return (gw,)
        ga = k.embedding_bag_per_sample_weights_backward(g, self.w, self.indices, starts, ends, self.padding_idx) \
            if self.needs_input_grad[1] else None
        return gw, ga


def _check_weight(fn, weight):
    if not isinstance(weight, Tensor):
        raise TypeError(f"{fn}(): argument 'weight' (position 2) must be Tensor, not {type(weight).__name__}")


def embedding(input, weight, padding_idx=None, max_norm=None, norm_type=2.0, scale_grad_by_freq=False,  # noqa: A002
              sparse=False):
    """Rows of ``weight`` looked up by the integer ``input``; see :class:`minigrad.nn.Embedding`."""
    _check_weight("embedding", weight)
    if weight.ndim != 2:
        raise RuntimeError("'weight' must be 2-D")
    if sparse:
        raise NotImplementedError("minigrad has no sparse tensors: embedding(sparse=True) is not supported")
    padding_idx = _padding_idx(padding_idx, weight)
    idx = _check_indices("embedding", input, weight)
    if max_norm is not None:
        _renorm(weight, idx, max_norm, norm_type)
    return Embedding.apply(weight, indices=input._data, padding_idx=padding_idx,
                           scale_grad_by_freq=bool(scale_grad_by_freq))


def embedding_bag(input, weight, offsets=None, max_norm=None, norm_type=2, scale_grad_by_freq=False,  # noqa: A002
                  mode="mean", sparse=False, per_sample_weights=None, include_last_offset=False, padding_idx=None):
    """Sums, means or maxima of bags of embeddings; see :class:`minigrad.nn.EmbeddingBag`."""
    _check_weight("embedding_bag", weight)
    if weight.ndim != 2:
        raise ValueError(f"weight has to be a 2D Tensor, but got Tensor of dimension {weight.ndim}")
    if per_sample_weights is not None and tuple(input.shape) != tuple(per_sample_weights.shape):
        raise ValueError(f"embedding_bag: If per_sample_weights ({per_sample_weights.shape}) is not None, then it "
                         f"must have the same shape as the input ({input.shape})")
    if mode not in ("sum", "mean", "max"):
        raise ValueError("mode has to be one of sum, mean or max")
    if per_sample_weights is not None and mode != "sum":
        raise NotImplementedError(f"embedding_bag: per_sample_weights was not None. per_sample_weights is only "
                                  f"supported for mode='sum' (got mode='{mode}'). Please open a feature request on "
                                  "the Pytorch GitHub.")
    if sparse:
        raise NotImplementedError("minigrad has no sparse tensors: embedding_bag(sparse=True) is not supported")
    if scale_grad_by_freq:  # torch 2.13's CPU counts do not follow the documented rule (issue 17's note)
        raise NotImplementedError("embedding_bag(scale_grad_by_freq=True) is not supported by minigrad")
    idx = _check_indices("embedding_bag", input, weight)
    if input.ndim == 2:
        if offsets is not None:
            raise ValueError("if input is 2D, then offsets has to be None, as input is treated is a mini-batch of "
                             f"fixed length sequences. However, found offsets of type {offsets._printing_type()}")
        starts = np.arange(0, idx.size, max(input.shape[1], 1), dtype=np.int64)[:input.shape[0]]
        ends = starts + input.shape[1]
    elif input.ndim == 1:
        if offsets is None:
            raise ValueError("offsets has to be a 1D Tensor but got None")
        if offsets.ndim != 1:
            raise ValueError("offsets has to be a 1D Tensor")
        off = offsets._host().astype(np.int64)
        if off.size and off[0] != 0:
            raise RuntimeError(f"offsets[0] has to be 0, i.e., the first sequence in the mini-batch has to start from "
                               f"position 0. However, got {off[0]}")
        if off.size and off[-1] > idx.size:
            raise RuntimeError(f"offsets[-1] can not be greater than input's length ({idx.size}), but got "
                               f"offsets[-1] of {off[-1]}")
        if off.size > 1 and np.any(np.diff(off) < 0):
            raise RuntimeError("offsets must be non-decreasing")
        bounds = off if include_last_offset else np.append(off, idx.size)
        starts, ends = bounds[:-1].copy(), bounds[1:].copy()
    else:
        raise ValueError(f"input has to be 1D or 2D Tensor, but got Tensor of dimension {input.ndim}")
    padding_idx = _padding_idx(padding_idx, weight)
    if max_norm is not None:
        _renorm(weight, idx, max_norm, norm_type)
    be = weight._backend()
    bags = dict(indices=be.from_host(idx.reshape(-1)), starts=be.from_host(starts), ends=be.from_host(ends), mode=mode,
                padding_idx=padding_idx)
    if per_sample_weights is None:
        return EmbeddingBag.apply(weight, **bags)
    return EmbeddingBag.apply(weight, per_sample_weights.reshape(-1), **bags)
