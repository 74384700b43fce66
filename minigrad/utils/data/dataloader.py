"""``DataLoader``: batches from a dataset, in the main process or in worker processes.

With ``num_workers > 0`` each worker is a process of the standard library's multiprocessing (the
platform's default start method, fork on Linux, unless ``multiprocessing_context`` says otherwise)
running ``_utils.worker.worker_loop``. The main process sends ``(task, indices)`` down each worker's
index pipe, round robin, keeping at most ``prefetch_factor`` tasks per worker outstanding, and hands
out the results in task order (or as they arrive, ``in_order=False``). It waits on the result pipes
and the workers' process sentinels at once, so a worker that dies is noticed at once, not at a
polling interval. Large tensors come back through shared memory (``_utils.shared_memory``)."""
import atexit
import itertools
import math
import multiprocessing
import os
import pickle
import signal
import time
import warnings
import weakref
from multiprocessing.connection import wait

from . import _utils
from ._utils import shared_memory
from ._utils.collate import default_collate, default_convert
from ._utils.fetch import create_fetcher
from ._utils.worker import ExceptionWrapper, _IterableDatasetStopIteration, _ResumeIteration, worker_loop
from .dataset import IterableDataset
from .sampler import BatchSampler, RandomSampler, SequentialSampler

_iterator_ids = itertools.count()
_live = weakref.WeakSet()  # iterators whose workers may be running
_SHUTDOWN_GRACE = 1.0  # seconds a stopping worker gets to finish its task before it is terminated


class _InfiniteConstantSampler:
    """The sampler of an iterable dataset: ``None`` forever (the fetcher ignores the keys)."""

    def __iter__(self):
        while True:
            yield None


