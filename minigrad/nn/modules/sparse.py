"""``Embedding`` and ``EmbeddingBag``: lookup tables of learned vectors."""
from ... import creation
from ...autograd.grad_mode import no_grad
from ...ops import embedding as E
from .. import init
from ..parameter import Parameter
from .module import Module


def _padding_index(padding_idx, num_embeddings):
    if padding_idx is None:
        return None
    if padding_idx >= num_embeddings or padding_idx < -num_embeddings:
        raise AssertionError("Padding_idx must be within num_embeddings")
    return padding_idx % num_embeddings


class Embedding(Module):
    r"""A table of ``num_embeddings`` vectors of size ``embedding_dim``; the input holds row indices:
    ``out[..., :] = weight[input[...]]``.

    Args:
        num_embeddings, embedding_dim: the table's shape.
        padding_idx: a row that gets no gradient (initialised to zeros; negative counts from the end).
        max_norm: rows looked up whose ``norm_type``-norm exceeds this are rescaled to it in place
            (by max_norm / (norm + 1e-7)) before the lookup.
        norm_type: p of the p-norm for ``max_norm`` (default 2).
        scale_grad_by_freq: divide each row's gradient by how often it occurs in the batch.
        sparse: sparse gradients are not supported by minigrad (NotImplementedError).
        _weight: an initial table; ``_freeze``: do not learn it.

    Attributes:
        weight: ``(num_embeddings, embedding_dim)``, from :math:`\mathcal{N}(0, 1)`.

    Shape: input ``(*)`` of int64/int32, output ``(*, embedding_dim)``. An index outside
    ``[0, num_embeddings)`` raises IndexError.

    Example::

        >>> emb = nn.Embedding(10, 3, padding_idx=0)
        >>> emb(minigrad.tensor([[1, 2, 0], [4, 3, 9]])).shape
        minigrad.Size([2, 3, 3])
    """

    def __init__(self, num_embeddings, embedding_dim, padding_idx=None, max_norm=None, norm_type=2.0,
                 scale_grad_by_freq=False, sparse=False, _weight=None, _freeze=False, device=None, dtype=None):
        super().__init__()
        self.num_embeddings, self.embedding_dim = num_embeddings, embedding_dim
        self.padding_idx = _padding_index(padding_idx, num_embeddings)
        self.max_norm, self.norm_type, self.scale_grad_by_freq, self.sparse = max_norm, norm_type, \
            scale_grad_by_freq, sparse
        if _weight is None:
            self.weight = Parameter(creation.empty((num_embeddings, embedding_dim), device=device, dtype=dtype),
                                    requires_grad=not _freeze)
            self.reset_parameters()
        else:
            if list(_weight.shape) != [num_embeddings, embedding_dim]:
                raise AssertionError("Shape of weight does not match num_embeddings and embedding_dim")
            self.weight = Parameter(_weight, requires_grad=not _freeze)

    def reset_parameters(self):
        init.normal_(self.weight)
        self._fill_padding_idx_with_zero()

    def _fill_padding_idx_with_zero(self):
        if self.padding_idx is not None:
            with no_grad():
                self.weight[self.padding_idx].fill_(0)

    def forward(self, input):  # noqa: A002
        return E.embedding(input, self.weight, self.padding_idx, self.max_norm, self.norm_type,
                           self.scale_grad_by_freq, self.sparse)

    def extra_repr(self):
        s = f"{self.num_embeddings}, {self.embedding_dim}"
        for name, default in (("padding_idx", None), ("max_norm", None), ("norm_type", 2),
                              ("scale_grad_by_freq", False), ("sparse", False)):
            if getattr(self, name) != default:
                s += f", {name}={getattr(self, name)}"
        return s

    @classmethod
    def from_pretrained(cls, embeddings, freeze=True, padding_idx=None, max_norm=None, norm_type=2.0,
                        scale_grad_by_freq=False, sparse=False):
        """An Embedding whose table is ``embeddings`` (2-D), learned unless ``freeze``."""
        if embeddings.ndim != 2:
            raise AssertionError("Embeddings parameter is expected to be 2-dimensional")
        rows, cols = embeddings.shape
        return cls(rows, cols, padding_idx, max_norm, norm_type, scale_grad_by_freq, sparse, _weight=embeddings,
                   _freeze=freeze)


