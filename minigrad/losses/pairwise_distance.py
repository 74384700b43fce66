"""pairwise_distance / PairwiseDistance (not a loss, but the distance the triplet losses use)."""
from ..nn.modules.module import Module
from ._base import FusedLoss
from ._margin import broadcast_shape, check_norm_dim, check_subtractable, float_arg, promote, tensor_arg

__all__ = ["pairwise_distance", "PairwiseDistance"]

_FN = "pairwise_distance"


class PairwiseDistanceOp(FusedLoss):
    name = "NormBackward1"

    def forward(self, x1, x2, keepdim=False, **options):
        self.class_axis = None if keepdim else -1
        return super().forward(x1, x2, keepdim=keepdim, **options)


def pairwise_distance(x1, x2, p=2.0, eps=1e-6, keepdim=False):
    """‖x1 − x2 + eps‖ₚ along the last dim; see :class:`PairwiseDistance`."""
    tensor_arg(x1, _FN, "x1", 1)
    tensor_arg(x2, _FN, "x2", 2)
    p, eps = float_arg(p, _FN, "p"), float_arg(eps, _FN, "eps")
    check_subtractable(x1, x2)
    shape = broadcast_shape(x1._data.shape, x2._data.shape)
    check_norm_dim(shape, p)
    return PairwiseDistanceOp.apply(*promote(x1, x2), p=p, eps=eps, keepdim=bool(keepdim))


class PairwiseDistance(Module):
    r"""The p-norm distance between the rows (last dim) of two inputs:

    .. math::
        \mathrm{dist}(x, y) = \lVert x - y + \epsilon e \rVert_p,
        \qquad \lVert v \rVert_p = \Big(\sum_i |v_i|^p\Big)^{1/p}

    with :math:`e` the vector of ones; p = 0 counts the non-zero differences and p = ±inf takes
    the largest/smallest one. ``eps`` keeps negative p finite.

    Args:
        p (float, optional): the norm degree, may be negative. Default 2.
        eps (float, optional): added to every difference. Default 1e-6.
        keepdim (bool, optional): keep the reduced dim (size 1). Default False.

    Shape:
        - x1: :math:`(N, D)` or :math:`(D)`; x2: broadcastable with it.
        - output: :math:`(N)` or :math:`()`; with ``keepdim``, :math:`(N, 1)` or :math:`(1)`.

    Example::

        >>> pdist = nn.PairwiseDistance(p=2)
        >>> out = pdist(torch.randn(100, 128), torch.randn(100, 128))
    """

    def __init__(self, p=2.0, eps=1e-6, keepdim=False):
        super().__init__()
        self.norm = p
        self.eps = eps
        self.keepdim = keepdim

    def forward(self, x1, x2):
        return pairwise_distance(x1, x2, self.norm, self.eps, self.keepdim)
