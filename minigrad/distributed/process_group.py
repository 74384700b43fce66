"""The process group: who the processes are (from MPI), how long a wait may last, and what ends the job.

MPI starts the processes (``mpiexec``, ``srun``, ``minigrad run -n``) and says each one's rank and the
world size; ``init_process_group`` only joins. mpi4py is imported on the first ``init_process_group``,
never by ``import minigrad``.

Faults end the whole job instead of leaving ranks waiting forever:

* an uncaught exception on a rank prints its traceback and calls ``MPI_Abort`` (the process
  manager then kills every rank);
* every wait on a collective is watched by one daemon thread: a wait that outlives the group's
  ``timeout`` prints the rank and the collective and aborts the job;
* a rank killed by a signal is seen by the process manager, which ends the others.
"""
import datetime
import os
import sys
import threading
import time
import traceback
from enum import IntEnum

DEFAULT_TIMEOUT = datetime.timedelta(minutes=30)  # torch's default for gloo


class RedOpType(IntEnum):
    SUM = 0
    AVG = 1
    PRODUCT = 2
    MIN = 3
    MAX = 4
    BAND = 5
    BOR = 6
    BXOR = 7


class ReduceOp:
    """``dist.ReduceOp.SUM`` and the others, as torch names them."""
    RedOpType = RedOpType
    SUM, AVG, PRODUCT, MIN, MAX = RedOpType.SUM, RedOpType.AVG, RedOpType.PRODUCT, RedOpType.MIN, RedOpType.MAX
    BAND, BOR, BXOR = RedOpType.BAND, RedOpType.BOR, RedOpType.BXOR


class Backend(str):
    """A backend name: ``'gloo'`` and ``'mpi'`` reduce host memory over MPI; ``'nccl'`` takes CUDA tensors
    (through host memory here, see ``collectives``)."""
    GLOO, MPI, NCCL = "gloo", "mpi", "nccl"

    def __new__(cls, name):
        if not isinstance(name, str):
            raise ValueError(f"Backend constructor parameter must be string-ish, but got: {type(name)}")
        value = name.lower()
        if ":" in value:  # torch's "cpu:gloo,cuda:nccl": the CUDA entry decides
            pairs = dict(part.split(":", 1) for part in value.split(","))
            value = pairs.get("cuda", pairs.get("cpu", ""))
        if value not in (cls.GLOO, cls.MPI, cls.NCCL):
            raise ValueError(f"Invalid backend: '{name}'")
        return super().__new__(cls, value)


class ProcessGroup:
    """A set of ranks and the MPI communicator joining them (``comm`` is None on a rank outside it).
    ``ranks`` are the world ranks of its members, in group-rank order."""

    def __init__(self, comm, ranks, backend, timeout):
        self.comm, self.ranks, self.backend, self.timeout = comm, list(ranks), backend, timeout

    def rank(self):
        return self.comm.Get_rank() if self.comm is not None else -1

    def size(self):
        return len(self.ranks)

    def group_rank(self, global_rank, what):
        """The member index of world rank ``global_rank`` (the argument ``what`` in messages)."""
        if not isinstance(global_rank, int) or isinstance(global_rank, bool):
            raise TypeError(f"{what} must be an int rank, got {type(global_rank).__name__}")
        try:
            return self.ranks.index(global_rank)
        except ValueError:
            raise ValueError(f"{what}={global_rank} is not a rank of this group (ranks {self.ranks})") from None

    def __repr__(self):
        return f"ProcessGroup(backend={self.backend!r}, ranks={self.ranks})"


class _World:
    """The default group and what belongs to it; ``group.WORLD`` reads it."""
    pg = None
    groups = []  # every new_group's communicator, freed by destroy_process_group


class group:  # noqa: N801 - torch's name
    """``dist.group.WORLD``: the default process group (None before ``init_process_group``)."""

    class _WorldDescriptor:
        def __get__(self, obj, owner):
            return _World.pg

    WORLD = _WorldDescriptor()


GroupMember = group


def _mpi():
    from mpi4py import MPI
    return MPI


def is_initialized():
    return _World.pg is not None


def _timeout_seconds(timeout):
    if timeout is None:
        timeout = DEFAULT_TIMEOUT
    if not isinstance(timeout, datetime.timedelta):
        raise TypeError(f"Expected timeout argument to be of type datetime.timedelta, got {type(timeout).__name__}")
    return timeout.total_seconds()


