"""DataLoader worker processes: results and order as torch's, seeds, and every way a worker can fail
or be abandoned, each with a time bound and a check that no worker process is left."""
import gc
import multiprocessing
import os
import signal
import time

import numpy as np
import pytest
import torch
import torch.utils.data as tud
from torch.utils.data._utils.worker import _generate_state

import minigrad
import minigrad.utils.data as mud
from minigrad.utils.data._utils import shared_memory
from minigrad.utils.data._utils.collate import default_collate
from minigrad.utils.data._utils.worker import numpy_seed, worker_loop
from tests.hardening import childproc
from tests.utils.data_helpers import Big, Seeds, Squares, Stream, shm_files, torch_stream
from tests.utils.test_collate import _same


@pytest.fixture(autouse=True)
def no_leftovers():
    """Every test leaves no worker process and no shared-memory file behind."""
    yield
    gc.collect()
    deadline = time.monotonic() + 5
    while multiprocessing.active_children() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert multiprocessing.active_children() == []
    assert shm_files() == []


@pytest.mark.parametrize("kwargs", [dict(batch_size=3), dict(batch_size=None), dict(batch_size=2, prefetch_factor=1),
                                    dict(batch_size=4, drop_last=True, num_workers=3)])
def test_map_dataset_in_order(kwargs):
    kwargs = dict(dict(num_workers=2), **kwargs)
    _same(list(mud.DataLoader(Squares(11), **kwargs)), list(tud.DataLoader(Squares(11), **kwargs)))


@pytest.mark.parametrize("kwargs", [dict(batch_size=2), dict(batch_size=None), dict(batch_size=3, drop_last=True)])
def test_iterable_dataset_shares(kwargs):
    got = list(mud.DataLoader(Stream(0, 11), num_workers=3, **kwargs))
    _same(got, list(tud.DataLoader(torch_stream(0, 11), num_workers=3, **kwargs)))


def test_out_of_order_delivery():
    """``in_order=False``: a slow batch does not hold back the others; every batch still comes once."""
    loader = mud.DataLoader(Squares(8, sleep_at=0, sleep=1.0), batch_size=1, num_workers=2, in_order=False)
    got = [int(x) for x, _ in loader]
    assert sorted(got) == list(range(8)) and got[0] != 0


def test_worker_seeds():
    """Worker k: random/minigrad seeded with base_seed + k, numpy with torch's SeedSequence words."""
    for base, worker in ((0, 0), (12345678901234, 1), (2 ** 63 - 1, 3)):
        assert numpy_seed(base, worker).tolist() == _generate_state(base, worker)
    minigrad.manual_seed(9)
    rows = list(mud.DataLoader(Seeds(), batch_size=None, num_workers=2))
    minigrad.manual_seed(9)
    base = minigrad.empty((), dtype=minigrad.int64).random_().item()
    for row in rows:
        assert row["seed"] == base + row["worker"]
        np.random.seed(numpy_seed(base, row["worker"]))
        minigrad.manual_seed(base + row["worker"])
        draws = [(int(np.random.randint(0, 2 ** 31)), minigrad.rand(()).item()) for _ in range(4)]
        assert (row["numpy"], row["rand"]) in draws  # each worker's k-th sample takes its k-th draws
    assert {r["worker"] for r in rows} == {0, 1}


def test_worker_seeds_against_torch():
    minigrad.manual_seed(4)
    torch.manual_seed(4)
    got = list(mud.DataLoader(Seeds("minigrad"), batch_size=None, num_workers=2))
    want = list(tud.DataLoader(Seeds("torch"), batch_size=None, num_workers=2))
    assert [r["worker"] for r in got] == [r["worker"] for r in want]
    assert [r["numpy"] for r in got] == [r["numpy"] for r in want]
    assert [(r["seed"], r["rand"]) for r in got] == [(r["seed"], r["rand"]) for r in want]  # torch's generator


def test_worker_init_fn_and_info():
    def init(worker_id):
        info = mud.get_worker_info()
        assert info.id == worker_id and info.num_workers == 2
        with pytest.raises(RuntimeError, match="Cannot assign attributes to WorkerInfo objects"):
            info.id = 5
        np.random.seed(100 + worker_id)
    got = [int(b) for b in mud.DataLoader(Seeds(), batch_size=None, num_workers=2, worker_init_fn=init,
                                          collate_fn=lambda s: s["numpy"])]
    assert got[0] == np.random.RandomState(100).randint(0, 2 ** 31)


def test_spawn_context():
    got = list(mud.DataLoader(Squares(5), batch_size=2, num_workers=1, multiprocessing_context="spawn"))
    _same(got, list(tud.DataLoader(Squares(5), batch_size=2)))


def test_persistent_workers():
    loader = mud.DataLoader(Squares(7), batch_size=2, num_workers=2, persistent_workers=True)
    first = list(loader)
    pids = [w.pid for w in loader._iterator._workers]
    it = iter(loader)
    next(it)  # leave an epoch half done: its prefetched batches are dropped at the next reset
    want = list(tud.DataLoader(Squares(7), batch_size=2))
    _same(list(loader), want)
    _same(first, want)
    assert [w.pid for w in loader._iterator._workers] == pids
    del loader, it


def test_persistent_workers_iterable_dataset():
    loader = mud.DataLoader(Stream(0, 10), batch_size=3, num_workers=2, persistent_workers=True)
    want = list(tud.DataLoader(torch_stream(0, 10), batch_size=3, num_workers=2))
    _same(list(loader), want)
    _same(list(loader), want)  # every worker's stream starts again
    del loader


