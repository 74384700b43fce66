"""Collectives on tensors, each one MPI non-blocking call on the tensor's own memory.

A CPU tensor's numpy array goes to MPI through the buffer interface, in place when it is C-contiguous
(a copy written back otherwise); no tensor data is pickled. float16 travels as float32 and bool as
bytes (SUM/MAX/BOR are OR, PRODUCT/MIN/BAND are AND on 0/1). ``AVG`` is a SUM divided by the group
size after the reduction. A CUDA tensor travels through a host copy (NCCL is not wired in: the
``'nccl'`` backend warns once that it does this).

Every collective starts the MPI request and returns a ``Work``; with ``async_op=False`` it is waited
for at once. Ranks are world ranks, as in torch; a rank outside ``group`` returns None.
"""
import pickle
import warnings

import numpy as np

from ..tensor import Tensor
from .process_group import Backend, RedOpType, ReduceOp, _mpi, default_group, wait


class Work:
    """A started collective: ``wait()`` blocks until it is done (under the group's timeout) and puts
    the results in the output tensors; ``is_completed()`` asks without blocking."""

    def __init__(self, request, what, group, finish=None):
        self.request, self.what, self.group, self.finish = request, what, group, finish
        self.done = False
        self.source = None

    def _complete(self):
        self.done = True
        if self.finish is not None:
            self.finish()

    def wait(self, timeout=None):
        if not self.done:
            wait(self.request, self.what, self.group)
            self._complete()
        return True

    def is_completed(self):
        if not self.done and self.request.Test():
            self._complete()
        return self.done

    def is_success(self):
        return self.is_completed()


def _finish(work, async_op):
    if async_op:
        return work
    work.wait()
    return None


def _check_tensor(t, name):
    if not isinstance(t, Tensor):
        raise TypeError(f"Invalid function argument. Expected parameter `{name}` of type torch.Tensor but got "
                        f"{type(t)} instead.")


def _check_list(ts, name, n=None):
    if not isinstance(ts, (list, tuple)) or not all(isinstance(t, Tensor) for t in ts):
        raise TypeError(f"Invalid function argument. Expected parameter `{name}` of type List[torch.Tensor] but "
                        f"got {type(ts)} instead.")
    if n is not None and len(ts) != n:
        raise ValueError(f"{name} must hold one tensor per rank of the group ({n}), got {len(ts)}")


def _check_like(ts, ref, name):
    for t in ts:
        if t.shape != ref.shape or t.dtype != ref.dtype:
            raise ValueError(f"every tensor in {name} must have the shape and dtype of the input "
                             f"({tuple(ref.shape)}, {ref.dtype}), got {tuple(t.shape)}, {t.dtype}")


_warned_host_copy = []


def _load(t, group):
    """``t``'s data as a C-contiguous numpy array MPI can use: the tensor's own memory when it can be."""
    if t._device.type == "cuda":
        if group.backend == Backend.NCCL and not _warned_host_copy:
            _warned_host_copy.append(True)
            warnings.warn("minigrad.distributed: NCCL is not used; collectives on CUDA tensors copy them "
                          "through host memory and reduce there over MPI", stacklevel=4)
        a = t._host()
    else:
        if group.backend == Backend.NCCL:
            raise RuntimeError("No backend type associated with device type cpu")
        a = t._data
    if a.dtype == np.float16:
        return a.astype(np.float32)
    a = a if a.flags.c_contiguous else np.ascontiguousarray(a)
    return a.view(np.uint8) if a.dtype == np.bool_ else a


def _store(t, a):
    """Write the host array ``a`` (from ``_load`` or a received buffer) into ``t``."""
    data = t._data
    if t._device.type == "cuda":
        data.copy_to_device(np.ascontiguousarray(a.reshape(data.shape), dtype=data.dtype))
    elif not (a.size == data.size and np.may_share_memory(a, data)):
        data[...] = a.reshape(data.shape)
    t._version[0] += 1


_MPI_OPS = {RedOpType.SUM: "SUM", RedOpType.AVG: "SUM", RedOpType.PRODUCT: "PROD", RedOpType.MIN: "MIN",
            RedOpType.MAX: "MAX", RedOpType.BAND: "BAND", RedOpType.BOR: "BOR", RedOpType.BXOR: "BXOR"}