class EmbeddingBag(Module):
    r"""Sums, means or maxima of bags of embeddings, without building the per-index vectors.

    With 2-D input ``(B, L)`` each row is a bag; with 1-D input the bags start at ``offsets``
    (``offsets[0] = 0``; with ``include_last_offset`` the last entry ends the last bag).

    .. math::
        \text{sum: } \sum_i a_i W_{x_i} \qquad \text{mean: } \frac{1}{n_b}\sum_i W_{x_i} \qquad
        \text{max: } \max_i W_{x_i}

    Positions at ``padding_idx`` are left out (and not counted by 'mean'); an empty bag gives zeros.
    ``per_sample_weights`` (a_i, same shape as the input) only with mode 'sum'.

    Args:
        num_embeddings, embedding_dim, max_norm, norm_type, sparse, padding_idx: as :class:`Embedding`.
        scale_grad_by_freq: not supported (NotImplementedError when True).
        mode: 'sum', 'mean' (default) or 'max'.
        include_last_offset: ``offsets`` has B + 1 entries, the last one the end of the last bag.

    Shape: input ``(B, L)`` or ``(N,)`` with offsets ``(B,)``; output ``(B, embedding_dim)``.

    Example::

        >>> bag = nn.EmbeddingBag(10, 3, mode="sum")
        >>> bag(minigrad.tensor([1, 2, 4, 5, 4, 3, 2, 9]), minigrad.tensor([0, 4])).shape
        minigrad.Size([2, 3])
    """

    def __init__(self, num_embeddings, embedding_dim, max_norm=None, norm_type=2.0, scale_grad_by_freq=False,
                 mode="mean", sparse=False, _weight=None, include_last_offset=False, padding_idx=None, device=None,
                 dtype=None):
        super().__init__()
        self.num_embeddings, self.embedding_dim = num_embeddings, embedding_dim
        self.max_norm, self.norm_type, self.scale_grad_by_freq = max_norm, norm_type, scale_grad_by_freq
        self.padding_idx = _padding_index(padding_idx, num_embeddings)
        self.mode, self.sparse, self.include_last_offset = mode, sparse, include_last_offset
        if _weight is None:
            self.weight = Parameter(creation.empty((num_embeddings, embedding_dim), device=device, dtype=dtype))
            self.reset_parameters()
        else:
            if list(_weight.shape) != [num_embeddings, embedding_dim]:
                raise AssertionError("Shape of weight does not match num_embeddings and embedding_dim")
            self.weight = Parameter(_weight)

    reset_parameters = Embedding.reset_parameters
    _fill_padding_idx_with_zero = Embedding._fill_padding_idx_with_zero

    def forward(self, input, offsets=None, per_sample_weights=None):  # noqa: A002
        return E.embedding_bag(input, self.weight, offsets, self.max_norm, self.norm_type, self.scale_grad_by_freq,
                               self.mode, self.sparse, per_sample_weights, self.include_last_offset, self.padding_idx)

    def extra_repr(self):
        s = f"{self.num_embeddings}, {self.embedding_dim}"
        for name, default in (("max_norm", None), ("norm_type", 2), ("scale_grad_by_freq", False)):
            if getattr(self, name) != default:
                s += f", {name}={getattr(self, name)}"
        s += f", mode={self.mode!r}"
        if self.padding_idx is not None:
            s += f", padding_idx={self.padding_idx}"
        return s

    @classmethod
    def from_pretrained(cls, embeddings, freeze=True, max_norm=None, norm_type=2.0, scale_grad_by_freq=False,
                        mode="mean", sparse=False, include_last_offset=False, padding_idx=None):
        """An EmbeddingBag whose table is ``embeddings`` (2-D), learned unless ``freeze``."""
        if embeddings.ndim != 2:
            raise AssertionError("Embeddings parameter is expected to be 2-dimensional")
        rows, cols = embeddings.shape
        bag = cls(rows, cols, max_norm, norm_type, scale_grad_by_freq, mode, sparse, embeddings, include_last_offset,
                  padding_idx)
        bag.weight.requires_grad = not freeze
        return bag
