"""cosine_similarity / CosineSimilarity (not a loss; used as one, e.g. 1 − cos, and by triplet losses)."""
from ..nn.modules.module import Module
from ..dtypes import scalar_name
from ..tensor import _dim
from ._base import FusedLoss
from ._margin import broadcast_shape, common_dtype, float_arg, tensor_arg

__all__ = ["cosine_similarity", "CosineSimilarity"]

_FN = "cosine_similarity"


class CosineSimilarityOp(FusedLoss):
    name = "SumBackward1"

    def forward(self, x1, x2, dim=1, **options):
        self.class_axis = dim
        return super().forward(x1, x2, dim=dim, **options)


def cosine_similarity(x1, x2, dim=1, eps=1e-8):
    """Σ (x1/max(‖x1‖, eps))·(x2/max(‖x2‖, eps)) along ``dim``; see :class:`CosineSimilarity`."""
    tensor_arg(x1, _FN, "x1", 1)
    tensor_arg(x2, _FN, "x2", 2)
    if not isinstance(dim, int) or isinstance(dim, bool):
        raise TypeError(f"{_FN}(): argument 'dim' must be int, not {type(dim).__name__}")
    eps = float_arg(eps, _FN, "eps")
    dt = common_dtype(x1, x2)
    if not dt.is_floating_point:
        raise RuntimeError(f"expected common dtype to be floating point, yet common dtype is "
                           f"{scalar_name(dt)}")
    shape = broadcast_shape(x1._data.shape, x2._data.shape)
    dim = _dim(dim, len(shape))
    if eps < 0:
        raise RuntimeError(f"eps must be non-negative, got: {eps:g}")
    return CosineSimilarityOp.apply(x1._cast(dt), x2._cast(dt), dim=dim, eps=eps)


class CosineSimilarity(Module):
    r"""The cosine similarity of two inputs along ``dim``:

    .. math::
        \text{similarity} = \sum \frac{x_1}{\max(\lVert x_1 \rVert_2, \epsilon)}
                            \cdot \frac{x_2}{\max(\lVert x_2 \rVert_2, \epsilon)}

    (each input is normalised first, so the result stays in [−1, 1]).

    Args:
        dim (int, optional): the dimension to reduce. Default 1.
        eps (float, optional): the smallest norm divided by. Default 1e-8.

    Shape:
        - x1: :math:`(*_1, D, *_2)` with D at position ``dim``; x2: broadcastable with x1.
        - output: :math:`(*_1, *_2)`, the broadcast shape without ``dim``.

    Example::

        >>> cos = nn.CosineSimilarity(dim=1, eps=1e-6)
        >>> out = cos(torch.randn(100, 128), torch.randn(100, 128))
    """

    def __init__(self, dim=1, eps=1e-8):
        super().__init__()
        self.dim = dim
        self.eps = eps

    def forward(self, x1, x2):
        return cosine_similarity(x1, x2, self.dim, self.eps)