class DataLoader:
    """Iterate over ``dataset`` in batches. Arguments as torch's: ``batch_size`` (None: no batching,
    samples come out one by one through ``default_convert``), ``shuffle`` (a ``RandomSampler`` with
    ``generator``), ``sampler`` or ``batch_sampler`` (mutually exclusive with the options they
    replace), ``num_workers`` (worker processes; 0 loads in the main process), ``collate_fn``,
    ``pin_memory`` (accepted, no pinned memory; torch's warning without a GPU), ``drop_last``,
    ``timeout`` (seconds to wait for a worker's batch; 0 waits forever), ``worker_init_fn(worker_id)``,
    ``multiprocessing_context`` (a start method name or context), ``prefetch_factor`` (tasks in flight
    per worker, default 2), ``persistent_workers`` (keep the workers between epochs) and ``in_order``
    (False: batches from workers as they arrive)."""

    _FROZEN = ("batch_size", "batch_sampler", "sampler", "drop_last", "dataset", "persistent_workers")
    __initialized = False

    def __init__(self, dataset, batch_size=1, shuffle=None, sampler=None, batch_sampler=None, num_workers=0,
                 collate_fn=None, pin_memory=False, drop_last=False, timeout=0, worker_init_fn=None,
                 multiprocessing_context=None, generator=None, *, prefetch_factor=None, persistent_workers=False,
                 pin_memory_device="", in_order=True):
        if num_workers < 0:
            raise ValueError("num_workers option should be non-negative; use num_workers=0 to disable "
                             "multiprocessing.")
        if timeout < 0:
            raise ValueError("timeout option should be non-negative")
        if num_workers == 0 and prefetch_factor is not None:
            raise ValueError("prefetch_factor option could only be specified in multiprocessing.let num_workers > 0 "
                             "to enable multiprocessing, otherwise set prefetch_factor to None.")
        if num_workers > 0 and prefetch_factor is None:
            prefetch_factor = 2
        elif prefetch_factor is not None and prefetch_factor < 0:
            raise ValueError("prefetch_factor option should be non-negative")
        if persistent_workers and num_workers == 0:
            raise ValueError("persistent_workers option needs num_workers > 0")
        self.dataset = dataset
        self.num_workers = num_workers
        self.prefetch_factor = prefetch_factor
        self.pin_memory = pin_memory
        self.pin_memory_device = pin_memory_device
        self.timeout = timeout
        self.worker_init_fn = worker_init_fn
        self.multiprocessing_context = multiprocessing_context
        self.in_order = in_order
        self._iterable = isinstance(dataset, IterableDataset)
        if self._iterable:
            if shuffle not in (False, None):
                raise ValueError(f"DataLoader with IterableDataset: expected unspecified shuffle option, but got "
                                 f"shuffle={shuffle}")
            if sampler is not None:
                raise ValueError(f"DataLoader with IterableDataset: expected unspecified sampler option, but got "
                                 f"sampler={sampler}")
            if batch_sampler is not None:
                raise ValueError(f"DataLoader with IterableDataset: expected unspecified batch_sampler option, but "
                                 f"got batch_sampler={batch_sampler}")
        else:
            shuffle = bool(shuffle)
        if sampler is not None and shuffle:
            raise ValueError("sampler option is mutually exclusive with shuffle")
        if batch_sampler is not None:
            if batch_size != 1 or shuffle or sampler is not None or drop_last:
                raise ValueError("batch_sampler option is mutually exclusive with batch_size, shuffle, sampler, and "
                                 "drop_last")
            batch_size, drop_last = None, False
        elif batch_size is None and drop_last:
            raise ValueError("batch_size=None option disables auto-batching and is mutually exclusive with drop_last")
        if sampler is None:
            if self._iterable:
                sampler = _InfiniteConstantSampler()
            elif shuffle:
                sampler = RandomSampler(dataset, generator=generator)
            else:
                sampler = SequentialSampler(dataset)
        if batch_size is not None and batch_sampler is None:
            batch_sampler = BatchSampler(sampler, batch_size, drop_last)
        self.batch_size = batch_size
        self.drop_last = drop_last
        self.sampler = sampler
        self.batch_sampler = batch_sampler
        self.generator = generator
        if collate_fn is None:
            collate_fn = default_collate if self._auto_collation else default_convert
        self.collate_fn = collate_fn
        self.persistent_workers = persistent_workers
        self._iterator = None
        self.__initialized = True

    @property
    def multiprocessing_context(self):
        return self.__multiprocessing_context

    @multiprocessing_context.setter
    def multiprocessing_context(self, context):
        if context is not None:
            if self.num_workers == 0:
                raise ValueError(f"multiprocessing_context can only be used with multi-process loading "
                                 f"(num_workers > 0), but got num_workers={self.num_workers}")
            if isinstance(context, str):
                methods = multiprocessing.get_all_start_methods()
                if context not in methods:
                    raise ValueError(f"multiprocessing_context option should specify a valid start method in "
                                     f"{methods!r}, but got multiprocessing_context={context!r}")
                context = multiprocessing.get_context(context)
            if not isinstance(context, multiprocessing.context.BaseContext):
                raise TypeError(f"multiprocessing_context option should be a valid context object or a string "
                                f"specifying the start method, but got multiprocessing_context={context}")
        self.__multiprocessing_context = context

    def __setattr__(self, attr, val):
        if self.__initialized and attr in self._FROZEN:
            raise ValueError(f"{attr} attribute should not be set after {self.__class__.__name__} is initialized")
        super().__setattr__(attr, val)

    @property
    def _auto_collation(self):
        return self.batch_sampler is not None

    @property
    def _index_sampler(self):
        return self.batch_sampler if self._auto_collation else self.sampler

    def __iter__(self):
        if self.num_workers == 0:
            return _SingleProcessDataLoaderIter(self)
        if not self.persistent_workers:
            return _MultiProcessingDataLoaderIter(self)
        if self._iterator is None:
            self._iterator = _MultiProcessingDataLoaderIter(self)
        else:
            self._iterator._reset(self)
        return self._iterator

    def __len__(self):
        if self._iterable:
            length = len(self.dataset)
            if self.batch_size is not None:
                length = length // self.batch_size if self.drop_last else math.ceil(length / self.batch_size)
            return length
        return len(self._index_sampler)


class _BaseDataLoaderIter:
    def __init__(self, loader):
        from ... import creation, dtypes
        self._dataset = loader.dataset
        self._iterable = loader._iterable
        self._auto_collation = loader._auto_collation
        self._drop_last = loader.drop_last
        self._index_sampler = loader._index_sampler
        self._num_workers = loader.num_workers
        self._timeout = loader.timeout
        self._collate_fn = loader.collate_fn
        self._persistent_workers = loader.persistent_workers
        if loader.pin_memory:
            from ... import cuda
            if not cuda.is_available():
                warnings.warn("'pin_memory' argument is set as true but no accelerator is found, then device pinned "
                              "memory won't be used.", stacklevel=3)
        self._sampler_iter = iter(self._index_sampler)
        # drawn before the sampler's first draw, as torch draws it: the workers' seeds come from it
        self._base_seed = creation.empty((), dtype=dtypes.int64).random_(generator=loader.generator).item()
        self._num_yielded = 0

    def __iter__(self):
        return self

    def _reset(self, loader, first_iter=False):
        self._sampler_iter = iter(self._index_sampler)
        self._num_yielded = 0

    def _next_index(self):
        return next(self._sampler_iter)

    def __next__(self):
        data = self._next_data()
        self._num_yielded += 1
        return data

    def __len__(self):
        return len(self._index_sampler)

    def __getstate__(self):
        raise NotImplementedError(f"{self.__class__.__name__} cannot be pickled")


