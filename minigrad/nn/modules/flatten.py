"""``Flatten`` and ``Unflatten``: reshape a range of dims into one, and one dim into several."""
from .module import Module


class Flatten(Module):
    r"""Flattens dims ``start_dim`` .. ``end_dim`` (inclusive) into one.

    Args:
        start_dim: first dim to flatten. Default: 1 (keeps the batch dim).
        end_dim: last dim to flatten. Default: -1.

    Shape: input ``(*, S_start, ..., S_end, *)``, output ``(*, ∏ S_i, *)``.

    Example::

        >>> nn.Flatten()(minigrad.randn(32, 1, 5, 5)).shape
        minigrad.Size([32, 25])
    """

    def __init__(self, start_dim=1, end_dim=-1):
        super().__init__()
        self.start_dim = start_dim
        self.end_dim = end_dim

    def forward(self, input):  # noqa: A002 - torch's argument name
        return input.flatten(self.start_dim, self.end_dim)

    def extra_repr(self):
        return f"start_dim={self.start_dim}, end_dim={self.end_dim}"


class Unflatten(Module):
    r"""Expands dim ``dim`` into the shape ``unflattened_size`` (one entry may be -1).

    Args:
        dim: the dim to expand.
        unflattened_size: a tuple or list of ints whose product is the size of ``dim``.

    Shape: input ``(*, S_dim, *)``, output ``(*, U_1, ..., U_n, *)``.

    Example::

        >>> nn.Unflatten(1, (2, 5, 5))(minigrad.randn(2, 50)).shape
        minigrad.Size([2, 2, 5, 5])
    """

    def __init__(self, dim, unflattened_size):
        super().__init__()
        if not isinstance(unflattened_size, (tuple, list)):
            raise TypeError("unflattened_size must be a tuple of ints, but found type "
                            f"{type(unflattened_size).__name__}")
        for i, s in enumerate(unflattened_size):
            if not isinstance(s, int):
                raise TypeError(f"unflattened_size must be tuple of ints, but found element of type "
                                f"{type(s).__name__} at pos {i}")
        self.dim = dim
        self.unflattened_size = unflattened_size

    def forward(self, input):  # noqa: A002
        return input.unflatten(self.dim, self.unflattened_size)

    def extra_repr(self):
        return f"dim={self.dim}, unflattened_size={self.unflattened_size}"
