"""Variable-length sequences as torch's ``nn.utils.rnn``: padding and packing.

A ``PackedSequence`` holds a batch of sequences sorted by decreasing length, time step after time
step: ``data`` (Σ lengths, *) has, for each t, the steps t of the ``batch_sizes[t]`` sequences still
running. ``sorted_indices[k]`` is the original batch position of the k-th longest sequence and
``unsorted_indices`` its inverse (both None when the batch came sorted). Packing and unpacking are
gathers, so gradients flow through them.
"""
from collections import namedtuple

import numpy as np

from ... import dtypes
from ...autograd.op import Op
from ...creation import cat, full, stack
from ...creation import tensor
from ...tensor import Tensor


class _TakeRows(Op):
    """``a[index]`` along ``axis`` for an index that takes every row needing a gradient at most once
    (packing and sorting permute rows; only the constant padding row repeats), so the gradient goes
    back by assignment instead of numpy's add.at (50x slower for a layer's activations)."""
    name = "IndexBackward0"

    def forward(self, a, index=None, axis=0):
        self.shape, self.key = a.shape, (slice(None),) * axis + (index,)
        return self.backend.index(a, self.key)

    def backward(self, g):
        return self.backend.index_add(self.shape, self.key, g, False)


def take_rows(t, index, axis=0):
    """``t`` indexed by the int64 array ``index`` along ``axis`` (see ``_TakeRows``)."""
    return _TakeRows.apply(t, index=np.asarray(index, dtype=np.int64), axis=axis)


class PackedSequence(namedtuple("PackedSequence", ["data", "batch_sizes", "sorted_indices", "unsorted_indices"])):
    """A packed batch of variable-length sequences (build it with ``pack_padded_sequence`` or
    ``pack_sequence``; the recurrent layers take it as input and return one)."""

    def __new__(cls, data, batch_sizes=None, sorted_indices=None, unsorted_indices=None):
        if unsorted_indices is None and sorted_indices is not None:
            unsorted_indices = _invert(sorted_indices)
        return super().__new__(cls, data, batch_sizes, sorted_indices, unsorted_indices)

    def to(self, *args, **kwargs):
        data = self.data.to(*args, **kwargs)
        if data is self.data:
            return self
        move = (lambda t: t if t is None else t.to(data.device))
        return type(self)(data, self.batch_sizes, move(self.sorted_indices), move(self.unsorted_indices))

    def cpu(self):
        return self.to("cpu")

    def cuda(self, *args, **kwargs):
        return self.to("cuda")

    def float(self):
        return self.to(dtype=dtypes.float32)

    def double(self):
        return self.to(dtype=dtypes.float64)

    @property
    def is_cuda(self):
        return self.data.is_cuda


def _invert(permutation):
    inverse = np.empty(len(permutation), dtype=np.int64)
    inverse[np.asarray(permutation.tolist())] = np.arange(len(permutation))
    return tensor(inverse)


def _lengths(lengths):
    if isinstance(lengths, Tensor):
        if lengths.ndim != 1 or lengths.device.type != "cpu" or lengths.dtype.name != "int64":
            raise RuntimeError(f"'lengths' argument should be a 1D CPU int64 tensor, but got {lengths.ndim}D "
                               f"{lengths.device} {lengths.dtype} tensor")
        lengths = lengths.tolist()
    return np.asarray([int(n) for n in lengths], dtype=np.int64)


def _batch_sizes(lengths):
    """batch_sizes[t] = #{sequences longer than t}, for lengths sorted decreasing."""
    return np.array([(lengths > t).sum() for t in range(int(lengths[0]))], dtype=np.int64)


def packed_positions(batch_sizes, rows):
    """For a packed batch, the flat index ``t·rows + k`` of each packed element's (step, sorted row)."""
    return np.concatenate([t * rows + np.arange(n) for t, n in enumerate(batch_sizes.tolist())]).astype(np.int64)


def pack_padded_sequence(input, lengths, batch_first=False, enforce_sorted=True):  # noqa: A002
    """Pack a padded batch ``(T, B, *)`` (``(B, T, *)`` with ``batch_first``) of sequences of the given
    ``lengths``; with ``enforce_sorted`` the lengths must decrease, else the batch is sorted here."""
    n = _lengths(lengths)
    if enforce_sorted:
        if np.any(n[1:] > n[:-1]):
            raise RuntimeError("`lengths` array must be sorted in decreasing order when `enforce_sorted` is True. "
                               "You can pass `enforce_sorted=False` to pack_padded_sequence and/or pack_sequence "
                               "to sidestep this requirement if you do not need ONNX exportability.")
        order, sorted_indices = np.arange(len(n)), None
    else:
        order = np.argsort(-n, kind="stable")
        sorted_indices = tensor(order)
    if batch_first:
        input = input.transpose(0, 1)  # noqa: A001
    T, B = input.shape[:2]
    if len(n) != B:
        raise ValueError(f"Expected `len(lengths)` to be equal to batch_size, but got {len(n)} (batch_size={B})")
    if len(n) and n.min() <= 0:
        raise RuntimeError("Length of all samples has to be greater than 0, but found an element in 'lengths' that "
                           "is <= 0")
    n_sorted = n[order]
    if len(n) and n_sorted[0] > T:
        raise RuntimeError(f"Expected sequence length to be at most {T}, but got {n_sorted[0]}")
    batch_sizes = _batch_sizes(n_sorted)
    steps = np.repeat(np.arange(len(batch_sizes)), batch_sizes)
    rows = np.concatenate([order[:k] for k in batch_sizes.tolist()])
    data = take_rows(input.reshape((T * B,) + tuple(input.shape[2:])), steps * B + rows)
    return PackedSequence(data, tensor(batch_sizes), sorted_indices, None)