_BOOL_OPS = {RedOpType.SUM: "BOR", RedOpType.MAX: "BOR", RedOpType.BOR: "BOR", RedOpType.PRODUCT: "BAND",
             RedOpType.MIN: "BAND", RedOpType.BAND: "BAND", RedOpType.BXOR: "BXOR"}


def _mpi_op(op, t):
    """MPI's operation for ``op`` on ``t``'s dtype; errors before anything is sent."""
    try:
        op = RedOpType(op)
    except (ValueError, TypeError):
        raise ValueError(f"op must be a ReduceOp (SUM, AVG, PRODUCT, MIN, MAX, BAND, BOR, BXOR), got {op!r}") \
            from None
    kind = t._data.dtype.kind
    if kind == "b":
        if op not in _BOOL_OPS:
            raise RuntimeError(f"Cannot use ReduceOp.{op.name} with bool tensors")
        name = _BOOL_OPS[op]
    else:
        if op in (RedOpType.BAND, RedOpType.BOR, RedOpType.BXOR) and kind in "fc":
            raise RuntimeError(f"Cannot use ReduceOp.{op.name} with {t.dtype}")
        if op == RedOpType.AVG and kind not in "fc":
            raise RuntimeError(f"Cannot use ReduceOp.AVG with {t.dtype}: it needs a floating-point tensor")
        if kind == "c" and op in (RedOpType.MIN, RedOpType.MAX):
            raise RuntimeError(f"Cannot use ReduceOp.{op.name} with complex tensors")
        name = _MPI_OPS[op]
    return getattr(_mpi(), name), op == RedOpType.AVG


def _store_reduced(t, a, avg, g):
    """Write the reduction ``a`` into ``t``; AVG (sent as a SUM) is divided by the group size first."""
    if avg:
        a[...] /= g.size()
    _store(t, a)


def _member(group, **tensors):
    """``group`` (default: the world), or None on a rank that is not one of its members, after checking
    that the arguments ``tensors`` (by name) are tensors."""
    for name, t in tensors.items():
        _check_tensor(t, name)
    g = default_group(group)
    return g if g.comm is not None else None


def _root(g, src, group_src, name, default=None):
    """The group rank of world rank ``src`` (or ``group_src`` itself; ``default`` when both are None)."""
    if group_src is not None:
        return group_src
    return g.group_rank(default if src is None else src, name)


def _root_list(g, root, tensors, name, ref, role):
    """Whether this rank is the root: there ``tensors`` must hold one tensor like ``ref`` per rank,
    elsewhere none."""
    if g.rank() == root:
        _check_list(tensors, name, g.size())
        _check_like(tensors, ref, name)
        return True
    if tensors:
        raise ValueError(f"Argument ``{name}`` must NOT be specified on non-{role} ranks.")
    return False


def all_reduce(tensor, op=ReduceOp.SUM, group=None, async_op=False):
    """``tensor`` becomes, on every rank, the reduction ``op`` of every rank's ``tensor``."""
    g = _member(group, tensor=tensor)
    if g is None:
        return None
    mpi_op, avg = _mpi_op(op, tensor)
    a = _load(tensor, g)
    req = g.comm.Iallreduce(_mpi().IN_PLACE, a, mpi_op)
    return _finish(Work(req, "all_reduce", g, lambda: _store_reduced(tensor, a, avg, g)), async_op)


def broadcast(tensor, src=None, group=None, async_op=False, group_src=None):
    """Every rank's ``tensor`` becomes rank ``src``'s."""
    g = _member(group, tensor=tensor)
    if g is None:
        return None
    root = _root(g, src, group_src, "src")
    a = _load(tensor, g)
    req = g.comm.Ibcast(a, root)
    return _finish(Work(req, "broadcast", g, lambda: _store(tensor, a)), async_op)


def reduce(tensor, dst=None, op=ReduceOp.SUM, group=None, async_op=False, group_dst=None):
    """Rank ``dst``'s ``tensor`` becomes the reduction of every rank's; the others' are unchanged."""
    g = _member(group, tensor=tensor)
    if g is None:
        return None
    root = _root(g, dst, group_dst, "dst")
    mpi_op, avg = _mpi_op(op, tensor)
    a = _load(tensor, g)
    at_root = g.rank() == root
    req = g.comm.Ireduce(_mpi().IN_PLACE if at_root else a, a if at_root else None, mpi_op, root)

    def finish():
        if at_root:
            _store_reduced(tensor, a, avg, g)
    return _finish(Work(req, "reduce", g, finish), async_op)


