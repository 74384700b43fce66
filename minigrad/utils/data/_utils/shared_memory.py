"""Tensors that leave a DataLoader worker through shared memory instead of the result pipe.

In a worker (``enable``), pickling a CPU tensor of at least ``MIN_BYTES`` writes its bytes once to a
new file in ``/dev/shm`` and pickles only the file's name; unpickling in the main process maps the
file, unlinks it and wraps the mapping as the tensor's array, so the batch's data is written once
and never read through a pipe. Files are named ``minigrad-<main pid>-<loader tag>-...``: ``cleanup``
removes whatever an interrupted transfer left behind. Elsewhere tensors pickle as usual."""
import itertools
import mmap
import os
from multiprocessing.reduction import ForkingPickler

import numpy as np

SHM_DIR = "/dev/shm"
MIN_BYTES = 1 << 16  # below this a pickled copy through the pipe is cheaper than a file
_prefix = None  # set in a worker: the name prefix of this loader's files
_counter = itertools.count()


def available():
    return os.path.isdir(SHM_DIR) and os.access(SHM_DIR, os.W_OK)


def prefix(main_pid, tag):
    return os.path.join(SHM_DIR, f"minigrad-{main_pid}-{tag}-")


def enable(file_prefix):
    """In a worker process: send tensors through files named ``file_prefix...`` from now on."""
    global _prefix
    _prefix = file_prefix


def cleanup(file_prefix):
    """Remove the files a loader's workers wrote that the main process never received."""
    folder, name = os.path.split(file_prefix)
    for entry in os.listdir(folder):
        if entry.startswith(name):
            try:
                os.unlink(os.path.join(folder, entry))
            except FileNotFoundError:
                pass


def _write(arr):
    path = f"{_prefix}{os.getpid()}-{next(_counter)}"
    fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_RDWR, 0o600)
    try:
        view = memoryview(np.ascontiguousarray(arr)).cast("B")
        while view:
            view = view[os.write(fd, view):]
    finally:
        os.close(fd)
    return path


def _rebuild(path, dtype, shape, requires_grad):
    from ....tensor import Tensor
    fd = os.open(path, os.O_RDWR)
    try:
        buf = mmap.mmap(fd, os.fstat(fd).st_size)
    finally:
        os.close(fd)
        os.unlink(path)
    arr = np.frombuffer(buf, dtype=dtype).reshape(shape)
    t = Tensor._make(arr)
    t._requires_grad = requires_grad
    return t


def _reduce_tensor(t):
    if _prefix is None or t._device.type != "cpu" or t._data.nbytes < MIN_BYTES:
        return t.__reduce_ex__(2)
    return _rebuild, (_write(t._data), t._data.dtype.str, t._data.shape, t._requires_grad)


def register():
    from ....tensor import Tensor
    ForkingPickler.register(Tensor, _reduce_tensor)
