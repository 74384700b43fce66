"""What runs inside a DataLoader worker process: its seeds, ``get_worker_info``, the loop that turns
index lists into batches, and the wrapper that carries a worker's exception to the main process."""
import os
import pickle
import random
import sys
import traceback
from multiprocessing.reduction import ForkingPickler

import numpy as np

from . import shared_memory
from .fetch import create_fetcher

_worker_info = None


class WorkerInfo:
    """``id``, ``num_workers``, ``seed`` and ``dataset`` (this worker's copy) of the current worker."""

    __initialized = False

    def __init__(self, **kwargs):
        for k, v in kwargs.items():
            setattr(self, k, v)
        self.__keys = tuple(kwargs)
        self.__initialized = True

    def __setattr__(self, key, val):
        if self.__initialized:
            raise RuntimeError(f"Cannot assign attributes to {self.__class__.__name__} objects")
        return super().__setattr__(key, val)

    def __repr__(self):
        return f"{self.__class__.__name__}({', '.join(f'{k}={getattr(self, k)}' for k in self.__keys)})"


def get_worker_info():
    """The ``WorkerInfo`` of the worker process this runs in; None in the main process."""
    return _worker_info


def numpy_seed(base_seed, worker_id):
    """The seed a worker gives ``np.random.seed``: four words of numpy's ``SeedSequence`` over the
    entropy ``[worker_id, base_seed mod 2**32, base_seed >> 32, 0]`` (torch's derivation), so numpy
    streams differ between workers and from the ``random``/minigrad seed ``base_seed + worker_id``."""
    return np.random.SeedSequence([worker_id, base_seed & 0xFFFFFFFF, base_seed >> 32, 0]).generate_state(4)


class ExceptionWrapper:
    """An exception caught in a worker with its formatted traceback; ``reraise`` raises the same type
    in the main process, the traceback in its message."""

    def __init__(self, exc_info=None, where="in background"):
        exc_info = exc_info or sys.exc_info()
        self.exc_type = exc_info[0]
        self.exc_msg = "".join(traceback.format_exception(*exc_info))
        self.where = where

    def reraise(self):
        msg = f"Caught {self.exc_type.__name__} {self.where}.\nOriginal {self.exc_msg}"
        if self.exc_type is KeyError:  # KeyError repr()s its argument: keep the traceback readable
            msg = _KeyErrorMessage(msg)
        try:
            exception = self.exc_type(msg)
        except Exception:
            raise RuntimeError(msg) from None
        raise exception


class _KeyErrorMessage(str):
    def __repr__(self):
        return self


class _IterableDatasetStopIteration:
    """A worker's iterable dataset is exhausted."""

    def __init__(self, worker_id):
        self.worker_id = worker_id


class _ResumeIteration:
    """Start a new epoch (persistent workers): rebuild the fetcher and acknowledge."""


def _seed(base_seed, worker_id):
    from .... import manual_seed
    seed = base_seed + worker_id
    random.seed(seed)
    manual_seed(seed)
    np.random.seed(numpy_seed(base_seed, worker_id))
    return seed


def _one_thread():
    """Kernels in a worker run on one thread (workers are the parallelism), as torch's do."""
    os.environ["NUMBA_NUM_THREADS"] = "1"
    parallel = sys.modules.get("minigrad.kernels.cpu._parallel")
    if parallel is not None:
        parallel.set_num_threads(1)


def worker_loop(iterable, dataset, index_conn, result_conn, auto_collation, collate_fn, drop_last, base_seed,
                init_fn, worker_id, num_workers, shm_prefix, check_interval, main_pid):
    """Receive ``(task, index)`` on ``index_conn`` and send back the pickled ``(task, batch)`` (or an
    ``ExceptionWrapper``) on ``result_conn``, until ``None`` arrives, the main process is gone, or
    a KeyboardInterrupt (the main process gets its own).

    The main process is gone once this process's parent changes. A worker that fork or spawn started
    is the main process's child: the main process passes its pid as ``main_pid``, since a main process
    killed before the worker reads its parent would leave it watching the reaper that adopted it. A
    forkserver's worker (``main_pid`` None) watches the server that forked it."""
    global _worker_info
    parent = os.getppid() if main_pid is None else main_pid
    try:
        _one_thread()
        if shm_prefix is not None:
            shared_memory.enable(shm_prefix)
        seed = _seed(base_seed, worker_id)
        _worker_info = WorkerInfo(id=worker_id, num_workers=num_workers, seed=seed, dataset=dataset)
        where = f"in DataLoader worker process {worker_id}"
        init_error = fetcher = None
        try:
            if init_fn is not None:
                init_fn(worker_id)
            fetcher = create_fetcher(iterable, dataset, auto_collation, collate_fn, drop_last)
        except Exception:
            init_error = ExceptionWrapper(where=where)
        ended = False
        while os.getppid() == parent:
            if not index_conn.poll(check_interval):
                continue
            r = index_conn.recv()
            if r is None:
                break
            if isinstance(r, _ResumeIteration):
                ended = False
                fetcher = create_fetcher(iterable, dataset, auto_collation, collate_fn, drop_last)
                result_conn.send_bytes(pickle.dumps((r, None)))
                continue
            if ended:
                continue
            task, index = r
            if init_error is not None:
                data, init_error = init_error, None
            else:
                try:
                    data = fetcher.fetch(index)
                except StopIteration:
                    if not iterable:
                        data = ExceptionWrapper(where=where)
                    else:
                        data, ended = _IterableDatasetStopIteration(worker_id), True
                except Exception:
                    data = ExceptionWrapper(where=where)
            try:
                payload = ForkingPickler.dumps((task, data))
            except Exception:
                payload = ForkingPickler.dumps((task, ExceptionWrapper(where=where)))
            result_conn.send_bytes(payload)
            del data, payload, r, index
    except (KeyboardInterrupt, EOFError, BrokenPipeError):
        pass  # interrupted, or the main process closed its end: exit quietly