def _like(a, n, shape):
    """A receive buffer for ``n`` arrays of ``shape`` with ``a``'s (wire) dtype."""
    return np.empty((n, *shape), dtype=a.dtype)


def all_gather(tensor_list, tensor, group=None, async_op=False):
    """``tensor_list[i]`` becomes rank ``i``'s ``tensor`` on every rank."""
    g = _member(group, tensor=tensor)
    if g is None:
        return None
    _check_list(tensor_list, "tensor_list", g.size())
    _check_like(tensor_list, tensor, "tensor_list")
    a = _load(tensor, g)
    out = _like(a, g.size(), a.shape)
    req = g.comm.Iallgather(a, out)

    def finish():
        for t, part in zip(tensor_list, out):
            _store(t, part)
    return _finish(Work(req, "all_gather", g, finish), async_op)


def _check_sizes(big, small, n, what):
    if big.dtype != small.dtype:
        raise TypeError(f"{what}: output and input must have the same dtype, got {big.dtype} and {small.dtype}")
    if big.numel() != n * small.numel():
        raise ValueError(f"{what}: the larger tensor must hold world_size ({n}) times the elements of the "
                         f"smaller, got {big.numel()} and {small.numel()}")


def all_gather_into_tensor(output_tensor, input_tensor, group=None, async_op=False):
    """``output_tensor`` (world_size × the input's elements, stacked or concatenated) gets every rank's
    ``input_tensor`` in rank order."""
    g = _member(group, output_tensor=output_tensor, input_tensor=input_tensor)
    if g is None:
        return None
    _check_sizes(output_tensor, input_tensor, g.size(), "all_gather_into_tensor")
    a, out = _load(input_tensor, g), _load(output_tensor, g)
    req = g.comm.Iallgather(a, out)
    return _finish(Work(req, "all_gather_into_tensor", g, lambda: _store(output_tensor, out)), async_op)


def reduce_scatter_tensor(output, input, op=ReduceOp.SUM, group=None, async_op=False):  # noqa: A002
    """``input`` (world_size × the output's elements) is reduced over the ranks; rank ``i`` gets the
    ``i``-th part in ``output``."""
    g = _member(group, output=output, input=input)
    if g is None:
        return None
    _check_sizes(input, output, g.size(), "reduce_scatter_tensor")
    mpi_op, avg = _mpi_op(op, input)
    a, out = _load(input, g), _load(output, g)
    req = g.comm.Ireduce_scatter_block(a, out, mpi_op)
    return _finish(Work(req, "reduce_scatter_tensor", g, lambda: _store_reduced(output, out, avg, g)), async_op)


def gather(tensor, gather_list=None, dst=None, group=None, async_op=False, group_dst=None):
    """Rank ``dst``'s ``gather_list[i]`` becomes rank ``i``'s ``tensor``."""
    g = _member(group, tensor=tensor)
    if g is None:
        return None
    root = _root(g, dst, group_dst, "dst", default=0)
    a = _load(tensor, g)
    at_root = _root_list(g, root, gather_list, "gather_list", tensor, "destination")
    out = _like(a, g.size(), a.shape) if at_root else None
    req = g.comm.Igather(a, out, root)

    def finish():
        if out is not None:
            for t, part in zip(gather_list, out):
                _store(t, part)
    return _finish(Work(req, "gather", g, finish), async_op)


def scatter(tensor, scatter_list=None, src=None, group=None, async_op=False, group_src=None):
    """Rank ``i``'s ``tensor`` becomes rank ``src``'s ``scatter_list[i]``."""
    g = _member(group, tensor=tensor)
    if g is None:
        return None
    root = _root(g, src, group_src, "src", default=0)
    a = _load(tensor, g)
    send = None
    if _root_list(g, root, scatter_list, "scatter_list", tensor, "source"):
        send = np.stack([t._host() for t in scatter_list]).astype(a.dtype, copy=False)
        send = send.reshape(g.size(), *a.shape)
    req = g.comm.Iscatter(send, a, root)
    return _finish(Work(req, "scatter", g, lambda: _store(tensor, a)), async_op)