def init_process_group(backend=None, init_method=None, timeout=None, world_size=-1, rank=-1, store=None,
                       group_name="", pg_options=None, device_id=None):
    """Join the job MPI started. ``init_method`` and ``store`` are accepted and unused (MPI did the
    rendezvous); ``world_size``/``rank`` (or the ``WORLD_SIZE``/``RANK`` variables torchrun sets) must agree
    with MPI's."""
    if _World.pg is not None:
        raise ValueError("trying to initialize the default process group twice!")
    name = Backend(backend if backend is not None else Backend.GLOO)
    seconds = _timeout_seconds(timeout)
    if store is not None and (world_size == -1 or rank == -1):
        raise ValueError("world_size and rank must be specified if store is given")
    if not is_available():
        raise RuntimeError("minigrad.distributed needs mpi4py and an MPI library: pip install 'minigrad[dist]'")
    MPI = _mpi()
    comm = MPI.COMM_WORLD
    size, me = comm.Get_size(), comm.Get_rank()
    for what, given, env, actual in (("world_size", world_size, "WORLD_SIZE", size), ("rank", rank, "RANK", me)):
        if given is None or given == -1:
            given, what = os.environ.get(env), f"the {env} environment variable"
            if given is None:
                continue
        if int(given) != actual:
            raise ValueError(
                f"init_process_group: {what} is {given} but MPI started this process as rank {me} of {size}; "
                f"start the processes with MPI (`minigrad run -n N script.py`, `mpiexec -n N python ...` or "
                f"srun) so that the two agree")
    _World.pg = ProcessGroup(comm, range(size), name, seconds)
    if size > 1:
        _install_excepthook()
    _Watchdog.start()


def destroy_process_group(group=None):
    """Forget the default group (``group=None``) and every group made from it, or just ``group``."""
    if group is None or group is _World.pg:
        for g in _World.groups:
            if g.comm is not None:
                g.comm.Free()
        _World.groups = []
        _World.pg = None
    elif group.comm is not None:
        group.comm.Free()
        group.comm = None


def default_group(group=None):
    """``group`` or the default group; torch's ValueError before ``init_process_group``."""
    if group is None:
        if _World.pg is None:
            raise ValueError("Default process group has not been initialized, please make sure to call "
                             "init_process_group.")
        return _World.pg
    if not isinstance(group, ProcessGroup):
        raise TypeError(f"group must be a ProcessGroup, got {type(group).__name__}")
    return group


def get_rank(group=None):
    return default_group(group).rank()


def get_world_size(group=None):
    g = default_group(group)
    return g.size() if g.comm is not None else -1


def get_backend(group=None):
    return default_group(group).backend


def new_group(ranks=None, timeout=None, backend=None, pg_options=None, use_local_synchronization=False,
              group_desc=None, device_id=None):
    """A group of the world ranks ``ranks`` (all when None), numbered in sorted order. Every rank of
    the world must call it, members or not (a non-member gets a group it cannot use)."""
    world = default_group()
    size = world.size()
    ranks = sorted(range(size) if ranks is None else ranks)
    for r in ranks:
        if not 0 <= r < size:
            raise ValueError(f"new_group: rank {r} is out of range for a world of {size} processes")
    if len(set(ranks)) != len(ranks):
        raise ValueError(f"new_group: ranks contains duplicates: {ranks}")
    mpi_group = world.comm.Get_group().Incl(ranks)
    comm = world.comm.Create(mpi_group)
    mpi_group.Free()
    pg = ProcessGroup(None if comm == _mpi().COMM_NULL else comm, ranks,
                      Backend(backend) if backend is not None else world.backend,
                      world.timeout if timeout is None else _timeout_seconds(timeout))
    _World.groups.append(pg)
    return pg


def abort(message):
    """Print ``message`` and end every rank of the job."""
    world = _mpi().COMM_WORLD
    sys.stderr.write(f"[minigrad.distributed rank {world.Get_rank()}] {message}; aborting the job\n")
    sys.stderr.flush()
    sys.stdout.flush()
    world.Abort(1)


def _install_excepthook():
    """An uncaught exception on one rank ends the job (``MPI_Abort``) instead of leaving the others
    waiting in their next collective."""
    previous = sys.excepthook
    if getattr(previous, "_minigrad_abort", False):
        return

    def excepthook(kind, value, tb):
        previous(kind, value, tb)
        abort(f"uncaught {kind.__name__}")

    def thread_excepthook(args):
        traceback.print_exception(args.exc_type, args.exc_value, args.exc_traceback)
        abort(f"uncaught {args.exc_type.__name__} in thread {args.thread.name if args.thread else '?'}")

    excepthook._minigrad_abort = True
    sys.excepthook = excepthook
    threading.excepthook = thread_excepthook


class _Watchdog:
    """One daemon thread that aborts the job when a wait outlives its group's timeout. A wait
    registers itself in ``waits`` (token -> (deadline, what, timeout)) and removes itself when done;
    the thread looks at the earliest deadline a few times a second."""
    waits = {}
    thread = None
    PERIOD = 0.2

    @classmethod
    def start(cls):
        if cls.thread is None:
            cls.thread = threading.Thread(target=cls._loop, name="minigrad-dist-watchdog", daemon=True)
            cls.thread.start()

    @classmethod
    def _loop(cls):
        while True:
            time.sleep(cls.PERIOD)
            now = time.monotonic()
            for deadline, what, seconds in list(cls.waits.values()):
                if now > deadline:
                    abort(f"{what} did not complete within the process group's timeout of {seconds:g} s")


def wait(request, what, group):
    """``request.Wait()`` (MPI's own blocking wait, the GIL released) under the watchdog."""
    token = object()
    _Watchdog.waits[token] = (time.monotonic() + group.timeout, what, group.timeout)
    try:
        request.Wait()
    finally:
        del _Watchdog.waits[token]


def is_available():
    """Whether mpi4py can be imported (checked without importing it, so without starting MPI)."""
    import importlib.util
    return importlib.util.find_spec("mpi4py") is not None
