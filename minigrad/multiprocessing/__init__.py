"""``torch.multiprocessing``: the standard library's ``multiprocessing`` plus ``spawn``, whose processes
are MPI ranks (so ``minigrad.distributed`` works in them)."""
import multiprocessing as _mp

from .spawn import ProcessContext, ProcessException, ProcessExitedException, ProcessRaisedException, spawn

globals().update({name: getattr(_mp, name) for name in _mp.__all__})


def start_processes(fn, args=(), nprocs=1, join=True, daemon=False, start_method="spawn"):
    return spawn(fn, args, nprocs, join, daemon, start_method)
