"""``spawn(fn, args, nprocs)``: run ``fn(rank, *args)`` in ``nprocs`` processes started by MPI.

The parent writes what ``multiprocessing``'s spawn start method sends a child (the main script's path,
``sys.path``, ``sys.argv``, the working directory) and the pickled ``(fn, args)`` to a file, then runs
``mpiexec -n nprocs python -c <_child(FILE)>``. Each rank loads the main script
as ``__mp_main__`` (its ``if __name__ == "__main__":`` block does not run), unpickles ``fn`` and calls
it with its MPI rank. A rank whose ``fn`` raises writes its traceback for the parent and aborts the job.

Called in a process that is already one of ``nprocs`` MPI ranks (``minigrad run -n``, ``mpiexec``),
``spawn`` calls ``fn(rank, *args)`` right there instead.
"""
import glob
import multiprocessing.spawn as _mp_spawn
import os
import pickle
import subprocess
import sys
import tempfile
import traceback


class ProcessException(Exception):
    def __init__(self, msg, error_index=-1, error_pid=-1):
        super().__init__(msg)
        self.msg, self.error_index, self.pid = msg, error_index, error_pid


class ProcessRaisedException(ProcessException):
    """A rank's ``fn`` raised; the message holds its traceback."""


class ProcessExitedException(ProcessException):
    """The job ended with a non-zero status without a rank reporting an exception (e.g. a signal)."""

    def __init__(self, msg, error_index=-1, error_pid=-1, exit_code=None, signal_name=None):
        super().__init__(msg, error_index, error_pid)
        self.exit_code, self.signal_name = exit_code, signal_name


class ProcessContext:
    """The running job: ``join()`` waits for it, raising what a rank raised."""

    def __init__(self, popen, workdir, nprocs):
        self.popen, self.workdir, self.nprocs = popen, workdir, nprocs

    def pids(self):
        return [self.popen.pid]

    def join(self, timeout=None):
        """Wait (up to ``timeout`` seconds); True once the job has ended well, False if still running."""
        try:
            code = self.popen.wait(timeout)
        except subprocess.TimeoutExpired:
            return False
        try:
            errors = sorted(glob.glob(os.path.join(self.workdir, "error.*")))
            if errors:
                rank = int(errors[0].rsplit(".", 1)[1])
                with open(errors[0], encoding="utf-8") as f:
                    text = f.read()
                raise ProcessRaisedException(f"\n\n-- Process {rank} terminated with the following error:\n{text}",
                                             rank)
            if code != 0:
                signal_name = None
                if code < 0:
                    import signal
                    signal_name = signal.Signals(-code).name
                raise ProcessExitedException(
                    f"process group of {self.nprocs} terminated with exit code {code}", exit_code=code,
                    signal_name=signal_name)
        finally:
            for path in glob.glob(os.path.join(self.workdir, "*")):
                os.remove(path)
            os.rmdir(self.workdir)
        return True


def spawn(fn, args=(), nprocs=1, join=True, daemon=False, start_method="spawn"):
    """Run ``fn(i, *args)`` for ``i`` in ``range(nprocs)``, each in its own MPI rank; with ``join``
    wait for them all (raising ``ProcessRaisedException`` when one raised), else return a
    ``ProcessContext``."""
    from ..distributed.launch import launch_environment, mpi_rank, mpiexec
    ranks = mpi_rank()
    if ranks is not None:  # already a rank of an MPI job: run here
        rank, size = ranks[0], ranks[1]
        if size != nprocs:
            raise RuntimeError(f"spawn(nprocs={nprocs}) inside an MPI job of {size} processes: start the job with "
                               f"{nprocs} processes or call spawn outside MPI")
        fn(rank, *args)
        return None if join else _Done()
    workdir = tempfile.mkdtemp(prefix="minigrad-spawn-")
    job = os.path.join(workdir, "job.pkl")
    with open(job, "wb") as f:
        preparation = _mp_spawn.get_preparation_data("minigrad-spawn")
        preparation.pop("authkey", None)  # refuses pickling; the ranks talk over MPI, not multiprocessing
        pickle.dump((preparation, _torch_alias_installed()), f)
        pickle.dump((fn, args), f)
    env = launch_environment(nprocs)
    child = "import sys; from minigrad.multiprocessing.spawn import _child; _child(sys.argv[1])"
    popen = subprocess.Popen([mpiexec(), "-n", str(nprocs), sys.executable, "-c", child, job], env=env)
    context = ProcessContext(popen, workdir, nprocs)
    if not join:
        return context
    try:
        context.join()
    except BaseException:
        if popen.poll() is None:  # an interrupt while waiting: end the job too
            popen.terminate()
            popen.wait()
        raise
    return None


class _Done:
    """The ProcessContext of ranks that already ran in this process."""

    def join(self, timeout=None):
        return True

    def pids(self):
        return [os.getpid()]


def _torch_alias_installed():
    from .. import compat
    return compat._installed()


def _child(job):
    """One rank of a spawned job."""
    from mpi4py import MPI

    from ..distributed.launch import rank_environment
    rank_environment()
    rank = MPI.COMM_WORLD.Get_rank()
    try:
        with open(job, "rb") as f:
            preparation, alias = pickle.load(f)
            if alias:
                from ..compat import install_torch_alias
                install_torch_alias()
            _mp_spawn.prepare(preparation)
            fn, args = pickle.load(f)
        fn(rank, *args)
    except BaseException:  # noqa: BLE001 - reported to the parent, then the whole job ends
        text = traceback.format_exc()
        with open(os.path.join(os.path.dirname(job), f"error.{rank}"), "w", encoding="utf-8") as f:
            f.write(text)
        sys.stderr.write(text)
        sys.stderr.flush()
        MPI.COMM_WORLD.Abort(1)
