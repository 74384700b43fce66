"""Starting ranks: ``minigrad run -n N script.py`` and ``minigrad torchrun --nproc-per-node N script.py``.

Both replace themselves with ``mpiexec -n N python -m minigrad run script.py ...`` (the mpiexec beside
the interpreter, i.e. the MPICH wheel's in a venv, else the first on PATH). Each rank then exports
torchrun's variables from what the MPI process manager set (``rank_environment``), so a script reading
``RANK``/``LOCAL_RANK`` runs unchanged; under ``srun`` or a hostfile ``mpiexec``, the same happens
without the launcher. The CPU threads are split between the ranks on this machine unless the thread
variables are already set.
"""
import os
import shutil
import sys

MASTER_ADDR, MASTER_PORT = "127.0.0.1", "29500"
_THREAD_VARIABLES = ("NUMBA_NUM_THREADS", "OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")

# (rank, world size, local rank, local world size) as MPICH/Intel MPI's hydra, Open MPI and Slurm name them
_PROCESS_MANAGERS = (
    ("PMI_RANK", "PMI_SIZE", "MPI_LOCALRANKID", "MPI_LOCALNRANKS"),
    ("OMPI_COMM_WORLD_RANK", "OMPI_COMM_WORLD_SIZE", "OMPI_COMM_WORLD_LOCAL_RANK", "OMPI_COMM_WORLD_LOCAL_SIZE"),
    ("SLURM_PROCID", "SLURM_NTASKS", "SLURM_LOCALID", "SLURM_NTASKS_PER_NODE"),
)


def mpiexec():
    """The path of the ``mpiexec`` to start ranks with (RuntimeError when there is none)."""
    beside = os.path.join(os.path.dirname(sys.executable), "mpiexec")
    path = beside if os.access(beside, os.X_OK) else shutil.which("mpiexec")
    if path is None:
        raise RuntimeError("no mpiexec found beside the Python interpreter or on PATH: install minigrad's "
                           "'dist' extra (pip install 'minigrad[dist]') or an MPI library")
    return path


def mpi_rank():
    """``(rank, world_size, local_rank, local_world_size)`` from the process manager's variables, or
    None when this process was not started by one."""
    for names in _PROCESS_MANAGERS:
        values = [os.environ.get(n) for n in names]
        if values[0] is not None and values[1] is not None:
            rank, size = int(values[0]), int(values[1])
            local = int(values[2]) if values[2] is not None else rank
            local_size = values[3].split("(")[0].split(",")[0] if values[3] is not None else None
            return rank, size, local, int(local_size) if local_size else size
    return None


def rank_environment():
    """Set torchrun's RANK, WORLD_SIZE, LOCAL_RANK, LOCAL_WORLD_SIZE, MASTER_ADDR and MASTER_PORT for a
    rank started by MPI (nothing outside MPI; variables already set are kept)."""
    ranks = mpi_rank()
    if ranks is None:
        return
    for name, value in zip(("RANK", "WORLD_SIZE", "LOCAL_RANK", "LOCAL_WORLD_SIZE"), ranks):
        os.environ.setdefault(name, str(value))
    os.environ.setdefault("GROUP_RANK", "0")
    os.environ.setdefault("MASTER_ADDR", MASTER_ADDR)
    os.environ.setdefault("MASTER_PORT", MASTER_PORT)


def end_rank(status):
    """Exit with ``status`` (``sys.exit``'s argument); a rank of a several-process MPI job that fails
    aborts the job, so that no other rank waits for it (also when it failed before joining)."""
    if isinstance(status, str):
        sys.stderr.write(status + "\n")
        status = 1
    ranks = mpi_rank()
    if status and ranks is not None and ranks[1] > 1:
        sys.stdout.flush()
        sys.stderr.flush()
        from mpi4py import MPI
        MPI.COMM_WORLD.Abort(status if isinstance(status, int) else 1)
    sys.exit(status)


def launch_environment(nprocs, master_addr=None, master_port=None):
    """The environment for ``nprocs`` local ranks: the master address/port and each rank's share of
    the CPUs as its thread count."""
    env = dict(os.environ)
    env["MASTER_ADDR"] = master_addr or env.get("MASTER_ADDR", MASTER_ADDR)
    env["MASTER_PORT"] = str(master_port or env.get("MASTER_PORT", MASTER_PORT))
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    for name in _THREAD_VARIABLES:
        env.setdefault(name, str(max(1, cpus // nprocs)))
    return env


def exec_ranks(nprocs, argv, env):
    """Replace this process with ``mpiexec -n nprocs python <argv>`` (no process is left behind: a
    signal to this pid reaches mpiexec, which ends the ranks)."""
    if nprocs < 1:
        sys.exit(f"minigrad: the number of processes must be at least 1, got {nprocs}")
    exe = mpiexec()
    sys.stdout.flush()
    sys.stderr.flush()
    os.execve(exe, [exe, "-n", str(nprocs), sys.executable, *argv], env)


def run_ranks(nprocs, script, args, master_addr=None, master_port=None, extra_env=None):
    """``minigrad run -n N script args``: every rank runs the script under the torch alias."""
    env = launch_environment(nprocs, master_addr, master_port)
    env.update(extra_env or {})
    exec_ranks(nprocs, ["-m", "minigrad", "run", script, *args], env)


def add_torchrun_arguments(parser):
    """torchrun's single-node arguments (both ``--nproc-per-node`` and ``--nproc_per_node`` spellings)."""
    def both(name, **kw):
        parser.add_argument(f"--{name}", f"--{name.replace('-', '_')}", **kw)
    both("nproc-per-node", default="1", help="processes on this node: a number, 'cpu' or 'auto'")
    both("nnodes", default="1", help="only 1 (or 1:1): several machines are started by mpiexec/srun")
    both("node-rank", type=int, default=0)
    both("master-addr", default=MASTER_ADDR)
    both("master-port", type=int, default=int(MASTER_PORT))
    parser.add_argument("--standalone", action="store_true")
    both("rdzv-backend", default="static")
    both("rdzv-endpoint", default="")
    both("rdzv-id", default="none")
    both("max-restarts", type=int, default=0)
    both("monitor-interval", type=float, default=0.1)
    parser.add_argument("script", help="the Python file to run")
    parser.add_argument("args", nargs="...", help="arguments passed to the script")


def torchrun(opts):
    """Start the ranks as torchrun would on one node."""
    if opts.nnodes not in ("1", "1:1"):
        sys.exit("minigrad torchrun: only --nnodes 1; on several machines start the ranks with mpiexec "
                 "(a hostfile) or srun and `python -m minigrad run script.py`")
    if opts.max_restarts:
        sys.exit("minigrad torchrun: --max-restarts is not supported (an MPI job is not restarted)")
    n = opts.nproc_per_node
    if n in ("cpu", "auto"):
        n = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    try:
        n = int(n)
    except ValueError:
        sys.exit(f"minigrad torchrun: --nproc-per-node must be a number, 'cpu' or 'auto', got {n!r}")
    run_ranks(n, opts.script, opts.args, opts.master_addr, opts.master_port,
              {"TORCHELASTIC_RUN_ID": opts.rdzv_id, "GROUP_RANK": str(opts.node_rank)})