class _SingleProcessDataLoaderIter(_BaseDataLoaderIter):
    def __init__(self, loader):
        super().__init__(loader)
        self._fetcher = create_fetcher(self._iterable, self._dataset, self._auto_collation, self._collate_fn,
                                       self._drop_last)

    def _next_data(self):
        return self._fetcher.fetch(self._next_index())


class _MultiProcessingDataLoaderIter(_BaseDataLoaderIter):
    """Workers, their pipes and the bookkeeping that delivers batches in order (see the module)."""

    def __init__(self, loader):
        super().__init__(loader)
        self._shutdown = True  # until the workers exist
        self._prefetch_factor = loader.prefetch_factor
        self._in_order = loader.in_order  # False: hand out each batch as it arrives
        if self._prefetch_factor <= 0:
            raise ValueError("prefetch_factor must be greater than 0 when num_workers > 0")
        ctx = loader.multiprocessing_context or multiprocessing.get_context()
        self._shm_prefix = shared_memory.prefix(os.getpid(), next(_iterator_ids)) if shared_memory.available() \
            else None
        shared_memory.register()
        self._workers, self._index_conns, self._result_conns = [], [], []
        self._owner = os.getpid()  # a forked worker's copy of this iterator must never stop anything
        self._shutdown = False
        _live.add(self)
        main_pid = None if ctx.get_start_method() == "forkserver" else self._owner  # the workers' parent
        try:
            for i in range(self._num_workers):
                index_recv, index_send = ctx.Pipe(duplex=False)
                result_recv, result_send = ctx.Pipe(duplex=False)
                w = ctx.Process(target=worker_loop, daemon=True, args=(
                    self._iterable, self._dataset, index_recv, result_send, self._auto_collation, self._collate_fn,
                    self._drop_last, self._base_seed, loader.worker_init_fn, i, self._num_workers, self._shm_prefix,
                    _utils.MP_STATUS_CHECK_INTERVAL, main_pid))
                w.start()
                index_recv.close()
                result_send.close()
                self._workers.append(w)
                self._index_conns.append(index_send)
                self._result_conns.append(result_recv)
            self._reset(loader, first_iter=True)
        except BaseException:
            self._shutdown_workers()
            raise

    def _reset(self, loader, first_iter=False):
        super()._reset(loader, first_iter)
        self._send_idx = 0  # the next task to send
        self._rcvd_idx = 0  # the next task to hand out
        self._task_info = {}  # task -> (worker,) while outstanding, (worker, data) once it arrived early
        self._workers_status = [True] * self._num_workers  # still has work this epoch
        self._workers_num_tasks = [0] * self._num_workers
        self._worker_cycle = itertools.cycle(range(self._num_workers))
        if not first_iter:  # persistent workers: drop last epoch's leftovers, restart every worker
            for conn in self._index_conns:
                conn.send(_ResumeIteration())
            pending = self._num_workers
            while pending:
                task, _ = self._get_data()
                pending -= isinstance(task, _ResumeIteration)
        for _ in range(self._prefetch_factor * self._num_workers):
            self._try_put_index()

    def _try_put_index(self):
        try:
            index = self._next_index()
        except StopIteration:
            return
        for _ in range(self._num_workers):
            w = next(self._worker_cycle)
            if self._workers_status[w] and self._workers_num_tasks[w] < self._prefetch_factor:
                break
        else:
            return
        self._index_conns[w].send((self._send_idx, index))
        self._task_info[self._send_idx] = (w,)
        self._workers_num_tasks[w] += 1
        self._send_idx += 1

    def _worker_failed(self, w):
        proc = self._workers[w]
        proc.join(1.0)  # it has closed its pipe or exited: let the exit status arrive
        code = proc.exitcode
        if code is not None and code < 0:
            try:
                name = signal.Signals(-code).name
                desc = signal.strsignal(-code) or name
            except ValueError:
                desc = f"signal {-code}"
            return RuntimeError(f"DataLoader worker (pid {proc.pid}) is killed by signal: {desc}. ")
        if code:
            return RuntimeError(f"DataLoader worker (pid {proc.pid}) exited unexpectedly with exit code {code}. "
                                "Details are lost due to multiprocessing. Rerunning with num_workers=0 may give "
                                "better error trace.")
        return RuntimeError(f"DataLoader worker (pid(s) {proc.pid}) exited unexpectedly")

    def _get_data(self):
        """The next ``(task, data)`` any active worker sends; RuntimeError when a worker dies or
        ``timeout`` passes first."""
        active = [w for w in range(self._num_workers) if self._workers_status[w]]
        conns = {self._result_conns[w]: w for w in active}
        sentinels = {self._workers[w].sentinel: w for w in active}
        while True:
            ready = wait(list(conns) + list(sentinels), self._timeout or None)
            if not ready:
                raise RuntimeError(f"DataLoader timed out after {self._timeout} seconds")
            for r in ready:
                if r in conns:
                    try:
                        return pickle.loads(r.recv_bytes())
                    except EOFError:  # its worker is gone and everything it sent has been read
                        self._fail(conns[r])
            for r in ready:
                if r in sentinels and not self._result_conns[sentinels[r]].poll(0):
                    self._fail(sentinels[r])

    def _fail(self, w):
        self._workers_status[w] = False
        error = self._worker_failed(w)
        self._shutdown_workers()
        raise error

    def _next_data(self):
        while True:
            while self._rcvd_idx < self._send_idx:  # skip tasks handed out early or of workers that ran dry
                info = self._task_info.get(self._rcvd_idx)
                if info is not None and (len(info) == 2 or self._workers_status[info[0]]):
                    break
                self._task_info.pop(self._rcvd_idx, None)
                self._rcvd_idx += 1
            else:
                if not self._persistent_workers:
                    self._shutdown_workers()
                raise StopIteration
            info = self._task_info[self._rcvd_idx]
            if len(info) == 2:
                del self._task_info[self._rcvd_idx]
                self._rcvd_idx += 1
                return self._process_data(info[0], info[1])
            task, data = self._get_data()
            if isinstance(data, _IterableDatasetStopIteration):
                self._workers_status[data.worker_id] = False
                if not self._persistent_workers:
                    self._index_conns[data.worker_id].send(None)
                self._try_put_index()
                continue
            if task != self._rcvd_idx and self._in_order:
                self._task_info[task] += (data,)
                continue
            w = self._task_info.pop(task)[0]
            self._rcvd_idx += task == self._rcvd_idx
            return self._process_data(w, data)

    def _process_data(self, w, data):
        self._workers_num_tasks[w] -= 1
        self._try_put_index()
        if isinstance(data, ExceptionWrapper):
            data.reraise()
        return data

    def _shutdown_workers(self):
        """Stop every worker: ask, give them a moment while draining their pipes, then terminate.
        Safe to call twice and from ``__del__``."""
        if self._shutdown or os.getpid() != self._owner:
            return
        self._shutdown = True
        _live.discard(self)
        for conn in self._index_conns:
            try:
                conn.send(None)
            except (OSError, ValueError):
                pass  # that worker is already gone
        alive = [w for w in self._workers if w.is_alive()]
        conns = list(self._result_conns)
        deadline = time.monotonic() + _SHUTDOWN_GRACE
        while alive and conns:
            ready = wait(conns + [w.sentinel for w in alive], max(0.0, deadline - time.monotonic()))
            if not ready:
                break
            for c in ready:
                if c in conns:
                    try:
                        c.recv_bytes()  # discarded; its shared-memory files go with ``cleanup``
                    except (EOFError, OSError):
                        conns.remove(c)
            alive = [w for w in alive if w.is_alive()]
        for w in self._workers:
            if w.is_alive():
                w.terminate()
            w.join()
        for conn in self._index_conns + self._result_conns:
            conn.close()
        if self._shm_prefix is not None:
            shared_memory.cleanup(self._shm_prefix)

    def __del__(self):
        self._shutdown_workers()


@atexit.register
def _shutdown_all():
    """At interpreter exit (before multiprocessing's own handler kills daemonic workers): stop the
    workers of every live iterator in order and remove their shared-memory files."""
    for it in list(_live):
        it._shutdown_workers()
