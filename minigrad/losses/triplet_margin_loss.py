"""triplet_margin_loss / TripletMarginLoss."""
from ._base import _Loss, reduction_arg
from ._margin import ComposedLoss, broadcast_shape, check_norm_dim, float_arg, promote, tensor_arg
from .pairwise_distance import pairwise_distance

__all__ = ["triplet_margin_loss", "TripletMarginLoss"]

_FN = "triplet_margin_loss"


class TripletMarginLossOp(ComposedLoss):
    none_name = "ClampMinBackward0"
    class_axis = -1


def check_margin(margin):
    if margin <= 0:
        raise ValueError(f"margin must be greater than 0, got {margin}")


def check_triplet_dims(anchor, positive, negative):
    a, p, n = anchor.ndim, positive.ndim, negative.ndim
    if not a == p == n:
        raise RuntimeError(f"The anchor, positive, and negative tensors are expected to have the same number of "
                           f"dimensions, but got: anchor {a}D, positive {p}D, and negative {n}D inputs")


def triplet_margin_loss(anchor, positive, negative, margin=1.0, p=2, eps=1e-6, swap=False, size_average=None,
                        reduce=None, reduction="mean"):
    """max(0, margin + d(a, p) − d(a, n)) with p-norm distances, reduced; see :class:`TripletMarginLoss`."""
    reduction = reduction_arg(size_average, reduce, reduction)
    check_margin(margin)
    for pos, (name, t) in enumerate((("anchor", anchor), ("positive", positive), ("negative", negative)), 1):
        tensor_arg(t, _FN, name, pos)
    margin, p, eps = float_arg(margin, _FN, "margin", 4), float_arg(p, _FN, "p", 5), float_arg(eps, _FN, "eps", 6)
    check_triplet_dims(anchor, positive, negative)
    # torch measures each pair on its own broadcast, then broadcasts the distances
    pairs = [(anchor, positive), (anchor, negative)] + [(positive, negative)] * bool(swap)
    shapes = [broadcast_shape(x._data.shape, y._data.shape) for x, y in pairs]
    broadcast_shape(*(shape[:-1] for shape in shapes))
    for shape in shapes:
        check_norm_dim(shape, p)
    if any(shape[-1:] != shapes[0][-1:] for shape in shapes):  # a size-1 last dim broadcast in some pairs only
        return _composed(anchor, positive, negative, margin, p, eps, swap, reduction)
    return TripletMarginLossOp.apply(*promote(anchor, positive, negative), margin=margin, p=p, eps=eps,
                                     swap=bool(swap), reduction=reduction)


def _composed(anchor, positive, negative, margin, p, eps, swap, reduction):
    """torch's composition of pairwise distances, for pairs whose last dims differ (the fused kernel
    measures every pair over one common last dim)."""
    d_neg = pairwise_distance(anchor, negative, p, eps)
    if swap:
        d_neg = d_neg.minimum(pairwise_distance(positive, negative, p, eps))
    loss = (margin + pairwise_distance(anchor, positive, p, eps) - d_neg).clamp_min(0)
    return loss.mean() if reduction == "mean" else loss.sum() if reduction == "sum" else loss


class TripletMarginLoss(_Loss):
    r"""The triplet loss of an anchor a, a positive example p and a negative example n.

    With the pairwise distance :math:`d(x, y) = \lVert x - y + \epsilon \rVert_p` along the last
    dim, for each triplet:

    .. math::
        L(a, p, n) = \max\{d(a, p) - d(a, n) + \text{margin}, 0\}

    so the anchor should be closer to the positive than to the negative by ``margin``. With
    ``swap`` (Balntas et al., "Learning shallow convolutional feature descriptors with triplet
    losses"), :math:`d(a, n)` is replaced by :math:`\min(d(a, n), d(p, n))`. The losses are
    averaged ('mean', default), summed ('sum') or returned per triplet ('none').

    Args:
        margin (float, optional): must be > 0. Default 1.
        p (float, optional): the norm degree of the distance. Default 2.
        eps (float, optional): added to every difference. Default 1e-6.
        swap (bool, optional): use the distance swap. Default False.
        size_average, reduce (bool, optional): deprecated, see ``reduction``.
        reduction (str, optional): 'none' | 'mean' | 'sum'. Default 'mean'.

    Shape:
        - anchor, positive, negative: :math:`(N, D)` or :math:`(D)`, the same number of
          dimensions, broadcastable.
        - output: scalar; for 'none', :math:`(N)` (0-d for 1-D inputs).

    Example::

        >>> triplet_loss = nn.TripletMarginLoss(margin=1.0, p=2)
        >>> anchor = torch.randn(100, 128, requires_grad=True)
        >>> positive = torch.randn(100, 128, requires_grad=True)
        >>> negative = torch.randn(100, 128, requires_grad=True)
        >>> triplet_loss(anchor, positive, negative).backward()
    """

    def __init__(self, margin=1.0, p=2.0, eps=1e-6, swap=False, size_average=None, reduce=None, reduction="mean"):
        super().__init__(size_average, reduce, reduction)
        if margin <= 0:
            raise ValueError(f"TripletMarginLoss: expected margin to be greater than 0, got {margin} instead")
        self.margin = margin
        self.p = p
        self.eps = eps
        self.swap = swap

    def forward(self, anchor, positive, negative):
        return triplet_margin_loss(anchor, positive, negative, margin=self.margin, p=self.p, eps=self.eps,
                                   swap=self.swap, reduction=self.reduction)
