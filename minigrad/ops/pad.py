"""``F.pad``: constant, reflect, replicate and circular padding, as torch validates and names them.

``pad = (l_last, r_last, l_prev, r_prev, ...)`` pads the last ``len(pad)/2`` dims, each of size n to
n + l + r (a negative amount crops, in constant mode). The non-constant modes gather along one dim
at a time: output position j reads input position

    reflect:   |j − l| mirrored at the ends (i ↦ −i below 0, 2(n−1) − i above n−1), l, r < n
    replicate: clamp(j − l, 0, n − 1)
    circular:  (j − l) mod n, l, r ≤ n

and the backward adds each output gradient back at the position it read (``index_add``), dim by dim
in reverse. Constant mode writes the input into a block of ``value``; its backward reads the block.
"""
import math

import numpy as np

from ..autograd.op import Op

_MODES = ("constant", "reflect", "replicate", "circular")


def _source(mode, n, left, right):
    """The input position each output position of a padded dim reads."""
    i = np.arange(-left, n + right)
    if mode == "reflect":
        i = np.abs(i)
        i = np.where(i > n - 1, 2 * (n - 1) - i, i)
    elif mode == "replicate":
        i = np.clip(i, 0, n - 1)
    else:
        i = i % n
    return i


class ConstantPad(Op):
    """The input in a block of ``value`` (torch's ConstantPadNdBackward0)."""
    name = "ConstantPadNdBackward0"
    stateless = True

    def forward(self, a, pads=(), value=0.0):
        b, lead = self.backend, a.ndim - len(pads)
        shape = a.shape[:lead] + tuple(s + l + r for s, (l, r) in zip(a.shape[lead:], pads))
        self.inside = (slice(None),) * lead + tuple(slice(max(l, 0), max(l, 0) + s + min(l, 0) + min(r, 0))
                                                    for s, (l, r) in zip(a.shape[lead:], pads))
        self.kept = (slice(None),) * lead + tuple(slice(max(-l, 0), s - max(-r, 0))
                                                  for s, (l, r) in zip(a.shape[lead:], pads))
        self.shape = a.shape
        out = b.zeros(shape, a.dtype)
        if value:
            b.fill(out, value)
        if math.prod(shape):
            b.setitem(out, self.inside, b.index(a, self.kept))
        return out

    def backward(self, g):
        b = self.backend
        grad = b.zeros(self.shape, g.dtype)
        if math.prod(self.shape):
            b.setitem(grad, self.kept, b.index(g, self.inside))
        return grad


class GatherPad(Op):
    """reflect / replicate / circular: a gather per padded dim (``sources``: dim -> positions read)."""
    stateless = True

    def forward(self, a, sources=(), name="ReflectionPad1DBackward0"):
        self.name, self.sources, self.shapes = name, sources, []
        for d, idx in sources:
            self.shapes.append(a.shape)
            a = self.backend.index(a, (slice(None),) * d + (idx,))
        return a

    def backward(self, g):
        for (d, idx), shape in zip(reversed(self.sources), reversed(self.shapes)):
            g = self.backend.index_add(shape, (slice(None),) * d + (idx,), g, True)
        return g


def _check(input, pad, mode):  # noqa: A002 - torch's argument names
    if len(pad) % 2:
        raise RuntimeError("Padding length must be divisible by 2")
    if len(pad) // 2 > input.ndim:
        raise RuntimeError(f"Padding length should be less than or equal to two times the input dimension but got "
                           f"padding length {len(pad)} and input of dimension {input.ndim}")
    if mode not in _MODES:
        raise NotImplementedError(f"Unrecognised padding mode {mode}")
    if mode == "constant":
        return
    k = len(pad) // 2
    if k not in (1, 2, 3) or input.ndim not in (k + 1, k + 2):
        raise NotImplementedError(
            f"Padding size {len(pad)} is not supported for {input.ndim}D input tensor.\nSupported combinations for "
            "non-constant padding:\n  - 2D or 3D input: padding size = 2 (pads last dimension)\n  - 3D or 4D input: "
            "padding size = 4 (pads last 2 dimensions)\n  - 4D or 5D input: padding size = 6 (pads last 3 dimensions)")
    for j in range(k):
        d = input.ndim - 1 - j
        n, left, right = input.shape[d], pad[2 * j], pad[2 * j + 1]
        if mode == "reflect" and (left >= n or right >= n):
            raise RuntimeError(f"Argument #4: Padding size should be less than the corresponding input dimension, but "
                               f"got: padding ({left}, {right}) at dimension {d} of input {list(input.shape)}")
        if mode == "circular" and (left > n or right > n):
            raise RuntimeError("Padding value causes wrapping around more than once.")
        if mode == "replicate" and n == 0:
            raise RuntimeError(f"Expected input to have non-zero size at dimension {d}")


def pad(input, pad, mode="constant", value=None):  # noqa: A002
    """Pad the last ``len(pad)/2`` dims of ``input``; see the module docstring for the modes."""
    if not hasattr(input, "_data"):
        raise TypeError(f"pad(): argument 'input' (position 1) must be Tensor, not {type(input).__name__}")
    pad = tuple(int(p) for p in pad)
    _check(input, pad, mode)
    k = len(pad) // 2
    if mode == "constant":
        pairs = tuple((pad[2 * j], pad[2 * j + 1]) for j in reversed(range(k)))
        for (left, right), n in zip(pairs, input.shape[input.ndim - k:]):
            if n + min(left, 0) + min(right, 0) < 0:  # cropped away more than there is
                raise RuntimeError("narrow(): length must be non-negative.")
        return ConstantPad.apply(input, pads=pairs, value=0.0 if value is None else value)
    if value is not None and value != 0:
        raise NotImplementedError(f"Padding mode \"{mode}\" doesn't take in value argument.")
    sources = tuple((input.ndim - 1 - j, _source(mode, input.shape[input.ndim - 1 - j], pad[2 * j], pad[2 * j + 1]))
                    for j in range(k))
    kind = {"reflect": "Reflection", "replicate": "Replication", "circular": "Circular"}[mode]
    name = "CopySlices" if mode == "circular" else f"{kind}Pad{k}DBackward0"
    return GatherPad.apply(input, sources=sources, name=name)