def pad_packed_sequence(sequence, batch_first=False, padding_value=0.0, total_length=None):
    """Unpack to ``(padded (T, B, *) or (B, T, *), lengths)`` in the original batch order, T the longest
    length or ``total_length``."""
    data, batch_sizes, _, unsorted = sequence
    bs = np.asarray(batch_sizes.tolist(), dtype=np.int64)
    B, T = int(bs[0]), len(bs)
    if total_length is not None:
        if total_length < T:
            raise ValueError("Expected total_length to be at least the length of the longest sequence in input, "
                             f"but got total_length={total_length} and max sequence length being {T}")
        T = total_length
    padded = padded_from_packed(data, bs, T, padding_value)
    lengths = np.array([(bs > k).sum() for k in range(B)], dtype=np.int64)
    if unsorted is not None:
        order = np.asarray(unsorted.tolist())
        padded, lengths = take_rows(padded, order, axis=1), lengths[order]
    return (padded.transpose(0, 1) if batch_first else padded), tensor(lengths)


def padded_from_packed(data, batch_sizes, T, padding_value=0.0):
    """Packed ``data`` as time-major ``(T, B, *)`` in sorted batch order, ``padding_value`` where a
    sequence has ended."""
    B = int(batch_sizes[0])
    source = np.full(T * B, data.shape[0], dtype=np.int64)  # the extra row: padding
    source[packed_positions(batch_sizes, B)] = np.arange(data.shape[0])
    pad = full((1,) + tuple(data.shape[1:]), padding_value, dtype=data.dtype, device=data.device)
    return take_rows(cat([data, pad]), source).reshape((T, B) + tuple(data.shape[1:]))


def packed_from_padded(padded, batch_sizes):
    """The inverse of ``padded_from_packed``: the packed rows of time-major sorted ``padded``."""
    T, B = padded.shape[:2]
    flat = padded.reshape((T * B,) + tuple(padded.shape[2:]))
    return take_rows(flat, packed_positions(batch_sizes, B))


def pad_sequence(sequences, batch_first=False, padding_value=0.0, padding_side="right"):
    """Stack tensors of shapes ``(L_i, *)`` into ``(T, B, *)`` (``(B, T, *)`` with ``batch_first``),
    T = max L_i, padding on ``padding_side``."""
    if padding_side not in ("left", "right"):
        raise ValueError(f"Expected padding_side to be one of left or right, but got {padding_side}.")
    if isinstance(sequences, Tensor):
        sequences = list(sequences.unbind(0))
    sequences = list(sequences)
    if not sequences:
        raise RuntimeError("received an empty list of sequences")
    T = max(s.shape[0] for s in sequences)
    rows = []
    for s in sequences:
        fill = full((T - s.shape[0],) + tuple(s.shape[1:]), padding_value, dtype=s.dtype, device=s.device)
        rows.append(cat([s, fill] if padding_side == "right" else [fill, s]))
    return stack(rows, 0 if batch_first else 1)


def pack_sequence(sequences, enforce_sorted=True):
    """Pack a list of tensors ``(L_i, *)`` (decreasing L_i with ``enforce_sorted``)."""
    lengths = [s.shape[0] for s in sequences]
    return pack_padded_sequence(pad_sequence(sequences), lengths, enforce_sorted=enforce_sorted)


def unpad_sequence(padded_sequences, lengths, batch_first=False):
    """The list of sequences ``padded[:L_i, i]`` (the inverse of ``pad_sequence``)."""
    if not batch_first:
        padded_sequences = padded_sequences.transpose(0, 1)
    return [padded_sequences[i, :int(n)] for i, n in enumerate(_lengths(lengths))]


def unpack_sequence(packed_sequences):
    """The list of sequences of a ``PackedSequence`` (the inverse of ``pack_sequence``)."""
    padded, lengths = pad_packed_sequence(packed_sequences, batch_first=True)
    return unpad_sequence(padded, lengths, batch_first=True)