def test_worker_init_fn_error():
    def init(worker_id):
        raise OSError(f"init failed in {worker_id}")
    with pytest.raises(OSError, match=r"(?s)Caught OSError in DataLoader worker process \d.*init failed"):
        list(mud.DataLoader(Squares(4), num_workers=2, worker_init_fn=init))


@pytest.mark.skipif(not shared_memory.available(), reason="no writable /dev/shm: tensors come through the pipe")
def test_shared_memory_transfer():
    batches = list(mud.DataLoader(Big(), batch_size=2, num_workers=2))
    for k, b in enumerate(batches):
        assert b.shape == (2, 1 << 16) and b.dtype == minigrad.float32
        np.testing.assert_array_equal(b.numpy()[:, 0], [2 * k, 2 * k + 1])
        root = b.numpy()
        while isinstance(root.base, np.ndarray):
            root = root.base
        assert type(getattr(root.base, "obj", root.base)).__name__ == "mmap"  # came through /dev/shm
        b.add_(1)  # writable


def test_worker_exception_reraised():
    start = time.monotonic()
    with pytest.raises(ValueError, match=r"(?s)Caught ValueError in DataLoader worker process \d+\.\n"
                                         r"Original Traceback.*__getitem__.*bad sample 4"):
        list(mud.DataLoader(Squares(10, fail_at=4), batch_size=2, num_workers=2))
    assert time.monotonic() - start < 10


def test_key_error_keeps_the_traceback_readable():
    with pytest.raises(KeyError) as info:
        list(mud.DataLoader({0: 1}, sampler=[0, 1], num_workers=1))
    assert "Original Traceback" in str(info.value) and "\\n" not in str(info.value)


def test_worker_killed_by_signal():
    start = time.monotonic()
    with pytest.raises(RuntimeError, match=r"DataLoader worker \(pid \d+\) is killed by signal: Killed"):
        list(mud.DataLoader(Squares(10, kill_at=5), batch_size=2, num_workers=2))
    assert time.monotonic() - start < 10


def test_timeout():
    start = time.monotonic()
    with pytest.raises(RuntimeError, match="DataLoader timed out after 0.5 seconds"):
        list(mud.DataLoader(Squares(4, sleep_at=2, sleep=30), batch_size=1, num_workers=1, timeout=0.5))
    assert time.monotonic() - start < 10


def test_break_and_del_stop_the_workers():
    loader = mud.DataLoader(Squares(100, sleep_at=50, sleep=30), batch_size=1, num_workers=2)
    start = time.monotonic()
    for i, _ in enumerate(loader):
        if i == 3:
            break
    it = iter(loader)
    workers = list(it._workers)
    next(it)
    del it
    assert not any(w.is_alive() for w in workers)
    assert time.monotonic() - start < 10


def test_keyboard_interrupt_and_interpreter_exit():
    """SIGINT while the main process waits for a slow batch: KeyboardInterrupt, then the script ends
    (here with its workers still running at interpreter exit); no process outlives it."""
    proc = childproc.run("""
        import os, signal, sys, threading
        signal.signal(signal.SIGINT, signal.default_int_handler)  # a run started in the background inherits it ignored
        import minigrad.utils.data as mud
        from tests.utils.data_helpers import Squares
        loader = mud.DataLoader(Squares(10, sleep_at=1, sleep=60), batch_size=1, num_workers=2)
        it = iter(loader)
        print("workers", *[w.pid for w in it._workers], flush=True)
        threading.Timer(1.0, os.kill, (os.getpid(), signal.SIGINT)).start()
        try:
            list(it)
        except KeyboardInterrupt:
            print("interrupted", flush=True)
        keep = iter(mud.DataLoader(Squares(4, sleep_at=0, sleep=60), num_workers=2))
        print("workers", *[w.pid for w in keep._workers], flush=True)
        sys.exit(0)
    """, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert "interrupted" in proc.stdout
    pids = [int(p) for line in proc.stdout.splitlines() if line.startswith("workers") for p in line.split()[1:]]
    assert len(pids) == 4
    time.sleep(0.2)
    assert not any(_exists(p) for p in pids)


def test_workers_exit_when_the_main_process_is_killed():
    proc = childproc.run("""
        import os, signal
        import minigrad.utils.data as mud
        from tests.utils.data_helpers import Squares
        it = iter(mud.DataLoader(Squares(10, sleep_at=9, sleep=0.1), num_workers=2))
        print("workers", *[w.pid for w in it._workers], flush=True)
        os.kill(os.getpid(), signal.SIGKILL)
    """, timeout=60)
    pids = [int(p) for p in proc.stdout.split("workers")[1].split()]
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and any(_exists(p) for p in pids):
        time.sleep(0.1)
    assert not any(_exists(p) for p in pids)


def test_a_worker_started_after_the_main_process_died_exits():
    """The race behind the test above, made certain: the main process can be killed before a worker
    first reads its parent. The worker is told the main process's pid, so one whose parent is already
    another process stops at once instead of watching the reaper that adopted it."""
    index_recv, index_send = multiprocessing.Pipe(duplex=False)
    result_recv, result_send = multiprocessing.Pipe(duplex=False)
    gone = multiprocessing.Process(target=int)  # its pid: a main process that is not the worker's parent
    gone.start()
    gone.join()
    w = multiprocessing.Process(target=worker_loop, args=(False, Squares(4), index_recv, result_send, True,
                                                          default_collate, False, 0, None, 0, 1, None, 0.05, gone.pid))
    w.start()
    w.join(10)
    assert w.exitcode == 0
    for conn in (index_recv, index_send, result_recv, result_send):
        conn.close()


def _exists(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True