def isend(tensor, dst=None, group=None, tag=0, group_dst=None):
    """Start sending ``tensor`` to rank ``dst``; returns a Work."""
    g = _member(group, tensor=tensor)
    if g is None:
        return None
    peer = _root(g, dst, group_dst, "dst")
    if peer == g.rank():
        raise ValueError("Invalid destination rank: should not be the same as the rank of the current process.")
    a = _load(tensor, g)
    return Work(g.comm.Isend(a, peer, tag), "send", g)


def irecv(tensor, src=None, group=None, tag=0, group_src=None):
    """Start receiving into ``tensor`` from rank ``src`` (any rank when None); returns a Work."""
    g = _member(group, tensor=tensor)
    if g is None:
        return None
    MPI = _mpi()
    peer = MPI.ANY_SOURCE if src is None and group_src is None else _root(g, src, group_src, "src")
    a = _load(tensor, g)
    status = MPI.Status()
    req = g.comm.Irecv(a, peer, tag)
    work = Work(req, "recv", g)

    def finish():
        _store(tensor, a)
        work.source = g.ranks[peer] if peer != MPI.ANY_SOURCE else g.ranks[status.Get_source()]
    work.finish = finish
    work.request = _StatusRequest(req, status)
    return work


class _StatusRequest:
    """A receive request whose Wait/Test fill ``status`` (the sender of an any-source receive)."""

    def __init__(self, request, status):
        self.request, self.status = request, status

    def Wait(self):  # noqa: N802 - MPI's name, called by process_group.wait
        self.request.Wait(self.status)

    def Test(self):  # noqa: N802
        return self.request.Test(self.status)


def send(tensor, dst=None, group=None, tag=0, group_dst=None):
    """Send ``tensor`` to rank ``dst`` and wait until it has left."""
    work = isend(tensor, dst, group, tag, group_dst)
    if work is not None:
        work.wait()


def recv(tensor, src=None, group=None, tag=0, group_src=None):
    """Receive into ``tensor`` from rank ``src`` (any rank when None); returns the sender's rank."""
    work = irecv(tensor, src, group, tag, group_src)
    if work is None:
        return -1
    work.wait()
    return work.source


def barrier(group=None, async_op=False, device_ids=None):
    """Return when every rank of ``group`` has called it."""
    g = _member(group)
    if g is None:
        return None
    return _finish(Work(g.comm.Ibarrier(), "barrier", g), async_op)


def _exchange_bytes(g, payload, what):
    """Every rank's ``payload`` (bytes), as a list in rank order: the lengths, then the bytes."""
    mine = np.array([len(payload)], dtype=np.int64)
    lengths = np.empty(g.size(), dtype=np.int64)
    wait(g.comm.Iallgather(mine, lengths), what, g)
    data = np.empty(int(lengths.sum()), dtype=np.uint8)
    wait(g.comm.Iallgatherv(np.frombuffer(payload, dtype=np.uint8), [data, lengths]), what, g)
    ends = np.cumsum(lengths)
    return [data[end - n:end].tobytes() for n, end in zip(lengths, ends)]


def all_gather_object(object_list, obj, group=None):
    """``object_list[i]`` becomes rank ``i``'s ``obj`` (pickled) on every rank."""
    g = _member(group)
    if g is None:
        return None
    if len(object_list) != g.size():
        raise ValueError(f"object_list must have one entry per rank of the group ({g.size()}), "
                         f"got {len(object_list)}")
    for i, raw in enumerate(_exchange_bytes(g, pickle.dumps(obj), "all_gather_object")):
        object_list[i] = pickle.loads(raw)


def broadcast_object_list(object_list, src=None, group=None, device=None, group_src=None):
    """Every rank's ``object_list`` entries become rank ``src``'s (pickled); the lists have equal lengths."""
    g = _member(group)
    if g is None:
        return None
    root = _root(g, src, group_src, "src", default=0)
    payload = pickle.dumps(list(object_list)) if g.rank() == root else b""
    length = np.array([len(payload)], dtype=np.int64)
    wait(g.comm.Ibcast(length, root), "broadcast_object_list", g)
    data = np.frombuffer(payload, dtype=np.uint8).copy() if g.rank() == root else np.empty(length[0], np.uint8)
    wait(g.comm.Ibcast(data, root), "broadcast_object_list", g)
    if g.rank() != root:
        objects = pickle.loads(data.tobytes())
        if len(objects) != len(object_list):
            raise ValueError(f"object_list has {len(object_list)} entries here but {len(objects)} on rank {src}")
        object_list[:] = objects
