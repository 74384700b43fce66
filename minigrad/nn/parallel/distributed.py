"""``DistributedDataParallel``: one replica of a module per process, gradients averaged over the processes.

At construction rank 0's parameters and buffers are broadcast, so every replica starts equal. The
parameters that require gradients are cut, in reverse registration order (roughly the order backward
produces their gradients), into buckets of at most ``bucket_cap_mb`` MiB of one dtype, each with a flat
buffer. Each parameter gets a post-accumulate-grad hook: when its gradient is ready it is copied into
its bucket's buffer, and a bucket whose gradients are all in starts its in-place non-blocking
``MPI_Iallreduce`` (SUM). Buckets are started in bucket order, so every rank issues the same sequence
of collectives. An end-of-backward callback waits for the buckets and writes ``sum / world_size`` back
into each ``.grad`` (or, with ``gradient_as_bucket_view``, makes each ``.grad`` a view of its bucket, so
the next backward accumulates straight into it).

minigrad's engine delivers a leaf's gradient (and runs its post-accumulate hooks) as soon as every
edge into it has brought its part, so a bucket's reduction overlaps the rest of the backward sweep.
"""
from contextlib import contextmanager

import numpy as np

from ...autograd import hooks as _hooks
from ...autograd.grad_mode import is_grad_enabled
from ...distributed import collectives as _c
from ...distributed.process_group import _mpi, default_group, wait
from ...tensor import Tensor
from ..modules.module import Module

_DEFAULT_BUCKET_CAP_MB = 25  # torch's default


class _Bucket:
    """Parameters whose gradients travel together: ``views[i]`` is ``params[i]``'s slice of ``buffer``."""

    def __init__(self, params):
        self.params = params
        self.buffer = np.empty(sum(p.numel() for p in params), dtype=params[0]._data.dtype)
        ends = np.cumsum([p.numel() for p in params])
        self.views = [self.buffer[end - p.numel():end].reshape(p._data.shape) for p, end in zip(params, ends)]
        self.ready = 0
        self.request = None


def _buckets(params, cap_bytes):
    """Buckets of ``params`` (already in reverse order), each one dtype and at most ``cap_bytes`` (a
    parameter larger than that gets a bucket of its own)."""
    out, current, size = [], [], 0
    for p in params:
        nbytes = p.numel() * p._data.dtype.itemsize
        if current and (size + nbytes > cap_bytes or p._data.dtype != current[0]._data.dtype):
            out.append(current)
            current, size = [], 0
        current.append(p)
        size += nbytes
    if current:
        out.append(current)
    return [_Bucket(b) for b in out]


def _broadcast_coalesced(group, tensors, src=0):
    """Rank ``src``'s values of ``tensors`` on every rank: one broadcast per dtype of a flat copy."""
    by_dtype = {}
    for t in tensors:
        by_dtype.setdefault(t._data.dtype, []).append(t)
    for ts in by_dtype.values():
        flat = np.concatenate([_c._load(t, group).ravel() for t in ts]) if ts else None
        wait(group.comm.Ibcast(flat, src), "broadcast of the module's parameters/buffers", group)
        start = 0
        for t in ts:
            _c._store(t, flat[start:start + t.numel()])
            start += t.numel()


