"""triplet_margin_with_distance_loss / TripletMarginWithDistanceLoss.

The distance is the user's function of two tensors, so the loss is composed from differentiable
ops exactly as torch composes it, and the grad_fn names are torch's (ClampMin / Mean / Sum). The
default distance, ``pairwise_distance`` (p = 2, eps = 1e-6), makes the loss ``triplet_margin_loss``'s:
three tensors of one shape and floating dtype with a number as margin run its fused kernel.
"""
from numbers import Real

from ..tensor import Tensor, minimum
from ._base import REDUCTIONS, _Loss
from ._margin import all_dtype
from .pairwise_distance import PairwiseDistance, pairwise_distance
from .triplet_margin_loss import check_margin, check_triplet_dims, triplet_margin_loss

__all__ = ["triplet_margin_with_distance_loss", "TripletMarginWithDistanceLoss"]


def triplet_margin_with_distance_loss(anchor, positive, negative, *, distance_function=None, margin=1.0,
                                      swap=False, reduction="mean"):
    """max(0, margin + d(a, p) − d(a, n)) with a user distance d, reduced; see
    :class:`TripletMarginWithDistanceLoss`."""
    if reduction not in REDUCTIONS:
        raise ValueError(f"{reduction} is not a valid value for reduction")
    check_margin(margin)
    check_triplet_dims(anchor, positive, negative)
    if distance_function is None and _fusable(anchor, positive, negative, margin):
        return triplet_margin_loss(anchor, positive, negative, margin=margin, swap=swap, reduction=reduction)
    distance = pairwise_distance if distance_function is None else distance_function
    dist_pos = distance(anchor, positive)
    dist_neg = distance(anchor, negative)
    if swap:
        dist_neg = minimum(dist_neg, distance(positive, negative))
    loss = (margin + dist_pos - dist_neg).clamp_min(0)
    return loss.sum() if reduction == "sum" else loss.mean() if reduction == "mean" else loss


def _fusable(anchor, positive, negative, margin):
    """Whether the default distance's composition is ``triplet_margin_loss`` here: three tensors of
    one shape and one floating dtype (the composition measures each pair in that pair's own dtype
    and broadcast) and a real number as margin."""
    if not (isinstance(anchor, Tensor) and isinstance(positive, Tensor) and isinstance(negative, Tensor)):
        return False  # pairwise_distance gives torch's error
    shape, dt = anchor._data.shape, anchor._data.dtype
    return (dt.kind == "f" and isinstance(margin, Real) and positive._data.shape == shape
            and negative._data.shape == shape and all_dtype((positive, negative), dt))


class TripletMarginWithDistanceLoss(_Loss):
    r"""The triplet loss with a distance function of your choice.

    For anchors a, positives p and negatives n and a non-negative, real-valued distance d
    (``distance_function``, default :class:`PairwiseDistance`):

    .. math::
        l_i = \max\{d(a_i, p_i) - d(a_i, n_i) + \text{margin}, 0\}

    With ``swap``, :math:`d(a_i, n_i)` becomes :math:`\min(d(a_i, n_i), d(p_i, n_i))`. The losses
    are averaged ('mean', default), summed ('sum') or returned per triplet ('none'). The distance
    function receives and returns tensors and must be built from differentiable operations.

    Args:
        distance_function (callable, optional): ``d(x, y) -> Tensor``. Default: ``PairwiseDistance()``.
        margin (float, optional): must be > 0. Default 1.
        swap (bool, optional): use the distance swap. Default False.
        reduction (str, optional): 'none' | 'mean' | 'sum'. Default 'mean'.

    All arguments are keyword-only.

    Shape:
        - anchor, positive, negative: :math:`(N, *)`, whatever the distance function accepts.
        - output: scalar; for 'none', :math:`(N)`.

    Example::

        >>> loss = nn.TripletMarginWithDistanceLoss(
        ...     distance_function=lambda x, y: 1.0 - F.cosine_similarity(x, y), margin=0.5)
        >>> a, p, n = (torch.randn(8, 16, requires_grad=True) for _ in range(3))
        >>> loss(a, p, n).backward()
    """

    def __init__(self, *, distance_function=None, margin=1.0, swap=False, reduction="mean"):
        super().__init__(size_average=None, reduce=None, reduction=reduction)
        if margin <= 0:
            raise ValueError(f"TripletMarginWithDistanceLoss: expected margin to be greater than 0, got {margin} "
                             "instead")
        self.distance_function = distance_function if distance_function is not None else PairwiseDistance()
        self.margin = margin
        self.swap = swap

    def forward(self, anchor, positive, negative):
        return triplet_margin_with_distance_loss(anchor, positive, negative, distance_function=self.distance_function,
                                                 margin=self.margin, swap=self.swap, reduction=self.reduction)