class DistributedDataParallel(Module):
    """Data parallelism over processes: every rank runs ``module`` on its own part of the batch, and
    backward leaves on every rank the gradient averaged over the ranks,
    ``p.grad = (1 / world_size) * sum_r p.grad_r``, so equal optimizer steps keep the replicas
    equal.

    Args:
        module: the module to replicate (its parameters and buffers are overwritten by rank 0's).
        device_ids, output_device: None (or empty) for a CPU module; for a CUDA module at most one
            device, the module's.
        broadcast_buffers: broadcast rank 0's buffers (e.g. BatchNorm's running statistics) at each
            forward.
        process_group: the group to average over (default: the world).
        bucket_cap_mb: the largest bucket, in MiB (default 25).
        find_unused_parameters: allow parameters that get no gradient in a backward; they count as
            zero on this rank, and a parameter unused on every rank keeps its ``.grad``.
        gradient_as_bucket_view: each ``.grad`` becomes a view of its bucket after the first
            reduction (no copy back; CPU modules).
        static_graph: accepted; the reduction does not depend on it.

    Inside ``with ddp.no_sync():`` forward/backward passes only accumulate local gradients; the
    first backward after it reduces the accumulated ones. ``state_dict()`` keys start with
    ``module.``.
    """

    def __init__(self, module, device_ids=None, output_device=None, dim=0, broadcast_buffers=True,
                 process_group=None, bucket_cap_mb=None, find_unused_parameters=False, check_reduction=False,
                 gradient_as_bucket_view=False, static_graph=False, delay_all_reduce_named_params=None,
                 param_to_hook_all_reduce=None, mixed_precision=None, device_mesh=None):
        super().__init__()
        for name, value in (("delay_all_reduce_named_params", delay_all_reduce_named_params),
                            ("param_to_hook_all_reduce", param_to_hook_all_reduce),
                            ("mixed_precision", mixed_precision), ("device_mesh", device_mesh)):
            if value is not None:
                raise NotImplementedError(f"DistributedDataParallel: {name} is not supported by minigrad")
        group = default_group(process_group)
        params = [p for p in module.parameters() if p.requires_grad]
        if not params:
            raise RuntimeError("DistributedDataParallel is not needed when a module doesn't have any parameter "
                               "that requires a gradient.")
        devices = {p.device for p in module.parameters()}
        if len(devices) > 1:
            raise ValueError(f"DistributedDataParallel's module must have its parameters on one device, got {devices}")
        if device_ids and (next(iter(devices)).type == "cpu" or len(device_ids) > 1):
            raise ValueError(
                "DistributedDataParallel device_ids and output_device arguments only work with single-device GPU "
                f"modules or CPU modules, but got device_ids {device_ids}, output_device {output_device}, and "
                f"module parameters {devices}.")
        if bucket_cap_mb is not None and not bucket_cap_mb > 0:
            raise ValueError(f"bucket_cap_mb must be positive, got {bucket_cap_mb}")
        self.module = module
        self.process_group = group
        self.device_ids, self.output_device, self.dim = device_ids, output_device, dim
        self.broadcast_buffers = broadcast_buffers
        self.find_unused_parameters = find_unused_parameters
        self.gradient_as_bucket_view = gradient_as_bucket_view
        self.static_graph = static_graph
        self.bucket_bytes_cap = int((_DEFAULT_BUCKET_CAP_MB if bucket_cap_mb is None else bucket_cap_mb) * 2 ** 20)
        self.require_backward_grad_sync = True
        self.require_forward_param_sync = True
        self._sync = False  # whether the backward of the last forward reduces
        self._reducing = False  # a backward's reduction is under way (its callback queued)
        self._unfinished = False  # the last backward left parameters without gradients
        self._check_shapes(params)
        _broadcast_coalesced(group, list(module.parameters()) + list(module.buffers()))
        self._buckets = _buckets(params[::-1], self.bucket_bytes_cap)
        self._where = {}  # id(param) -> (bucket, index in it)
        for b in self._buckets:
            for i, p in enumerate(b.params):
                self._where[id(p)] = (b, i)
                p.register_post_accumulate_grad_hook(self._grad_ready)
        self._arrived = set()  # ids of the parameters whose gradients came in this backward
        self._next = 0  # the first bucket not started yet

    def _check_shapes(self, params):
        """Every rank's module must have the same parameters (else the reductions would mix them)."""
        mine = [(tuple(p.shape), str(p.dtype)) for p in params]
        everyone = [None] * self.process_group.size()
        _c.all_gather_object(everyone, mine, self.process_group)
        for rank, theirs in enumerate(everyone):
            if theirs != mine:
                raise RuntimeError(f"DDP expects the same parameters on every rank, but rank {rank}'s "
                                   f"(shape, dtype) list differs from rank {self.process_group.rank()}'s")

    # ---- forward --------------------------------------------------------------------------------
    def forward(self, *inputs, **kwargs):
        if self._unfinished:
            raise RuntimeError(
                "Expected to have finished reduction in the prior iteration before starting a new one. This error "
                "indicates that your module has parameters that were not used in producing loss. You can enable "
                "unused parameter detection by passing the keyword argument `find_unused_parameters=True` to "
                "`torch.nn.parallel.DistributedDataParallel`, and by making sure all `forward` function outputs "
                "participate in calculating loss.")
        if self._reducing:  # the last backward stopped early (an exception): finish what it started
            self._settle_started()
            self._reset()
        self._sync = is_grad_enabled() and self.require_backward_grad_sync
        if self.broadcast_buffers and self.require_forward_param_sync and self.process_group.size() > 1:
            buffers = list(self.module.buffers())
            if buffers:
                _broadcast_coalesced(self.process_group, buffers)
        return self.module(*inputs, **kwargs)

    @contextmanager
    def no_sync(self):
        """Backward passes of forwards run inside only accumulate the local gradients."""
        old = self.require_backward_grad_sync
        self.require_backward_grad_sync = False
        try:
            yield
        finally:
            self.require_backward_grad_sync = old

    # ---- backward -------------------------------------------------------------------------------
    def _grad_ready(self, p):
        """Post-accumulate hook: ``p.grad`` is final for this backward."""
        if not self._sync:
            return
        if not self._reducing:
            self._reducing = True
            _hooks.queue_callback(self._finish_reduction)
        bucket, i = self._where[id(p)]
        view = bucket.views[i]
        g = p._grad._data
        if not (p._device.type == "cpu" and np.may_share_memory(g, view)):
            view[...] = g if p._device.type == "cpu" else p._grad._host()
        self._arrived.add(id(p))
        bucket.ready += 1
        self._start_ready_buckets()

    def _start_ready_buckets(self, all_remaining=False):
        """Start, in bucket order, every bucket whose gradients are all in (every bucket left, with
        ``all_remaining``)."""
        MPI = _mpi()
        while self._next < len(self._buckets):
            b = self._buckets[self._next]
            if not all_remaining and b.ready < len(b.params):
                break
            b.request = self.process_group.comm.Iallreduce(MPI.IN_PLACE, b.buffer, MPI.SUM)
            self._next += 1

    def _finish_reduction(self):
        """End-of-backward callback: the unused parameters settled, every bucket awaited and averaged."""
        group, n = self.process_group, self.process_group.size()
        try:
            missing = [p for b in self._buckets for p in b.params if id(p) not in self._arrived]
            globally_used = None
            if missing:
                if not self.find_unused_parameters:
                    self._unfinished = True
                    self._settle_started()
                    return
                for p in missing:
                    b, i = self._where[id(p)]
                    b.views[i][...] = 0
                self._start_ready_buckets(all_remaining=True)  # before the map: every rank in one order
                used = np.array([id(p) in self._arrived for b in self._buckets for p in b.params], dtype=np.uint8)
                request = group.comm.Iallreduce(_mpi().IN_PLACE, used, _mpi().MAX)
                wait(request, "DistributedDataParallel's unused-parameter all_reduce", group)
                globally_used = iter(used)
            for b in self._buckets:
                wait(b.request, "DistributedDataParallel's gradient all_reduce", group)
                b.buffer /= n
                for p, view in zip(b.params, b.views):
                    if globally_used is not None and not next(globally_used):
                        continue
                    self._write_grad(p, view)
        finally:
            self._reset()

    def _settle_started(self):
        """Wait for the buckets already started (every rank started them), leaving ``.grad`` alone."""
        for b in self._buckets[:self._next]:
            wait(b.request, "DistributedDataParallel's gradient all_reduce", self.process_group)

    def _reset(self):
        self._reducing = False
        self._arrived = set()
        self._next = 0
        for b in self._buckets:
            b.ready, b.request = 0, None

    def _write_grad(self, p, view):
        g = p._grad
        if p._device.type == "cpu" and self.gradient_as_bucket_view:
            if g is None or not np.may_share_memory(g._data, view):
                p._grad = Tensor._make(view, p._device)
        elif g is None:
            p._grad = Tensor._make(view.copy() if p._device.type == "cpu" else p._backend().from_host(view),
                                   p._device)
        else:
            _c._store(g, view)
